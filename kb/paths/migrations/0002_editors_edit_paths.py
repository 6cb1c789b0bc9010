"""Editors (team leads) compose reading paths and see who read them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["path", "pathentry"]
ACTIONS = ["add", "change", "delete", "view"]


def allow_editors(apps, schema_editor):
    # Permissions are normally created after all migrations; editors need them now.
    app_config = apps.get_app_config("paths")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model in EDITOR_MODELS for action in ACTIONS]
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="paths", codename__in=codenames)
    )


def disallow_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(*Permission.objects.filter(content_type__app_label="paths"))


class Migration(migrations.Migration):
    dependencies = [
        ("paths", "0001_initial"),
        ("kb", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(allow_editors, disallow_editors)]
