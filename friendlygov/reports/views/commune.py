""" "Explain my level" for one commune in one cycle, and the printable PDF reports (one commune;
one cycle). Who sees what is the assessment policy's answer: 404 for anything else."""

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from friendlygov.assessments import selectors
from friendlygov.core.office import file_response

from .. import cycle_report, explain, history, report_documents


def commune(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    explanation = explain.explain(request.user, assessment)
    context = {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "x": explanation,
        "history": history.history_of(assessment, explanation),
    }
    return render(request, "reports/commune.html", context)


def commune_pdf(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    try:
        pdf = report_documents.commune_pdf(request.user, assessment)
    except report_documents.PdfUnavailable as exc:
        return _unavailable(request, exc, back=("reports:commune", assessment.pk))
    return file_response(pdf, report_documents.commune_filename(assessment), inline=True)


def cycle_pdf(request, year):
    summary = cycle_report.cycle_overview(request.user, year)
    if summary is None:
        raise Http404(_("Không có đợt đánh giá nào bạn được xem cho năm này."))
    try:
        pdf = report_documents.cycle_pdf(summary)
    except report_documents.PdfUnavailable as exc:
        return _unavailable(request, exc, back=None)
    return file_response(pdf, report_documents.cycle_filename(year), inline=True)


def _unavailable(request, exc, *, back):
    return render(
        request, "reports/commune_pdf_unavailable.html", {"reason": str(exc), "back": back}, status=503
    )


urlpatterns = [
    path("commune/<int:pk>/", commune, name="commune"),
    path("commune/<int:pk>/pdf", commune_pdf, name="commune_pdf"),
    path("cycle/<int:year>/pdf", cycle_pdf, name="cycle_pdf"),
]
