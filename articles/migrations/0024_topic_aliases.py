"""``TopicAlias``: a renamed or merged-away topic's name, which imports file under the
topic it now means. Editors may see and delete them (a rename or a merge makes them)."""

import django.db.models.deletion
import django.db.models.functions.text
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP_NAME = "Editors"
PERMISSIONS = ["view_topicalias", "delete_topicalias"]


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
    permissions = Permission.objects.using(db).filter(
        content_type__app_label="articles", codename__in=PERMISSIONS
    )
    for group in Group.objects.using(db).filter(name=GROUP_NAME):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_content_version_changed_at"),
        ("articles", "0002_editors_group"),
    ]

    operations = [
        migrations.CreateModel(
            name="TopicAlias",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="aliases",
                        to="articles.topic",
                    ),
                ),
            ],
            options={
                "verbose_name": "former topic name",
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"),
                        name="topic_alias_unique_name_ci",
                    )
                ],
            },
        ),
        migrations.RunPython(grant_to_editors, migrations.RunPython.noop),
    ]
