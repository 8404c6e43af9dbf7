"""Cycles, assessments, scores, evidence and the workflow actions, over the assessment services.

Every write calls one function of `friendlygov.assessments.services`, which checks the permission
policy and the workflow table; reads go through `permissions.visible`. An assessment the caller
may not see answers 404, whatever the operation. Decimals are strings, dates ISO 8601."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Count
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema, UploadedFile
from ninja.errors import ValidationError as PayloadInvalid
from ninja.responses import Status as Reply
from pydantic import AfterValidator, WithJsonSchema, model_validator

from friendlygov.assessments import deadlines, permissions, selectors, services, uploads
from friendlygov.assessments.limits import TEXT_MAX
from friendlygov.assessments.models import Assessment, Cycle, Evidence, ExplanationRequest
from friendlygov.assessments.results import LayerResult, layer_result
from friendlygov.assessments.workflow import APPRAISED, SELF, Status, decided_level, decided_level_is
from friendlygov.core.paging import ByKey
from friendlygov.core.text import has_control_characters
from friendlygov.units.models import UnitType

from .auth import AUTH
from .errors import WholeCommuneRefused
from .filters import Group, Level, UnitCode, Year
from .pagination import Shown, paged
from .shapes import UNIT_ID, DecimalString, ScoreOut, binary_response, decimal_input, error_responses
from .sync import IfMatch, UpdatedSince, assessments_with_updated_at, step, updated_at_of

MAX_ID = 2**31 - 1


def _no_nul(text: str) -> str:
    """Refused rather than stored: NUL (PostgreSQL text cannot hold it) and the other control
    characters XML cannot hold, which would break every document the text goes into
    (core/text.py)."""
    if has_control_characters(text):
        raise ValueError(_("Không được chứa ký tự điều khiển (trừ tab và xuống dòng)."))
    return text


Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(_no_nul)]
ScoreValue = Annotated[
    Decimal, Field(max_digits=9, decimal_places=2, allow_inf_nan=False), WithJsonSchema(decimal_input(7))
]
Points = Annotated[
    Decimal, Field(max_digits=6, decimal_places=2, allow_inf_nan=False), WithJsonSchema(decimal_input(4))
]
CODE = {"min_length": 1, "max_length": 40, "pattern": r"^[0-9A-Za-z._-]+$"}  # as frameworks.yaml_io
Code = Annotated[str, Field(**CODE)]

READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)
STEP_ERRORS = error_responses(400, 401, 403, 404, 409, 412, 422)

cycles_router = Router(tags=["cycles"], auth=AUTH)
router = Router(tags=["assessments"], auth=AUTH)
evidence_router = Router(tags=["evidence"], auth=AUTH)


# --- Shapes -------------------------------------------------------------------------------------


class UnitRef(Schema):
    id: str = Field(description=UNIT_ID, examples=["10804@2025-07-01"])
    code: str = Field(description="Official (GSO) code; reused by successors, so not an identity")
    name: str
    type: UnitType
    parent_code: str | None


class BodyRef(Schema):
    id: int
    name: str
    unit_code: str


class CycleOut(Schema):
    year: int
    name: str
    program: str
    framework_id: int
    framework_code: str
    self_assessment_opens: date
    self_assessment_closes: date
    appraisal_deadline: date
    decision_from: date
    decision_until: date
    max_explanation_rounds: int
    explanation_days: int
    is_open: bool
    updated_at: datetime = Field(description="The last change of its calendar, bodies or settings")


class CycleDetail(CycleOut):
    bodies: list[BodyRef]
    visible_by_status: dict[str, int] = Field(description="Assessments you can see, by status")


class GateFailureOut(Schema):
    code: str
    name: str
    detail: str


class LayerOut(Schema):
    """Live result of one layer: unscored indicators count as 0, so it never flatters."""

    total: DecimalString
    base_score: DecimalString
    bonus: DecimalString
    earned: DecimalString
    applicable_max: DecimalString
    score_level: int = Field(description="The band the total lies in")
    projected_level: int = Field(description="The level it would be recognised at: 0 when a gate fails")
    failed_gates: list[GateFailureOut]
    scored: int
    to_score: int
    complete: bool

    @staticmethod
    def of(result: LayerResult) -> "LayerOut":
        total, recognition = result.total, result.recognition
        return LayerOut(
            total=total.total,
            base_score=total.base_score,
            bonus=total.bonus,
            earned=total.earned,
            applicable_max=total.applicable_max,
            score_level=recognition.score_level,
            projected_level=recognition.level,
            failed_gates=[
                GateFailureOut(code=f.code, name=f.name, detail=f.detail) for f in recognition.failures
            ],
            scored=result.scored,
            to_score=result.to_score,
            complete=result.complete,
        )


class ExplanationRequestOut(Schema):
    id: int
    indicator_code: str
    round: int
    reason: str
    due: date
    response: str
    responded_at: datetime | None
    draft: bool = Field(
        description="Written on the indicator by the appraiser, not sent yet: the next round "
        "(POST …/return) sends every draft; the commune never sees a draft"
    )

    @staticmethod
    def of(req: ExplanationRequest) -> "ExplanationRequestOut":
        return ExplanationRequestOut(
            id=req.pk,
            indicator_code=req.indicator.code,
            round=req.round,
            reason=req.reason,
            due=req.due,
            response=req.response,
            responded_at=req.responded_at,
            draft=req.draft,
        )


class AssessmentSummary(Schema):
    id: int
    cycle: int = Field(description="The cycle's year")
    unit: UnitRef
    body: BodyRef
    status: Status
    status_label: str
    version: int
    appraiser: str | None = Field(
        description="Username of the appraiser the commune is given to (null: not given yet, or not "
        "shown to you before the appraisal is approved)"
    )
    self_score: DecimalString | None
    appraised_score: DecimalString | None
    final_score: DecimalString | None
    final_level: int | None = Field(
        description="The level the final score earns once the appraisal is approved, before any decision"
    )
    level: int | None = Field(
        description="Recognition level decided (an integer within the program's bands), 0 = decided, not "
        "qualified; null while undecided: as `level` in results and decisions"
    )
    explanation_rounds: int
    explanation_due: date | None
    submitted_at: datetime | None
    appraised_at: datetime | None
    decided_at: datetime | None
    updated_at: datetime | None = Field(
        description="Its last change (the newest audit event about it), or when its cycle opened"
    )


class DeadlineOut(Schema):
    """The date the current stage is held to (docs/adr/0020): past `until`, the stage's work is
    refused, unless the cycle allows late work (then accepted and marked late)."""

    stage: Literal["self_assessment", "appraisal", "explanation"] = Field(
        description="The stage under way: the commune's self-assessment, the appraisal, or the explanation"
    )
    due: date = Field(description="The stage's own date: the cycle's, or the explanation round's")
    until: date = Field(description="The last day the stage is open: `due`, or the unit's extension")
    extended: bool = Field(description="The appraising body granted this unit an extension for the stage")
    extension_reason: str | None = Field(description="Why the extension was granted; null without one")
    late_allowed: bool = Field(description="The cycle accepts work after `until`, marked late")
    locked: bool = Field(description="`until` has passed and late work is not allowed: the stage is closed")


class AssessmentDetail(AssessmentSummary):
    self_flags: dict[str, bool]
    appraised_flags: dict[str, bool] | None
    self_bonus: DecimalString
    appraised_bonus: DecimalString | None
    self_bonus_by_rule: dict[str, DecimalString] = Field(description="Bonus rule code → points claimed")
    appraised_bonus_by_rule: dict[str, DecimalString] | None = Field(
        description="Bonus rule code → points decided by the appraiser; a claimed rule missing here is "
        "undecided and approval is refused until it is decided"
    )
    live_self: LayerOut
    live_appraised: LayerOut | None = Field(description="null while the appraised layer is not shown to you")
    scores: list[ScoreOut]
    explanation_requests: list[ExplanationRequestOut] = Field(description="The latest round's requests")
    draft_explanation_requests: list[ExplanationRequestOut] = Field(
        description="Requests written on the indicators for the next round, not sent yet (the "
        "appraisal side only)"
    )
    actions: list[str] = Field(
        description="What you may do now: workflow actions (submit, start_appraisal, return, resubmit, "
        "approve) and the capabilities edit_self and appraise"
    )
    deadline: DeadlineOut | None = Field(
        description="The deadline of the stage under way, extension included; null once no stage with a "
        "deadline is under way (submitted, appraised, decided)"
    )


class EvidenceOut(Schema):
    id: int
    indicator_code: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    updated_at: datetime = Field(description="A file never changes once uploaded: its upload time")
    download_url: str

    @staticmethod
    def of(evidence: Evidence) -> "EvidenceOut":
        return EvidenceOut(
            id=evidence.pk,
            indicator_code=evidence.indicator.code,
            original_name=evidence.original_name,
            content_type=evidence.content_type,
            size=evidence.size,
            sha256=evidence.sha256,
            uploaded_by=_person(evidence.uploaded_by),
            uploaded_at=evidence.uploaded_at,
            updated_at=evidence.uploaded_at,
            download_url=f"/api/v1/evidence/{evidence.pk}/download",
        )


def _sent_only(schema: dict) -> None:
    """No default in the document: a client generated from it then sends only the fields it was
    given, and a field it leaves out is left as it is (a default "" would erase a saved note)."""
    schema.pop("default", None)


def _optional(description: str):
    # The Python default is never saved: only the fields a request sends are (exclude_unset).
    return Field(default=None, description=description, json_schema_extra=_sent_only)


class ScorePatch(Schema):
    """Either the commune's fields (self_value, self_na, explanation) or the appraiser's
    (appraised_value, appraised_na, appraisal_comment), never both. Only the fields sent are
    changed; a field left out keeps its saved value; a null value clears a number."""

    version: int = Field(ge=1, le=MAX_ID, description="The version you loaded")
    self_value: ScoreValue | None = _optional("The commune's value; null clears it")
    self_na: bool = _optional("The commune marks the indicator not applicable")
    explanation: Text = _optional("The commune's explanation; an empty string clears it")
    appraised_value: ScoreValue | None = _optional("The appraiser's value; null clears it")
    appraised_na: bool = _optional("The appraiser marks the indicator not applicable")
    appraisal_comment: Text = _optional("The appraiser's comment; an empty string clears it")

    @model_validator(mode="after")
    def _something_to_save(self):
        if not self.model_fields_set - {"version"}:
            raise ValueError(_("Hãy gửi ít nhất một trường cần lưu ngoài version."))
        return self


class FlagsIn(Schema):
    flags: dict[Code, bool] = Field(default_factory=dict, description="Veto flags of the framework")
    bonus: dict[Code, Points | None] | None = Field(
        default=None,
        description="Bonus rule code → points, every rule of the framework (null: no claim, or for "
        "the appraiser not decided yet); replaces the layer's bonus. Each rule is held to its own cap. "
        "Omit to keep the bonus as it is.",
    )
    layer: Literal["self", "appraised"] = SELF


ExpectedScore = Annotated[
    Points | None,
    Query(
        description="The total you confirm (submit: the self total; approve: the final score). When "
        "given and the result has moved since, nothing is done: 409 result_changed.",
    ),
]


class ReturnIn(Schema):
    reasons: dict[Code, Text] = Field(
        default_factory=dict,
        description="Indicator code → why it needs explaining, added to (or replacing) the requests "
        "written on the indicators; empty: the round sends those drafts as they are",
    )


class ResponseIn(Schema):
    response: Text


class CopiedOut(Schema):
    copied: int = Field(description="How many indicators were accepted")
    assessment: AssessmentDetail


# --- Reading ------------------------------------------------------------------------------------


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _unit(unit) -> UnitRef:
    return UnitRef(
        id=unit.pk,
        code=unit.code,
        name=unit.name,
        type=unit.type,
        parent_code=unit.parent.code if unit.parent_id else None,
    )


def _body(body) -> BodyRef:
    return BodyRef(id=body.pk, name=body.name, unit_code=body.unit.code)


def _summary_fields(a: Assessment) -> dict:
    return {
        "id": a.pk,
        "cycle": a.cycle.year,
        "unit": _unit(a.unit),
        "body": _body(a.body),
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "level": decided_level(a.status, a.final_level),
        **{
            field: getattr(a, field)
            for field in (
                "version",
                "self_score",
                "appraised_score",
                "final_score",
                "final_level",
                "explanation_rounds",
                "explanation_due",
                "submitted_at",
                "appraised_at",
                "decided_at",
            )
        },
        "updated_at": getattr(a, "updated_at", None),
        "appraiser": a.appraiser.get_username() if a.appraiser_id else None,
    }


def visible_assessment(user, assessment_id: int) -> Assessment:
    """The assessment if the policy lets the user see it, else 404 (outsiders learn nothing)."""
    return selectors.assessment_for(user, assessment_id)


def _actions(user, assessment) -> list[str]:
    return permissions.available_actions(user, assessment)


def _scores(assessment):
    return list(
        assessment.scores.select_related("indicator__criterion").order_by("indicator__order", "indicator_id")
    )


def shows_appraisal(user, assessment) -> bool:
    return permissions.may_see_appraisal(user, assessment)


def detail(user, assessment_id: int) -> AssessmentDetail:
    a = visible_assessment(user, assessment_id)
    scores = _scores(a)
    requests = services.open_requests(a) if a.explanation_rounds else []
    shown = shows_appraisal(user, a)
    drafts = a.explanation_requests.filter(draft=True).select_related("indicator") if shown else []
    return AssessmentDetail(
        **{**_summary(user, a), "updated_at": updated_at_of(a, a.cycle.opened_at)},
        self_flags=a.self_flags,
        appraised_flags=a.appraised_flags if shown else None,
        self_bonus=a.self_bonus,
        appraised_bonus=a.appraised_bonus if shown else None,
        self_bonus_by_rule=_decimals(a.self_bonus_by_rule),
        appraised_bonus_by_rule=_decimals(a.appraised_bonus_by_rule) if shown else None,
        live_self=LayerOut.of(layer_result(a, scores, SELF)),
        live_appraised=LayerOut.of(layer_result(a, scores, APPRAISED)) if shown else None,
        scores=[ScoreOut.of(s, show_appraisal=shown) for s in scores],
        explanation_requests=[ExplanationRequestOut.of(r) for r in requests],
        draft_explanation_requests=[ExplanationRequestOut.of(r) for r in drafts],
        actions=_actions(user, a),
        deadline=_deadline(a),
    )


def _deadline(assessment) -> DeadlineOut | None:
    held = deadlines.current(assessment)
    if held is None:
        return None
    return DeadlineOut(
        stage=held.stage,
        due=held.due,
        until=held.until,
        extended=held.extension is not None,
        extension_reason=held.extension.reason if held.extension else None,
        late_allowed=assessment.cycle.late_allowed,
        locked=held.passed(timezone.localdate()) and not assessment.cycle.late_allowed,
    )


def _decimals(lines: dict) -> dict:
    return {code: Decimal(points) for code, points in lines.items()}


def _payload_error(field: str, message: str, *, source: str = "body"):
    return PayloadInvalid([{"loc": [source, field], "msg": message, "type": "value_error"}])


@cycles_router.get(
    "", response={200: list[CycleOut], **READ_ERRORS}, summary="Cycles you can see anything in"
)
@paged
def list_cycles(request, updated_since: UpdatedSince = None):
    """`updated_since` keeps the cycles whose calendar, bodies or settings changed at or after it
    (what happens to their assessments is in `GET /assessments?updated_since=`)."""
    cycles = Cycle.objects.filter(pk__in=permissions.visible(request.user).values("cycle")).select_related(
        "framework", "program"
    )
    if updated_since is not None:
        cycles = cycles.filter(updated_at__gte=updated_since)
    return Shown(cycles.order_by("-year", "pk"), _cycle)


def _cycle(cycle) -> dict:
    return {
        **{field: getattr(cycle, field) for field in CycleOut.model_fields if hasattr(cycle, field)},
        "program": cycle.program.name,  # the program's name, as before programs were rows
        "framework_id": cycle.framework_id,
        "framework_code": cycle.framework.code,
    }


@cycles_router.get("/{year}", response={200: CycleDetail, **READ_ERRORS}, summary="One cycle")
def get_cycle(request, year: Annotated[int, Path(ge=1900, le=9999)]):
    visible = permissions.visible(request.user).filter(cycle__year=year)
    cycle = (
        Cycle.objects.filter(pk__in=visible.values("cycle")).select_related("framework", "program").first()
    )
    if cycle is None:
        raise Http404
    counts = visible.order_by().values("status").annotate(n=Count("id"))
    return {
        **_cycle(cycle),
        "bodies": [_body(b) for b in cycle.bodies.select_related("unit")],
        "visible_by_status": {row["status"]: row["n"] for row in counts},
    }


@router.get("", response={200: list[AssessmentSummary], **READ_ERRORS}, summary="Assessments you can see")
@paged
def list_assessments(
    request,
    cycle: Year = None,
    status: Status | None = None,
    unit: UnitCode = None,
    level: Level = None,
    group: Group = None,
    updated_since: UpdatedSince = None,
):
    # The parent is loaded for the answer (parent_code); the policy reads the unit's own path.
    assessments = permissions.visible(request.user).select_related(
        "cycle", "body__unit", "unit__parent", "appraiser"
    )
    assessments = assessments_with_updated_at(assessments, updated_since)
    if cycle is not None:
        assessments = assessments.filter(cycle__year=cycle)
    if status is not None:
        assessments = assessments.filter(status=status)
    if unit:
        assessments = assessments.filter(unit__code=unit)
    if level is not None:
        assessments = assessments.filter(decided_level_is(level))
    if group:
        assessments = assessments.filter(body__unit__code=group)
    assessments = assessments.order_by("-cycle__year", "unit__code", "pk")
    # Ordered across joined tables: sorting only the keys keeps deep offsets cheap (core.paging).
    return Shown(ByKey(assessments), lambda a: _summary(request.user, a))


def _summary(user, assessment) -> dict:
    fields = _summary_fields(assessment)
    if not shows_appraisal(user, assessment):
        fields["appraised_score"] = fields["appraiser"] = None
    return fields


@router.get("/{assessment_id}", response={200: AssessmentDetail, **READ_ERRORS}, summary="One assessment")
def get_assessment(request, assessment_id: Id):
    return detail(request.user, assessment_id)


# --- Scores and flags ---------------------------------------------------------------------------


@router.patch(
    "/{assessment_id}/scores/{indicator_code}",
    response={200: ScoreOut, **WRITE_ERRORS},
    summary="Save the self or the appraised fields of one indicator",
)
def patch_score(
    request, assessment_id: Id, indicator_code: Annotated[str, Path(**CODE)], payload: ScorePatch
):
    """Self fields go to `save_self_score`, appraised fields to `save_appraised_score` (whose first
    save starts the appraisal). A stale `version` answers 409 with the current row in details."""
    assessment = visible_assessment(request.user, assessment_id)
    score = (
        assessment.scores.select_related("indicator__criterion")
        .filter(indicator__code=indicator_code)
        .first()
    )
    if score is None:
        raise Http404
    values = payload.model_dump(exclude_unset=True, exclude={"version"})
    save = (
        services.save_self_score if set(values) & set(services.SELF_FIELDS) else services.save_appraised_score
    )
    saved = save(score, expected_version=payload.version, actor=request.user, **values)
    return ScoreOut.of(saved.row, show_appraisal=shows_appraisal(request.user, assessment))


@router.put(
    "/{assessment_id}/flags", response={200: AssessmentDetail, **WRITE_ERRORS}, summary="Veto flags and bonus"
)
def put_flags(request, assessment_id: Id, payload: FlagsIn):
    assessment = visible_assessment(request.user, assessment_id)
    services.save_flags(
        assessment, flags=dict(payload.flags), bonus=payload.bonus, actor=request.user, layer=payload.layer
    )
    return detail(request.user, assessment_id)


# --- Evidence -----------------------------------------------------------------------------------


@router.get(
    "/{assessment_id}/evidence",
    response={200: list[EvidenceOut], **READ_ERRORS},
    summary="Evidence files",
    tags=["evidence"],
)
@paged
def list_evidence(request, assessment_id: Id, updated_since: UpdatedSince = None):
    assessment = visible_assessment(request.user, assessment_id)
    files = assessment.evidence.filter(removed_at__isnull=True).select_related("indicator", "uploaded_by")
    if updated_since is not None:
        files = files.filter(uploaded_at__gte=updated_since)
    return Shown(files.order_by("pk"), EvidenceOut.of)


@router.post(
    "/{assessment_id}/evidence",
    response={200: EvidenceOut, 201: EvidenceOut, **WRITE_ERRORS},
    summary="Upload an evidence file (PDF, JPEG, PNG, DOCX, XLSX; checked by content)",
    description="201 with the new row; 200 with the existing row when the same content (SHA-256) is "
    "already attached to this indicator of the assessment and not withdrawn: no second row.",
    tags=["evidence"],
)
def upload_evidence(
    request, assessment_id: Id, indicator_code: Annotated[str, Form(**CODE)], file: File[UploadedFile]
):
    assessment = visible_assessment(request.user, assessment_id)
    indicator = assessment.cycle.framework.indicators.filter(code=indicator_code).first()
    if indicator is None:
        raise _payload_error("indicator_code", _("Bộ tiêu chí không có chỉ tiêu mang mã này."), source="form")
    if "\x00" in file.name:
        raise _payload_error("file", _("Tên tệp không được chứa ký tự NUL."), source="file")
    evidence = services.upload_evidence(assessment, indicator, file, actor=request.user)
    # The same file already attached to this indicator: that row, not a second one (200).
    return Reply(200 if getattr(evidence, "already_there", False) else 201, EvidenceOut.of(evidence))


def _visible_evidence(user, evidence_id, *, live: bool) -> Evidence:
    """Evidence of an assessment the user may see; withdrawn files still download (audit trail)
    until their retention ends and they are purged, as on the pages, but cannot be withdrawn again."""
    files = Evidence.objects.filter(
        pk=evidence_id, assessment__in=permissions.visible(user).values("pk"), purged_at__isnull=True
    )
    if live:
        files = files.filter(removed_at__isnull=True)
    evidence = files.select_related("indicator", "uploaded_by").first()
    if evidence is None:
        raise Http404
    return evidence


BINARY = binary_response("The file, as an attachment, with the type detected at upload", *uploads.ACCEPTED)


@evidence_router.get(
    "/{evidence_id}/download",
    response=READ_ERRORS,
    summary="Download an evidence file",
    openapi_extra=BINARY,
)
def download_evidence(request, evidence_id: Id):
    evidence = _visible_evidence(request.user, evidence_id, live=False)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@evidence_router.delete(
    "/{evidence_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Withdraw an evidence file (kept for audit)",
)
def delete_evidence(request, evidence_id: Id):
    services.remove_evidence(_visible_evidence(request.user, evidence_id, live=True), actor=request.user)
    return Reply(204, None)


# --- Workflow actions ---------------------------------------------------------------------------


def _action(path: str, summary: str, operation_id: str | None = None):
    return router.post(
        f"/{{assessment_id}}/{path}",
        response={200: AssessmentDetail, **STEP_ERRORS},
        summary=summary,
        description=IF_MATCH,
        operation_id=operation_id,
    )


IF_MATCH = (
    'Send `If-Match` with the assessment\'s `version` as you read it (`If-Match: "7"`): if the '
    "assessment has moved on since, nothing is done and the answer is 412 `precondition_failed`."
)


@_action("submit", "Chair submits the self-assessment for appraisal", "submitAssessment")
def submit(request, assessment_id: Id, expected_score: ExpectedScore = None, if_match: IfMatch = None):
    assessment = visible_assessment(request.user, assessment_id)
    step(
        if_match,
        assessment_id,
        lambda: services.submit_assessment(assessment, actor=request.user, expected_score=expected_score),
    )
    return detail(request.user, assessment_id)


@_action("start-appraisal", "Appraiser starts the appraisal")
def start_appraisal(request, assessment_id: Id, if_match: IfMatch = None):
    assessment = visible_assessment(request.user, assessment_id)
    step(if_match, assessment_id, lambda: services.start_appraisal(assessment, actor=request.user))
    return detail(request.user, assessment_id)


@_action("return", "Appraiser sends the round of explanation requests (the drafts, and any reasons given)")
def return_for_explanation(request, assessment_id: Id, payload: ReturnIn, if_match: IfMatch = None):
    assessment = visible_assessment(request.user, assessment_id)
    ids = dict(
        assessment.scores.filter(indicator__code__in=payload.reasons).values_list(
            "indicator__code", "indicator_id"
        )
    )
    unknown = sorted(set(payload.reasons) - set(ids))
    if unknown:
        raise _payload_error(
            "reasons", _("Hồ sơ không có các chỉ tiêu: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    reasons = {ids[code]: reason for code, reason in payload.reasons.items()}
    step(
        if_match,
        assessment_id,
        lambda: services.return_for_explanation(assessment, reasons=reasons, actor=request.user),
    )
    return detail(request.user, assessment_id)


@router.post(
    "/{assessment_id}/explanations/{request_id}",
    response={200: ExplanationRequestOut, **STEP_ERRORS},
    summary="Commune answers one explanation request",
    description=IF_MATCH,
    operation_id="respondToRequest",
)
def respond(request, assessment_id: Id, request_id: Id, payload: ResponseIn, if_match: IfMatch = None):
    assessment = visible_assessment(request.user, assessment_id)
    req = assessment.explanation_requests.select_related("indicator").filter(pk=request_id).first()
    if req is None:
        raise Http404
    answered = step(
        if_match,
        assessment_id,
        lambda: services.respond_to_request(req, response=payload.response, actor=request.user),
    )
    return ExplanationRequestOut.of(answered)


@_action("resubmit", "Commune resubmits after explaining", "resubmitAssessment")
def resubmit(request, assessment_id: Id, if_match: IfMatch = None):
    assessment = visible_assessment(request.user, assessment_id)
    step(if_match, assessment_id, lambda: services.resubmit_assessment(assessment, actor=request.user))
    return detail(request.user, assessment_id)


@_action(
    "approve",
    "Appraiser approves the appraisal result (refused with 422 while a claimed bonus is undecided)",
    "approveAppraisal",
)
def approve(request, assessment_id: Id, expected_score: ExpectedScore = None, if_match: IfMatch = None):
    assessment = visible_assessment(request.user, assessment_id)
    step(
        if_match,
        assessment_id,
        lambda: services.approve_appraisal(assessment, actor=request.user, expected_score=expected_score),
    )
    return detail(request.user, assessment_id)


Criterion = Annotated[
    str | None,
    Query(
        description="The criterion whose indicators you accept, after reading them (e.g. TC1). "
        "Required: without it the request would accept the whole commune at once, which is refused "
        "(422 `whole_commune_refused`).",
        **CODE,
    ),
]


@router.post(
    "/{assessment_id}/copy-self-to-appraisal",
    response={200: CopiedOut, **STEP_ERRORS},
    summary="Appraiser accepts the commune's values of one criterion's indicators",
    description=IF_MATCH + " Each indicator is saved as an accepted review, as if accepted one by one.",
)
def copy_self_to_appraisal(
    request,
    assessment_id: Id,
    criterion: Criterion = None,
    if_match: IfMatch = None,
):
    assessment = visible_assessment(request.user, assessment_id)
    if criterion is None:
        raise WholeCommuneRefused
    rows = list(assessment.scores.filter(indicator__criterion__code=criterion).values_list("pk", flat=True))
    if not rows:
        raise _payload_error(
            "criterion", _("Hồ sơ không có tiêu chí mang mã %(code)s.") % {"code": criterion}, source="query"
        )
    accepted = step(
        if_match,
        assessment_id,
        lambda: services.accept_indicators(assessment, score_ids=rows, actor=request.user),
    )
    return {"copied": len(accepted), "assessment": detail(request.user, assessment_id)}
