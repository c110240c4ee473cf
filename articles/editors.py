"""The editorial desk's people: the "Editors" group, how to add someone to it, and
what being on the desk lets them see on the public site."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

EDITORS_GROUP = "Editors"
# Who may see an unpublished article on the public site: whoever may see it in the admin.
PREVIEW_PERMISSIONS = ("articles.view_article", "articles.change_article")


def can_preview(user):
    """Whether ``user`` may preview unpublished articles on the public site.

    Staff status alone is not enough: the preview shows what the admin shows, so it
    needs a permission to view (or change) articles there.
    """
    return user.is_active and any(user.has_perm(perm) for perm in PREVIEW_PERMISSIONS)


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
