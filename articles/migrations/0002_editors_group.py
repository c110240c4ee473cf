"""The "Editors" group: exactly what the editorial desk needs, nothing about users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Editors"

# (app_label, codename). Frozen here: later changes need a new migration.
EDITOR_PERMISSIONS = [
    ("articles", "view_article"),
    ("articles", "change_article"),
    ("articles", "publish_article"),
    ("articles", "view_articleimage"),
    ("articles", "change_articleimage"),
    ("articles", "delete_articleimage"),
    ("articles", "view_relatedlink"),
    ("articles", "change_relatedlink"),
    ("articles", "view_topic"),
    ("articles", "add_topic"),
    ("articles", "change_topic"),
    ("articles", "view_statuschange"),
    ("articles", "view_importrun"),
    ("articles", "view_importfailure"),
    ("providers", "view_provider"),
    ("providers", "change_provider"),
    ("providers", "view_provideralias"),
    ("providers", "add_provideralias"),
    ("providers", "change_provideralias"),
    ("providers", "delete_provideralias"),
]


def create_editors_group(apps, schema_editor):
    # On a fresh database the permissions are only created after all migrations
    # (post_migrate); create this app's and providers' now so the group can hold them.
    for label in ("articles", "providers"):
        app_config = apps.get_app_config(label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    permissions = []
    for app_label, codename in EDITOR_PERMISSIONS:
        permissions.append(
            Permission.objects.using(db).get(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(permissions)


def delete_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name=GROUP_NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("providers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
