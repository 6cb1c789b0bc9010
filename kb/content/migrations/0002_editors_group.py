"""The Editors group: exactly the rights to maintain entries, steps, tags, sources, synonyms."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = [
    "entry",
    "principle",
    "rule",
    "situation",
    "case",
    "response",
    "source",
    "tag",
    "taggedentry",
    "synonym",
]
ACTIONS = ["add", "change", "delete", "view"]


def create_editors(apps, schema_editor):
    # Permissions are normally created after all migrations; editors need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model in EDITOR_MODELS for action in ACTIONS]
    permissions = Permission.objects.filter(content_type__app_label="kb", codename__in=codenames)
    editors.permissions.add(*permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
