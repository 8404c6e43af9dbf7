"""The province dashboard on the small demo (2 districts in 2024, 14 units in 2025–2026):
sections, scope, grouping and the numbers it shows."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from friendlygov.accounts.models import Role
from friendlygov.assessments import permissions
from friendlygov.assessments.models import Assessment
from friendlygov.programs.selectors import rules_for
from friendlygov.reports import maps, selectors
from friendlygov.reports.targets import attainment

from .dashboard_fixtures import demo_cycles, grant

KIM_THANH_2024 = "293@2024-01-01"
THANH_HA_2024 = "294@2024-01-01"
HAI_PHONG = "31@2025-07-01"


@pytest.fixture(scope="module")
def cycles(small_demo, django_db_blocker):
    with django_db_blocker.unblock():
        return demo_cycles()


@pytest.fixture
def viewer(db, cycles, make_persona):
    return grant(make_persona, "viewer-hp", Role.VIEWER, HAI_PHONG)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_redirects_to_the_latest_cycle_the_user_can_see(cycles, make_persona, admin_client):
    appraiser = grant(make_persona, "kt-2024", Role.APPRAISER, KIM_THANH_2024, year=2024)
    assert appraiser.get(reverse("reports:dashboard_latest"))["Location"] == reverse(
        "reports:dashboard", args=[2024]
    )
    assert admin_client.get(reverse("reports:dashboard_latest"))["Location"] == reverse(
        "reports:dashboard", args=[2026]
    )


def test_anonymous_visitors_are_sent_to_sign_in(cycles, anonymous):
    response = anonymous.get(reverse("reports:dashboard", args=[2024]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_every_section_with_its_numbers_one_click_away(cycles, admin_client):
    response = admin_client.get(reverse("reports:dashboard", args=[2024]))
    assert response.status_code == 200
    page = text(response)
    for anchor in ("levels", "targets", "groups", "map", "progress", "trend", "indicators", "discrepancy"):
        assert f'id="{anchor}"' in page
    assert page.count("<details>") >= 7
    assert '<svg viewBox="' in page and '<title id="map-svg-title">' in page and "<desc" in page


def test_the_level_counts_and_targets_on_the_page_are_the_selectors(cycles, admin_client):
    cycle = cycles[2024]
    summary = selectors.cycle_counts(cycle, Assessment.objects.all())
    assert summary.units_total == cycle.assessments.count() == summary.decided
    assert sum(summary.by_level.values()) == summary.units_total
    assert summary.targets == attainment(2024, summary.by_level, units_total=summary.units_total)
    page = text(admin_client.get(reverse("reports:dashboard", args=[2024])))
    for share in summary.levels:
        assert f'<th scope="row">{share.label}</th> <td class="numeric">{share.count}</td>' in page
    target = summary.targets[0]
    assert (
        f'<td class="numeric">{target.required_units}</td> <td class="numeric">{target.actual_units}</td>'
        in page
    )


def test_an_unmet_target_is_worded_as_the_units_still_needed(cycles, admin_client):
    summary = selectors.cycle_counts(cycles[2026], Assessment.objects.all())
    gap = next(t for t in summary.targets if t.rule.min_level == 2)
    assert not gap.met and gap.gap_units == gap.required_units  # nothing decided yet
    page = text(admin_client.get(reverse("reports:dashboard", args=[2026])))
    assert f"cần thêm {gap.gap_units} đơn vị đạt mức 2 trở lên" in page
    assert "cần thêm 1 đơn vị đạt mức 4 trở lên" in page
    assert "không được tính là “Không đạt chuẩn”" in page


def test_2024_groups_by_district_body_and_later_cycles_by_former_district(cycles, admin_client):
    assert selectors.default_grouping(cycles[2024]) == selectors.BY_BODY
    assert selectors.default_grouping(cycles[2025]) == selectors.BY_FORMER_DISTRICT
    snap = selectors.snapshot(cycles[2025], Assessment.objects.all(), grouping=selectors.BY_FORMER_DISTRICT)
    groups = selectors.group_rows(snap)
    assert all(g.name.startswith(("Huyện", "Thành phố", "Thị xã")) for g in groups)
    assert sum(g.units_total for g in groups) == len(snap.rows) == 14
    page = text(admin_client.get(reverse("reports:dashboard", args=[2025])))
    assert "Theo huyện cũ" in page
    by_body = text(admin_client.get(reverse("reports:dashboard", args=[2025]) + "?group=body"))
    assert "Sở Nội vụ thành phố Hải Phòng" in by_body


def test_the_trend_follows_lineage_back_to_the_districts_of_2024(cycles, admin_client):
    trend = selectors.trend(cycles[2026], Assessment.objects.all())
    assert trend.years == [2024, 2025, 2026]
    first = {p.year: p for p in trend.points}
    assert first[2024].units_total == cycles[2024].assessments.count()
    kim_thanh = next(g for g in trend.groups if g.key == "293")
    assert set(kim_thanh.points) >= {2024, 2025}


def test_an_appraiser_sees_only_the_district_it_appraised(cycles, make_persona):
    appraiser = grant(make_persona, "kt-only", Role.APPRAISER, KIM_THANH_2024, year=2024)
    page = text(appraiser.get(reverse("reports:dashboard", args=[2024])))
    assert "UBND huyện Kim Thành" in page and "UBND huyện Thanh Hà" not in page
    scope = permissions.visible(appraiser.user).filter(cycle=cycles[2024])
    summary = selectors.cycle_counts(cycles[2024], permissions.visible(appraiser.user))
    assert summary.units_total == scope.count() < cycles[2024].assessments.count()


def test_a_cycle_outside_the_scope_answers_404_with_the_years_one_can_see(cycles, make_persona):
    """History reaches back through lineage, never forward: Kim Thành's 2024 appraiser does not
    see the city's 2026."""
    appraiser = grant(make_persona, "kt-2024-only", Role.APPRAISER, KIM_THANH_2024, year=2024)
    response = appraiser.get(reverse("reports:dashboard", args=[2026]))
    assert response.status_code == 404
    assert reverse("reports:dashboard", args=[2024]) in response.content.decode()


