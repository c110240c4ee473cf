"""``manage.py export_seeds DIR``: every article written back as a seed file."""

from django.core.management.base import BaseCommand, CommandError

from articles.seedfiles import export_seeds


class Command(BaseCommand):
    help = (
        "Write every article into DIR as a seed file named <slug>.txt, in the feed's own "
        "format, so that import_seeds can read it back (see articles/seedfiles/exporter.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="folder to write (created if missing)")

    def handle(self, *args, directory, verbosity, **options):
        try:
            result = export_seeds(directory)
        except OSError as exc:
            raise CommandError(f"cannot write to {directory}: {exc.strerror or exc}") from None
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"exported {result.count} articles to {result.directory}")
            )
