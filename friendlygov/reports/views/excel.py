"""Excel in and out: the cycle export, the offline self-assessment template and its import, and
the import of past cycles' results. Thin views over reports.exports and reports.imports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from friendlygov.assessments import offline, permissions
from friendlygov.assessments.models import Cycle
from friendlygov.assessments.workflow import SELF_EDITABLE
from friendlygov.core import spreadsheets
from friendlygov.core.numbers import WholeNumberField
from friendlygov.core.office import file_response
from friendlygov.jobs.models import Kind
from friendlygov.jobs.offers import offer_export, too_large_for_the_request

from .. import exports, imports


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))


class ResultsUploadForm(forms.Form):
    year = WholeNumberField(label=gettext_lazy("Năm đánh giá"), min_value=2000, max_value=2100)
    file = forms.FileField(label=gettext_lazy("Tệp kết quả (.xlsx hoặc .csv)"))


@require_GET
def export_cycle(request, year):
    """The workbook, made in the request; one of more than EXPORT_IN_REQUEST_MAX_UNITS units (a
    nation) is prepared in the background instead: the page says so and starts the job."""
    cycle = get_object_or_404(Cycle.objects.select_related("framework"), year=year)
    units = exports.cycle_export_units(cycle, request.user)
    if not units:
        raise Http404
    if too_large_for_the_request(units):
        return offer_export(request, cycle, Kind.CYCLE_EXPORT, units)
    return file_response(exports.export_cycle(cycle, request.user), exports.cycle_export_filename(year))


@require_GET
def self_assessment_template(request, year):
    """The template for the units the user may see in the cycle, narrowed by ?unit=<code> or
    ?body=<id> (a whole appraising group)."""
    cycle = get_object_or_404(Cycle.objects.select_related("framework"), year=year)
    assessments = permissions.visible(request.user).filter(cycle=cycle)
    if request.GET.get("unit"):
        assessments = assessments.filter(unit__code=request.GET["unit"])
    if request.GET.get("body", "").isdigit():
        assessments = assessments.filter(body_id=int(request.GET["body"]))
    if not assessments.exists():
        raise Http404
    data = exports.self_assessment_template(cycle, request.user, assessments)
    suffix = f"-{request.GET['unit']}" if request.GET.get("unit", "").isalnum() else ""
    return file_response(data, f"mau-tu-danh-gia-{year}{suffix}.xlsx")


@require_http_methods(["GET", "POST"])
def import_self_assessment(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    problems, more, status = [], 0, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                data, name = spreadsheets.read_upload(form.cleaned_data["file"], person=request.user)
                summary = offline.import_self_assessment(data, name, actor=request.user)
            except spreadsheets.ImportRefused as refused:
                problems, more = refused.problems, refused.more
            else:
                messages.success(
                    request,
                    _("Đã lưu %(count)s chỉ tiêu; %(units)s đơn vị được cập nhật.")
                    % {"count": summary.saved, "units": len(summary.units)},
                )
                if summary.skipped:
                    messages.info(
                        request,
                        _("Bỏ qua %(count)s trang chỉ để xem (không sửa được): %(sheets)s.")
                        % {"count": len(summary.skipped), "sheets": ", ".join(summary.skipped)},
                    )
                return redirect("reports:import_self_assessment")
    templates = _template_links(request.user)
    return render(
        request,
        "reports/excel_import_self.html",
        {**_problems(problems, more), "form": form, "templates": templates},
        status=status,
    )


def _template_links(user):
    """The templates this user can download: one per editable unit of an open cycle."""
    editable = (
        permissions.which(user, permissions.EDIT_SELF)
        .filter(status__in=SELF_EDITABLE)
        .order_by("-cycle__year", "unit__search_name")
    )
    return list(editable[:50])


@require_http_methods(["GET", "POST"])
def import_results(request):
    if not imports.may_import_results(request.user):
        raise PermissionDenied
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    problems, more, status = [], 0, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                data, name = spreadsheets.read_upload(form.cleaned_data["file"], person=request.user)
                summary = imports.import_results(
                    data, name, year=form.cleaned_data["year"], actor=request.user
                )
            except spreadsheets.ImportRefused as refused:
                problems, more = refused.problems, refused.more
            else:
                messages.success(
                    request,
                    _("Đã nhập %(saved)s kết quả, %(unchanged)s kết quả không đổi.")
                    % {"saved": summary.saved, "unchanged": summary.unchanged},
                )
                return redirect("reports:import_results")
    return render(
        request,
        "reports/excel_import_results.html",
        {**_problems(problems, more), "form": form},
        status=status,
    )


@require_http_methods(["GET"])
def results_template(request):
    if not imports.may_import_results(request.user):
        raise PermissionDenied
    return file_response(exports.results_template(), "mau-nhap-ket-qua.xlsx")


urlpatterns = [
    path("<int:year>/export.xlsx", export_cycle, name="export_cycle"),
    path(
        "<int:year>/self-assessment-template.xlsx", self_assessment_template, name="self_assessment_template"
    ),
    path("import/self-assessment/", import_self_assessment, name="import_self_assessment"),
    path("import/results/", import_results, name="import_results"),
    path("import/results/template.xlsx", results_template, name="results_template"),
]


def _problems(problems, more) -> dict:
    return {"problems": problems, "problems_more": more, "problems_total": len(problems) + more}