def test_the_city_viewer_reads_2024_through_lineage(cycles, viewer):
    """Hải Dương's 2024 communes are the predecessors of the city's units (issue 18, item 7)."""
    assert viewer.get(reverse("reports:dashboard", args=[2024])).status_code == 200


def test_a_commune_sees_its_own_unit_only(cycles, make_persona):
    unit_id = cycles[2026].assessments.order_by("unit__code").first().unit_id
    officer = grant(make_persona, "officer", Role.COMMUNE_OFFICER, unit_id)
    snap = selectors.snapshot(cycles[2026], permissions.visible(officer.user))
    assert [row.unit_id for row in snap.rows] == [unit_id]
    assert officer.get(reverse("reports:dashboard", args=[2026])).status_code == 200


def test_progress_counts_every_state_and_the_overdue(cycles):
    snap = selectors.snapshot(cycles[2026], Assessment.objects.all())
    progress = selectors.progress(snap)
    assert progress.total == 14 == sum(n for _, _, n in progress.by_status)
    assert progress.decided == 0 and 0 < progress.appraised < progress.submitted < progress.total


def test_discrepancy_compares_approved_appraisals_only(cycles):
    snap = selectors.snapshot(cycles[2026], Assessment.objects.all())
    report = selectors.discrepancy(snap)
    done = [row for row in snap.rows if row.status in selectors.APPRAISAL_DONE]
    assert report.compared == len(done)
    assert all(u.gap == u.row.self_score - u.row.appraised_score for u in report.units)
    assert report.flagged == sum(1 for u in report.units if u.gap > report.threshold)


def test_indicator_losses_add_up_to_the_points_the_appraised_units_lost(cycles):
    cycle = cycles[2024]
    analysis = selectors.indicator_analysis(cycle, Assessment.objects.all())
    lost = sum(loss.lost for loss in analysis.losses)
    rows = cycle.assessments.values_list(
        "scores__indicator__max_points", "scores__appraised_points", "scores__appraised_na"
    )
    expected = sum(top - (points or 0) for top, points, na in rows if not na and points is not None)
    assert lost == expected
    assert all(0 < unit.missing <= analysis.margin for unit in analysis.near)


@pytest.mark.parametrize(
    ("score", "level", "expected"),
    [
        ("84.99", 1, (2, "0.01")),
        ("80.00", 1, (2, "5.00")),
        ("79.99", 0, (1, "0.01")),
        ("74.99", 0, None),
        ("75.00", 0, (1, "5.00")),
        ("86.00", 0, None),
        ("97.00", 4, None),
    ],
)
def test_near_the_next_band(score, level, expected):
    from decimal import Decimal

    found = selectors.near_next_band(Decimal(score), level)
    assert found == (None if expected is None else (expected[0], Decimal(expected[1])))


def test_the_map_data_is_small_and_names_each_district():
    from friendlygov.reports.maps import MAP_FILE, district_map, districts

    assert MAP_FILE.stat().st_size < 100_000
    assert {"288", "293", "300"} <= set(districts())
    drawn = district_map({"293": 50, "294": 10})
    assert {s.code for s in drawn.shapes} == {"293", "294"}
    assert len({s.fill for s in drawn.shapes}) == 2


