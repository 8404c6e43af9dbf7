"""Programs as data: the seeded default program, new versions through the service and the pages,
a decided year that keeps its version, and a second program that rates a cycle with its own bands
and targets."""

import io
import re
from datetime import date
from decimal import ROUND_CEILING, Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from friendlygov.assessments import documents
from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.assessments.results import layer_result
from friendlygov.assessments.services import band_undecided_again, draft_decision
from friendlygov.assessments.testing import LEGAL_BASES
from friendlygov.assessments.workflow import APPRAISED, Status
from friendlygov.audit.models import AuditEvent
from friendlygov.programs import services
from friendlygov.programs.models import DEFAULT_PROGRAM_CODE, Program, RuleVersion
from friendlygov.programs.rules import Band, default_rules
from friendlygov.programs.selectors import current_rules, newest_version_id, rules_for
from friendlygov.reports import selectors as reports
from friendlygov.reports.targets import TargetRule

PASS_FAIL = [Band(1, Decimal(80), "Đạt chuẩn", "Meets the standard")]


def share(level, percent):
    return TargetRule(kind="share", min_level=level, percent=Decimal(percent))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def default_program():
    return Program.objects.get(code=DEFAULT_PROGRAM_CODE)


def rules_as_rows(rules):
    return [(year, rule) for year, year_rules in rules.schedule.items() for rule in year_rules]


def fresh(cycle):
    return Cycle.objects.get(pk=cycle.pk)


def test_the_default_program_is_seeded_with_the_schemes_rules(db):
    seeded = current_rules(default_program())
    expected = default_rules()
    assert seeded.bands == expected.bands
    assert seeded.schedule == expected.schedule
    assert seeded.version_number == 1


def test_every_existing_cycle_belongs_to_the_default_program(cycle_2024):
    assert cycle_2024.program == default_program()
    assert rules_for(cycle_2024).version_id == RuleVersion.objects.get(program=default_program()).pk


def test_only_the_province_administrator_saves_rules(cycle_2024, people):
    with pytest.raises(PermissionDenied):
        services.save_rule_version(default_program(), PASS_FAIL, [], actor=people["head"].user)
    assert RuleVersion.objects.filter(program=default_program()).count() == 1


def test_a_bad_version_is_refused_whole_and_names_its_fields(db, admin_client):
    bands = [Band(1, Decimal(80), "Mức 1"), Band(2, Decimal(75), "Mức 2")]
    with pytest.raises(services.RulesRefused) as refused:
        services.save_rule_version(default_program(), bands, [(2027, share(3, 70))], actor=admin_client.user)
    assert [p.field for p in refused.value.problems] == ["bands-1-lowest", "targets-0-min_level"]
    assert RuleVersion.objects.filter(program=default_program()).count() == 1


def test_a_new_version_is_audited_and_the_old_one_stays(db, admin_client):
    rules = current_rules(default_program())
    rows = [
        (y, share(r.min_level, 60)) if (y, r) == (2027, share(1, 90)) else (y, r)
        for y, r in rules_as_rows(rules)
    ]
    version = services.save_rule_version(
        default_program(), rules.bands, rows, actor=admin_client.user, note="QĐ 12"
    )
    assert version.number == 2 and RuleVersion.objects.filter(program=default_program()).count() == 2
    event = AuditEvent.objects.get(event_type="program.rules_saved")
    assert event.actor == admin_client.user and event.data["number"] == 2 and event.data["note"] == "QĐ 12"
    assert current_rules(default_program()).targets_of(2027)[0] == share(1, 60)


def test_a_decided_year_keeps_the_version_it_was_judged_with(issued, admin_client, cycle_2024):
    judged_with = fresh(cycle_2024).rules_version_id
    assert judged_with == RuleVersion.objects.get(program=default_program(), number=1).pk
    services.save_rule_version(
        default_program(), PASS_FAIL, [(2024, share(1, 99))], actor=admin_client.user, note="thử"
    )
    decided = fresh(cycle_2024)
    assert decided.rules_version_id == judged_with
    assert rules_for(decided).targets_of(2024) == (share(1, 20),)
    assert rules_for(decided).levels == (0, 1, 2, 3, 4)
    undecided = Cycle.objects.create(
        year=2027, name="Đánh giá năm 2027", framework=decided.framework, **_calendar(decided)
    )
    assert rules_for(undecided).levels == (0, 1)
    assert rules_for(undecided).targets_of(2024) == (share(1, 99),)


