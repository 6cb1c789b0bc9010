"""The vote: a POST from the form under each step, answered for a page or for a script.

Without JavaScript the form posts, and the answer is a redirect back to the step with a
thank-you (`?voted=<anchor>&helped=yes#<anchor>`: a plain URL, so the page stays cacheable and
sets no cookie). With JavaScript the same form is sent by fetch with `Accept:
application/json`, and the answer is `{"message": …}` for the page to announce.
"""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kb.content.models import Response, Status
from kb.feedback import conf, limits
from kb.feedback.forms import VoteForm
from kb.feedback.messages import thanks
from kb.feedback.origin import comes_from_this_site
from kb.feedback.services import record_vote


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").split(",")[0].strip() == "application/json"


def answer_problem(
    request: HttpRequest, status: int, message: str, step: Response | None = None
) -> HttpResponse:
    """A refusal in one sentence: JSON for the page's script, a page for a plain form post."""
    if wants_json(request):
        response = JsonResponse(
            {"message": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = render(
            request,
            "feedback/problem.html",
            {"message": message, "step": step},
            status=status,
        )
    # A refusal belongs to this request only.
    response["Cache-Control"] = "no-store"
    return response


# Not Django's CSRF token: the vote forms sit on cacheable pages that carry no token and set no
# cookie. `comes_from_this_site` checks Origin / Referer and Sec-Fetch-Site instead, first thing,
# and refuses any other request with 403 (see kb/feedback/origin.py).
@csrf_exempt
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    if not comes_from_this_site(request):
        return answer_problem(
            request, 403, _("Feedback is only accepted from the pages of this site.")
        )
    step = get_object_or_404(
        Response.objects.select_related("situation").filter(situation__status=Status.PUBLISHED),
        pk=pk,
    )
    form = VoteForm(request.POST)
    if not form.is_valid():
        return answer_problem(request, 400, form.problem(), step)

    user = request.user if conf.sign_in_required() and request.user.is_authenticated else None
    wait = limits.seconds_until_allowed(request, signed_in=user is not None)
    if wait:
        minutes = max(1, round(wait / 60))
        response = answer_problem(
            request,
            429,
            ngettext(
                "Too many votes at once. Please try again in %(minutes)d minute.",
                "Too many votes at once. Please try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            step,
        )
        response["Retry-After"] = str(wait)
        return response

    today = timezone.localdate().isoformat()
    comment = form.cleaned_data["comment"]
    vote = record_vote(
        step=step,
        helped=form.helped_value,
        comment=comment,
        user=user,
        earlier_vote_id=None if user else limits.earlier_vote_id(request, step.pk, today),
    )
    limits.remember_vote(request, step.pk, vote.pk, today)

    if wants_json(request):
        return JsonResponse(
            {
                "message": str(thanks(helped=vote.helped, commented=bool(comment))),
                "helped": vote.helped,
                "commented": bool(comment),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    query = urlencode({"voted": step.anchor, "helped": form.cleaned_data["helped"]})
    if comment:
        query += "&commented=1"
    return HttpResponseRedirect(
        f"{step.situation.get_absolute_url()}?{query}#{step.anchor}", status=303
    )
