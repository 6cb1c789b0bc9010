"""`{% step_feedback step number %}`: the vote form under a step, and its thank-you."""

from typing import Any

from django import template

from kb.content.models import Response
from kb.feedback.forms import ANSWERS
from kb.feedback.messages import comment_prompt, thanks

register = template.Library()


@register.inclusion_tag("feedback/step_feedback.html", takes_context=True)
def step_feedback(context: template.Context, step: Response, number: int) -> dict[str, Any]:
    """The form, and after a vote without JavaScript (`?voted=<anchor>&helped=…`), the thanks
    and the optional comment field, under the step that was voted on."""
    request = context.get("request")
    query = request.GET if request is not None else {}
    helped = query.get("helped")
    voted = query.get("voted") == step.anchor and helped in ANSWERS
    commented = voted and query.get("commented") == "1"
    answer = ANSWERS.get(helped, False)
    return {
        "step": step,
        "number": number,
        "voted": voted,
        "helped": helped if voted else "",
        "commented": commented,
        "thanks": thanks(helped=answer, commented=commented) if voted else "",
        "prompt": comment_prompt(helped=answer),
        "prompt_helped": comment_prompt(helped=True),
        "prompt_unhelpful": comment_prompt(helped=False),
    }
