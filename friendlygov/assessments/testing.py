"""The assessment area's test fixtures, for every app's tests (a pytest plugin, see conftest.py).

A small 2024 cycle: the communes of two districts of Hải Dương, each district appraising its own,
personas for every role, inside and outside, and a decided cycle (one issued decision over three
appraised communes of Kim Thành).

They live beside the app they describe, not in its tests/ folder, so that other apps' tests use
them through the plugin instead of importing another app's tests; not in core, which imports no
domain app. The 2024 cycle is built once per test module (friendlygov.core.testing_db) and each
test sees it through its own savepoint and gets its own copy of the Python objects.
"""

import copy
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from friendlygov.core.testing_db import building, shared_transaction, shares_per_module

DAY = date(2024, 12, 31)
# The self-assessment and appraisal stay open whenever the tests run: deadlines hold
# (assessments/deadlines.py), and most tests act at today's date. Tests of the deadlines, and of
# the reminders that count down to them, set the cycle's dates themselves.
OPEN_UNTIL = date.today() + timedelta(days=3650)

VALUES = {
    "manual": Decimal("4.5"),
    "yes_no": Decimal(1),
    "ratio": Decimal(97),
    "deduction": Decimal(0),
    "survey": Decimal(92),
}

LEGAL_BASES = (
    "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015\n"
    "Căn cứ Kế hoạch của Ủy ban nhân dân tỉnh Hải Dương;\n"
    "Theo đề nghị của Trưởng phòng Nội vụ huyện"
)


def district(name):
    from friendlygov.units.models import UnitVersion

    return UnitVersion.objects.valid_on(DAY).get(province_code="30", level=2, name=name)


def commune(name, district_name):
    from friendlygov.units.models import UnitVersion

    return UnitVersion.objects.valid_on(DAY).get(level=3, name=name, parent__name=district_name)


def load_reference_data():
    """The shipped units and default framework, unless a transactional test flushed them."""
    from django.apps import apps
    from django.core.management import call_command

    if not apps.get_model("units", "UnitVersion").objects.exists():
        call_command("load_units", verbosity=0)
    if not apps.get_model("frameworks", "FrameworkVersion").objects.exists():
        call_command("load_default_framework", verbosity=0)
    from friendlygov.programs.seeding import ensure_default_program

    ensure_default_program()


def build_cycle_2024():
    from django.contrib.auth import get_user_model

    from friendlygov.assessments.models import AppraisingBody, Cycle
    from friendlygov.assessments.services import open_cycle
    from friendlygov.frameworks.models import FrameworkVersion
    from friendlygov.units.models import UnitVersion

    load_reference_data()
    admin = get_user_model().objects.create_superuser("cycle-admin", password="x-cycle-admin-2026")
    cycle = Cycle.objects.create(
        year=2024,
        name="Đánh giá năm 2024",
        framework=FrameworkVersion.objects.get(code="hai-duong-2024"),
        self_assessment_opens=date(2024, 10, 1),
        self_assessment_closes=OPEN_UNTIL,
        appraisal_deadline=OPEN_UNTIL,
        decision_from=date(2025, 1, 1),
        decision_until=date(2025, 1, 31),
    )
    units = []
    for name, place in (("Huyện Kim Thành", "Kim Thành"), ("Huyện Thanh Hà", "Thanh Hà")):
        unit = district(name)
        AppraisingBody.objects.create(
            cycle=cycle,
            name=f"UBND {name[0].lower()}{name[1:]}",
            unit=unit,
            issuing_authority=f"ỦY BAN NHÂN DÂN {name.upper()}",
            place_name=place,
        )
        units += list(UnitVersion.objects.valid_on(DAY).filter(parent=unit))
    open_cycle(cycle, units=units, actor=admin)
    return cycle


def keep_2024_calendar(request):
    """For a test module's autouse fixture: when the test uses the 2024 cycle, put it back on its
    2024 calendar (self-assessment closes 30/11/2024, appraisal due 31/12/2024) and let it accept
    late work, for tests that count from those dates (reminders, the survey's embargo) while they
    move assessments at today's date."""
    if "cycle_2024" not in request.fixturenames:
        return
    from friendlygov.assessments.models import Cycle

    cycle = request.getfixturevalue("cycle_2024")
    Cycle.objects.filter(pk=cycle.pk).update(
        self_assessment_closes=date(2024, 11, 30), appraisal_deadline=date(2024, 12, 31), late_allowed=True
    )
    cycle.self_assessment_closes, cycle.appraisal_deadline = date(2024, 11, 30), date(2024, 12, 31)
    cycle.late_allowed = True


def _shared(request, name):
    """The module's shared value `name` if this test reads it, else None."""
    return request.getfixturevalue(name) if name in request.fixturenames else None


