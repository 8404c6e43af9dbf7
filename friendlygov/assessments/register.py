"""The register of issued decisions: which decision is in force for a unit, and which number the
issuing authority gives next.

One rule for the services (which check it before issuing), the public page, the results pages,
the API and the exports: a unit is decided by the issued recognitions that name it and that no
issued decision naming the same unit has superseded since (a decision may replace or revoke
another for some of its units only). The services keep at most one in force; a register written
before they did may hold two, and then the latest counts and revoking one leaves the other.
"""

from collections import defaultdict

from . import register_rules
from .models import Decision, DecisionItem


def in_force_items(assessment_ids) -> dict[int, list[DecisionItem]]:
    """{assessment id: the items of the issued decisions in force for it, latest first} for the
    given ids (a list or a query of ids); a unit no decision decides is absent. One query."""
    items = DecisionItem.objects.filter(
        assessment_id__in=assessment_ids, decision__state=Decision.State.ISSUED
    ).select_related("decision")
    by_unit = defaultdict(list)
    for item in items:
        by_unit[item.assessment_id].append(item)
    result = {}
    for assessment_id, named in by_unit.items():
        replaced = {item.decision.supersedes_id for item in named}
        live = [
            item
            for item in named
            if item.decision.kind == Decision.Kind.RECOGNITION and item.decision_id not in replaced
        ]
        if live:
            result[assessment_id] = sorted(live, key=_issue_order, reverse=True)
    return result


def _issue_order(item):
    return (item.decision.issued_at, item.decision_id)


def in_force_for(assessment) -> list[DecisionItem]:
    """The items in force for one unit, latest first (normally one, or none)."""
    return in_force_items([assessment.pk]).get(assessment.pk, [])


def in_force(assessment) -> Decision | None:
    """The issued decision that decides the unit now, or None."""
    live = in_force_for(assessment)
    return live[0].decision if live else None


def next_number(decision) -> str:
    """The number the clerk would give next in the authority's register for the signing year."""
    year = decision.signed_on.year
    authority = register_rules.authority_key(decision.body.issuing_authority)
    used = Decision.objects.filter(authority=authority, register_year=year, serial__isnull=False)
    serial = register_rules.next_serial(used.values_list("serial", flat=True))
    return register_rules.format_number(serial, decision.body.decision_symbol)
