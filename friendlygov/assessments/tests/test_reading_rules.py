"""The reading rules beside the workflow table: which level counts, whose points are shown, which
date each state is held to. Every page, answer, export and reminder reads these."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.assessments.workflow import (
    APPRAISED,
    FINAL,
    SELF,
    Status,
    counted_level,
    deadline_of,
    decided_level,
    decided_level_is,
    is_overdue,
    shown_layer,
)

CYCLE = SimpleNamespace(
    self_assessment_closes=date(2026, 11, 30),
    appraisal_deadline=date(2026, 12, 31),
    decision_until=date(2027, 1, 31),
)
EXPLAIN_BY = date(2026, 12, 10)


def assessment(status, **fields):
    return SimpleNamespace(cycle=CYCLE, status=status, explanation_due=fields.get("due", EXPLAIN_BY))


@pytest.mark.parametrize(
    ("status", "final_level", "decided", "counted"),
    [
        (Status.DRAFT, None, None, 0),
        (Status.APPRAISED, 3, None, 0),  # a projected level is not a decision
        (Status.RECOGNISED, 3, 3, 3),
        (Status.RECOGNISED, None, 0, 0),
        (Status.NOT_RECOGNISED, 2, 0, 0),  # refused: nothing counts, whatever was projected
    ],
)
def test_it_counts_only_the_level_of_an_issued_decision(status, final_level, decided, counted):
    assert decided_level(status, final_level) == decided
    assert counted_level(status, final_level) == counted


@pytest.mark.parametrize(
    ("status", "layer"),
    [
        (Status.DRAFT, SELF),
        (Status.SUBMITTED, SELF),
        (Status.UNDER_APPRAISAL, SELF),  # the appraiser's working numbers are not shown as the result
        (Status.RETURNED, SELF),
        (Status.APPRAISED, APPRAISED),
        (Status.RECOGNISED, FINAL),
        (Status.NOT_RECOGNISED, FINAL),
    ],
)
def test_it_shows_the_decision_then_the_approved_appraisal_then_the_communes_points(status, layer):
    assert shown_layer(status) == layer


@pytest.mark.parametrize(
    ("status", "deadline"),
    [
        (Status.DRAFT, CYCLE.self_assessment_closes),
        (Status.SUBMITTED, CYCLE.appraisal_deadline),
        (Status.RESUBMITTED, CYCLE.appraisal_deadline),
        (Status.UNDER_APPRAISAL, CYCLE.appraisal_deadline),
        (Status.RETURNED, EXPLAIN_BY),
        (Status.APPRAISED, CYCLE.decision_until),
        (Status.RECOGNISED, None),
        (Status.NOT_RECOGNISED, None),
    ],
)
def test_it_holds_each_state_to_its_date_and_is_late_only_after_it(status, deadline):
    item = assessment(status)
    assert deadline_of(item) == deadline
    if deadline is None:
        assert not is_overdue(item, date(2030, 1, 1))
    else:
        assert not is_overdue(item, deadline)
        assert is_overdue(item, date.fromordinal(deadline.toordinal() + 1))


def test_a_returned_assessment_without_an_explanation_date_is_never_late():
    assert not is_overdue(assessment(Status.RETURNED, due=None), date(2030, 1, 1))


def test_the_headline_reads_the_same_rules():
    unit = Assessment(status=Status.RECOGNISED, self_score=Decimal("91"), final_score=Decimal("88.5"))
    unit.final_level = 2
    unit.cycle = Cycle(**vars(CYCLE))
    headline = unit.headline(date(2027, 2, 1))
    assert (headline.layer, headline.score, headline.level) == (FINAL, Decimal("88.5"), 2)
    assert (headline.deadline, headline.overdue) == (None, False)
    unit.status, unit.appraised_score = Status.APPRAISED, Decimal("86")
    headline = unit.headline(date(2027, 2, 1))
    assert (headline.layer, headline.score, headline.level) == (APPRAISED, Decimal("86"), None)
    assert (headline.deadline, headline.overdue) == (CYCLE.decision_until, True)


@pytest.mark.django_db
def test_the_level_query_selects_what_decided_level_says(cycle_2024):
    rows = list(cycle_2024.assessments.all()[:6])
    states = [
        (Status.RECOGNISED, 4),
        (Status.RECOGNISED, 0),
        (Status.NOT_RECOGNISED, 0),
        (Status.APPRAISED, 2),
        (Status.RECOGNISED, 2),
        (Status.DRAFT, None),
    ]
    for row, (status, level) in zip(rows, states, strict=True):
        Assessment.objects.filter(pk=row.pk).update(status=status, final_level=level)
    for level in range(5):
        chosen = set(cycle_2024.assessments.filter(decided_level_is(level)).values_list("pk", flat=True))
        expected = {
            row.pk
            for row, (status, final) in zip(rows, states, strict=True)
            if decided_level(status, final) == level
        }
        assert chosen == expected, level


def test_check_values_refuses_what_the_indicator_does_not_take():
    """One check for the form, the API and the offline import."""
    from friendlygov.assessments.results import ValueRefused, check_values

    indicator = SimpleNamespace(na_allowed=False)
    with pytest.raises(ValueRefused, match="không áp dụng"):
        check_values(indicator, na=True, value=None)
    assert check_values(SimpleNamespace(na_allowed=True), na=True, value=Decimal("7")) is None
