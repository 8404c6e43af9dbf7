import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from friendlygov.assessments.models import Assessment
from friendlygov.feedback import selectors

from .conftest import add_responses

pytestmark = pytest.mark.django_db


def queries_for(cycle, scope):
    with CaptureQueriesContext(connection) as captured:
        survey = selectors.cycle_survey(cycle, scope)
        [line.points for line in survey.lines]
    return len(captured)


def test_the_cycle_survey_reads_in_the_same_number_of_queries_for_2_units_or_all(cycle_2024, survey_form):
    assessments = list(Assessment.objects.filter(cycle=cycle_2024).order_by("pk"))
    for assessment in assessments:
        add_responses(assessment, survey_form, [5, 4, 2], aspects={"attitude": 4})
    few = Assessment.objects.filter(pk__in=[a.pk for a in assessments[:2]])
    assert len(assessments) > 20
    assert queries_for(cycle_2024, few) == queries_for(cycle_2024, Assessment.objects.all())
