"""Further places in sources an entry cites, edited on the entry's form."""

from adminsortable2.admin import SortableInlineAdminMixin
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kb.content.models import Citation


class CitationInline(SortableInlineAdminMixin, admin.TabularInline):
    model = Citation
    fields = ("source", "locator")
    extra = 0
    verbose_name = _("further citation")
    verbose_name_plural = _("further citations (besides the source above)")
    # The entry form (admin/kb/entry_form.html) shows it under the source, not under the steps.
    follows_source = True
