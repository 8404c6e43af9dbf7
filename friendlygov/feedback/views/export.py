"""The .xlsx of a cycle's survey results, within what the reader may see (embargo applied)."""

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _

from friendlygov.assessments.models import Cycle
from friendlygov.core.office import file_response

from .. import permissions, selectors
from ..exports import export_cycle_survey


def export(request, year):
    cycle = Cycle.objects.filter(year=year).order_by("pk").first()
    if cycle is None:
        raise Http404(_("Không có đợt đánh giá năm này."))
    survey = selectors.cycle_survey(cycle, permissions.results_scope(request.user, cycle))
    return file_response(export_cycle_survey(cycle, survey), f"khao-sat-hai-long-{year}.xlsx")


urlpatterns = [path("<int:year>/export.xlsx", export, name="export")]
