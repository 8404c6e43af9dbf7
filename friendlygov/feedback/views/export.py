"""The .xlsx of a cycle's survey results, within what the reader may see (embargo applied)."""

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _

from friendlygov.assessments.models import Cycle

from .. import permissions, selectors
from ..exports import export_cycle_survey

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(request, year):
    cycle = Cycle.objects.filter(year=year).order_by("pk").first()
    if cycle is None:
        raise Http404(_("Không có đợt đánh giá năm này."))
    survey = selectors.cycle_survey(cycle, permissions.results_scope(request.user, cycle))
    response = HttpResponse(export_cycle_survey(cycle, survey), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="khao-sat-hai-long-{year}.xlsx"'
    return response


urlpatterns = [path("<int:year>/export.xlsx", export, name="export")]
