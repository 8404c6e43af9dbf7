"""The change feed: `GET /events`, the audit trail's events about assessments and decisions, in
the order they were chained, for whoever may see their subject.

The same permission policy as every read: an event about an assessment is shown to whoever may see
the assessment (`permissions.visible`), the appraiser's working events only to whoever may see the
appraisal (`permissions.APPRAISAL_EVENT_TYPES`, as on the history page), an event about a decision
to whoever may see the decision (`permissions.decisions_visible_to`). Other events (sign-ins,
tokens, imports) are not in the feed.

The cursor is the event's place in the audit chain (`sequence`): it only grows, and an event is
given one when it is chained, right after its transaction commits (audit/services.seal), so a
program that asks for what comes after the last cursor it saw never misses one. Webhooks
(webhooks.py) send the same items."""

from datetime import datetime
from typing import Annotated, Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from ninja import Field, Query, Router, Schema

from friendlygov.assessments import permissions
from friendlygov.assessments.models import Assessment, Decision, DecisionItem
from friendlygov.audit import services as audit
from friendlygov.audit.models import AuditEvent

from .auth import AUTH
from .filters import UnitCode, Year
from .shapes import UNIT_ID, error_responses

router = Router(tags=["events"], auth=AUTH)

ASSESSMENT = Assessment._meta.label_lower
DECISION = Decision._meta.label_lower
KINDS = {ASSESSMENT: "assessment", DECISION: "decision"}
MAX_LIMIT = 500


class EventTargetOut(Schema):
    type: str = Field(description="assessment or decision")
    id: int
    url: str = Field(description="Where to read it now")


class EventOut(Schema):
    cursor: int = Field(description="The event's place in the audit chain; ask for `after` it")
    id: int
    type: str = Field(
        description="e.g. score.self_saved, assessment.submit, evidence.uploaded, decision.issued"
    )
    occurred_at: datetime
    actor: str = Field(description="User name of who did it; empty for the system")
    target: EventTargetOut
    cycle: int | None = Field(description="The cycle's year")
    unit_id: str | None = Field(
        description=f"{UNIT_ID} The assessment's unit; null for a decision", examples=["10804@2025-07-01"]
    )
    unit_code: str | None = Field(description="The assessment's unit's code; null for a decision")
    data: dict[str, Any] = Field(description="What changed, as the history page shows it")


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: int = Field(description="Send it as `after` for the next page (the same when empty)")
    has_more: bool


def feed(user):
    """The chained events about assessments and decisions the user may see (before the appraisal
    filter, which `shown` applies)."""
    assessments = permissions.visible(user).annotate(key=Cast("pk", CharField())).values("key")
    decisions = permissions.decisions_visible_to(user).annotate(key=Cast("pk", CharField())).values("key")
    return AuditEvent.objects.sealed().filter(
        Q(target_type=ASSESSMENT, target_id__in=assessments)
        | Q(target_type=DECISION, target_id__in=decisions)
    )


def present(user, events) -> list[dict]:
    """The events as the feed shows them to `user`, dropping the appraiser's working events about
    assessments whose appraisal the user may not see yet."""
    ids = {int(e.target_id) for e in events if e.target_type == ASSESSMENT}
    assessments = Assessment.objects.select_related("cycle", "unit").in_bulk(ids)
    decision_ids = {int(e.target_id) for e in events if e.target_type == DECISION}
    decisions = Decision.objects.select_related("cycle").in_bulk(decision_ids)
    shown = []
    for event in events:
        target_id = int(event.target_id)
        if event.target_type == ASSESSMENT:
            assessment = assessments.get(target_id)
            if assessment is None:
                continue
            if event.event_type in permissions.APPRAISAL_EVENT_TYPES and not permissions.may_see_appraisal(
                user, assessment
            ):
                continue
            cycle, unit, url = assessment.cycle.year, assessment.unit, f"/api/v1/assessments/{target_id}"
        else:
            decision = decisions.get(target_id)
            if decision is None:
                continue
            cycle, unit, url = decision.cycle.year, None, f"/api/v1/decisions/{target_id}"
        shown.append(
            {
                "cursor": event.sequence,
                "id": event.pk,
                "type": event.event_type,
                "occurred_at": event.occurred_at,
                "actor": event.actor_name,
                "target": {"type": KINDS[event.target_type], "id": target_id, "url": url},
                "cycle": cycle,
                "unit_id": unit and unit.pk,
                "unit_code": unit and unit.code,
                "data": event.data,
            }
        )
    return shown


EventType = Annotated[
    str | None,
    Query(
        max_length=64,
        pattern=r"^[a-z_.]+$",
        description="Only events whose type starts with this: `assessment.`, `score.`, `evidence.`, "
        "`decision.issued`…",
    ),
]


@router.get(
    "",
    response={200: EventPage, **error_responses(401, 422)},
    summary="What changed, after a cursor",
    description="Cursor-paged: start with `after=0`, then send each answer's `next_cursor`. Filters: "
    "`type` (a prefix), `cycle` (year), `unit` (an assessment's unit code, or a decision naming it).",
)
def list_events(
    request,
    after: Annotated[
        int, Query(ge=0, le=2**62, description="The last cursor you saw (0 from the start)")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Events per page (1–500)")] = 100,
    type: EventType = None,
    cycle: Year = None,
    unit: UnitCode = None,
):
    # The feed is the chain: events still waiting for their link (a write chains at most once a
    # second, seal_audit each minute) are chained now, so the feed never lags behind what was done.
    if AuditEvent.objects.pending().exists():
        audit.seal()
    events = feed(request.user).filter(sequence__gt=after)
    if type:
        events = events.filter(event_type__startswith=type)
    if cycle is not None or unit:
        events = events.filter(_scope(cycle, unit))
    page = list(events.order_by("sequence")[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    return {
        "items": present(request.user, page),
        "next_cursor": page[-1].sequence if page else after,
        "has_more": has_more,
    }


def _scope(cycle: int | None, unit: str | None) -> Q:
    assessments = Assessment.objects.all()
    decisions = Decision.objects.all()
    if cycle is not None:
        assessments = assessments.filter(cycle__year=cycle)
        decisions = decisions.filter(cycle__year=cycle)
    if unit:
        assessments = assessments.filter(unit__code=unit)
        decisions = decisions.filter(
            pk__in=DecisionItem.objects.filter(assessment__unit__code=unit).values("decision")
        )
    return Q(
        target_type=ASSESSMENT, target_id__in=assessments.annotate(key=Cast("pk", CharField())).values("key")
    ) | Q(target_type=DECISION, target_id__in=decisions.annotate(key=Cast("pk", CharField())).values("key"))
