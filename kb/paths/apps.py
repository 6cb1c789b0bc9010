from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    """Reading paths for newcomers, read marks, and acknowledged significant changes."""

    name = "kb.paths"
    label = "paths"
    verbose_name = _("Reading paths")
    default_auto_field = "django.db.models.BigAutoField"
