from django.core.management.base import BaseCommand

from articles.models import Article, Story
from articles.stories import cluster_all


class Command(BaseCommand):
    help = (
        "Index every article's significant words and group the articles into stories, as "
        "imports do: for a database imported before stories, or with STORY_CLUSTERING off. "
        "Editors' decisions are kept; running it again changes nothing."
    )

    def handle(self, **options):
        def progress(done, total):
            if options["verbosity"] >= 2:
                self.stdout.write(f"{done}/{total} articles")

        result = cluster_all(progress=progress)
        if options["verbosity"] >= 1:
            in_stories = Article.objects.filter(story__isnull=False).count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"{Story.objects.count()} stories, {in_stories} articles in them; this run "
                    f"placed {result.joined} and merged {result.merged} stories."
                )
            )
