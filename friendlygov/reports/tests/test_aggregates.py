"""A decided cycle's numbers are computed once and kept (reports/aggregates.py): on the small demo
they are the numbers computed the old way, for decided and open cycles; a decision issued makes
the dashboard read them again; the long lists are paged in the database's order and lose no row;
and the dashboard's queries do not grow with the scope."""

import functools
import re
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from friendlygov.accounts.models import Role
from friendlygov.assessments import permissions, services
from friendlygov.assessments.models import Assessment, Decision, IndicatorScore
from friendlygov.assessments.testing import LEGAL_BASES
from friendlygov.core import paging
from friendlygov.frameworks.scoring import HUNDRED, ZERO, quantize
from friendlygov.reports import aggregates, explain, selectors
from friendlygov.reports.explain import FINAL, SELF, Averages, shown_layer
from friendlygov.reports.models import ImportedResult
from friendlygov.reports.views import dashboard as dashboard_view
from friendlygov.units.models import UnitVersion

from .dashboard_fixtures import demo_cycles, grant

KIM_THANH_2024 = "293@2024-01-01"


@pytest.fixture(scope="module")
def cycles(small_demo, django_db_blocker):
    with django_db_blocker.unblock():
        return demo_cycles()


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_demo_has_a_decided_and_an_open_cycle(cycles):
    assert aggregates.settled(cycles[2024])
    assert not aggregates.settled(Assessment.objects.get(pk=_open_pk(cycles)).cycle)


def _open_pk(cycles):
    return cycles[2026].assessments.order_by("pk").values_list("pk", flat=True).first()


def _fresh(cycle, scope, grouping):
    snap = selectors.snapshot(cycle, scope, grouping=grouping)
    groups = selectors.group_rows(snap)
    discrepancy = selectors.discrepancy(snap, groups=groups)
    return {
        "summary": selectors.summary(snap),
        "groups": groups,
        "progress": selectors.progress(snap),
        "discrepancy": (
            discrepancy.compared,
            discrepancy.mean_gap,
            discrepancy.flagged,
            discrepancy.units[:30],
        ),
        "analysis": selectors.indicator_analysis(cycle, scope),
        "trend_points": selectors.trend_points(cycle, scope, ImportedResult.objects.all()),
    }


def _kept_shape(numbers):
    """The page keeps the near units' count; it lists them a page at a time (tested below)."""
    analysis = numbers["analysis"]
    return {**numbers, "analysis": replace(analysis, near=[]), "near_count": len(analysis.near)}


def _shown(context):
    d = context["discrepancy"]
    return {
        "summary": context["summary"],
        "groups": context["groups"],
        "progress": context["progress"],
        "discrepancy": (d.compared, d.mean_gap, d.flagged, d.units),
        "analysis": context["analysis"],
        "near_count": context["near_count"],
        "trend_points": context["trend_points"],
    }


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_dashboard_numbers_kept_or_not_are_the_ones_computed_the_old_way(cycles, admin_client, year):
    cycle = cycles[year]
    url = reverse("reports:dashboard", args=[year])
    first, again = admin_client.get(url), admin_client.get(url)  # the second reads what the first kept
    expected = _kept_shape(_fresh(cycle, Assessment.objects.all(), first.context["grouping"]))
    assert _shown(first.context) == expected
    assert _shown(again.context) == expected


def test_a_decided_cycle_is_computed_once_and_an_open_one_every_time(cycles, admin_client):
    def queries(year):
        with CaptureQueriesContext(connection) as seen:
            admin_client.get(reverse("reports:dashboard", args=[year]))
        return len(seen)

    assert queries(2024) > queries(2024) + 5  # kept: the snapshot, analysis and trend are not read again
    assert queries(2026) == queries(2026)  # open: exact and current, read each time