shares_per_module("cycle_2024", "_cycle_2024_for_module")


@pytest.fixture(scope="module")
def _cycle_2024_for_module(django_db_setup, django_db_blocker):
    """The 2024 cycle, built once for the module's tests that roll back (see cycle_2024)."""
    with shared_transaction(django_db_blocker):
        with building(django_db_blocker):
            cycle = build_cycle_2024()
        yield cycle


@pytest.fixture
def cycle_2024(request, reference_data, django_user_model):
    """The 2024 cycle. Built once per module for the tests that roll back, each of which gets its
    own copy of the instance as built (a test that changes it in memory does not change the next
    one's); built for each test in a module with a transactional test (see testing_db)."""
    shared = _shared(request, "_cycle_2024_for_module")
    if shared is None:
        return build_cycle_2024()
    return copy.deepcopy(shared)


def persona_maker(make_persona, first: int = 0):
    """persona("commune_officer", unit) → a signed-in client whose user holds that role there.
    Usernames are numbered from `first` + 1, after those the module already made."""
    from friendlygov.accounts.models import Role, RoleGrant

    count = {"n": first}

    def make(role, unit, year=None):
        count["n"] += 1
        client = make_persona(f"{role}-{unit.code}-{count['n']}", full_name=f"{Role(role).label} {unit.name}")
        RoleGrant.objects.create(user=client.user, role=role, unit=unit, year=year)
        return client

    make.count = count
    return make


def build_people(persona, dong_cam):
    from friendlygov.accounts.models import Role

    kim_thanh = district("Huyện Kim Thành")
    neighbour = commune("Xã Tam Kỳ", "Huyện Kim Thành")
    return {
        "officer": persona(Role.COMMUNE_OFFICER, dong_cam.unit),
        "chair": persona(Role.COMMUNE_CHAIR, dong_cam.unit),
        "appraiser": persona(Role.APPRAISER, kim_thanh),
        "head": persona(Role.APPRAISAL_HEAD, kim_thanh),
        "outsider_commune": persona(Role.COMMUNE_OFFICER, neighbour),
        "outsider_district": persona(Role.APPRAISER, district("Huyện Thanh Hà")),
    }


def find_dong_cam(cycle):
    return cycle.assessments.get(unit=commune("Xã Đồng Cẩm", "Huyện Kim Thành"))


def build_kim_thanh_chair(persona):
    from friendlygov.accounts.models import Role

    return persona(Role.COMMUNE_CHAIR, district("Huyện Kim Thành")).user


def build_appraised_units(cycle, people, dong_cam, kim_thanh_chair):
    others = list(
        cycle.assessments.filter(body=dong_cam.body).exclude(pk=dong_cam.pk).order_by("unit__code")[:2]
    )
    return [
        appraise(a, chair=kim_thanh_chair, appraiser=people["appraiser"].user, lower_by=n)
        for n, a in enumerate([dong_cam, *others])
    ]


# The people around Đồng Cẩm, and the three appraised communes, are built once per module too
# (after the cycle, inside its transaction). Within a module the tests that use fewer of these run
# first, so none sees rows it did not ask for.
shares_per_module("people", "_people_for_module")
shares_per_module("appraised_units", "_appraised_units_for_module")


@pytest.fixture(scope="module")
def _people_for_module(_cycle_2024_for_module, django_db_blocker):
    from friendlygov.core.testing import signed_in_client

    with building(django_db_blocker):
        persona = persona_maker(signed_in_client)
        people = build_people(persona, find_dong_cam(_cycle_2024_for_module))
    return {"people": people, "persona": persona}


@pytest.fixture(scope="module")
def _appraised_units_for_module(_cycle_2024_for_module, _people_for_module, django_db_blocker):
    persona, people = _people_for_module["persona"], _people_for_module["people"]
    with building(django_db_blocker):
        chair = build_kim_thanh_chair(persona)
        units = build_appraised_units(
            _cycle_2024_for_module, people, find_dong_cam(_cycle_2024_for_module), chair
        )
    return {"kim_thanh_chair": chair, "appraised_units": units}


@pytest.fixture
def persona(request, make_persona):
    """persona("commune_officer", unit) → a signed-in client whose user holds that role there."""
    shared = _shared(request, "_people_for_module")
    return persona_maker(make_persona, first=shared["persona"].count["n"] if shared else 0)


@pytest.fixture
def dong_cam(cycle_2024):
    return find_dong_cam(cycle_2024)


@pytest.fixture
def people(request, persona, dong_cam):
    """Everyone around Xã Đồng Cẩm (Kim Thành) in 2024, and the outsiders; each test gets its own
    clients (same sessions, own copies of the users)."""
    from friendlygov.core.testing import copy_of_client

    shared = _shared(request, "_people_for_module")
    if shared is None:
        return build_people(persona, dong_cam)
    return {who: copy_of_client(client) for who, client in shared["people"].items()}


