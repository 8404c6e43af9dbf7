"""A cycle belongs to a program (programs.Program) instead of naming it: every existing cycle goes
to the program of its name, the default program for the default name; a cycle of another name
gets a program of that name with the default rules (its bands were the default ones until now).
Every cycle carries its program's rule version 1; a cycle with an issued decision keeps it."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone
from django.utils.text import slugify

DEFAULT_CODE = "hai-duong-2024-2030"


def link_cycles(apps, schema_editor):
    Cycle = apps.get_model("assessments", "Cycle")
    Program = apps.get_model("programs", "Program")
    RuleVersion = apps.get_model("programs", "RuleVersion")
    default = Program.objects.get(code=DEFAULT_CODE)
    for name in Cycle.objects.values_list("program_name", flat=True).distinct():
        program = Program.objects.filter(name=name).first()
        if program is None:
            program = Program.objects.create(code=slugify(name)[:50] or "chuong-trinh", name=name)
            _copy_rules(apps, RuleVersion.objects.get(program=default, number=1), program)
        Cycle.objects.filter(program_name=name).update(program=program)


def _copy_rules(apps, source, program):
    RuleVersion = apps.get_model("programs", "RuleVersion")
    version = RuleVersion.objects.create(program=program, number=1, note=source.note)
    for band in source.bands.all():
        band.pk = None
        band.version = version
        band.save()
    for target in source.targets.all():
        target.pk = None
        target.version = version
        target.save()


def set_rule_versions(apps, schema_editor):
    Cycle = apps.get_model("assessments", "Cycle")
    RuleVersion = apps.get_model("programs", "RuleVersion")
    now = timezone.now()
    for cycle in Cycle.objects.all():
        cycle.rules_version = (
            RuleVersion.objects.filter(program_id=cycle.program_id).order_by("-number").first()
        )
        if cycle.decisions.filter(state="issued").exists():
            cycle.rules_kept_at = now
        cycle.save(update_fields=["rules_version", "rules_kept_at"])


def unlink_cycles(apps, schema_editor):
    Cycle = apps.get_model("assessments", "Cycle")
    for cycle in Cycle.objects.select_related("program"):
        cycle.program_name = cycle.program.name
        cycle.save(update_fields=["program_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_cycle_updated_at"),
        ("programs", "0002_hai_duong_default_program"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="cycle", name="cycle_program_year_unique"),
        migrations.RenameField(model_name="cycle", old_name="program", new_name="program_name"),
        migrations.AddField(
            model_name="cycle",
            name="program",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cycles",
                to="programs.program",
                verbose_name="chương trình",
            ),
        ),
        migrations.RunPython(link_cycles, unlink_cycles),
        migrations.RemoveField(model_name="cycle", name="program_name"),
        migrations.AlterField(
            model_name="cycle",
            name="program",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cycles",
                to="programs.program",
                verbose_name="chương trình",
            ),
        ),
        migrations.AddField(
            model_name="cycle",
            name="rules_version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cycles",
                to="programs.ruleversion",
                verbose_name="phiên bản quy định đã áp dụng",
            ),
        ),
        migrations.AddField(
            model_name="cycle",
            name="rules_kept_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="giữ phiên bản quy định từ"),
        ),
        migrations.RunPython(set_rule_versions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="cycle",
            constraint=models.UniqueConstraint(fields=("program", "year"), name="cycle_program_year_unique"),
        ),
    ]