def _old_averages(assessment, layer):
    """`explain._averages` as it was before the sums were kept: every unit's rows on each call."""
    prefix = "self" if layer == SELF else "appraised"
    comparable = Assessment.objects.filter(explain._comparable(layer), cycle=assessment.cycle)
    rows = (
        IndicatorScore.objects.filter(assessment__in=comparable)
        .values("assessment_id", "assessment__body_id", "indicator__criterion__code")
        .annotate(
            earned=Sum(f"{prefix}_points", filter=Q(**{f"{prefix}_na": False})),
            maximum=Sum("indicator__max_points", filter=Q(**{f"{prefix}_na": False})),
        )
        .order_by()
    )
    group, province = defaultdict(list), defaultdict(list)
    for row in rows:
        if not row["maximum"]:
            continue
        percent = quantize((row["earned"] or ZERO) / row["maximum"] * HUNDRED)
        code = row["indicator__criterion__code"]
        province[code].append(percent)
        if row["assessment__body_id"] == assessment.body_id:
            group[code].append(percent)

    def average(values):
        return (
            quantize(sum(values, ZERO) / len(values))
            if len(values) >= explain.MIN_UNITS_FOR_AVERAGE
            else None
        )

    per_criterion = {code: (average(group[code]), average(values)) for code, values in province.items()}
    field_name = {FINAL: "final_score", explain.APPRAISED: "appraised_score", SELF: "self_score"}[layer]
    totals = list(comparable.filter(**{f"{field_name}__isnull": False}).values_list("body_id", field_name))
    in_group = [value for body, value in totals if body == assessment.body_id]
    everyone = [value for _body, value in totals]
    return per_criterion, Averages(average(in_group), len(in_group), average(everyone), len(everyone))


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_explain_averages_are_the_ones_computed_the_old_way(cycles, year):
    for assessment in cycles[year].assessments.select_related("cycle"):
        layer = shown_layer(assessment.status)
        expected = _old_averages(assessment, layer)
        assert explain._averages(assessment, layer) == expected
        assert explain._averages(assessment, layer) == expected  # the second time from what was kept


def _revoke_one(cycle, make_persona):
    """A revocation of one unit's recognition, issued by its body's head: the results change."""
    item = (
        Decision.objects.filter(
            body__cycle=cycle, state=Decision.State.ISSUED, kind=Decision.Kind.RECOGNITION
        )
        .order_by("pk")
        .first()
        .items.filter(level__gt=0)
        .select_related("assessment", "decision__body__unit")
        .first()
    )
    decision = item.decision
    head = grant(make_persona, "head-revokes", Role.APPRAISAL_HEAD, decision.body.unit_id, year=cycle.year)
    revocation = services.draft_decision(
        decision.body,
        assessments=[item.assessment],
        signed_on=decision.signed_on + timedelta(days=1),
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=head.user,
        supersedes=decision,
        kind=Decision.Kind.REVOCATION,
    )
    services.issue_decision(revocation, actor=head.user)
    return item.assessment


