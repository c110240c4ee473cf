"""The editorial desk's people: the "Editors" group and how to add someone to it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

EDITORS_GROUP = "Editors"


@transaction.atomic
def create_editor(username, password, email=""):
    """A staff user in the Editors group (created by migration ``0002_editors_group``).

    Raises ``ValidationError`` for a password the validators refuse and
    ``Group.DoesNotExist`` if migrations have not run.
    """
    User = get_user_model()
    user = User(username=username, email=email, is_staff=True)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user
