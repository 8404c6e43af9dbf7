"""A year not decided yet (the small demo's 2026): progress apart from results, undecided units
never counted as not recognised, and the forecast range against each target."""

import re

import pytest
from django.urls import reverse

from friendlygov.assessments.models import Assessment
from friendlygov.assessments.workflow import Status
from friendlygov.reports import selectors
from friendlygov.reports.forecast import Standing

from .dashboard_fixtures import demo_cycles


@pytest.fixture(scope="module")
def cycles(small_demo, django_db_blocker):
    with django_db_blocker.unblock():
        return demo_cycles()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def snapshot_2026(cycles):
    return selectors.snapshot(cycles[2026], Assessment.objects.all())


def test_undecided_units_are_never_counted_as_not_recognised(cycles, admin_client):
    cycle = cycles[2026]
    summary = selectors.summary(snapshot_2026(cycles))
    refused = cycle.assessments.filter(status=Status.NOT_RECOGNISED).count()
    undecided = cycle.assessments.exclude(status__in=[Status.RECOGNISED, Status.NOT_RECOGNISED]).count()
    assert undecided > 0 and summary.undecided == undecided
    not_qualified = next(share for share in summary.levels if share.level == 0)
    assert (
        not_qualified.count
        == refused + cycle.assessments.filter(status=Status.RECOGNISED, final_level=0).count()
    )
    assert sum(share.count for share in summary.levels) == summary.decided
    # The targets still divide by every unit of the cycle.
    assert all(t.units_total == summary.units_total for t in summary.targets)
    page = text(admin_client.get(reverse("reports:dashboard", args=[2026])))
    assert f'<th scope="row">Không đạt chuẩn</th> <td class="numeric">{not_qualified.count}</td>' in page
    assert f'<th scope="row">Chưa có quyết định</th> <td class="numeric">{undecided}</td>' in page


def test_the_forecast_range_counts_settled_units_low_and_adds_claims_high(cycles, admin_client):
    snap = snapshot_2026(cycles)
    fc = selectors.year_forecast(snap)
    by_standing = {u.row.pk: u.outlook.standing for u in fc.units}
    statuses = dict(cycles[2026].assessments.values_list("pk", "status"))
    for pk, standing in by_standing.items():
        expected = {
            Status.RECOGNISED: Standing.DECIDED,
            Status.NOT_RECOGNISED: Standing.DECIDED,
            Status.APPRAISED: Standing.APPRAISED,
        }.get(statuses[pk])
        assert expected is None or standing == expected
    above = next(t for t in fc.targets if t.rule.min_level == 2)
    settled = [u for u in fc.units if u.outlook.standing in (Standing.DECIDED, Standing.APPRAISED)]
    assert above.low == sum(1 for u in settled if u.outlook.level >= 2)
    claimed = [u for u in fc.units if u.outlook.standing == Standing.CLAIMED]
    assert above.high == above.low + sum(1 for u in claimed if u.outlook.level >= 2)
    assert above.units_total == len(snap.rows)
    page = text(admin_client.get(reverse("reports:dashboard", args=[2026])))
    assert (
        f"Dự báo {above.low}–{above.high} đơn vị đạt mức 2 trở lên; mục tiêu {above.required_units}" in page
    )
    assert "Dự báo" not in text(admin_client.get(reverse("reports:dashboard", args=[2024])))


def test_the_units_that_decide_a_target_come_with_what_would_lift_them(cycles, admin_client):
    fc = selectors.year_forecast(snapshot_2026(cycles))
    deciding = selectors.deciding_units(fc)
    assert [d.target for d in deciding] == fc.open_targets
    units = [u for d in deciding for u in d.units]
    assert units, "the demo's 2026 has undecided units below level 2"
    for d in deciding:
        missing = [u.missing for u in d.units]
        assert missing == sorted(missing)
        for u in d.units:
            assert u.unit.outlook.standing != Standing.DECIDED
            assert u.unit.outlook.level < d.target.rule.min_level
    lifted = [u for u in units if u.lift.lift is not None and u.lift.lift.reachable and u.lift.steps]
    assert lifted and all(u.lift.lift.score_after >= u.lift.target for u in lifted)
    url = reverse("reports:dashboard_part", args=[2026, "quyet-dinh-muc-tieu"])
    part = text(admin_client.get(url, headers={"HX-Request": "true"}))
    assert units[0].unit.row.unit_name in part and lifted[0].lift.steps[0].words in part
