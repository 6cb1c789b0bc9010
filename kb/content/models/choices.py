"""The kinds of entry, their statuses, and the URL segment and heading of each kind."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SLUG_MAX_LENGTH = 100


class Kind(models.TextChoices):
    PRINCIPLE = "principle", _("Principle")
    RULE = "rule", _("Rule")
    SITUATION = "situation", _("Situation")
    CASE = "case", _("Case")


# The URL segment and plural label of each kind: /situations/<slug>/ and its heading.
KIND_PATHS = {
    Kind.SITUATION: "situations",
    Kind.RULE: "rules",
    Kind.PRINCIPLE: "principles",
    Kind.CASE: "cases",
}
KIND_PLURALS = {
    Kind.SITUATION: _("Situations"),
    Kind.RULE: _("Rules"),
    Kind.PRINCIPLE: _("Principles"),
    Kind.CASE: _("Cases"),
}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
