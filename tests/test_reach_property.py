"""For random grants on a tree of depth 2 and 3, the reach policy gives one answer everywhere:
`reaches()` (Python), `reach_q()` (SQL), `may()`/`which()`, the assessment page and the API.
Seeing also reaches back through lineage to the decided results of the units a visible unit was
formed from (`reaches_through_lineage()`, `lineage_q()`).

The expected answer is worked out here independently, by walking the test's own tree and links.
"""

from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from friendlygov.accounts import reach
from friendlygov.accounts.models import Role, RoleGrant
from friendlygov.assessments import permissions as policy
from friendlygov.assessments.models import AppraisingBody, Assessment, Cycle, Decision
from friendlygov.assessments.workflow import Status
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.units.models import EventKind, LineageEvent, LineageLink, UnitType, UnitVersion

START = date(2020, 1, 1)
# code → parent code: a three-tier province (province → district → commune) and a two-tier one
# (province → commune), as before and after 1 July 2025.
TREE = {
    "P1": None,
    "D1": "P1",
    "D2": "P1",
    "C11": "D1",
    "C12": "D1",
    "C21": "D2",
    "P2": None,
    "C31": "P2",
    "C32": "P2",
}
TYPES = {"P": UnitType.PROVINCE, "D": UnitType.RURAL_DISTRICT, "C": UnitType.COMMUNE}
YEARS = (2024, 2026)
# predecessor → successor: C31 formed from C11 and C21, C21 earlier from C12 (two steps back).
LINKS = (("C11", "C31"), ("C21", "C31"), ("C12", "C21"))
DECIDED_ROWS = {("C11", 2024), ("C12", 2024), ("C21", 2024), ("C11", 2026)}
ACTIONS = (policy.VIEW, policy.VIEW_APPRAISAL, policy.EDIT_SELF, policy.APPRAISE, policy.DECIDE)


def ancestors_and_self(code) -> list[str]:
    chain = []
    while code is not None:
        chain.append(code)
        code = TREE[code]
    return chain


def expected(grants, code, year, roles, *, from_above) -> bool:
    chain = ancestors_and_self(code)[1:] if from_above else ancestors_and_self(code)
    return any(
        role in roles and (grant_year is None or grant_year == year) and unit in chain
        for role, unit, grant_year in grants
    )


def successors(code) -> set[str]:
    found = set()
    for predecessor, successor in LINKS:
        if predecessor == code:
            found |= {successor, *successors(successor)}
    return found


def expected_view(grants, code, year) -> bool:
    """Seen directly, or decided and formed into a unit a grant reaches for that year or later."""
    if expected(grants, code, year, policy.ACTION_ROLES[policy.VIEW], from_above=False):
        return True
    later = {unit for successor in successors(code) for unit in ancestors_and_self(successor)}
    return (code, year) in DECIDED_ROWS and any(
        unit in later and (grant_year is None or year <= grant_year) for _role, unit, grant_year in grants
    )


@pytest.fixture
def world(reference_data, django_user_model):
    clerk = django_user_model.objects.create_user("reach-clerk")
    units = {}
    for code, parent in TREE.items():
        units[code] = UnitVersion.objects.create(
            id=f"ZZ{code}@{START}",
            code=f"ZZ{code}",
            name=f"Đơn vị {code}",
            type=TYPES[code[0]],
            province_code="ZZ",
            parent=units[parent] if parent else None,
            valid_from=START,
        )
    event = LineageEvent.objects.create(id="ZZ-merge", kind=EventKind.MERGE, effective_date=date(2025, 7, 1))
    for predecessor, successor in LINKS:
        LineageLink.objects.create(event=event, predecessor=units[predecessor], successor=units[successor])
    framework = FrameworkVersion.objects.get(code="hai-duong-2024")
    assessments = {}
    for year in YEARS:
        cycle = Cycle.objects.create(
            year=year,
            name=f"Thử {year}",
            framework=framework,
            self_assessment_opens=date(year, 10, 1),
            self_assessment_closes=date(year, 11, 30),
            appraisal_deadline=date(year, 12, 31),
            decision_from=date(year + 1, 1, 1),
            decision_until=date(year + 1, 1, 31),
        )
        for code in ("D1", "D2", "P2"):
            body = AppraisingBody.objects.create(cycle=cycle, name=f"Thẩm định {code}", unit=units[code])
            Decision.objects.create(
                cycle=cycle,
                body=body,
                number=f"{code}/{year}",
                signed_on=date(year + 1, 1, 10),
                signer_name="Người ký",
                legal_bases="Căn cứ",
                created_by=clerk,
            )
            for commune, parent in TREE.items():
                if parent == code:
                    status = Status.RECOGNISED if (commune, year) in DECIDED_ROWS else Status.DRAFT
                    assessments[commune, year] = Assessment.objects.create(
                        cycle=cycle, unit=units[commune], body=body, status=status, final_level=1
                    )
    return units, assessments


