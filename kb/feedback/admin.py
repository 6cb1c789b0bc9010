"""What editors see of the feedback: counts per situation and per step, the situations that
need attention, and the votes with their comments. Read-only, except that editors may delete a
vote (an abusive comment, say)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kb.content.admin.parameters import CheckedParametersMixin
from kb.feedback import conf
from kb.feedback.models import SituationFeedback, Vote


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Situations with votes by default: what there is to read, and a list that grows with the
    votes, not with the situations (counting the votes of every situation to sort them took
    1.5 s at 100,000 entries); those needing attention, or every situation, on request."""

    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Needs attention")), ("all", _("All situations"))]

    def choices(self, changelist: Any) -> Any:
        # The first is Django's "All", which here is the default: the situations with votes.
        for n, choice in enumerate(super().choices(changelist)):
            yield {**choice, "display": _("Has votes")} if n == 0 else choice

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.needing_attention()
        if self.value() == "all":
            return queryset
        return queryset.filter(pk__in=Vote.objects.values("step__situation_id"))


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


@admin.register(SituationFeedback)
class SituationFeedbackAdmin(ReadOnlyAdmin):
    """Situations with their votes; those needing attention first."""

    list_display = (
        "title",
        "vote_count_column",
        "unhelpful_column",
        "unhelpful_share_column",
        "comments_column",
        "last_vote_column",
        "needs_attention_column",
    )
    list_display_links = ("title",)
    list_filter = (NeedsAttentionFilter,)
    search_fields = ("title",)
    list_per_page = 50
    show_full_result_count = False  # a count of every situation's votes, for "of N" alone
    fields = ("title", "totals", "steps_table", "links")
    readonly_fields = fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Annotated before ordering: the order is by the counts.
        queryset = (
            self.model._default_manager.get_queryset()
            .only("kind", "slug", "title", "status")  # grouped by: no long texts
            .with_vote_counts()
        )
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request: HttpRequest) -> list[str]:
        # Annotations, which the `ordering` attribute's checks would not accept.
        return ["-needs_attention", "-unhelpful_share", "-unhelpful_count", "title"]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        rule = gettext(
            "A situation needs attention when its steps have at least %(votes)d votes in all "
            "and at least %(share)d %% of them say a step did not help."
        ) % {"votes": conf.min_votes(), "share": round(100 * conf.unhelpful_share())}
        return super().changelist_view(request, {"attention_rule": rule, **(extra_context or {})})

    @admin.display(description=_("votes"), ordering="vote_count")
    def vote_count_column(self, obj: SituationFeedback) -> int:
        return obj.vote_count

    @admin.display(description=_("did not help"), ordering="unhelpful_count")
    def unhelpful_column(self, obj: SituationFeedback) -> int:
        return obj.unhelpful_count

    @admin.display(description=_("did not help, share"), ordering="unhelpful_share")
    def unhelpful_share_column(self, obj: SituationFeedback) -> str:
        return share(obj.unhelpful_count, obj.vote_count)

    @admin.display(description=_("comments"), ordering="comment_count")
    def comments_column(self, obj: SituationFeedback) -> str:
        if not obj.comment_count:
            return "0"
        url = reverse("admin:feedback_vote_changelist") + (
            f"?step__situation__id__exact={obj.pk}&has_comment=yes"
        )
        return format_html('<a href="{}">{}</a>', url, obj.comment_count)

    @admin.display(description=_("last vote"), ordering="last_vote_at")
    def last_vote_column(self, obj: SituationFeedback) -> Any:
        return timezone.localdate(obj.last_vote_at) if obj.last_vote_at else "—"

    @admin.display(description=_("needs attention"), boolean=True, ordering="needs_attention")
    def needs_attention_column(self, obj: SituationFeedback) -> bool:
        return obj.needs_attention

    @admin.display(description=_("in all"))
    def totals(self, obj: SituationFeedback) -> str:
        return gettext(
            "Votes: %(votes)d; helped: %(helped)d; did not help: %(unhelpful)d (%(share)s)."
        ) % {
            "votes": obj.vote_count,
            "helped": obj.helped_count,
            "unhelpful": obj.unhelpful_count,
            "share": share(obj.unhelpful_count, obj.vote_count),
        }

    @admin.display(description=_("per step"))
    def steps_table(self, obj: SituationFeedback) -> str:
        votes_url = reverse("admin:feedback_vote_changelist")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            '<td><a href="{}?step__id__exact={}">{}</a></td></tr>',
            (
                (
                    number,
                    Truncator(step.text).chars(120),
                    step.helped_count,
                    step.unhelpful_count,
                    share(step.unhelpful_count, step.vote_count),
                    votes_url,
                    step.pk,
                    step.comment_count,
                )
                for number, step in enumerate(obj.step_counts(), start=1)
            ),
        )
        return format_html(
            '<table class="feedback-steps"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            gettext("Step"),
            gettext("Text"),
            gettext("helped"),
            gettext("did not help"),
            gettext("did not help, share"),
            gettext("comments"),
            rows,
        )

    @admin.display(description=_("links"))
    def links(self, obj: SituationFeedback) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:kb_situation_change", args=[obj.pk]),
            gettext("Edit the situation"),
            obj.get_absolute_url(),
            gettext("View on site"),
        )


class HasCommentFilter(admin.SimpleListFilter):
    title = _("comment")
    parameter_name = "has_comment"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("With a comment")), ("no", _("Without a comment"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.exclude(comment="")
        if self.value() == "no":
            return queryset.filter(comment="")
        return queryset


@admin.register(Vote)
class VoteAdmin(CheckedParametersMixin, ReadOnlyAdmin):
    """Every vote, newest first, with its comment; filter by answer, comment, situation."""

    list_display = ("created_at", "situation", "step_column", "helped", "comment")
    list_filter = (
        "helped",
        HasCommentFilter,
        # The per-step counts link here with ?step__id__exact=.
        ("step__situation", admin.RelatedOnlyFieldListFilter),
        "day",
    )
    list_select_related = ("step__situation",)
    search_fields = ("comment", "step__situation__title", "step__text")
    date_hierarchy = "created_at"
    fields = ("situation", "step_column", "helped", "comment", "day", "created_at", "updated_at")
    readonly_fields = fields

    @admin.display(description=_("situation"), ordering="step__situation__title")
    def situation(self, obj: Vote) -> str:
        return obj.step.situation.title

    @admin.display(description=_("step"))
    def step_column(self, obj: Vote) -> str:
        return format_html(
            '<a href="{}">{}</a>', obj.step.get_absolute_url(), Truncator(obj.step.text).chars(80)
        )
