"""Decisions as lists, for the decisions page and the API: filtered, counted and paged in SQL.

What a user may see is `permissions.decisions_visible_to` (issued decisions, and drafts to the
heads and clerks who may issue them); this module only narrows and decorates that queryset, so
that a page of 50 costs the same whether 50 or 5,000 decisions match.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from friendlygov.core.i18n import fold

from . import permissions
from .models import Assessment, Cycle, DecisionItem
from .workflow import Status


def unit_count():
    """How many units a decision names, as a subquery (for `annotate`): PostgreSQL computes it for
    the rows of the page only, where a Count() would group every matching decision with its units
    before the page (and the page's COUNT) could be taken."""
    items = DecisionItem.objects.filter(decision=OuterRef("pk")).order_by().values("decision")
    return Coalesce(Subquery(items.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def rows_in_order(ids, rows: QuerySet) -> list:
    """The rows of `rows` with these ids, in this order: a page is chosen by sorting the ids alone,
    then only its rows are read with their joins and subqueries. (With OFFSET, PostgreSQL would
    otherwise read, join and compute every row it skips: 2,500 of them on page 50.)"""
    ids = list(ids)
    found = rows.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def filtered(decisions: QuerySet, *, year=None, state="", body=None, q="") -> QuerySet:
    """The decisions that match the list's filters: the cycle's year, the state, the body, and a
    search on the number or the issuing body's name (or its area's name, ignoring tone marks)."""
    if year:
        decisions = decisions.filter(cycle__year=year)
    if state:
        decisions = decisions.filter(state=state)
    if body:
        decisions = decisions.filter(body_id=body)
    if q:
        found = Q(number__icontains=q) | Q(body__name__icontains=q)
        if folded := fold(q):
            found |= Q(body__unit__search_name__contains=folded)
        decisions = decisions.filter(found)
    return decisions


def cycles_with(decisions: QuerySet) -> list[Cycle]:
    """The cycles that `decisions` belong to, one a year (as the decision bundles are), newest first."""
    cycles = Cycle.objects.filter(pk__in=decisions.order_by().values("cycle_id")).order_by("-year", "pk")
    by_year = {}
    for cycle in cycles:
        by_year.setdefault(cycle.year, cycle)
    return list(by_year.values())


def bodies_ready(user) -> QuerySet:
    """The bodies `user` heads, each with `ready`, its units appraised and waiting for a decision.
    The bodies come from the user's grants (`bodies_headed_by`: heading none, no query is run);
    each count is a subquery on the assessments of that body only."""
    ready = (
        Assessment.objects.filter(body=OuterRef("pk"), status=Status.APPRAISED)
        .order_by()
        .values("body")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ready = Coalesce(Subquery(ready, output_field=IntegerField()), 0)
    return permissions.bodies_headed_by(user).annotate(ready=ready).order_by("-cycle__year", "name", "pk")
