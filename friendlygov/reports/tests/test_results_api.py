"""GET /api/v1/cycles/{year}/summary and /results: public once issued decisions settle the whole
cycle, before that signed-in users only, each within their scope."""

import pytest

from friendlygov.accounts.models import Role
from friendlygov.assessments import permissions
from friendlygov.assessments.models import Assessment
from friendlygov.reports import selectors

from .dashboard_fixtures import demo_cycles, grant

KIM_THANH_2024 = "293@2024-01-01"


@pytest.fixture(scope="module")
def cycles(small_demo, django_db_blocker):
    with django_db_blocker.unblock():
        return demo_cycles()


def summary_url(year):
    return f"/api/v1/cycles/{year}/summary"


def results_url(year):
    return f"/api/v1/cycles/{year}/results"


def test_a_decided_cycle_is_public(cycles, anonymous):
    assert selectors.cycle_is_decided(cycles[2024])
    body = anonymous.get(summary_url(2024)).json()
    summary = selectors.cycle_counts(cycles[2024], Assessment.objects.all())
    assert body["year"] == 2024
    assert body["units_total"] == summary.units_total
    assert body["by_level"] == {str(level): n for level, n in summary.by_level.items()}
    assert body["targets"] == [
        {
            "rule": t.rule.code,
            "description": t.rule.describe(),
            "required": t.required_units,
            "actual": t.actual_units,
            "met": t.met,
            "gap_units": t.gap_units,
        }
        for t in summary.targets
    ]


def test_the_results_list_one_line_per_unit_with_its_decision(cycles, anonymous):
    lines = anonymous.get(results_url(2024), {"limit": 500}).json()["items"]
    assert len(lines) == cycles[2024].assessments.count()
    fields = {
        "unit_id",
        "unit_code",
        "unit_name",
        "final_score",
        "level",
        "status",
        "decision_number",
        "reasons",
        "updated_at",
    }
    assert set(lines[0]) == fields
    assert all(line["decision_number"] and line["level"] in range(5) for line in lines)
    recognised = [line for line in lines if line["status"] == "recognised"]
    assert sum(1 for line in lines if line["level"] >= 1) == len(recognised)


@pytest.mark.parametrize("url", [summary_url(2026), results_url(2026), summary_url(2031)])
def test_an_undecided_cycle_is_refused_to_anonymous_visitors(cycles, anonymous, url):
    response = anonymous.get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_undecided_cycle_is_scoped_for_signed_in_users(cycles, make_persona, admin_client):
    unit_id = cycles[2026].assessments.order_by("unit__code").first().unit_id
    officer = grant(make_persona, "officer-api", Role.COMMUNE_OFFICER, unit_id)
    lines = officer.get(results_url(2026)).json()["items"]
    assert [line["unit_code"] for line in lines] == [cycles[2026].assessments.get(unit_id=unit_id).unit.code]
    assert all(line["level"] is None and line["decision_number"] is None for line in lines)
    assert officer.get(summary_url(2026)).json()["units_total"] == 1
    assert admin_client.get(summary_url(2026)).json()["units_total"] == 14


def test_someone_who_sees_nothing_of_an_undecided_cycle_gets_404(cycles, make_persona):
    appraiser = grant(make_persona, "kt-2024-api", Role.APPRAISER, KIM_THANH_2024, year=2024)
    assert not permissions.visible(appraiser.user).filter(cycle=cycles[2026]).exists()
    response = appraiser.get(summary_url(2026))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_openapi_document_lists_both_operations(cycles, anonymous):
    paths = anonymous.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/cycles/{year}/summary" in paths and "/api/v1/cycles/{year}/results" in paths
    assert "/api/v1/cycles/{year}" in paths  # the assessments' router on the same prefix still answers


def test_a_unit_put_in_a_decided_state_without_a_decision_keeps_the_cycle_undecided(cycles, db):
    cycle = cycles[2024]
    counts, decided = selectors.decided_counts(cycle)
    assert decided and counts == selectors.status_level_counts(cycle, Assessment.objects.all())
    assert not cycle.assessments.filter(decided_at__isnull=True).exists()  # issue_decision wrote them all
    cycle.assessments.filter(pk=cycle.assessments.first().pk).update(decided_at=None)  # e.g. by hand
    counts_after, decided = selectors.decided_counts(cycle)
    assert counts_after == counts and not decided
    assert not selectors.cycle_is_decided(cycle)


def test_the_summary_counts_undecided_units_apart_from_those_not_recognised(cycles, admin_client, db):
    """`by_level` put both in "0" (kept, deprecated); `by_decided_level` and `undecided` do not."""
    cycle = cycles[2024]
    decided = admin_client.get(summary_url(2024))
    body = decided.json()
    assert body["undecided"] == 0 and body["by_decided_level"] == body["by_level"]
    assert decided["Deprecation"] and decided["Sunset"]
    recognised = cycle.assessments.filter(status="recognised", final_level__gte=1).first()
    Assessment.objects.filter(pk=recognised.pk).update(status="appraised", decided_at=None)
    before = body
    body = admin_client.get(summary_url(2024)).json()
    assert body["undecided"] == 1 and body["decided"] == body["units_total"] - 1
    level = str(recognised.final_level)
    assert body["by_decided_level"][level] == before["by_decided_level"][level] - 1
    assert body["by_decided_level"]["0"] == before["by_decided_level"]["0"]  # not "not recognised"…
    assert body["by_level"]["0"] == before["by_level"]["0"] + 1  # …where the old bucket put it
    assert sum(body["by_decided_level"].values()) + body["undecided"] == body["units_total"]


def test_an_undecided_cycle_has_every_unit_undecided_and_none_not_recognised(cycles, admin_client):
    body = admin_client.get(summary_url(2026)).json()
    assert body["undecided"] == body["units_total"] == 14
    assert body["by_decided_level"] == dict.fromkeys(["0", "1", "2", "3", "4"], 0)
    assert body["by_level"]["0"] == 14
