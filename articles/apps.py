from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from . import pagecache
        from .search import register_sqlite_function, restore_sqlite_triggers

        pagecache.connect_signals()
        # SQLite's search triggers fold text with newsroom_search_text() (articles.search).
        connection_created.connect(register_sqlite_function)
        post_migrate.connect(restore_sqlite_triggers, sender=self)