grant_sets = st.lists(
    st.tuples(st.sampled_from(Role.values), st.sampled_from(list(TREE)), st.sampled_from((None, *YEARS))),
    max_size=4,
    unique=True,
)


@pytest.mark.django_db(transaction=False)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grant_set=grant_sets)
def test_reaches_equals_reach_q_equals_policy_pages_and_api(world, django_user_model, grant_set):
    units, assessments = world
    with transaction.atomic():
        user = django_user_model.objects.create_user("reach-probe")
        for role, code, year in grant_set:
            RoleGrant.objects.create(user=user, role=role, unit=units[code], year=year)
        _check(user, grant_set, units, assessments)
        transaction.set_rollback(True)


def _check(user, grant_set, units, assessments):
    for roles in ((Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR), (Role.APPRAISER, Role.APPRAISAL_HEAD)):
        for from_above in (False, True):
            for year in YEARS:
                rows = Assessment.objects.filter(cycle__year=year)
                in_sql = set(
                    rows.filter(reach.reach_q(user, roles, from_above=from_above)).values_list(
                        "unit__code", flat=True
                    )
                )
                for code, a_year in assessments:
                    if a_year != year:
                        continue
                    want = expected(grant_set, code, year, roles, from_above=from_above)
                    assert reach.reaches(user, units[code], roles, year, from_above=from_above) is want
                    assert (f"ZZ{code}" in in_sql) is want, (code, year, roles, from_above)

    for action in ACTIONS:
        which = set(policy.which(user, action).values_list("pk", flat=True))
        for (code, year), assessment in assessments.items():
            want = expected(
                grant_set, code, year, policy.ACTION_ROLES[action], from_above=action in policy.FROM_ABOVE
            )
            if action == policy.VIEW:
                want = expected_view(grant_set, code, year)
            assert (assessment.pk in which) is want, (action, code, year)
            if action not in policy.ACTION_STATES:
                assert policy.may(user, action, assessment) is want, (action, code, year)

    client = Client()
    client.force_login(user)
    for (code, year), assessment in assessments.items():
        want = expected_view(grant_set, code, year)
        page = client.get(f"/assessments/{assessment.pk}/")
        api = client.get(f"/api/v1/assessments/{assessment.pk}")
        assert (page.status_code, api.status_code) == ((200, 200) if want else (404, 404)), (code, year)

    drafts = set(policy.decisions_visible_to(user).values_list("body__unit__code", "cycle__year"))
    listed = {d["id"] for d in client.get("/api/v1/decisions?limit=100").json()["items"]}
    for decision in Decision.objects.filter(body__unit__code__startswith="ZZ").select_related("body__unit"):
        body_code = decision.body.unit.code[2:]
        # Heads and clerks see the drafts and issue them; only heads draft (and sign) them.
        want = expected(grant_set, body_code, decision.cycle.year, policy.ISSUE_ROLES, from_above=False)
        heads = expected(grant_set, body_code, decision.cycle.year, policy.DECISION_ROLES, from_above=False)
        assert ((decision.body.unit.code, decision.cycle.year) in drafts) is want
        assert policy.may_issue_for(user, decision.body) is want
        assert policy.may_decide_for(user, decision.body) is heads
        assert (decision.pk in listed) is want
