from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article, Topic
from articles.stories import cluster_all
from providers.models import Provider


class Command(BaseCommand):
    help = (
        "Load the demo fixture into an empty database. A database with any article, "
        "topic or publisher is left alone, so editors' decisions survive a second `make demo`."
    )

    def handle(self, **options):
        if Article.objects.exists() or Topic.objects.exists() or Provider.objects.exists():
            if options["verbosity"] >= 1:
                self.stdout.write("The database already has content: demo fixture not loaded.")
            return
        call_command("loaddata", "demo", verbosity=options["verbosity"])
        # The fixture carries the stories; their words are indexed here, so the next
        # import finds the demo's articles as look-alikes.
        cluster_all()
