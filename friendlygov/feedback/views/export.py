"""The .xlsx of a cycle's survey results, within what the reader may see (embargo applied); one
of more than EXPORT_IN_REQUEST_MAX_UNITS lines (a nation) is prepared in the background instead:
the page says so and starts the job."""

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _

from friendlygov.assessments.models import Cycle
from friendlygov.core.office import file_response
from friendlygov.jobs.models import Kind
from friendlygov.jobs.offers import offer_export, too_large_for_the_request

from ..exports import export_user_survey, survey_export_filename, survey_export_lines


def export(request, year):
    cycle = Cycle.objects.filter(year=year).order_by("pk").first()
    if cycle is None:
        raise Http404(_("Không có đợt đánh giá năm này."))
    lines = survey_export_lines(cycle, request.user)
    if too_large_for_the_request(lines):
        return offer_export(request, cycle, Kind.SURVEY_EXPORT, lines)
    return file_response(export_user_survey(cycle, request.user), survey_export_filename(year))


urlpatterns = [path("<int:year>/export.xlsx", export, name="export")]
