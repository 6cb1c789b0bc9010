"""What a vote may carry: yes or no, and a short comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kb.core.text import squash_whitespace
from kb.feedback.models import COMMENT_MAX_LENGTH

ANSWERS = {"yes": True, "no": False}


class VoteForm(forms.Form):
    helped = forms.ChoiceField(
        choices=[("yes", _("It helped")), ("no", _("It did not help"))],
        error_messages={
            "required": _("Say whether the step helped."),
            "invalid_choice": _("Say whether the step helped."),
        },
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        error_messages={
            "max_length": _("The comment is too long: at most %(limit_value)d characters."),
        },
    )

    def clean_comment(self) -> str:
        # One line of plain text: control characters and runs of spaces go.
        comment = self.cleaned_data["comment"]
        return squash_whitespace("".join(c if c.isprintable() else " " for c in comment))

    @property
    def helped_value(self) -> bool:
        return ANSWERS[self.cleaned_data["helped"]]

    def problem(self) -> str:
        """The first error, for a one-line answer."""
        return next(iter(self.errors.values()))[0]