def test_issuing_a_decision_makes_the_dashboard_read_the_results_again(
    cycles, admin_client, make_persona, django_capture_on_commit_callbacks
):
    url = reverse("reports:dashboard", args=[2024])
    before = admin_client.get(url).context["summary"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        revoked = _revoke_one(cycles[2024], make_persona)
    assert callbacks  # the generation moves on once the decision is committed
    revoked.refresh_from_db()
    after = admin_client.get(url).context["summary"]
    assert after != before
    assert after == selectors.cycle_counts(cycles[2024], Assessment.objects.all())
    assert after.decided == before.decided - 1  # back to "appraised": the cycle is open again


def test_a_new_results_generation_is_read_even_when_nothing_else_changed(
    cycles, admin_client, django_capture_on_commit_callbacks
):
    remembered = aggregates.generations.remember(aggregates.RESULTS, ("x",), lambda: "old")
    assert aggregates.generations.remember(aggregates.RESULTS, ("x",), lambda: "new") == remembered == "old"
    with django_capture_on_commit_callbacks(execute=True):
        aggregates.results_changed()
    assert aggregates.generations.remember(aggregates.RESULTS, ("x",), lambda: "new") == "new"


def _all_pages(client, url, per_page, monkeypatch):
    monkeypatch.setattr(dashboard_view, "page_of", functools.partial(paging.page_of, per_page=per_page))
    names, number = [], 1
    while True:
        response = client.get(url, {"page": number})
        body = re.sub(r"\s+", " ", response.content.decode())
        names += re.findall(r'<th scope="row">([^<]+)</th>', body)
        page = response.context["page"]
        assert page.paginator.count == response.context["page"].paginator.count
        if not page.has_next():
            return names, page.paginator.count
        number += 1


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_near_list_paged_in_the_database_is_the_old_list(cycles, admin_client, monkeypatch, year):
    old = selectors.indicator_analysis(cycles[year], Assessment.objects.all()).near
    assert len(old) > 3
    url = reverse("reports:dashboard_part", args=[year, "gan-muc-tren"])
    names, total = _all_pages(admin_client, url, 3, monkeypatch)
    assert total == len(old)
    assert names == [u.unit_name for u in old]
    rows = [selectors.near_unit(r) for r in selectors.near_rows(cycles[year], Assessment.objects.all())]
    assert rows == old  # the same units, scores, levels and points missing, in the same order


def test_the_trend_list_paged_is_the_old_list(cycles, admin_client, monkeypatch):
    old = selectors.trend(cycles[2026], Assessment.objects.all(), imported=ImportedResult.objects.all())
    assert len(old.groups) > 2
    url = reverse("reports:dashboard_part", args=[2026, "xu-huong-huyen"])
    names, total = _all_pages(admin_client, url, 2, monkeypatch)
    assert total == len(old.groups)
    assert names == [g.name for g in old.groups]


@pytest.mark.parametrize("year", [2024, 2026])
def test_the_dashboard_queries_do_not_grow_with_the_scope(cycles, make_persona, year):
    """The same role on a whole province and on one unit of it: the same number of queries."""
    if year == 2024:
        wide, narrow = "30@2024-01-01", KIM_THANH_2024
    else:
        wide, narrow = "31@2025-07-01", cycles[year].assessments.order_by("pk").first().unit_id
    large = grant(make_persona, f"viewer-wide-{year}", Role.VIEWER, wide)
    small = grant(make_persona, f"viewer-narrow-{year}", Role.VIEWER, narrow)

    def queries(client):
        cache.clear()
        with CaptureQueriesContext(connection) as seen:
            response = client.get(reverse("reports:dashboard", args=[year]))
        assert response.status_code == 200
        return len(seen), response.context["summary"].units_total

    (few, units_few), (many, units_many) = queries(small), queries(large)
    assert units_many > units_few
    # Only the walks through lineage (a query per merger step, at most four) differ, not units.
    assert abs(many - few) <= 4


def test_a_scope_over_several_provinces_reads_a_row_per_province_with_links_down(
    cycles, admin_client, viewer_kt
):
    cycle = cycles[2024]
    outside_kim_thanh = cycle.assessments.exclude(pk__in=permissions.visible(viewer_kt.user).values("pk"))
    moved = outside_kim_thanh.order_by("pk").first()
    UnitVersion.objects.filter(pk=moved.unit_id).update(province_code="01")  # now two provinces
    total = cycle.assessments.count()
    url = reverse("reports:dashboard", args=[2024])

    national = admin_client.get(url)
    assert national.context["grouping"] == selectors.BY_PROVINCE and national.context["national"]
    rows = {g.key: g.units_total for g in national.context["groups"]}
    assert rows == {"01": 1, "30": total - 1}
    body = re.sub(r"\s+", " ", national.content.decode())
    assert f'href="{url}?province=30">Tỉnh Hải Dương</a>' in body
    assert national.context["summary"].units_total == total

    narrowed = admin_client.get(url, {"province": "30"})
    assert not narrowed.context["national"] and narrowed.context["grouping"] != selectors.BY_PROVINCE
    assert narrowed.context["summary"].units_total == total - 1
    assert "Tỉnh Hải Dương" in narrowed.content.decode()
    near = admin_client.get(
        reverse("reports:dashboard_part", args=[2024, "gan-muc-tren"]), {"province": "01"}
    )
    assert near.context["page"].paginator.count <= 1  # the lists narrow with the page

    # One province in scope: its bodies, as before; a province asked for never widens a scope.
    own = viewer_kt.get(url)
    assert own.context["grouping"] == selectors.BY_BODY and not own.context["national"]
    own_total = own.context["summary"].units_total
    assert 0 < own_total < total - 1
    assert viewer_kt.get(url, {"province": "30"}).context["summary"].units_total <= own_total
    assert viewer_kt.get(url, {"province": "99"}).context["summary"].units_total == 0


@pytest.fixture
def viewer_kt(cycles, make_persona):
    return grant(make_persona, "viewer-kt", Role.VIEWER, KIM_THANH_2024)
