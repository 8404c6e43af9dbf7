"""Recognition decisions: list and read what the policy shows you; heads of the appraising body draft
and issue them through `services.draft_decision` and `services.issue_decision`."""

from datetime import date, datetime
from typing import Annotated

from django.http import Http404, HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import ValidationError as PayloadInvalid
from ninja.responses import Status as Reply
from pydantic import AfterValidator
from pydantic import ValidationError as PydanticError

from friendlygov.assessments import decision_lists, documents, permissions, register, services
from friendlygov.assessments.models import AppraisingBody, Decision, DecisionItem, SigningMode
from friendlygov.core import decree30
from friendlygov.core.office import DOCX_TYPE, PDF_TYPE, file_response

from .assessments import MAX_ID, BodyRef, Id, _body, _no_nul, _person
from .auth import AUTH
from .filters import Group, UnitCode, Year
from .pagination import Shown, paged
from .shapes import UNIT_ID, DecimalString, binary_response, error_responses
from .sync import UpdatedSince, with_updated_at

READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)

router = Router(tags=["decisions"], auth=AUTH)

Line = Annotated[str, Field(max_length=1000, pattern=r"^[^\r\n]*$"), AfterValidator(_no_nul)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


class DecisionItemOut(Schema):
    assessment_id: int
    unit_id: str = Field(description=UNIT_ID, examples=["10804@2025-07-01"])
    unit_code: str
    unit_name: str
    final_score: DecimalString
    level: int = Field(description="Recognition level decided, 0 = not qualified")
    reasons: list[str] = Field(
        description="For a unit not recognised: the failed conditions with their figures "
        "(“TC2 đạt 31,5% < 50%”); empty when recognised, or when none were recorded"
    )


class DecisionSummary(Schema):
    id: int
    cycle: int = Field(description="The cycle's year")
    body: BodyRef
    kind: Decision.Kind
    kind_label: str
    state: Decision.State
    state_label: str
    number: str = Field(description="“{số}/{ký hiệu}”, e.g. “05/QĐ-UBND”; empty in a draft not yet numbered")
    signed_on: date
    date_reason: str = Field(description="Why it is signed outside the cycle's decision window (else empty)")
    signer_name: str
    supersedes_id: int | None
    created_at: datetime
    issued_at: datetime | None
    unit_count: int
    updated_at: datetime | None = Field(
        None, description="Its last change (the newest audit event about it), or when it was drafted"
    )


class DecisionDetail(DecisionSummary):
    legal_bases: list[str] = Field(description="One legal basis per entry")
    signing_mode: SigningMode = Field(
        description="Decree 30: direct, tm (TM.), kt (KT.), q (Q.), tl (TL.), tuq (TUQ.)"
    )
    signer_title: str = Field(description="The signer's own title when signing KT., TL. or TUQ. (else empty)")
    heading: list[str] = Field(
        description="The heading lines, top left: governing body (if any), issuing body"
    )
    authority_line: str = Field(description="Thẩm quyền ban hành, above the legal bases")
    signature: list[str] = Field(
        description="The lines above the signer's name, e.g. “KT. CHỦ TỊCH”, “PHÓ CHỦ TỊCH”"
    )
    recipients: list[str] = Field(description="Nơi nhận, one per entry")
    created_by: str
    items: list[DecisionItemOut]
    actions: list[str] = Field(description="What you may do now: edit, issue")
    suggested_number: str | None = Field(
        description="For a draft you may issue: the number the issue would give unless you name one "
        "(the next free number in the issuing authority's register for the signing year)"
    )


Number = Annotated[
    str,
    Field(
        max_length=40,
        description="“{số}/{ký hiệu}” with a leading zero below 10 (“05/QĐ-SNV”, “12/QĐ-UBND”), "
        "unique in the issuing authority's register for the signing year",
    ),
    AfterValidator(_no_nul),
]
SignerTitle = Annotated[
    str,
    Field(max_length=100, description="Needed for KT. (else the body's deputy title), TL. and TUQ."),
    AfterValidator(_no_nul),
]
Reason = Annotated[
    str,
    Field(max_length=1000, description="Required when the date is outside the cycle's decision window"),
    AfterValidator(_no_nul),
]


class DecisionIn(Schema):
    body_id: RowId = Field(description="The appraising body issuing the decision")
    assessment_ids: list[RowId] = Field(max_length=1000)
    number: Number = Field("", description="Optional in a draft: the clerk numbers it when it is issued")
    signed_on: date
    signer_name: Annotated[str, Field(max_length=120), AfterValidator(_no_nul)]
    legal_bases: list[Line] = Field(max_length=50, description="One legal basis per entry (“Căn cứ …”)")
    supersedes_id: RowId | None = Field(None, description="The decision this one replaces or revokes")
    kind: Decision.Kind = Decision.Kind.RECOGNITION
    date_reason: Reason = ""
    signing_mode: SigningMode | None = Field(None, description="Left out: the body's usual signing mode")
    signer_title: SignerTitle = ""
    recipients: list[Line] = Field([], max_length=50, description="Nơi nhận; left out: the body's default")


class DecisionChange(Schema):
    """What a draft may change until it is issued; fields left out stay as they are."""

    assessment_ids: list[RowId] | None = Field(
        None, max_length=1000, description="The units (only for a recognition that supersedes nothing)"
    )
    number: Number | None = None
    signed_on: date | None = None
    signer_name: Annotated[str, Field(max_length=120), AfterValidator(_no_nul)] | None = None
    legal_bases: list[Line] | None = Field(None, max_length=50)
    date_reason: Reason | None = None
    signing_mode: SigningMode | None = None
    signer_title: SignerTitle | None = None
    recipients: list[Line] | None = Field(None, max_length=50)


class IssueIn(Schema):
    """Settled when the decision is issued; fields left out keep the draft's (and a draft without
    a number gets the next free one)."""

    number: Number | None = None
    signed_on: date | None = None
    date_reason: Reason | None = None


def _summary(decision: Decision, unit_count: int) -> dict:
    return {
        "id": decision.pk,
        "cycle": decision.cycle.year,
        "body": _body(decision.body),
        "kind": decision.kind,
        "kind_label": str(decision.get_kind_display()),
        "state": decision.state,
        "state_label": str(decision.get_state_display()),
        "number": decision.number,
        "signed_on": decision.signed_on,
        "date_reason": decision.date_reason,
        "signer_name": decision.signer_name,
        "supersedes_id": decision.supersedes_id,
        "created_at": decision.created_at,
        "issued_at": decision.issued_at,
        "unit_count": unit_count,
        "updated_at": getattr(decision, "updated_at", None),
    }


def _decisions(user):
    """What the policy shows: issued decisions, and drafts only to the heads who may issue them."""
    return permissions.decisions_visible_to(user)


def _visible_decision(user, decision_id: int) -> Decision:
    related = ("body__unit", "body__cycle", "created_by")  # the policy reads the body's cycle
    decision = _decisions(user).select_related(*related).filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    return decision


def _detail(user, decision_id: int) -> DecisionDetail:
    decision = _visible_decision(user, decision_id)
    items = list(decision.items.select_related("assessment__unit"))
    may_issue = not decision.is_issued and permissions.may_issue_for(user, decision.body)
    suggested = (decision.number or register.next_number(decision)) if may_issue else None
    frame = decision.printed_frame()
    return DecisionDetail(
        **_summary(decision, len(items)),
        legal_bases=[line for line in decision.legal_bases.splitlines() if line.strip()],
        signing_mode=decision.signing_mode,
        signer_title=decision.signer_title,
        heading=frame.heading_lines,
        authority_line=frame.authority_line,
        signature=decree30.signature_lines(frame, decision.signing_mode, decision.signer_title),
        recipients=decree30.recipient_lines(decision.recipients.splitlines()),
        created_by=_person(decision.created_by),
        items=[
            DecisionItemOut(
                assessment_id=item.assessment_id,
                unit_id=item.assessment.unit_id,
                unit_code=item.assessment.unit.code,
                unit_name=item.assessment.unit.name,
                final_score=item.final_score,
                level=item.level,
                reasons=item.reasons,
            )
            for item in items
        ],
        actions=["edit", "issue"] if may_issue else [],
        suggested_number=suggested,
    )


@router.get("", response={200: list[DecisionSummary], **READ_ERRORS}, summary="Decisions you can see")
@paged
def list_decisions(
    request,
    cycle: Year = None,
    state: Decision.State | None = None,
    unit: UnitCode = None,
    group: Group = None,
    updated_since: UpdatedSince = None,
):
    """`unit`: decisions that name the unit; `group`: decisions of that appraising body."""
    decisions = _decisions(request.user)
    if updated_since is not None:
        decisions = with_updated_at(decisions, "created_at", updated_since)
    if cycle is not None:
        decisions = decisions.filter(cycle__year=cycle)
    if state is not None:
        decisions = decisions.filter(state=state)
    if unit:
        decisions = decisions.filter(
            pk__in=DecisionItem.objects.filter(assessment__unit__code=unit).values("decision")
        )
    if group:
        decisions = decisions.filter(body__unit__code=group)
    return DecisionPage(decisions.order_by("-signed_on", "number", "pk"), _decisions(request.user))


class DecisionPage(Shown):
    """The matching decisions, counted and sorted by their ids alone; only the page's decisions are
    then read with their body, unit count and last change (computed for every skipped row, those
    made a deep offset cost seconds)."""

    def __init__(self, matching, visible):
        super().__init__(matching.values_list("pk", flat=True), lambda d: _summary(d, d.unit_count))
        rows = with_updated_at(visible, "created_at").select_related("cycle", "body__unit")
        self.rows = rows.annotate(unit_count=decision_lists.unit_count())

    def page(self, offset: int, limit: int) -> list:
        ids = self.items[offset : offset + limit]
        return [self.present(decision) for decision in decision_lists.rows_in_order(ids, self.rows)]


@router.get("/{decision_id}", response={200: DecisionDetail, **READ_ERRORS}, summary="One decision")
def get_decision(request, decision_id: Id):
    return _detail(request.user, decision_id)


@router.post("", response={201: DecisionDetail, **WRITE_ERRORS}, summary="Draft a decision")
def draft_decision(request, payload: DecisionIn):
    """Referenced assessments and the superseded decision must be visible to you (else 404); the
    service checks that you head the body and that every unit is ready."""
    body = AppraisingBody.objects.select_related("cycle", "unit__parent").filter(pk=payload.body_id).first()
    # A body whose area you cannot see is not found; one you see but do not head is refused (403).
    if body is None or not (
        permissions.may_decide_for(request.user, body)
        or permissions.visible(request.user).filter(body=body).exists()
    ):
        raise Http404
    wanted = set(payload.assessment_ids)
    assessments = list(permissions.visible(request.user).filter(pk__in=wanted))
    if len(assessments) != len(wanted):
        raise Http404
    supersedes = None
    if payload.supersedes_id is not None:
        supersedes = _decisions(request.user).filter(pk=payload.supersedes_id).first()
        if supersedes is None:
            raise Http404
    decision = services.draft_decision(
        body,
        assessments=assessments,
        number=payload.number,
        signed_on=payload.signed_on,
        signer_name=payload.signer_name,
        legal_bases="\n".join(line.strip() for line in payload.legal_bases if line.strip()),
        supersedes=supersedes,
        kind=payload.kind,
        date_reason=payload.date_reason,
        signing_mode=payload.signing_mode or "",
        signer_title=payload.signer_title,
        recipients="\n".join(line.strip() for line in payload.recipients if line.strip()),
        actor=request.user,
    )
    return Reply(201, _detail(request.user, decision.pk))


def _issue_body() -> dict:
    schema = IssueIn.model_json_schema()
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": schema}}}}


@router.post(
    "/{decision_id}/issue",
    response={200: DecisionDetail, **WRITE_ERRORS},
    summary="Issue (sign) a draft decision",
    openapi_extra=_issue_body(),
)
def issue_decision(request, decision_id: Id):
    """The body is optional: without it the draft's date and proposed number (or the next free
    number in the register) are used."""
    given = _issue_payload(request)
    services.issue_decision(_visible_decision(request.user, decision_id), actor=request.user, **given)
    return _detail(request.user, decision_id)


def _issue_payload(request) -> dict:
    """IssueIn from an optional JSON body (ninja would refuse a missing one); a request that sends
    no JSON sends nothing to settle."""
    if request.content_type != "application/json" or not request.body.strip():
        return {}
    try:
        return IssueIn.model_validate_json(request.body).model_dump(exclude_none=True)
    except PydanticError as exc:
        raise PayloadInvalid(exc.errors(include_url=False)) from exc


@router.patch("/{decision_id}", response={200: DecisionDetail, **WRITE_ERRORS}, summary="Change a draft")
def change_draft(request, decision_id: Id, payload: DecisionChange):
    """An issued decision never changes (409). Referenced assessments must be visible to you."""
    decision = _visible_decision(request.user, decision_id)
    values = payload.model_dump(exclude_none=True)
    for lines in ("legal_bases", "recipients"):
        if lines in values:
            values[lines] = "\n".join(line.strip() for line in values[lines] if line.strip())
    if "assessment_ids" in values:
        wanted = set(values.pop("assessment_ids"))
        values["assessments"] = list(permissions.visible(request.user).filter(pk__in=wanted))
        if len(values["assessments"]) != len(wanted):
            raise Http404
    services.update_draft(decision, actor=request.user, **values)
    return _detail(request.user, decision_id)


def _document(content: bytes, filename: str) -> HttpResponse:
    """The same file, name and type as the decision's page gives (assessments.documents, core.office)."""
    response = file_response(content, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/{decision_id}/docx",
    response=READ_ERRORS,
    summary="The decision as an editable Word document (Decree 30 layout)",
    operation_id="downloadDecisionDocx",
    openapi_extra=binary_response("The .docx file, as an attachment", DOCX_TYPE),
)
def decision_docx(request, decision_id: Id):
    decision = _visible_decision(request.user, decision_id)
    return _document(documents.decision_docx(decision), documents.decision_filename(decision, "docx"))


@router.get(
    "/{decision_id}/pdf",
    response={**READ_ERRORS, **error_responses(503)},
    summary="The decision as a PDF (503 while the server cannot convert)",
    operation_id="downloadDecisionPdf",
    openapi_extra=binary_response("The PDF file, as an attachment", PDF_TYPE),
)
def decision_pdf(request, decision_id: Id):
    decision = _visible_decision(request.user, decision_id)
    return _document(documents.decision_pdf(decision), documents.decision_filename(decision, "pdf"))
