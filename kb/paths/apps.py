from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    """Reading paths for newcomers, read marks, and acknowledged significant changes."""

    name = "kb.paths"
    label = "paths"
    verbose_name = _("Reading")  # its models: «Пути чтения», read marks, changes
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kb.core.signals import seed_loaded, significant_change
        from kb.paths import services
        from kb.paths.seed import on_seed_loaded

        significant_change.connect(services.significant_change_made, dispatch_uid="paths-change")
        seed_loaded.connect(on_seed_loaded, dispatch_uid="paths-seed")
