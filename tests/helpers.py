"""Posting admin change forms the way a browser would: every field as the form shows it."""

from typing import Any

import reversion
from django.test import Client
from django.urls import reverse

from kb.content.models import Entry
from tests.factories import make_entry


def change_url(entry: Entry) -> str:
    return reverse(f"admin:kb_{entry.kind}_change", args=[entry.pk])


def form_data(response: Any) -> dict[str, Any]:
    """The POST data of an admin change form page, unchanged: what "Save" would send."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name in form.fields:
            bound = form[name]
            # Related-field wrappers in the admin hide the real widget one level down.
            widget = getattr(bound.field.widget, "widget", bound.field.widget)
            value = widget.format_value(bound.value())
            if value is None or value is False:
                continue
            data[bound.html_name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def open_form(client: Client, entry: Entry) -> dict[str, Any]:
    response = client.get(change_url(entry))
    assert response.status_code == 200
    return form_data(response)


def recorded_entry(*args: Any, user: Any = None, comment: str = "created", **kwargs: Any) -> Entry:
    """`make_entry`, with the new entry's first version recorded in its history."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        return make_entry(*args, **kwargs)
