from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    """Reading paths for newcomers, read marks, and acknowledged significant changes."""

    name = "kb.paths"
    label = "paths"
    verbose_name = _("Reading paths")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kb.core.signals import significant_change
        from kb.paths import services

        significant_change.connect(services.significant_change_made, dispatch_uid="paths-change")
