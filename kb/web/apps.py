from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Pages, the API, feeds and the caches in front of them."""

    name = "kb.web"
    label = "web"
    verbose_name = _("Site")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from kb.web import page_cache, viewcounts

        page_cache.connect_signals()
        request_finished.connect(viewcounts.flush_after_response, dispatch_uid="pravila-views")
