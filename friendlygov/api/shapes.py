"""Shapes that several routers and the error handlers share: decimals as strings, the error body,
and a score as the API shows it (also the `current` row of a stale-version refusal)."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from friendlygov.assessments.models import IndicatorScore

UNIT_ID = (
    "Stable id of the unit version: <code>@<valid_from>. Codes are reused after a merger (10804 was "
    "Xã Đồng Cẩm in 2024 and is Xã Kim Thành from 2025-07-01); the id is not."
)

DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"

DecimalString = Annotated[
    Decimal,
    PlainSerializer(lambda d: format(d.normalize(), "f"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN, "examples": ["20", "0.5"]}),
]


def decimal_input(whole_digits: int) -> dict:
    """The document's schema of a decimal a client sends: a string (a number is accepted too, but
    a generated client then types it as a string, never a float that loses the value)."""
    pattern = rf"^-?[0-9]{{1,{whole_digits}}}(\.[0-9]{{1,2}})?$"
    return {"type": "string", "pattern": pattern, "examples": ["4.5", "20"]}


# --- Errors: one envelope, `details` typed by `code` ----------------------------------------------


class PlainError(Schema):
    """A refusal that needs no details."""

    code: Literal[
        "not_authenticated",
        "permission_denied",
        "not_found",
        "malformed",
        "pdf_unavailable",
        "http_error",
        "invalid_idempotency_key",
        "idempotency_key_in_use",
        "idempotency_key_reused",
        "whole_commune_refused",
    ]
    message: str = Field(description="For people, in the request's language (Accept-Language: vi or en)")
    details: None = None


class PayloadProblem(Schema):
    loc: list[str | int] = Field(
        description="Where: body, query, path or form, then the field", examples=[["body", "version"]]
    )
    msg: str = Field(description="What is wrong, in the request's language")
    type: str = Field(description="Stable kind of problem, e.g. missing, string_too_long, decimal_parsing")


class InvalidPayloadError(Schema):
    """A parameter or a field of the body breaks the document's rules (type, format, bounds)."""

    code: Literal["invalid_payload"]
    message: str
    details: list[PayloadProblem]


class ValidationFailedError(Schema):
    """The input is well formed but breaks a rule of the service (one message per problem)."""

    code: Literal["validation_error", "upload_refused"]
    message: str
    details: list[str]


class MissingItem(Schema):
    indicator_code: str | None = Field(description="The indicator; null for a bonus rule")
    bonus_rule_code: str | None = Field(description="The bonus rule, for reason `bonus`; else null")
    reason: Literal["unscored", "evidence", "unappraised", "comment", "bonus"] = Field(
        description="unscored: no self value; evidence: required evidence with neither a file nor an "
        "explanation; unappraised: no appraised value; comment: an appraised value differs from the "
        "self value without a comment; bonus: a claimed bonus not decided by the appraiser"
    )
    message: str


class IncompleteError(Schema):
    """Submitting, resubmitting or approving refused: what is missing, item by item."""

    code: Literal["incomplete"]
    message: str
    details: list[MissingItem]


class StaleDetails(Schema):
    current: "ScoreOut" = Field(description="The row as saved now")


class StaleVersionError(Schema):
    code: Literal["stale_version"]
    message: str
    details: StaleDetails


class ResultChangedDetails(Schema):
    seen: DecimalString = Field(description="The total you confirmed")
    now: DecimalString = Field(description="The total as it is now")


class ResultChangedError(Schema):
    code: Literal["result_changed"]
    message: str
    details: ResultChangedDetails


class TransitionDetails(Schema):
    action: str
    status: str


class TransitionNotAllowedError(Schema):
    code: Literal["transition_not_allowed"]
    message: str
    details: TransitionDetails


class ImmutableError(Schema):
    code: Literal["immutable"]
    message: str
    details: str = Field(description="What was refused")


class MethodNotAllowedError(Schema):
    code: Literal["method_not_allowed"]
    message: str
    details: list[str] = Field(description="The methods the path offers (also in the Allow header)")


class ThrottledDetails(Schema):
    retry_after: int = Field(description="Seconds to wait (also in the Retry-After header)")


class ThrottledError(Schema):
    code: Literal["throttled"]
    message: str
    details: ThrottledDetails


class PreconditionDetails(Schema):
    version: int = Field(description="The assessment's version now")
    etag: str = Field(description='The If-Match that would hold now, e.g. "8"')


class PreconditionFailedError(Schema):
    """A workflow step's If-Match is not the assessment's current version: nothing was done."""

    code: Literal["precondition_failed"]
    message: str
    details: PreconditionDetails


