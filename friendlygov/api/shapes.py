"""Shapes that several routers and the error handlers share: decimals as strings, the error body,
and a score as the API shows it (also the `current` row of a stale-version refusal)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from friendlygov.assessments.models import IndicatorScore

DecimalString = Annotated[
    Decimal,
    PlainSerializer(lambda d: format(d.normalize(), "f"), return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "examples": ["20", "0.5"]}),
]


class ErrorBody(Schema):
    code: str = Field(
        description="not_authenticated, permission_denied, not_found, malformed, invalid_payload, "
        "validation_error, upload_refused, stale_version, transition_not_allowed, immutable, "
        "method_not_allowed, pdf_unavailable"
    )
    message: str = Field(description="For people, in the request's language")
    details: Any = Field(
        None,
        description="invalid_payload: [{loc, msg, type}]; validation_error: every message; "
        "stale_version: {current: the row as saved now}; transition_not_allowed: {action, status}",
    )


class ErrorOut(Schema):
    error: ErrorBody


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
