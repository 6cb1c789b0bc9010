"""What a voter is told after a vote, the same with and without JavaScript."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def thanks(*, helped: bool, commented: bool) -> Promise:
    if commented:
        return _("Thank you: your comment has been passed on to the editors.")
    if helped:
        return _("Thank you! Glad the step helped.")
    return _("Thank you: the editors will look at this step.")


def comment_prompt(*, helped: bool) -> Promise:
    """The label of the comment field offered after a vote."""
    if helped:
        return _("Anything to add? (optional)")
    return _("What did not work? (optional)")
