"""The signed-in side of one unit's survey in one cycle: results (embargo aside), comments,
paper entry, N, and the QR code with its printable poster. Every decision is the policy's."""

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from friendlygov.assessments import permissions as assessment_policy
from friendlygov.assessments import selectors as assessment_selectors

from .. import permissions, selectors, services
from ..forms import PaperForm, PopulationForm
from ..models import SampleFrame

app_name = "feedback"


def survey_url(request, assessment) -> str:
    """The address in the QR code: it names the unit's code and nothing else."""
    relative = reverse("survey:form", args=[assessment.unit.code])
    base = settings.FEEDBACK_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{relative}" if base else request.build_absolute_uri(relative)


def abilities(user, assessment) -> dict:
    open_ = permissions.survey_open(assessment)
    return {
        "results": permissions.may_see_results(user, assessment),
        "comments": permissions.may_see_comments(user, assessment),
        "paper": open_ and permissions.may_enter_paper(user, assessment),
        "population": open_ and permissions.may_set_population(user, assessment),
        "poster": permissions.may_print_poster(user, assessment),
    }


def unit(request, pk, paper_form=None, population_form=None, status=200):
    assessment = assessment_selectors.assessment_for(request.user, pk)
    can = abilities(request.user, assessment)
    survey_form = selectors.current_form(assessment.cycle.program.name)
    definition = survey_form.parsed() if survey_form else None
    frame = SampleFrame.objects.filter(assessment=assessment).first()
    context = {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "can": can,
        "survey": selectors.unit_survey(assessment) if can["results"] else None,
        "comments": selectors.comments(assessment) if can["comments"] else [],
        "paper_form": paper_form or (PaperForm(definition) if can["paper"] and definition else None),
        "population_form": population_form
        or (
            PopulationForm(initial={"population": frame.population, "basis": frame.basis} if frame else None)
            if can["population"]
            else None
        ),
        "survey_url": survey_url(request, assessment),
        "show_appraisal": assessment_policy.may_see_appraisal(request.user, assessment),
    }
    return render(request, "feedback/unit.html", context, status=status)


@require_POST
def enter_paper(request, pk):
    assessment = assessment_selectors.assessment_for(request.user, pk)
    survey_form = selectors.current_form(assessment.cycle.program.name)
    if survey_form is None or not permissions.may_enter_paper(request.user, assessment):
        raise PermissionDenied(_("Chỉ cán bộ của chính xã mới nhập được phiếu giấy của xã."))
    form = PaperForm(survey_form.parsed(), request.POST)
    if form.is_valid():
        overall, aspects = form.answers()
        try:
            services.record_paper_response(
                assessment,
                survey_form,
                overall=overall,
                aspects=aspects,
                comment=form.cleaned_data["comment"],
                received_on=form.cleaned_data["received_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu một phiếu giấy."))
            return redirect(reverse("feedback:unit", args=[pk]) + "#paper")
    return unit(request, pk, paper_form=form, status=400)


@require_POST
def set_population(request, pk):
    assessment = assessment_selectors.assessment_for(request.user, pk)
    form = PopulationForm(request.POST)
    if form.is_valid():
        try:
            services.set_population(
                assessment,
                form.cleaned_data["population"],
                basis=form.cleaned_data["basis"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu quy mô tổng thể N."))
            return redirect(reverse("feedback:unit", args=[pk]) + "#population")
    return unit(request, pk, population_form=form, status=400)


def _qr(request, assessment):
    if not permissions.may_print_poster(request.user, assessment):
        raise PermissionDenied
    return segno.make(survey_url(request, assessment), error="m")


def poster(request, pk):
    assessment = assessment_selectors.assessment_for(request.user, pk)
    code = _qr(request, assessment)
    context = {
        "assessment": assessment,
        "unit": assessment.unit,
        "survey_url": survey_url(request, assessment),
        # segno's own markup, made from the survey address only: nothing a user typed.
        "qr_svg": mark_safe(code.svg_inline(scale=10, border=2, omitsize=True)),  # noqa: S308  # nosec B308 B703
    }
    return render(request, "feedback/poster.html", context)


def qr_image(request, pk, fmt):
    assessment = assessment_selectors.assessment_for(request.user, pk)
    code = _qr(request, assessment)
    if fmt == "svg":
        response = HttpResponse(code.svg_inline(scale=10, border=4), content_type="image/svg+xml")
    else:
        png = io.BytesIO()
        code.save(png, kind="png", scale=12, border=4)
        response = HttpResponse(png.getvalue(), content_type="image/png")
    filename = f"qr-y-kien-{assessment.unit.code}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("<int:pk>/", unit, name="unit"),
    path("<int:pk>/paper/", enter_paper, name="enter_paper"),
    path("<int:pk>/population/", set_population, name="set_population"),
    path("<int:pk>/poster/", poster, name="poster"),
    path("<int:pk>/qr.svg", qr_image, {"fmt": "svg"}, name="qr_svg"),
    path("<int:pk>/qr.png", qr_image, {"fmt": "png"}, name="qr_png"),
]
