"""``articles.import_seeds``: upload seed files from the desk; the Editors group gets it.

Editors already publish, and an upload is no stronger than that (a seed's ``published:
true`` publishes a new article), so the desk's uploads are theirs to make.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Editors"
PERMISSION = "import_seeds"


def grant_to_editors(apps, schema_editor):
    # On a fresh database permissions are created only after all migrations (post_migrate).
    app_config = apps.get_app_config("articles")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = models_module

    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.using(db).get(
        content_type__app_label="articles", codename=PERMISSION
    )
    for group in Group.objects.using(db).filter(name=GROUP_NAME):
        group.permissions.add(permission)


def revoke_from_editors(apps, schema_editor):
    db = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.using(db).filter(
        content_type__app_label="articles", codename=PERMISSION
    ):
        permission.group_set.remove(*permission.group_set.filter(name=GROUP_NAME))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_stories"),
        ("articles", "0002_editors_group"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="importrun",
            options={
                "get_latest_by": "started_at",
                "ordering": ["-started_at", "-id"],
                "permissions": [("import_seeds", "Can import seed files from the desk")],
                "verbose_name": "import run",
            },
        ),
        migrations.RunPython(grant_to_editors, revoke_from_editors),
    ]
