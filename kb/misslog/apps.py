from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissLogConfig(AppConfig):
    name = "kb.misslog"
    label = "misslog"
    verbose_name = _("Miss log")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import atexit

        from django.core.signals import request_finished, request_started

        from kb.misslog.services import finish_request, start_request, write_waiting

        request_started.connect(start_request, dispatch_uid="misslog_start_request")
        request_finished.connect(finish_request, dispatch_uid="misslog_finish_request")
        # Searches still gathered when the process ends are written on the way out.
        atexit.unregister(write_waiting)  # once, however often ready() runs
        atexit.register(write_waiting)
