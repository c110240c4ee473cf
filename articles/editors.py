"""The editorial desk's people and clock.

The "Editors" group and how to add someone to it; what being on the desk lets them see
on the public site; and the desk's time zone, in which the admin shows and takes times
(``NEWSROOM_DESK_TIME_ZONE``, default "Europe/London").
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

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


DEFAULT_DESK_TIME_ZONE = "Europe/London"


def desk_timezone():
    """The time zone the desk works in: ``settings.NEWSROOM_DESK_TIME_ZONE``."""
    return ZoneInfo(getattr(settings, "NEWSROOM_DESK_TIME_ZONE", DEFAULT_DESK_TIME_ZONE))


def desk_time(when):
    """``when`` as the desk reads it: "1 Dec 2026, 14:00 GMT"."""
    local = when.astimezone(desk_timezone())
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def desk_time_short(when):
    """A compact "1 Dec 14:05" (the year only when it is not this one) for table cells."""
    local = when.astimezone(desk_timezone())
    this_year = timezone.now().astimezone(desk_timezone()).year
    return (
        f"{local.day} {local:%b %H:%M}" if local.year == this_year else f"{local.day} {local:%b %Y}"
    )


def next_full_hour(now=None):
    """The default schedule: the next full hour on the desk's clock, at least 30 min away."""
    local = (now or timezone.now()).astimezone(desk_timezone())
    hour = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if hour - local < timedelta(minutes=30):
        hour += timedelta(hours=1)
    return hour
