"""The survey export written row by row (write-only) and the API's survey lines built a page at a
time give what the whole-cycle build gave before (legacy_survey), on the small demo's answers, for
every person of the demo and every cycle."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from friendlygov.api import feedback as api_feedback
from friendlygov.assessments.models import Cycle
from friendlygov.core.testing import workbook_differences
from friendlygov.feedback import permissions, selectors
from friendlygov.feedback.exports import export_cycle_survey
from friendlygov.feedback.models import SurveyResponse

from . import legacy_survey

API = "/api/v1/feedback/cycles"


@pytest.fixture(scope="module")
def demo(small_demo, django_db_blocker):
    with django_db_blocker.unblock():
        users = list(get_user_model().objects.filter(is_active=True).order_by("username"))
        cycles = list(Cycle.objects.select_related("framework").order_by("year"))
        assert SurveyResponse.objects.exists()
    return users, cycles


@pytest.mark.django_db
def test_the_export_reads_back_as_the_one_written_cell_by_cell_for_every_person_and_year(demo):
    users, cycles = demo
    lines, compared = 0, set()
    for user in users:
        for cycle in cycles:
            scope = permissions.results_scope(user, cycle)
            # The workbook follows from the cycle and the assessments in scope alone: people who
            # read the same ones (the commune's officer and chair, two appraisers of one body…)
            # get the same file, compared once.
            reads = (cycle.pk, frozenset(scope.values_list("pk", flat=True)))
            if reads in compared:
                continue
            compared.add(reads)
            expected = legacy_survey.export_cycle_survey(cycle, legacy_survey.cycle_survey(cycle, scope))
            survey = selectors.cycle_survey(cycle, scope)
            assert workbook_differences(expected, export_cycle_survey(cycle, survey)) == [], (user, cycle)
            lines += len(survey.answered)
    assert lines > 0  # some lines had answers (and survey points) to compare
    assert len(compared) > 2 * len(cycles)  # several different scopes in every cycle


def _legacy_lines(user, cycle):
    survey = legacy_survey.cycle_survey(cycle, permissions.results_scope(user, cycle))
    return [
        (line.assessment.pk, line.assessment.unit.code, line.overall, line.by_channel)
        for line in survey.lines
    ]


def _api_lines(items):
    return [
        (
            item["assessment_id"],
            item["unit_code"],
            (item["overall"]["responses"], item["overall"]["satisfied"], item["overall"]["population"]),
            {channel: count for channel, count in item["by_channel"].items() if count},
        )
        for item in items
    ]


@pytest.mark.django_db
def test_the_api_pages_give_the_same_lines_as_the_whole_cycle_and_build_only_the_page(demo, monkeypatch):
    users, cycles = demo
    admin = next(user for user in users if user.is_superuser)
    client = Client()
    client.force_login(admin)
    built = []
    original = selectors.cycle_survey

    def spying(cycle, scope, **options):
        built.append(len(options.get("page") or ()))
        return original(cycle, scope, **options)

    monkeypatch.setattr(api_feedback.selectors, "cycle_survey", spying)
    for cycle in cycles:
        expected = [
            (pk, code, (rate.responses, rate.satisfied, rate.population), channels)
            for pk, code, rate, channels in _legacy_lines(admin, cycle)
        ]
        whole = client.get(API + f"/{cycle.year}", {"limit": 500}).json()
        assert whole["count"] == len(expected) > 3
        assert _api_lines(whole["items"]) == expected
        paged = []
        for offset in range(0, whole["count"], 3):
            built.clear()
            page = client.get(API + f"/{cycle.year}", {"limit": 3, "offset": offset}).json()
            assert page["count"] == whole["count"]
            assert built == [len(page["items"])]  # only the page's lines were built
            paged += page["items"]
        assert paged == whole["items"]
