"""Each issuing authority's register of decision numbers (per calendar year, across cycles), and
the reasons stored with a result (the failed conditions with their figures).

Issued decisions already in the database join their authority's register when their number is in
the national format and not yet taken there; the others (a malformed number such as "abc", or a
second decision under one number) keep their text but stay out of the register, so that the
constraint can hold from now on.
"""

import re

from django.db import migrations, models

NUMBER = re.compile(r"(\d+)/[A-ZĐ]+(?:-[A-ZĐ0-9]+)+")


def fill_the_registers(apps, schema_editor):
    Decision = apps.get_model("assessments", "Decision")
    taken = set()
    issued = Decision.objects.filter(state="issued").select_related("body").order_by("issued_at", "pk")
    for decision in issued:
        decision.authority = " ".join(decision.body.issuing_authority.upper().split())
        decision.register_year = decision.signed_on.year
        match = NUMBER.fullmatch(decision.number.strip())
        serial = int(match.group(1)) if match else None
        key = (decision.authority, decision.register_year, serial)
        if serial and match.group(1) == f"{serial:02d}" and key not in taken:
            taken.add(key)
            decision.serial = serial
        # .update(): the model's save() refuses to change an issued decision, rightly.
        Decision.objects.filter(pk=decision.pk).update(
            authority=decision.authority, register_year=decision.register_year, serial=decision.serial
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_evidence_purged_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="authority",
            field=models.CharField(blank=True, max_length=200, verbose_name="cơ quan ban hành (sổ đăng ký)"),
        ),
        migrations.AddField(
            model_name="decision",
            name="date_reason",
            field=models.TextField(
                blank=True,
                help_text="Bắt buộc khi ngày ký nằm ngoài thời hạn ra quyết định của đợt đánh giá.",
                verbose_name="lý do ký ngoài thời hạn",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="register_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="năm đăng ký"),
        ),
        migrations.AddField(
            model_name="decision",
            name="serial",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="số thứ tự trong năm"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="number",
            field=models.CharField(blank=True, max_length=40, verbose_name="số quyết định"),
        ),
        migrations.RunPython(fill_the_registers, migrations.RunPython.noop),
        migrations.AddField(
            model_name="assessment",
            name="final_reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="lý do không đạt chuẩn"),
        ),
        migrations.AddField(
            model_name="decisionitem",
            name="reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="lý do không đạt chuẩn"),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(
                fields=("authority", "register_year", "serial"),
                name="decision_number_unique_per_authority_year",
            ),
        ),
    ]
