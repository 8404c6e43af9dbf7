"""Bonus points rule by rule. Existing totals are spread over the framework's bonus rules in their
order, each rule up to its cap, so every stored total is kept; an appraisal still open whose
appraised bonus was empty stays undecided (approval used to copy the claim silently)."""

from decimal import Decimal

from django.db import migrations, models


def _spread(total, rules) -> dict:
    lines, left = {}, Decimal(total)
    for code, cap in rules:
        if left <= 0:
            break
        points = min(left, cap)
        lines[code] = str(points.normalize())
        left -= points
    return lines


def spread_totals(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    BonusRule = apps.get_model("frameworks", "BonusRule")
    rules_of = {}
    claimed = Assessment.objects.filter(models.Q(self_bonus__gt=0) | models.Q(appraised_bonus__gt=0))
    for assessment in claimed.select_related("cycle").iterator():
        framework_id = assessment.cycle.framework_id
        if framework_id not in rules_of:
            rules = BonusRule.objects.filter(version_id=framework_id).order_by("order", "pk")
            rules_of[framework_id] = [(rule.code, rule.cap) for rule in rules]
        rules = rules_of[framework_id]
        assessment.self_bonus_by_rule = _spread(assessment.self_bonus, rules)
        if assessment.appraised_bonus is not None:
            decided = _spread(assessment.appraised_bonus, rules)
            # Every claimed rule was decided (at 0 where the appraised total did not reach it).
            assessment.appraised_bonus_by_rule = {
                code: decided.get(code, "0") for code in {**assessment.self_bonus_by_rule, **decided}
            }
        assessment.save(update_fields=["self_bonus_by_rule", "appraised_bonus_by_rule"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_decision_register_and_reasons"),
        ("frameworks", "0001_framework_versions_criteria_indicators"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="self_bonus_by_rule",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="điểm thưởng đề nghị theo nội dung"
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="appraised_bonus_by_rule",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="điểm thưởng được công nhận theo nội dung"
            ),
        ),
        migrations.RunPython(spread_totals, migrations.RunPython.noop),
    ]
