"""The editors' admin: every model, with markdown preview and drag-and-drop step ordering.

One module per concern; importing them registers the model admins.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitTag

from kb.content.admin import entries, taxonomy  # noqa: F401  (registers the model admins)

# Only our own tag model is used; taggit's default one would only confuse editors.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)

admin.site.site_header = _("Pravila: editors' admin")
admin.site.site_title = _("Pravila")
admin.site.index_title = _("Knowledge base")
