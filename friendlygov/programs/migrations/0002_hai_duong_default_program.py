"""Hải Dương's 2024–2030 scheme as the default program, version 1: the bands 80/85/90/95 that were
constants in frameworks/levels.py and the targets of reports/data/targets.yaml, written out here so
the migration does not change when those files do."""

from decimal import Decimal

from django.db import migrations

CODE = "hai-duong-2024-2030"
NAME = "Chính quyền cấp xã thân thiện, vì Nhân dân phục vụ"
BANDS = ((1, "80"), (2, "85"), (3, "90"), (4, "95"))
LATE = (("share", 1, "90", None), ("share", 2, "70", None), ("count", 4, None, 1))
TARGETS = {
    2024: (("share", 1, "20", None),),
    2025: (("share", 2, "20", None),),
    2026: (("share", 2, "50", None), ("count", 4, None, 1)),
    2027: LATE,
    2028: LATE,
    2029: LATE,
    2030: LATE,
}


def seed(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    RuleVersion = apps.get_model("programs", "RuleVersion")
    LevelBand = apps.get_model("programs", "LevelBand")
    YearTarget = apps.get_model("programs", "YearTarget")
    program, _ = Program.objects.get_or_create(
        code=CODE,
        defaults={"name": NAME, "description": "Đề án của tỉnh Hải Dương, giai đoạn 2024–2030."},
    )
    if RuleVersion.objects.filter(program=program).exists():
        return
    version = RuleVersion.objects.create(program=program, number=1, note="Theo đề án (dữ liệu ban đầu)")
    for level, lowest in BANDS:
        LevelBand.objects.create(
            version=version,
            level=level,
            lowest=Decimal(lowest),
            name=f"Mức {level}",
            name_en=f"Level {level}",
        )
    for year, rules in TARGETS.items():
        for position, (kind, min_level, percent, count) in enumerate(rules):
            YearTarget.objects.create(
                version=version,
                year=year,
                kind=kind,
                min_level=min_level,
                percent=Decimal(percent) if percent else None,
                count=count,
                position=position,
            )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_programs_and_rule_versions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
