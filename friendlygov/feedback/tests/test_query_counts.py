import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from friendlygov.assessments.models import Assessment
from friendlygov.feedback import selectors
from friendlygov.programs.selectors import rules_for

from .conftest import add_responses

pytestmark = pytest.mark.django_db


def queries_for(cycle, scope):
    rules_for(cycle)  # read once per process (a rule version never changes)
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


def test_the_dashboard_overview_agrees_with_the_full_survey_in_three_queries(cycle_2024, survey_form):
    assessments = list(Assessment.objects.filter(cycle=cycle_2024).order_by("pk"))
    add_responses(assessments[0], survey_form, [5, 4, 2])
    add_responses(assessments[1], survey_form, [1, 2])
    add_responses(assessments[2], survey_form, [5] * 40)
    scope = Assessment.objects.all()
    full = selectors.cycle_survey(cycle_2024, scope)
    with CaptureQueriesContext(connection) as captured:
        overview = selectors.cycle_overview(cycle_2024, scope)
    assert len(captured) == 3
    assert overview.units == len(full.lines) == len(assessments)
    assert (overview.total.responses, overview.total.satisfied) == (45, 42)
    assert {line.assessment_id: line.overall for line in overview.answered} == {
        line.assessment.pk: line.overall for line in full.answered
    }
    assert overview.too_small == full.too_small
    assert overview.by_channel == full.by_channel
    few = Assessment.objects.filter(pk=assessments[1].pk)
    assert [line.unit_name for line in selectors.cycle_overview(cycle_2024, few).answered] == [
        assessments[1].unit.name
    ]
