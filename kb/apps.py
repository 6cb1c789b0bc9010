from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from kb import caching, viewcounts

        caching.connect_signals()
        request_finished.connect(viewcounts.flush_after_response, dispatch_uid="pravila-views")
