from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissLogConfig(AppConfig):
    name = "kb.misslog"
    label = "misslog"
    verbose_name = _("Miss log")
    default_auto_field = "django.db.models.BigAutoField"
