"""core.rowsql reads and writes rows as the ORM does (the autosave's hot path uses it)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from friendlygov.assessments.models import Assessment, IndicatorScore
from friendlygov.core import rowsql


def concrete_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_select_reads_every_kind_of_value_as_the_orm_does(dong_cam):
    Assessment.objects.filter(pk=dong_cam.pk).update(
        self_score=Decimal("87.25"),
        self_flags={"TC1": True, "ghi chú": "Đồng Cẩm"},
        explanation_due=date(2024, 12, 20),
        submitted_at=datetime(2024, 11, 30, 9, 15, tzinfo=UTC),
    )
    (read,) = rowsql.select(Assessment, {"id": dong_cam.pk})
    assert concrete_values(read) == concrete_values(Assessment.objects.get(pk=dong_cam.pk))
    assert read.self_score == Decimal("87.25") and isinstance(read.self_score, Decimal)
    assert read.self_flags == {"TC1": True, "ghi chú": "Đồng Cẩm"}
    assert read.explanation_due == date(2024, 12, 20)
    assert read.submitted_at == datetime(2024, 11, 30, 9, 15, tzinfo=UTC)
    rows = rowsql.select(IndicatorScore, {"assessment_id": dong_cam.pk})
    orm = {row.pk: concrete_values(row) for row in dong_cam.scores.all()}
    assert {row.pk: concrete_values(row) for row in rows} == orm and len(orm) > 10


def test_select_loads_only_the_fields_asked_and_locks_where_the_database_can(dong_cam):
    with CaptureQueriesContext(connection) as captured:
        (read,) = rowsql.select(Assessment, {"id": dong_cam.pk}, fields=("status", "self_score"), lock=True)
    assert read.get_deferred_fields() >= {"appraised_score", "unit_id"}
    assert read.status == dong_cam.status
    sql = captured.captured_queries[0]["sql"]
    assert sql.endswith("FOR UPDATE") is connection.features.has_select_for_update


def test_select_reads_foreign_keys_in_the_same_statement_as_select_related_does(dong_cam):
    row = dong_cam.scores.order_by("pk").first()
    related = ("assessment", "assessment__cycle", "assessment__unit", "assessment__unit__parent")
    with CaptureQueriesContext(connection) as captured:
        (read,) = rowsql.select(IndicatorScore, {"id": row.pk, "assessment_id": dong_cam.pk}, related=related)
        assessment = read.assessment
        cycle, unit, parent = assessment.cycle, assessment.unit, assessment.unit.parent
    assert len(captured.captured_queries) == 1
    orm = IndicatorScore.objects.select_related(*related).get(pk=row.pk)
    assert concrete_values(read) == concrete_values(orm)
    assert concrete_values(assessment) == concrete_values(orm.assessment)
    assert concrete_values(cycle) == concrete_values(orm.assessment.cycle)
    assert concrete_values(unit) == concrete_values(orm.assessment.unit)
    assert concrete_values(parent) == concrete_values(orm.assessment.unit.parent)
    assert (
        rowsql.select(IndicatorScore, {"id": row.pk, "assessment_id": dong_cam.pk + 1}, related=related) == []
    )


def test_a_nullable_foreign_key_with_no_row_reads_none(dong_cam):
    top = type(dong_cam.unit).objects.filter(parent__isnull=True).first()
    (read,) = rowsql.select(type(top), {"id": top.pk}, related=("parent",))
    assert read.parent is None and read.pk == top.pk


def test_update_writes_only_where_every_condition_holds_and_increments(dong_cam):
    row = dong_cam.scores.order_by("pk").first()
    stale = rowsql.update(
        IndicatorScore, {"self_value": Decimal("5.5")}, where={"id": row.pk, "version": row.version + 7}
    )
    assert stale == 0
    written = rowsql.update(
        IndicatorScore,
        {"self_value": Decimal("5.5"), "explanation": "Biên bản số 12"},
        where={"id": row.pk, "version": row.version},
        increment=("version",),
    )
    assert written == 1
    after = IndicatorScore.objects.get(pk=row.pk)
    assert (after.self_value, after.explanation, after.version) == (
        Decimal("5.5"),
        "Biên bản số 12",
        row.version + 1,
    )


def test_an_unknown_column_is_a_clear_error(dong_cam):
    with pytest.raises(ValueError, match="Assessment has no column 'score'"):
        rowsql.select(Assessment, {"score": 1})