def _calendar(cycle) -> dict:
    fields = ("self_assessment_opens", "self_assessment_closes", "appraisal_deadline", "decision_from")
    return {**{f: getattr(cycle, f) for f in fields}, "decision_until": cycle.decision_until}


# --- A second program, configured through the same services ------------------------------------


@pytest.fixture
def pass_fail(cycle_2024, admin_client):
    """A pass/fail standard at 80 points: 60% of the units, and at least 3 of them, must pass in
    2024. The framework version's conditions (each criterion ≥ 50%, no disciplined leader) stay."""
    program = services.create_program(
        "chuan-80-diem",
        "Chuẩn 80 điểm (thử nghiệm)",
        PASS_FAIL,
        [(2024, share(1, 60)), (2024, TargetRule(kind="count", min_level=1, count=3))],
        actor=admin_client.user,
    )
    Cycle.objects.filter(pk=cycle_2024.pk).update(
        program=program, rules_version=newest_version_id(program.pk)
    )
    band_undecided_again(program.pk, actor=admin_client.user)  # the units appraised before the move
    return fresh(cycle_2024)


def test_the_second_program_rates_an_appraised_unit_with_its_own_band(pass_fail, appraised_units):
    for assessment in appraised_units:
        assessment = Assessment.objects.select_related("cycle").get(pk=assessment.pk)
        scores = list(assessment.scores.select_related("indicator__criterion"))
        result = layer_result(assessment, scores, APPRAISED)
        passed = result.total.total >= 80
        assert result.recognition.score_level == (1 if passed else 0)
        assert result.recognition.level == (1 if passed and not result.recognition.failures else 0)


def test_the_second_programs_decision_names_its_level(appraised_units, pass_fail, people):
    draft = draft_decision(
        appraised_units[0].body,
        assessments=appraised_units,
        number="16/QĐ-UBND",
        signed_on=date(2025, 1, 5),
        signer_name="Nguyễn Văn An",
        legal_bases=LEGAL_BASES,
        actor=people["head"].user,
    )
    appendix = Document(io.BytesIO(documents.decision_docx(draft))).tables[-1]
    levels = {row.cells[1].text: row.cells[4].text for row in appendix.rows[1:]}
    for assessment in Assessment.objects.filter(pk__in=[a.pk for a in appraised_units]):
        assert levels[assessment.unit.name] == ("Đạt chuẩn" if assessment.final_level else "Không đạt chuẩn")
    assert "Đạt chuẩn" in levels.values()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=30))
