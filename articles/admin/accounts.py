"""Django's user and group admins and django-axes's login records, re-registered with
the desk's guards (``SafeLookupsMixin``, ``SafeToFieldMixin``).

Their pages are unchanged; only a query string the desk refuses everywhere (a filter on
a password hash, a ``_to_field`` naming a reverse relation, a filter the database cannot
run) answers as on every desk page instead of a server error.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.validators import MaxLengthValidator

from .base import SafeLookupsMixin, SafeToFieldMixin

User = get_user_model()

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(SafeLookupsMixin, SafeToFieldMixin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(SafeLookupsMixin, SafeToFieldMixin, auth_admin.GroupAdmin):
    pass


# django-axes's attempts and logs (registered before this app's admin: INSTALLED_APPS).
for model, model_admin in list(admin.site._registry.items()):
    if model._meta.app_label == "axes":
        admin.site.unregister(model)
        guarded = (SafeLookupsMixin, SafeToFieldMixin, type(model_admin))
        admin.site.register(model, type(type(model_admin).__name__, guarded, {}))


class LoginForm(AdminAuthenticationForm):
    """The desk's login form: a username longer than any account's is refused on its
    field, before it is tried. Tried, django-axes stored it in a 255-character column (a
    server error on PostgreSQL for a 300-character name)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


admin.site.login_form = LoginForm
