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


def commune_docx(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    docx = report_documents.commune_docx(request.user, assessment)
    return file_response(docx, report_documents.commune_filename(assessment, "docx"))


def _cycle_overviews(request, year):
    """The year's overview in the reader's scope, and the year before's (for the trend), if any."""
    summary = cycle_report.cycle_overview(request.user, year)
    if summary is None:
        raise Http404(_("Không có đợt đánh giá nào bạn được xem cho năm này."))
    return summary, cycle_report.cycle_overview(request.user, year - 1)


def cycle_pdf(request, year):
    summary, previous = _cycle_overviews(request, year)
    try:
        pdf = report_documents.cycle_pdf(summary, previous)
    except report_documents.PdfUnavailable as exc:
        return _unavailable(request, exc, back=None)
    return file_response(pdf, report_documents.cycle_filename(year), inline=True)


def cycle_docx(request, year):
    summary, previous = _cycle_overviews(request, year)
    docx = report_documents.cycle_docx(summary, previous)
    return file_response(docx, report_documents.cycle_filename(year, "docx"))


def _unavailable(request, exc, *, back):
    return render(
        request, "reports/commune_pdf_unavailable.html", {"reason": str(exc), "back": back}, status=503
    )


urlpatterns = [
    path("commune/<int:pk>/", commune, name="commune"),
    path("commune/<int:pk>/pdf", commune_pdf, name="commune_pdf"),
    path("commune/<int:pk>/docx", commune_docx, name="commune_docx"),
    path("cycle/<int:year>/pdf", cycle_pdf, name="cycle_pdf"),
    path("cycle/<int:year>/docx", cycle_docx, name="cycle_docx"),
]