def test_the_second_program_counts_levels_and_targets_by_its_own_arithmetic(pass_fail, scores):
    rules = rules_for(pass_fail)
    units = list(Assessment.objects.filter(cycle=pass_fail).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for pk, score in zip(units, scores, strict=False):
            level = rules.level_for(score)
            status = Status.RECOGNISED if level else Status.NOT_RECOGNISED
            Assessment.objects.filter(pk=pk).update(final_score=score, final_level=level, status=status)
        counts = reports.cycle_counts(pass_fail, Assessment.objects.all())
        transaction.set_rollback(True)
    decided = scores[: len(units)]
    passing = sum(1 for s in decided if s >= 80)
    assert counts.by_level == {0: len(units) - passing, 1: passing}
    assert [level.label for level in counts.levels] == ["Không đạt chuẩn", "Đạt chuẩn"]
    share_target, count_target = counts.targets
    required = int((Decimal(60) * len(units) / 100).to_integral_value(rounding=ROUND_CEILING))
    assert (share_target.required_units, share_target.actual_units) == (required, passing)
    assert share_target.met == (passing >= required)
    assert count_target.met == (passing >= 3)


# --- The pages -----------------------------------------------------------------------------------


def edit_post(rules, **changes) -> dict:
    data = {"bands-rows": len(rules.bands), "targets-rows": 0, "note": "", "action": "save"}
    for i, band in enumerate(rules.bands):
        data |= {
            f"bands-{i}-lowest": str(band.lowest),
            f"bands-{i}-name": band.name,
            f"bands-{i}-name_en": band.name_en,
        }
    rows = rules_as_rows(rules)
    data["targets-rows"] = len(rows)
    for i, (year, rule) in enumerate(rows):
        value = str(rule.percent) if rule.kind == "share" else str(rule.count)
        data |= {
            f"targets-{i}-year": year,
            f"targets-{i}-kind": rule.kind,
            f"targets-{i}-min_level": rule.min_level,
            f"targets-{i}-value": value,
        }
    return data | changes


def row_of(rules, year, rule) -> int:
    return rules_as_rows(rules).index((year, rule))


def test_the_pages_are_the_province_administrators(cycle_2024, people, admin_client):
    for name, args in (("list", []), ("detail", [DEFAULT_PROGRAM_CODE]), ("edit", [DEFAULT_PROGRAM_CODE])):
        assert people["head"].get(reverse(f"programs:{name}", args=args)).status_code == 403
        assert admin_client.get(reverse(f"programs:{name}", args=args)).status_code == 200


def test_changing_the_2027_share_changes_the_2027_dashboards_target(cycle_2024, admin_client):
    Cycle.objects.filter(pk=cycle_2024.pk).update(year=2027)
    dashboard = reverse("reports:dashboard", args=[2027])
    assert "Ít nhất 90% số đơn vị đạt mức 1 trở lên" in text(admin_client.get(dashboard))
    rules = current_rules(default_program())
    row = row_of(rules, 2027, share(1, 90))
    edit = reverse("programs:edit", args=[DEFAULT_PROGRAM_CODE])
    response = admin_client.post(
        edit, edit_post(rules, **{f"targets-{row}-value": "60", "action": "preview"})
    )
    assert response.status_code == 200 and RuleVersion.objects.filter(program=default_program()).count() == 1
    page = text(response)
    assert "Xem trước" in page and "Ít nhất 60% số đơn vị đạt mức 1 trở lên" in page
    response = admin_client.post(edit, edit_post(rules, **{f"targets-{row}-value": "60"}))
    assert response.status_code == 302
    page = text(admin_client.get(dashboard))
    assert "Ít nhất 60% số đơn vị đạt mức 1 trở lên" in page
    assert "Ít nhất 90% số đơn vị đạt mức 1 trở lên" not in page


def test_a_bad_row_is_named_beside_its_input_and_nothing_is_saved(db, admin_client):
    rules = current_rules(default_program())
    row = row_of(rules, 2027, share(1, 90))
    post = edit_post(rules, **{"bands-1-lowest": "79", f"targets-{row}-value": "120"})
    response = admin_client.post(reverse("programs:edit", args=[DEFAULT_PROGRAM_CODE]), post)
    assert response.status_code == 400
    page = text(response)
    assert 'id="bands-1-lowest-error">Mức 2: điểm tối thiểu (79) phải cao hơn của mức dưới (80).' in page
    assert f'id="targets-{row}-value-error">Năm 2027: tỷ lệ phải lớn hơn 0% và không quá 100%.' in page
    assert RuleVersion.objects.filter(program=default_program()).count() == 1


def test_new_bands_band_the_appraised_units_of_an_undecided_year_again(appraised_units, admin_client):
    ids = [a.pk for a in appraised_units]
    before = {a.pk: a for a in Assessment.objects.filter(pk__in=ids)}
    expected = {pk: 0 if a.final_reasons or a.final_score < 80 else 1 for pk, a in before.items()}
    assert any(a.final_level != expected[pk] for pk, a in before.items())
    services.save_rule_version(default_program(), PASS_FAIL, [], actor=admin_client.user, note="chuẩn 80")
    assert dict(Assessment.objects.filter(pk__in=ids).values_list("pk", "final_level")) == expected
    banded_again = AuditEvent.objects.filter(event_type="assessment.banded_again")
    assert sorted(int(e.target_id) for e in banded_again) == sorted(
        pk for pk, a in before.items() if a.final_level != expected[pk]
    )
