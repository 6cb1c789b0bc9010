"""Bulk review work on entry lists: give many entries an owner, or a review date, at once.

Each action first shows a page with the selected entries and a small form; applying it saves
every entry in one revision, so the history shows who did it.
"""

import datetime
from collections.abc import Callable
from typing import Any

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kb.content.models import Entry


def owner_label(user: Any) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return owner_label(obj)


class SetOwnerForm(forms.Form):
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
        help_text=_("The editor who keeps these entries up to date and reviews them."),
    )


class ScheduleReviewForm(forms.Form):
    review_by = forms.DateField(
        label=_("Review by"),
        widget=AdminDateWidget,
        help_text=_("The date by which each selected entry is to be reviewed."),
    )

    def clean_review_by(self) -> datetime.date:
        review_by = self.cleaned_data["review_by"]
        if review_by < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."), code="past")
        return review_by


def save_each(
    request: HttpRequest, queryset: QuerySet, comment: str, change: Callable[[Entry], None]
) -> int:
    """Apply `change` to every selected entry and save them all as one revision."""
    count = 0
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(comment)
        for entry in queryset:
            change(entry)
            entry.save()
            count += 1
    return count


def action_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    form: forms.Form,
    *,
    action: str,
    title: str,
) -> TemplateResponse:
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "app_label": opts.app_label,
        "entries": list(queryset),
        "form": form,
        "media": modeladmin.media + form.media,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/kb/review_action.html", context)


@admin.action(description=_("Set owner…"), permissions=["change"])
def set_owner(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    form = SetOwnerForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        owner = form.cleaned_data["owner"]
        count = save_each(
            request,
            queryset,
            gettext("Owner set to %(owner)s") % {"owner": owner_label(owner)},
            lambda entry: setattr(entry, "owner", owner),
        )
        modeladmin.message_user(
            request,
            ngettext(
                "%(owner)s now owns %(count)d entry.",
                "%(owner)s now owns %(count)d entries.",
                count,
            )
            % {"owner": owner_label(owner), "count": count},
            messages.SUCCESS,
        )
        return None
    return action_page(
        modeladmin, request, queryset, form, action="set_owner", title=gettext("Set owner")
    )


@admin.action(description=_("Schedule review…"), permissions=["change"])
def schedule_review(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    initial = {
        "review_by": timezone.localdate()
        + datetime.timedelta(days=settings.PRAVILA_REVIEW_PERIOD_DAYS)
    }
    form = ScheduleReviewForm(request.POST if "apply" in request.POST else None, initial=initial)
    if form.is_bound and form.is_valid():
        review_by = form.cleaned_data["review_by"]
        shown = formats.date_format(review_by, "DATE_FORMAT")
        count = save_each(
            request,
            queryset,
            gettext("Review scheduled by %(date)s") % {"date": shown},
            lambda entry: setattr(entry, "review_by", review_by),
        )
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d entry is to be reviewed by %(date)s.",
                "%(count)d entries are to be reviewed by %(date)s.",
                count,
            )
            % {"count": count, "date": shown},
            messages.SUCCESS,
        )
        return None
    return action_page(
        modeladmin,
        request,
        queryset,
        form,
        action="schedule_review",
        title=gettext("Schedule review"),
    )