def _recount(cycle, assessments):
    """The summary's numbers recomputed the plain way, one assessment at a time."""
    by_level, decided, total = dict.fromkeys(range(5), 0), 0, 0
    for a in assessments.filter(cycle=cycle):
        total += 1
        decided += a.status in ("recognised", "not_recognised")
        by_level[(a.final_level or 0) if a.status == "recognised" else 0] += 1
    return total, decided, by_level


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_summary_counted_by_the_database_agrees_with_a_plain_recount(cycles, make_persona, year):
    appraiser = grant(make_persona, f"kt-sum-{year}", Role.APPRAISER, KIM_THANH_2024, year=2024)
    for scope in (Assessment.objects.all(), permissions.visible(appraiser.user)):
        counted = selectors.cycle_counts(cycles[year], scope)
        from_rows = selectors.summary(selectors.snapshot(cycles[year], scope))
        assert counted == from_rows
        total, decided, by_level = _recount(cycles[year], scope)
        assert (counted.units_total, counted.decided, counted.by_level) == (total, decided, by_level)
    assert selectors.cycle_counts(cycles[2026], Assessment.objects.all()).undecided > 0


def test_the_summary_takes_one_query_whatever_the_number_of_units(cycles, django_assert_num_queries):
    rules_for(cycles[2024])  # the program's rule version, read once per process (ADR 0032)
    with django_assert_num_queries(1):
        selectors.cycle_counts(cycles[2024], Assessment.objects.all())


def test_the_trend_table_has_one_cell_per_year_in_order(cycles):
    trend = selectors.trend(cycles[2026], Assessment.objects.all())
    for group in trend.groups:
        assert group.cells == [group.points.get(year) for year in trend.years]


def part_url(year, part):
    return reverse("reports:dashboard_part", args=[year, part])


def test_the_long_lists_are_read_only_when_opened(cycles, admin_client):
    page = text(admin_client.get(reverse("reports:dashboard", args=[2026])))
    for part in ("gan-muc-tren", "xu-huong-huyen"):
        assert f'hx-get="{part_url(2026, part)}"' in page  # htmx, on the first toggle
        assert f'<a href="{part_url(2026, part)}">' in page  # and a link without JavaScript
    trend = selectors.trend(cycles[2026], Assessment.objects.all())
    assert len(trend.groups) > 1
    fragment = admin_client.get(part_url(2026, "xu-huong-huyen"), headers={"HX-Request": "true"})
    body = text(fragment)
    assert "<html" not in body and body.strip() not in page
    assert [g.name for g in trend.groups] == re.findall(r'<th scope="row">([^<]+)</th>', body)


def test_the_near_band_list_is_the_selectors_and_a_page_of_its_own_without_htmx(cycles, admin_client):
    analysis = selectors.indicator_analysis(cycles[2024], Assessment.objects.all())
    assert analysis.near
    fragment = text(admin_client.get(part_url(2024, "gan-muc-tren"), headers={"HX-Request": "true"}))
    assert re.findall(r'<th scope="row">([^<]+)</th>', fragment) == [u.unit_name for u in analysis.near]
    page = text(admin_client.get(part_url(2024, "gan-muc-tren")))
    assert "<html" in page and "Danh sách đơn vị sát mức trên" in page
    assert f'href="{reverse("reports:dashboard", args=[2024])}"' in page


def test_a_list_follows_the_scope_and_unknown_lists_are_404(cycles, make_persona, viewer):
    appraiser = grant(make_persona, "kt-parts", Role.APPRAISER, KIM_THANH_2024, year=2024)
    body = text(appraiser.get(part_url(2024, "xu-huong-huyen"), headers={"HX-Request": "true"}))
    assert "Thanh Hà" not in body
    assert appraiser.get(part_url(2026, "gan-muc-tren")).status_code == 404  # a year outside the scope
    assert appraiser.get(part_url(2024, "khong-co")).status_code == 404


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_trend_counted_by_the_database_is_the_trend(cycles, make_persona, year):
    appraiser = grant(make_persona, f"kt-trend-{year}", Role.APPRAISER, KIM_THANH_2024, year=2024)
    for scope in (Assessment.objects.all(), permissions.visible(appraiser.user)):
        assert selectors.trend_points(cycles[year], scope) == selectors.trend(cycles[year], scope).points


def point_in(path: str, x: float, y: float) -> bool:
    """Ray casting over every ring of an SVG path of M/L commands."""
    inside = False
    for ring in path.split("M")[1:]:
        points = [tuple(map(float, p.split())) for p in ring.replace("Z", "").split("L") if p.strip()]
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def test_the_map_names_each_district_inside_its_own_shape(cycles, admin_client):
    drawn = maps.district_map({code: Decimal(50) for code in maps.districts()})
    for shape in drawn.shapes:
        if shape.code != "318":  # Bạch Long Vĩ: an island a few units wide, labelled beside it
            assert point_in(shape.path, shape.label_x, shape.label_y), shape.name
    page = text(admin_client.get(reverse("reports:dashboard", args=[2024])))
    for name in ("Kim Thành", "Thanh Hà"):
        assert f'class="map-name">{name}</tspan>' in page
        assert f'<span class="map-key-name">Huyện {name}</span>' in page
