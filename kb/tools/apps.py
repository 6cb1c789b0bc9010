from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToolsConfig(AppConfig):
    """Commands for operators and developers: export and import, benchmarks, quality reports."""

    name = "kb.tools"
    label = "tools"
    verbose_name = _("Tools")