class RowRefusal(Schema):
    index: int = Field(description="Position of the row in `scores`, from 0")
    indicator_code: str
    code: str = Field(
        description="unknown_indicator, duplicate, nothing_to_save, mixed_layers, "
        "stale_version, validation_error"
    )
    message: str
    current_version: int | None = Field(None, description="stale_version: the row's version now")


class BulkRefusedError(Schema):
    """A bulk save refused: every refused row, and nothing saved."""

    code: Literal["bulk_refused"]
    message: str
    details: list[RowRefusal]


ErrorBody = Annotated[
    PlainError
    | InvalidPayloadError
    | ValidationFailedError
    | IncompleteError
    | StaleVersionError
    | ResultChangedError
    | TransitionNotAllowedError
    | ImmutableError
    | MethodNotAllowedError
    | PreconditionFailedError
    | BulkRefusedError
    | ThrottledError,
    Field(discriminator="code"),
]


class ErrorOut(Schema):
    error: ErrorBody


def binary_response(description: str, *content_types: str) -> dict:
    """`openapi_extra` of an operation that answers a file: its types, plus application/octet-stream
    (generated clients read that one as bytes), and the file's name in Content-Disposition."""
    schema = {"type": "string", "format": "binary"}
    content = {kind: {"schema": schema} for kind in (*content_types, "application/octet-stream")}
    disposition = {
        "description": 'attachment; filename="…": the file\'s name (RFC 6266, filename* for non-ASCII)',
        "schema": {
            "type": "string",
            "example": 'attachment; filename="QD-CONG-NHAN-05-QD-SNV-2025-SO-NOI-VU.docx"',
        },
    }
    headers = {"Content-Disposition": disposition}
    return {"responses": {200: {"description": description, "content": content, "headers": headers}}}


# The API changelog (docs/api.md): answers that still carry a field renamed there say so, as
# RFC 9745 (Deprecation) and RFC 8594 (Sunset) describe.
DEPRECATED_SINCE = datetime(2026, 12, 7, tzinfo=UTC)
SUNSET = "Thu, 01 Jul 2027 00:00:00 GMT"
CHANGELOG_LINK = '</docs/api.md#api-changelog>; rel="deprecation"; type="text/markdown"'


def announce_deprecation(response) -> None:
    response["Deprecation"] = f"@{int(DEPRECATED_SINCE.timestamp())}"
    response["Sunset"] = SUNSET
    response["Link"] = CHANGELOG_LINK


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The `response=` entries of the errors an operation can answer, for the OpenAPI document."""
    return dict.fromkeys(statuses, ErrorOut)


class ScoreOut(Schema):
    indicator_code: str
    indicator_name: str
    criterion_code: str
    method: str
    max_points: DecimalString
    na_allowed: bool
    evidence_required: bool
    self_value: DecimalString | None
    self_na: bool
    self_points: DecimalString | None
    explanation: str
    appraised_value: DecimalString | None
    appraised_na: bool | None = Field(description="null while the appraised layer is not shown to you")
    appraised_points: DecimalString | None
    appraisal_comment: str | None
    differs: bool | None = Field(description="The appraised result differs from the self score")
    review: Literal["accepted", "changed"] | None = Field(
        description="The appraiser's review of the indicator: accepted (the commune's value), changed "
        "(with a comment); null: not reviewed yet, or not shown to you"
    )
    version: int = Field(description="Send it back with a change; a stale version is refused (409)")
    updated_at: datetime

    @staticmethod
    def of(score: IndicatorScore, *, show_appraisal: bool = True) -> "ScoreOut":
        indicator = score.indicator
        appraisal = {
            "appraised_value": score.appraised_value,
            "appraised_na": score.appraised_na,
            "appraised_points": score.appraised_points,
            "appraisal_comment": score.appraisal_comment,
            "differs": score.differs,
            "review": score.review or None,
        }
        if not show_appraisal:
            appraisal = dict.fromkeys(appraisal)
        return ScoreOut(
            indicator_code=indicator.code,
            indicator_name=indicator.name,
            criterion_code=indicator.criterion.code,
            method=indicator.method,
            max_points=indicator.max_points,
            na_allowed=indicator.na_allowed,
            evidence_required=bool(indicator.evidence.strip()),
            self_value=score.self_value,
            self_na=score.self_na,
            self_points=score.self_points,
            explanation=score.explanation,
            **appraisal,
            version=score.version,
            updated_at=score.updated_at,
        )


StaleDetails.model_rebuild()
ErrorOut.model_rebuild()
