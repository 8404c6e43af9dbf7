"""A small 2024 cycle: the communes of two districts of Hải Dương, each district appraising its own,
and personas for every role, inside and outside."""

from datetime import date
from decimal import Decimal

import pytest

from friendlygov.accounts.models import Role, RoleGrant
from friendlygov.assessments.models import AppraisingBody, Cycle
from friendlygov.assessments.services import open_cycle
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.units.models import UnitVersion

DAY = date(2024, 12, 31)


def district(name):
    return UnitVersion.objects.valid_on(DAY).get(province_code="30", level=2, name=name)


def commune(name, district_name):
    return UnitVersion.objects.valid_on(DAY).get(level=3, name=name, parent__name=district_name)


@pytest.fixture
def cycle_2024(reference_data, django_user_model):
    admin = django_user_model.objects.create_superuser("cycle-admin", password="x-cycle-admin-2026")
    cycle = Cycle.objects.create(
        year=2024,
        name="Đánh giá năm 2024",
        framework=FrameworkVersion.objects.get(code="hai-duong-2024"),
        self_assessment_opens=date(2024, 10, 1),
        self_assessment_closes=date(2024, 11, 30),
        appraisal_deadline=date(2024, 12, 31),
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


@pytest.fixture
def persona(make_persona):
    """persona("commune_officer", unit) → a signed-in client whose user holds that role there."""
    count = {"n": 0}

    def make(role, unit, year=None):
        count["n"] += 1
        client = make_persona(f"{role}-{unit.code}-{count['n']}", full_name=f"{Role(role).label} {unit.name}")
        RoleGrant.objects.create(user=client.user, role=role, unit=unit, year=year)
        return client

    return make


@pytest.fixture
def dong_cam(cycle_2024):
    return cycle_2024.assessments.get(unit=commune("Xã Đồng Cẩm", "Huyện Kim Thành"))


@pytest.fixture
def people(persona, dong_cam):
    """Everyone around Xã Đồng Cẩm (Kim Thành) in 2024, and the outsiders."""
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


VALUES = {
    "manual": Decimal("4.5"),
    "yes_no": Decimal(1),
    "ratio": Decimal(97),
    "deduction": Decimal(0),
    "survey": Decimal(92),
}


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
    from friendlygov.assessments.results import SELF, layer_result, points_for

    scores = list(assessment.scores.select_related("indicator__criterion"))
    for score in scores:
        score.self_value = plausible_value(score.indicator)
        score.self_points = points_for(score.indicator, score.self_value)
        score.explanation = explanation
        score.version += 1
    IndicatorScore.objects.bulk_update(scores, ["self_value", "self_points", "explanation", "version"])
    assessment.self_score = layer_result(assessment, scores, SELF).total.total
    assessment.save(update_fields=["self_score"])
