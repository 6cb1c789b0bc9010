from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    """The knowledge base's content: entries, steps, sources, tags, synonyms and their history.

    Its label stays `kb`, the app's label from before the layers, so migrations, permissions
    and stored data keep their names.
    """

    name = "kb.content"
    label = "kb"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kb.content import tag_counts

        tag_counts.connect_signals()
