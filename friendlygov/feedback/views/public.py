"""The citizen's side, open to anyone: the survey form behind a commune's QR code and the
thank-you page. The link names the unit, never a person; no account, no JavaScript needed."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from .. import selectors, services, throttle
from ..forms import SurveyAnswersForm
from ..models import Refusal

app_name = "survey"


def _target(code):
    assessment = selectors.survey_target(code, timezone.localdate())
    form = selectors.current_form(assessment.cycle.program.name) if assessment else None
    return assessment, form


def _with_device_cookie(request, response):
    if throttle.DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            throttle.DEVICE_COOKIE,
            throttle.new_device_token(),
            max_age=throttle.DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@login_not_required
def survey(request, code):
    assessment, survey_form = _target(code)
    if assessment is None or survey_form is None:
        return render(request, "feedback/public/closed.html", {"code": code}, status=404)
    definition = survey_form.parsed()
    form = SurveyAnswersForm(definition, request.POST or None)
    if request.method == "POST":
        if form.is_bot:
            services.count_refusal(assessment.unit, Refusal.HONEYPOT)
            return redirect("survey:thanks", code=code)
        if form.is_valid():
            refusal = throttle.admit(request, code)
            if refusal:
                # The person sees the same thank-you: nothing to probe, nothing to retry.
                services.count_refusal(assessment.unit, refusal)
                return redirect("survey:thanks", code=code)
            overall, aspects = form.answers()
            try:
                services.record_citizen_response(
                    assessment,
                    survey_form,
                    overall=overall,
                    aspects=aspects,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("survey:thanks", code=code)
    context = {"assessment": assessment, "unit": assessment.unit, "definition": definition, "form": form}
    status = 400 if form.is_bound else 200
    return _with_device_cookie(request, render(request, "feedback/public/form.html", context, status=status))


@login_not_required
def thanks(request, code):
    assessment, _form = _target(code)
    return render(
        request,
        "feedback/public/thanks.html",
        {"code": code, "unit": assessment.unit if assessment else None},
    )


urlpatterns = [
    path("<str:code>/", survey, name="form"),
    path("<str:code>/cam-on/", thanks, name="thanks"),
]
