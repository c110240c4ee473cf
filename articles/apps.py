from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from . import pagecache
        from .search import restore_sqlite_triggers

        pagecache.connect_signals()
        post_migrate.connect(restore_sqlite_triggers, sender=self)
