"""Django's own user and group admins, re-registered with ``SafeToFieldMixin``.

Their pages are unchanged; only a ``_to_field`` naming a reverse relation
(``?_to_field=logentry``) answers 400 instead of a 500, as on every desk page.
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .base import SafeToFieldMixin

User = get_user_model()

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(SafeToFieldMixin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(SafeToFieldMixin, auth_admin.GroupAdmin):
    pass
