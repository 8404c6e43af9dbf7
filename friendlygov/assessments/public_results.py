"""The published results of a cycle: read from the database one page at a time, kept in the
shared cache until something they show changes.

A unit's public line is the item of the issued decision in force for it (`register`): the latest
issued recognition naming it that no issued decision naming the same unit has superseded. Here that
rule is one query for every unit of a cycle at once (a window over each unit's items), so the
count, the sort, the search and the page are the database's work, and a page builds 50 rows.

The answers are kept in Django's cache (Redis when several processes serve, see CACHE_URL in
config/settings.py) under the "public-results" generation (core/generations.py); `forget()` starts
a new one. The
services call it wherever what the page shows changes (a decision issued, revoking or superseding
another; a signed original added; a review request filed or answered; results imported), so no
process serves an answer from before the change. Entries also expire after `CACHE_SECONDS`, for a
change made outside the services (the admin, a script).

What a crawler can ask is bounded and cheap: a search is at most `QUERY_MAX` characters, and a
page number past the last page reads the last page (the pager's rule), so there is one key per page
that exists. After a change, the first request reads the cycle's public items in order once (one
query: the summary and the order of the keys, kept); any page not kept yet is then 50 rows read by
key; a search is a count and a page, its name filter applied before the window.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.db.models.expressions import Window
from django.db.models.functions import Collate, RowNumber

from friendlygov.core import generations
from friendlygov.core.i18n import fold, word_start_q
from friendlygov.programs.selectors import rules_for
from friendlygov.units.models import Level
from friendlygov.units.selectors import former_districts

from .models import Cycle, Decision, DecisionItem
from .workflow import DECIDED, Status

# A decision in force stays public while an accepted review request is re-appraised and until the
# corrective decision supersedes it (docs/adr/0023-review-requests.md).
PUBLIC_WHILE_IN_FORCE = (*DECIDED, Status.UNDER_REVIEW, Status.APPRAISED)
LEVELS_SHOWN = (4, 3, 2, 1, 0)
QUERY_MAX = 100
CACHE_SECONDS = 15 * 60
SEARCH_CACHE_SECONDS = 5 * 60  # searches are many and each is asked rarely
GENERATION = "public-results"


@dataclass(frozen=True)
class PublicRow:
    """One line of the public page: the unit, the district it belonged to, and the decision in
    force for it. Plain values, so that it keeps in the cache."""

    assessment_id: int
    unit_id: str
    unit_name: str
    unit_code: str
    district_name: str | None
    former_district: bool  # the unit's parent is no district (abolished): its former one is shown
    level: int
    final_score: Decimal
    reasons: tuple[str, ...]
    reasons_missing: bool  # as DecisionItem.reasons_missing
    decision_id: int
    decision_number: str
    signed_on: date
    under_review: bool
    has_original: bool  # the decision's signed original may be downloaded
    attachments: tuple[str, ...]  # the kinds of its attachments the public may download


@dataclass(frozen=True)
class Summary:
    total: int
    counts: tuple[tuple[int, int], ...]  # (level, units), highest level first


# --- The rows, in SQL ----------------------------------------------------------------------------


def in_force_items(cycle):
    """The item of the decision in force for each unit of `cycle` shown publicly, one per unit: the
    rule of `register.in_force_items`, for a whole cycle in one query."""
    superseding = DecisionItem.objects.filter(
        assessment_id=OuterRef("assessment_id"),
        decision__state=Decision.State.ISSUED,
        decision__supersedes__isnull=False,  # lets the database start from the few that supersede
        decision__supersedes_id=OuterRef("decision_id"),
    )
    latest_first = Window(
        RowNumber(),
        partition_by=F("assessment_id"),
        order_by=[F("decision__issued_at").desc(), F("decision_id").desc()],
    )
    return (
        DecisionItem.objects.filter(
            assessment__cycle=cycle,
            assessment__status__in=PUBLIC_WHILE_IN_FORCE,
            decision__state=Decision.State.ISSUED,
            decision__kind=Decision.Kind.RECOGNITION,
        )
        .exclude(Exists(superseding))
        .annotate(latest=latest_first)
        .filter(latest=1)
    )


def matching(cycle, query: str = ""):
    """`in_force_items` of the units with a word of their name starting with `query` (tone marks
    ignored), highest level first, then by name as people sort it (folded), then by code."""
    items = in_force_items(cycle)
    if fold(query):
        items = items.filter(word_start_q("assessment__unit__search_name", query))
    return items.order_by("-level", _codepoint("assessment__unit__search_name"), "assessment__unit__code")


def _codepoint(field: str):
    """Folded names sort by code point, as Python sorts them, whatever the database's collation."""
    return Collate(F(field), "C") if connection.vendor == "postgresql" else F(field)


ROW_FIELDS = (
    "assessment_id",
    "assessment__unit_id",
    "assessment__unit__name",
    "assessment__unit__code",
    "assessment__unit__parent__level",
    "level",
    "final_score",
    "reasons",
    "decision_id",
    "decision__number",
    "decision__signed_on",
)


