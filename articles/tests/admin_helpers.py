"""Users and requests for admin tests (the data itself comes from ``factories``)."""

import importlib
import pkgutil
from types import SimpleNamespace

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection

from articles.admin.actions import SEEN_STATE, selection_state
from articles.models import Article


def make_user(username, *, group=None, perms=(), **fields):
    fields.setdefault("is_staff", True)
    user = get_user_model().objects.create_user(username, password="pw-for-tests-1", **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_editor(username="editor"):
    return make_user(username, group="Editors")


def action_post(action, objects, **extra):
    """POST data that runs an admin action on ``objects``; confirming (``apply=``) a
    decision on articles or a merge, with the digest of them its page would carry, as
    they are now (``articles.admin.actions.selection_state``)."""
    data = {
        "action": action,
        ACTION_CHECKBOX_NAME: [str(obj.pk) for obj in objects],
        "index": "0",
        **extra,
    }
    if "apply" in extra and objects and action == "merge":
        model = type(objects[0])
        fields = admin.site._registry[model].merge_state_fields
        queryset = model.objects.filter(pk__in=[obj.pk for obj in objects])
        data.setdefault(SEEN_STATE, selection_state(queryset, fields=fields))
    elif "apply" in extra and objects and all(isinstance(obj, Article) for obj in objects):
        data.setdefault(SEEN_STATE, seen_state(objects))
    return data


def seen(*articles):
    """The digest field of a one-article decision page showing ``articles``."""
    return {SEEN_STATE: seen_state(articles)}


def seen_state(articles, *others):
    """The digest a confirmation page listing ``articles`` (and acting on ``others``)
    carries now."""
    pks = [a.pk for a in [*articles, *others]]
    return selection_state(Article.objects.filter(pk__in=pks))


def ensure_editors_group():
    """Re-run the group's data migration: transactional tests flush what migrations made."""
    editor = SimpleNamespace(connection=connection)
    migration = importlib.import_module("articles.migrations.0002_editors_group")
    migration.create_editors_group(apps, editor)
    # Later grants, found by name (their numbers change when branches merge).
    for name in _migration_names("_import_seeds_permission"):
        importlib.import_module(f"articles.migrations.{name}").grant_to_editors(apps, editor)


def _migration_names(suffix):
    import articles.migrations

    return sorted(
        module.name
        for module in pkgutil.iter_modules(articles.migrations.__path__)
        if module.name.endswith(suffix)
    )
