import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.editors import EDITORS_GROUP, create_editor

PASSWORD_ENV = "NEWSROOM_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a staff user in the Editors group. The password comes from "
        f"${PASSWORD_ENV}, or is asked for when run in a terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=f"Never prompt; fail unless ${PASSWORD_ENV} is set.",
        )

    def handle(self, username, email, interactive, **options):
        if get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        if not Group.objects.filter(name=EDITORS_GROUP).exists():
            raise CommandError(f"No {EDITORS_GROUP!r} group: run `manage.py migrate` first.")
        password = os.environ.get(PASSWORD_ENV) or self.ask_password(interactive)
        try:
            user = create_editor(username, password, email=email)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Editor {user.username!r} created; log in at /admin/.")
            )

    def ask_password(self, interactive):
        if not (interactive and sys.stdin.isatty()):
            raise CommandError(f"No password: set ${PASSWORD_ENV} or run in a terminal.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("The password may not be empty.")
        return password
