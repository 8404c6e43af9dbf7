"""The numbers of a decided cycle, computed once and read from the shared cache.

Once every unit of a cycle is settled by an issued decision its numbers change only when a
decision is issued (a recognition, a revocation, one superseding another) or past results are
imported: each of those starts a new "results" generation (core/generations.py), and everything
remembered under the old one is no longer read. A cycle still open is computed on every request,
exact and current. docs/adr/0033-aggregates-of-a-decided-cycle-in-the-cache.md says why the cache
and not a table.

    numbers = aggregates.once(cycle, scope, "dashboard", build, grouping)
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Q, Sum

from friendlygov.assessments.models import Assessment
from friendlygov.assessments.workflow import DECIDED
from friendlygov.core import generations

RESULTS = "results"
# Raised whenever what is kept changes shape, so a new release never reads an old release's values.
SHAPE = 1


def state(cycle) -> tuple[bool, tuple]:
    """(whether every assessment of `cycle` is settled by an issued decision, a fingerprint of its
    assessments: how many and the sum of their versions, which every write through the workflow
    raises): 1 query, then kept on this cycle object for the rest of the request. The fingerprint
    in the key makes a change no bump announced (a review request reopening a unit and closing
    again) a new key too."""
    found = getattr(cycle, "_settled_state", None)
    if found is None:
        row = Assessment.objects.filter(cycle=cycle).aggregate(
            n=Count("pk"),
            settled=Count("pk", filter=Q(status__in=DECIDED, decided_at__isnull=False)),
            versions=Sum("version"),
        )
        found = cycle._settled_state = (
            bool(row["n"]) and row["settled"] == row["n"],
            (row["n"], row["versions"]),
        )
    return found


def settled(cycle) -> bool:
    return state(cycle)[0]


def query_key(queryset) -> str:
    """What a scoped queryset reads, as text: its SQL with the parameters in it. Two people whose
    grants reach the same units share one key; the grants themselves are written into the SQL
    (accounts.reach.reach_q), so a grant taken away changes the key."""
    if queryset is None:
        return "-"
    try:
        return str(queryset.query)
    except EmptyResultSet:
        return "nothing"


def once(cycle, scope, name: str, compute, *parts):
    """`compute()`: once per results generation for a settled cycle and this scope, every time
    for an open one."""
    is_settled, fingerprint = state(cycle)
    if not is_settled:
        return compute()
    return generations.remember(
        RESULTS, (SHAPE, cycle.pk, fingerprint, query_key(scope), name, parts), compute
    )


def results_changed() -> None:
    """A decision was issued or results imported: what was remembered is read no more."""
    generations.bump(RESULTS)
