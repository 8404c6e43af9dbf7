"""A unit's results across the years, through lineage: its own cycles, its predecessors' decided
results (merged units show each predecessor; a divided one is marked) and the results imported
for years before this system."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from friendlygov.assessments import permissions
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.workflow import (
    FINAL,
    Status,
    decided_level,
)
from friendlygov.units.models import Share
from friendlygov.units.selectors import ancestry_of, divided_later

from .explain import Explanation
from .models import ImportedResult


@dataclass(frozen=True)
class HistoryEntry:
    year: int
    unit: object
    relation: str  # "self" or "predecessor"
    status: str
    status_label: str
    score: Decimal | None  # shown only once decided (public) or for this assessment itself
    level: int | None
    divided: bool  # the predecessor went to several units: its result covers more than this one
    partial: bool  # only part of the predecessor came to this unit
    current: bool
    via: object = None  # the intermediate unit it became before this one, if any
    # A past year's result imported from the province's own sheets (`ImportedResult`): the
    # decision it came from, since there is no assessment here to open.
    imported_decision: str = ""


@dataclass(frozen=True)
class HistoryYear:
    year: int
    entries: tuple[HistoryEntry, ...]


@dataclass(frozen=True)
class Formation:
    event: object
    units: tuple

    @property
    def names(self) -> str:
        return ", ".join(unit.name for unit in self.units)


@dataclass(frozen=True)
class History:
    years: tuple[HistoryYear, ...]
    formed_from: tuple[Formation, ...]  # the events that formed the unit, newest first


def history_of(assessment, explanation: Explanation | None = None) -> History:
    """The unit's results across cycles, and its predecessors' results through lineage (merged
    units show every predecessor; a divided predecessor is marked), with the results imported for
    years before this system. A handful of queries: one per lineage step, one for the assessments,
    one for the imported results, one per lineage step after the predecessors for the divisions."""
    unit = assessment.unit
    steps = ancestry_of(unit)
    links = [link for step in steps for link in step]
    ancestors = {link.predecessor_id: link for link in links}
    divided = divided_later({link.predecessor_id for link in links})
    # In no order: each year's entries, imported ones included, are sorted once below.
    found = Assessment.objects.filter(unit_id__in=[unit.pk, *ancestors]).select_related("cycle", "unit")
    by_year: dict[int, list[HistoryEntry]] = defaultdict(list)

    def entry(year, of_unit, **fields) -> HistoryEntry:
        link = ancestors.get(of_unit.pk)
        return HistoryEntry(
            year=year,
            unit=of_unit,
            relation="self" if of_unit.pk == unit.pk else "predecessor",
            status_label=Status(fields["status"]).label,
            divided=of_unit.pk in divided,
            partial=link is not None and link.share != Share.WHOLE,
            via=link.successor if link is not None and link.successor_id != unit.pk else None,
            **fields,
        )

    assessed = set()
    for other in found:
        assessed.add((other.cycle.year, other.unit_id))
        current = other.pk == assessment.pk
        score, level = None, None
        if current and explanation is not None:
            # Before the decision the level is only projected: the row shows the state instead.
            score = explanation.score
            level = explanation.level if explanation.layer == FINAL else None
        elif permissions.is_public(other):
            score, level = other.final_score, decided_level(other.status, other.final_level)
        by_year[other.cycle.year].append(
            entry(
                other.cycle.year, other.unit, status=other.status, score=score, level=level, current=current
            )
        )
    # Decided results of years before this system, as imported; an assessment of the same unit
    # and year, where there is one, is the record.
    for past in ImportedResult.objects.filter(unit_id__in=[unit.pk, *ancestors]).select_related("unit"):
        if (past.year, past.unit_id) in assessed:
            continue
        by_year[past.year].append(
            entry(
                past.year,
                past.unit,
                status=Status.RECOGNISED if past.level else Status.NOT_RECOGNISED,
                score=past.final_score,
                level=past.level,
                current=False,
                imported_decision=past.decision_number,
            )
        )
    formed_from = tuple(
        Formation(event_links[0].event, tuple(link.predecessor for link in event_links))
        for event_links in _by_event(list(steps[0]) if steps else [])
    )
    return History(
        years=tuple(
            HistoryYear(year, tuple(sorted(entries, key=_history_order)))
            for year, entries in sorted(by_year.items(), reverse=True)
        ),
        formed_from=formed_from,
    )


def _history_order(entry: HistoryEntry):
    return (entry.unit.search_name, entry.unit.code)


def _by_event(links):
    grouped: dict[str, list] = defaultdict(list)
    for link in links:
        grouped[link.event_id].append(link)
    return sorted(grouped.values(), key=lambda group: group[0].event.effective_date, reverse=True)
