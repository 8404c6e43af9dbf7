"""The demo data that `make run` loads: the real command, built once per source hash (the
`full_demo` template, about half a minute) and copied for this module, then read by every test;
each test's own changes are rolled back as usual."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from friendlygov.accounts.demo import DEMO_ACCOUNTS
from friendlygov.accounts.models import RoleGrant, User
from friendlygov.assessments import deadlines, permissions, services
from friendlygov.assessments.models import Assessment, Cycle, Decision, DecisionItem, IndicatorScore
from friendlygov.assessments.workflow import DECIDED, Action, Status
from friendlygov.audit.models import AuditEvent
from friendlygov.demo.summary import cycle_summaries
from friendlygov.units.selectors import ancestry_of

KIM_THANH = "10804@2025-07-01"
IN_PROGRESS_STATES = {
    Status.DRAFT,
    Status.SUBMITTED,
    Status.UNDER_APPRAISAL,
    Status.RETURNED,
    Status.RESUBMITTED,
    Status.APPRAISED,
}


@pytest.fixture(scope="module")
def demo(full_demo):
    """What the real `setup_demo` printed when it built the data this module reads."""
    return full_demo


@pytest.fixture
def cycles(demo, db):
    return {cycle.year: cycle for cycle in Cycle.objects.all()}


def user(username):
    return User.objects.get(username=username)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Cycle, Assessment, IndicatorScore, Decision, DecisionItem, User, RoleGrant, AuditEvent)
    }


def test_it_prints_every_demo_login_and_says_the_data_is_synthetic(demo, cycles):
    for account in DEMO_ACCOUNTS:
        assert account.username in demo
    assert all("mô phỏng" in cycle.name for cycle in cycles.values())


def test_a_second_run_creates_nothing_and_keeps_what_a_user_changed(cycles):
    kim_thanh = cycles[2026].assessments.get(unit_id=KIM_THANH)
    score = kim_thanh.scores.filter(self_points__isnull=True).select_related("indicator").first()
    officer = user("canbo.kimthanh")
    services.save_self_score(score, expected_version=score.version, actor=officer, self_value=1)
    officer.full_name = "Tên đã sửa"
    officer.save()
    before = counts()

    call_command("setup_demo", stdout=StringIO())

    assert counts() == before
    score.refresh_from_db()
    assert score.self_value == 1
    assert user("canbo.kimthanh").full_name == "Tên đã sửa"


def test_2024_is_235_communes_decided_by_one_issued_decision_per_district(cycles):
    cycle = cycles[2024]
    assert cycle.assessments.count() == 235
    assert not cycle.assessments.exclude(status__in=DECIDED).exists()
    decisions = cycle.decisions.all()
    assert decisions.count() == 12 == cycle.bodies.count()
    assert all(d.state == Decision.State.ISSUED and d.signed_on.year == 2025 for d in decisions)
    items = DecisionItem.objects.filter(decision__cycle=cycle)
    covered = Counter(items.values_list("assessment_id", flat=True))
    assert len(covered) == 235 and set(covered.values()) == {1}
    assert {b.issuing_authority for b in cycle.bodies.all()} >= {"ỦY BAN NHÂN DÂN HUYỆN KIM THÀNH"}


def test_2025_is_the_64_units_of_hai_phong_decided_by_sở_nội_vụ(cycles):
    cycle = cycles[2025]
    assert cycle.assessments.count() == 64
    assert not cycle.assessments.exclude(status__in=DECIDED).exists()
    (body,) = cycle.bodies.all()
    assert (body.name, body.unit_id) == ("Sở Nội vụ thành phố Hải Phòng", "31@2025-07-01")
    assert cycle.decisions.filter(state=Decision.State.ISSUED).count() == 1
    assert set(cycles[2026].assessments.values_list("unit_id", flat=True)) == set(
        cycle.assessments.values_list("unit_id", flat=True)
    )


def test_2026_is_under_way_with_every_state_and_kim_thanh_half_done(cycles):
    cycle = cycles[2026]
    assert set(cycle.assessments.values_list("status", flat=True)) == IN_PROGRESS_STATES
    kim_thanh = cycle.assessments.get(unit_id=KIM_THANH)
    assert kim_thanh.status == Status.DRAFT
    scored = kim_thanh.scores.filter(self_points__isnull=False).count()
    assert 0 < scored < kim_thanh.scores.count()
    # Dated from the day the demo is built: the README's officer can fill it in today.
    assert cycle.self_assessment_opens < timezone.localdate() <= cycle.self_assessment_closes
    assert deadlines.locked(kim_thanh) is None
    returned = cycle.assessments.filter(status=Status.RETURNED)
    assert all(a.explanation_requests.exclude(reason="").exists() for a in returned)


def test_the_historical_targets_are_met_without_a_landslide_and_some_gates_fail(cycles):
    summaries = {s.year: s for s in cycle_summaries()}
    for year in (2024, 2025):
        (target,) = summaries[year].targets
        assert target.met, target
        assert target.actual_percent < 45
    decided = Assessment.objects.filter(cycle__year__in=(2024, 2025))
    assert decided.filter(final_score__gte=80, final_level=0).exists()  # a criterion below 50%
    scores = [a.self_score for a in decided]
    assert sum(70 <= s <= 97 for s in scores) / len(scores) > 0.8
    assert all(0 <= a.self_score - a.appraised_score <= 5 for a in decided)


def test_every_transition_left_its_audit_event(cycles):
    events = Counter(AuditEvent.objects.values_list("event_type", flat=True))
    assert events["assessment.submit"] == Assessment.objects.exclude(submitted_at=None).count()
    assert events["decision.issued"] == 13
    assert events["score.self_saved"] > 0 and events["score.appraised_saved"] > 0


def test_each_demo_account_sees_and_may_do_what_its_role_allows(cycles):
    kim_thanh = cycles[2026].assessments.select_related("cycle", "unit__parent").get(unit_id=KIM_THANH)
    hai_phong = Assessment.objects.filter(cycle__year__in=(2025, 2026)).count()
    current = cycles[2026].assessments.select_related("cycle", "unit")
    submitted = current.filter(status=Status.SUBMITTED).first()

    officer, chair = user("canbo.kimthanh"), user("chutich.kimthanh")
    # Its own unit, and the decided 2024 results of the communes it was formed from (lineage).
    formed_from = {link.predecessor_id for step in ancestry_of(kim_thanh.unit) for link in step}
    past = set(cycles[2024].assessments.filter(unit_id__in=formed_from).values_list("unit_id", flat=True))
    assert past and set(permissions.visible(officer).values_list("unit_id", flat=True)) == {KIM_THANH, *past}
    assert set(
        permissions.visible(officer).exclude(unit_id=KIM_THANH).values_list("cycle__year", flat=True)
    ) == {2024}
    assert permissions.may(officer, permissions.EDIT_SELF, kim_thanh)
    assert not permissions.may(officer, Action.SUBMIT, kim_thanh)
    assert permissions.may(chair, Action.SUBMIT, kim_thanh)
    assert not permissions.may(chair, permissions.APPRAISE, submitted)

    appraiser, head, viewer = user("thamdinh.sonoivu"), user("giamdoc.sonoivu"), user("lanhdao.haiphong")
    for person in (appraiser, head, viewer):  # the city's units, and through lineage Hải Dương's 2024
        assert permissions.visible(person).count() == hai_phong + 235
    assert permissions.may(appraiser, permissions.APPRAISE, submitted)
    assert not permissions.may(appraiser, permissions.APPRAISE, kim_thanh)  # still a draft
    assert permissions.may_decide_for(head, cycles[2026].bodies.get())
    assert not permissions.may_decide_for(appraiser, cycles[2026].bodies.get())
    assert not permissions.which(viewer, permissions.APPRAISE).exists()
    assert not permissions.which(viewer, permissions.EDIT_SELF).exists()

    # The clerk (văn thư) of the appraising body issues its decisions; she neither drafts nor appraises.
    clerk = user("vanthu.sonoivu")
    body = cycles[2026].bodies.get()
    assert permissions.may_issue_for(clerk, body)
    assert not permissions.may_decide_for(clerk, body)
    assert not permissions.may(clerk, permissions.APPRAISE, submitted)

    historian = user("thamdinh.kimthanh2024")
    seen = permissions.visible(historian)
    assert seen.count() == cycles[2024].assessments.filter(unit__parent_id="293@2024-01-01").count() > 0
    assert set(seen.values_list("cycle__year", flat=True)) == {2024}

    assert permissions.visible(user("admin")).count() == Assessment.objects.count() == 235 + 64 + 64


def test_every_demo_login_has_an_address_that_reminders_can_use_and_that_goes_nowhere(cycles):
    for account in DEMO_ACCOUNTS:
        assert user(account.username).email == f"{account.username}@demo.friendlygov.invalid"
