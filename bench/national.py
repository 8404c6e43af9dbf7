"""A national-scale synthetic data set for benchmarks: all 63 provinces, 705 districts and
10,595 communes of the GSO list as of 2024-05-01 (read from the raw reference file, not shipped),
and a decided 2024 cycle over them with one score row per indicator.

Only for benchmarks: it writes to whatever database the settings point at, so run it against a
scratch database (bench/run.py does).
"""

import json
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from friendlygov.accounts.models import User
from friendlygov.assessments.models import AppraisingBody, Assessment, Cycle, IndicatorScore
from friendlygov.assessments.results import points_for
from friendlygov.assessments.workflow import Status
from friendlygov.core.i18n import fold
from friendlygov.frameworks.levels import level_for_score
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.programs.models import Program
from friendlygov.units.models import LEVEL_OF_TYPE, UnitType, UnitVersion

START = date(2024, 1, 1)
NATIONAL_PROGRAM = "Quốc gia — dữ liệu đo hiệu năng"
TYPES = {
    "Tỉnh": UnitType.PROVINCE,
    "Thành phố Trung ương": UnitType.CENTRAL_CITY,
    "Huyện": UnitType.RURAL_DISTRICT,
    "Quận": UnitType.URBAN_DISTRICT,
    "Thị xã": UnitType.TOWN,
    "Thành phố": UnitType.PROVINCIAL_CITY,
    "Xã": UnitType.COMMUNE,
    "Phường": UnitType.WARD,
    "Thị trấn": UnitType.TOWNSHIP,
}


def reference_file() -> Path:
    return settings.SHARED_DIR / "data" / "admin-units" / "dvhcvn_2024-05-01.json"


@transaction.atomic
def load_national_units() -> int:
    """Every unit of the 2024 list that the shipped data does not already hold (ids as the units app)."""
    data = json.loads(reference_file().read_text(encoding="utf-8"))["data"]
    existing = set(UnitVersion.objects.values_list("id", flat=True))
    rows = []
    for province in data:
        p_code = province["level1_id"]
        p_id = f"{p_code}@{START}"
        rows.append((p_id, p_code, province["name"], TYPES[province["type"]], p_code, None))
        for district in province["level2s"]:
            d_id = f"{district['level2_id']}@{START}"
            rows.append(
                (d_id, district["level2_id"], district["name"], TYPES[district["type"]], p_code, p_id)
            )
            for commune in district["level3s"]:
                c_id = f"{commune['level3_id']}@{START}"
                rows.append(
                    (c_id, commune["level3_id"], commune["name"], TYPES[commune["type"]], p_code, d_id)
                )
    new = [
        UnitVersion(
            id=i,
            code=code,
            name=name,
            type=kind,
            province_code=p,
            parent_id=parent,
            valid_from=START,
            valid_to=date(2025, 6, 30),
            level=0,
        )
        for i, code, name, kind, p, parent in rows
        if i not in existing
    ]
    for unit in new:  # bulk_create skips save(), which derives these two
        unit.search_name = fold(unit.name)
        unit.level = LEVEL_OF_TYPE[unit.type]
    UnitVersion.objects.bulk_create(sorted(new, key=lambda u: u.level), batch_size=2000)
    return len(new)


def program_named(name: str) -> Program:
    """The benchmark's own program (the default rules: it has no rule version of its own)."""
    program, _created = Program.objects.get_or_create(name=name, defaults={"code": slugify(name)[:60]})
    return program


@transaction.atomic
def build_cycle(*, program: str, communes, bodies_by_unit, seed: int = 2024) -> Cycle:
    """A decided 2024 cycle over `communes`, one body per district, scores for every indicator."""
    framework = FrameworkVersion.objects.get(code="hai-duong-2024")
    cycle = Cycle.objects.create(
        program=program_named(program),
        year=2024,
        name=f"{program} 2024",
        framework=framework,
        self_assessment_opens=date(2024, 10, 1),
        self_assessment_closes=date(2024, 11, 30),
        appraisal_deadline=date(2024, 12, 31),
        decision_from=date(2025, 1, 1),
        decision_until=date(2025, 1, 31),
    )
    bodies = {}
    for district in bodies_by_unit:
        bodies[district.pk] = AppraisingBody.objects.create(
            cycle=cycle,
            name=f"UBND {district.name}",
            unit=district,
            issuing_authority=f"ỦY BAN NHÂN DÂN {district.name.upper()}",
            place_name=district.name,
        )
    rng = random.Random(seed)
    leaves = [i for i in framework.indicators.select_related("criterion") if not i.children.exists()]
    assessments = []
    for unit in communes:
        score = Decimal(rng.randint(6800, 9900)) / 100
        level = level_for_score(score)
        status = Status.RECOGNISED if level else Status.NOT_RECOGNISED
        assessments.append(
            Assessment(
                cycle=cycle,
                unit=unit,
                body=bodies[unit.parent_id],
                status=status,
                self_score=score + Decimal(rng.randint(0, 400)) / 100,
                appraised_score=score,
                final_score=score,
                final_level=level,
            )
        )
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    scores = []
    for assessment in Assessment.objects.filter(cycle=cycle).only("pk", "unit_id"):
        for indicator in leaves:
            value = _value(indicator, rng)
            points = points_for(indicator, value)
            scores.append(
                IndicatorScore(
                    assessment_id=assessment.pk,
                    indicator=indicator,
                    self_value=value,
                    self_points=points,
                    appraised_value=value,
                    appraised_points=points,
                )
            )
    IndicatorScore.objects.bulk_create(scores, batch_size=5000)
    return cycle


def _value(indicator, rng) -> Decimal:
    method = indicator.method
    if method == "yes_no":
        return Decimal(1 if rng.random() < 0.85 else 0)
    if method == "manual":
        step = indicator.step or Decimal("0.5")
        steps = int(indicator.max_points / step)
        return step * rng.randint(steps // 2, steps)
    if method == "deduction":
        return Decimal(rng.choice([0, 0, 0, 1, 2]))
    return Decimal(rng.randint(70, 100))


def bench_user() -> User:
    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    return user