def build_rows(cycle, items) -> list[PublicRow]:
    """The public rows of the decision items `items` (values of ROW_FIELDS): with their district,
    whether a review request is open for the unit, and whether the signed original is public."""
    from friendlygov.reviews.selectors import open_assessment_ids
    from friendlygov.signing.selectors import signed_attachments, signed_originals

    items = list(items)
    if not items:
        return []
    districts = former_districts([item["assessment__unit_id"] for item in items])
    under_review = open_assessment_ids(cycle)
    originals = signed_originals(cycle)
    attachments = signed_attachments(cycle)
    lowest_band = rules_for(cycle).lowest_band
    rows = []
    for item in items:
        district = districts.get(item["assessment__unit_id"])
        reasons = tuple(item["reasons"] or ())
        rows.append(
            PublicRow(
                assessment_id=item["assessment_id"],
                unit_id=item["assessment__unit_id"],
                unit_name=item["assessment__unit__name"],
                unit_code=item["assessment__unit__code"],
                district_name=district.name if district else None,
                former_district=item["assessment__unit__parent__level"] != Level.DISTRICT,
                level=item["level"],
                final_score=item["final_score"],
                reasons=reasons,
                reasons_missing=not item["level"] and not reasons and item["final_score"] >= lowest_band,
                decision_id=item["decision_id"],
                decision_number=item["decision__number"],
                signed_on=item["decision__signed_on"],
                under_review=item["assessment_id"] in under_review,
                has_original=item["decision_id"] in originals,
                attachments=tuple(kind for kind, _label in attachments.get(item["decision_id"], ())),
            )
        )
    return rows


# --- The cache -----------------------------------------------------------------------------------


def generation() -> str:
    """The current generation of every cached answer (shared by every process)."""
    return generations.current(GENERATION)


def forget() -> None:
    """What the public results show has changed: every process reads them afresh."""
    generations.bump(GENERATION)


def _kept(key: str, build, timeout: int):
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def published_years() -> list[int]:
    """The years with an issued decision, latest first."""
    return _kept(
        f"public-results:{generation()}:years",
        lambda: list(
            Cycle.objects.filter(decisions__state=Decision.State.ISSUED)
            .distinct()
            .order_by("-year")
            .values_list("year", flat=True)
        ),
        CACHE_SECONDS,
    )


def summary(cycle) -> Summary:
    """How many units of the cycle have a public line, and how many at each level."""
    return _index(cycle)[0]


def _index(cycle) -> tuple[Summary, list[int] | None]:
    """The cycle's summary, and (when asked for, else None) the keys of its public items in the
    page's order: read together, by one query, and kept apart (every request reads the summary,
    only a page not kept yet reads the order, a list of ints)."""
    prefix = f"public-results:{generation()}:{cycle.pk}"
    kept = cache.get(f"{prefix}:summary")
    if kept is not None:
        return kept, None
    items = list(matching(cycle).values_list("pk", "level"))
    by_level = Counter(level for _pk, level in items)
    made = Summary(len(items), tuple((level, by_level[level]) for level in LEVELS_SHOWN))
    order = [pk for pk, _level in items]
    cache.set_many({f"{prefix}:summary": made, f"{prefix}:order": order}, CACHE_SECONDS)
    return made, order


def _ordered_keys(cycle) -> list[int]:
    order = cache.get(f"public-results:{generation()}:{cycle.pk}:order")
    if order is None:
        cache.delete(f"public-results:{generation()}:{cycle.pk}:summary")
        order = _index(cycle)[1]
    return order


class Results:
    """The public rows of a cycle matching a search, as Django's Paginator reads a list (`count()`
    and one slice): each from the cache, or else from the database."""

    def __init__(self, cycle, query: str = ""):
        self.cycle, self.query = cycle, query[:QUERY_MAX]
        self.folded = fold(self.query)
        searched = hashlib.sha256(self.folded.encode()).hexdigest()[:32]
        self.prefix = f"public-results:{generation()}:{cycle.pk}:{searched}"
        self.timeout = SEARCH_CACHE_SECONDS if self.folded else CACHE_SECONDS

    def count(self) -> int:
        if not self.folded:
            return summary(self.cycle).total
        return _kept(f"{self.prefix}:count", lambda: matching(self.cycle, self.query).count(), self.timeout)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, shown: slice) -> list[PublicRow]:
        start, stop = shown.start or 0, shown.stop

        def build():
            if self.folded:  # the search narrows the query before the window: one cheap query
                return build_rows(
                    self.cycle, matching(self.cycle, self.query).values(*ROW_FIELDS)[start:stop]
                )
            keys = _ordered_keys(self.cycle)[start:stop]
            items = {
                item["pk"]: item
                for item in DecisionItem.objects.filter(pk__in=keys).values("pk", *ROW_FIELDS)
            }
            return build_rows(self.cycle, [items[pk] for pk in keys if pk in items])

        return _kept(f"{self.prefix}:rows:{start}:{stop}", build, self.timeout)