def plausible_value(indicator):
    value = VALUES[indicator.method]
    return min(value, indicator.max_points) if indicator.method == "manual" else value


def fill_self(assessment, user, explanation="Hồ sơ lưu tại văn phòng UBND xã."):
    """Score every indicator through the autosave service, as an officer would."""
    from friendlygov.assessments.services import save_self_score

    for score in assessment.scores.select_related("indicator"):
        value = plausible_value(score.indicator)
        save_self_score(
            score, expected_version=score.version, actor=user, self_value=value, explanation=explanation
        )


def quick_fill_self(assessment, explanation="Hồ sơ lưu tại văn phòng UBND xã."):
    """The same end state as fill_self, written in bulk: for tests about what comes after."""
    from friendlygov.assessments.models import IndicatorScore
    from friendlygov.assessments.results import layer_result, points_for
    from friendlygov.assessments.workflow import SELF

    scores = list(assessment.scores.select_related("indicator__criterion"))
    for score in scores:
        score.self_value = plausible_value(score.indicator)
        score.self_points = points_for(score.indicator, score.self_value)
        score.explanation = explanation
        score.version += 1
    IndicatorScore.objects.bulk_update(scores, ["self_value", "self_points", "explanation", "version"])
    assessment.self_score = layer_result(assessment, scores, SELF).total.total
    assessment.save(update_fields=["self_score"])


def appraise(assessment, *, chair, appraiser, lower_by: int = 0):
    """Take one assessment through self-assessment and appraisal to "appraised". `lower_by`
    manual indicators are appraised at 0 points (with a comment) to spread the scores."""
    from friendlygov.assessments import services

    fill_self(assessment, chair)
    services.submit_assessment(assessment, actor=chair)
    services.copy_self_to_appraisal(assessment, actor=appraiser)
    manual = assessment.scores.filter(indicator__method="manual").order_by("indicator__order")
    for score in manual[:lower_by]:
        services.save_appraised_score(
            score,
            expected_version=score.version,
            actor=appraiser,
            appraised_value=Decimal(0),
            appraisal_comment="Chưa có hồ sơ chứng minh.",
        )
    approve_in_time(assessment, actor=appraiser)
    assessment.refresh_from_db()
    return assessment


# Appraisals are approved before the 31 December deadline, so a decision signed in January may
# rest on them (a decision is never signed before the approval of its units).
APPROVED_AT = datetime(2024, 12, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def approval_day():
    """Run what follows (an approval through a page or the API) as on 20 December 2024."""
    import time_machine

    return time_machine.travel(APPROVED_AT, tick=False)


def approve_in_time(assessment, *, actor):
    from friendlygov.assessments import services

    with approval_day():
        return services.approve_appraisal(assessment, actor=actor)


@pytest.fixture
def kim_thanh_chair(request, persona):
    """A commune chair's role over every commune of Kim Thành, to fill many units quickly."""
    shared = _shared(request, "_appraised_units_for_module")
    if shared is None:
        return build_kim_thanh_chair(persona)
    return copy.deepcopy(shared["kim_thanh_chair"])


@pytest.fixture
def appraised_units(request, cycle_2024, people, dong_cam, kim_thanh_chair):
    """Đồng Cẩm and two neighbours appraised, with different scores."""
    shared = _shared(request, "_appraised_units_for_module")
    if shared is None:
        return build_appraised_units(cycle_2024, people, dong_cam, kim_thanh_chair)
    return copy.deepcopy(shared["appraised_units"])


@pytest.fixture
def draft(appraised_units, people):
    from friendlygov.assessments import services

    return services.draft_decision(
        appraised_units[0].body,
        assessments=appraised_units,
        number="15/QĐ-UBND",
        signed_on=date(2025, 1, 5),
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=people["head"].user,
    )


@pytest.fixture
def issued(draft, people):
    from friendlygov.assessments import services

    return services.issue_decision(draft, actor=people["head"].user)


def confirmed(assessment, action: str) -> dict:
    """The POST of a confirm step (submit, approve): the confirmation and the score it showed."""
    from friendlygov.assessments.confirmation import confirmation

    assessment.refresh_from_db()
    return {"confirmed": "1", "expected_score": str(confirmation(assessment, action).score)}


def draft_for(units, head, number="", *, supersedes=None, kind="recognition", day=5, date_reason=""):
    """A draft decision of the units' body on 2025-01-`day`, through the service."""
    from friendlygov.assessments import services

    return services.draft_decision(
        units[0].body,
        assessments=units,
        number=number,
        signed_on=date(2025, 1, day),
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=head,
        supersedes=supersedes,
        kind=kind,
        date_reason=date_reason,
    )
