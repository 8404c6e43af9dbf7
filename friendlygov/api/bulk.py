"""All of an assessment's scores in one request: `POST /assessments/{id}/scores`.

All or nothing, like the Excel import of the self-assessment (assessments/offline.py): every row
goes through the same service as a single save and the import (`services.save_self_score` or
`save_appraised_score`: the permission policy, the workflow state, the indicator's value rules, the
row's version), in one transaction; if any row is refused, nothing is saved and the answer lists
every refused row with its index, indicator and reason (422 `bulk_refused`). A caller whose role may
not save these fields at all gets 403, as for a single save."""

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from friendlygov.assessments import services
from friendlygov.assessments.services import StaleVersion

from .assessments import CODE, MAX_ID, Id, ScoreValue, Text, shows_appraisal, visible_assessment
from .auth import AUTH
from .shapes import ScoreOut, error_responses

router = Router(tags=["assessments"], auth=AUTH)
MAX_ROWS = 500


def _sent_only(schema: dict) -> None:
    schema.pop("default", None)


def _optional(description: str):
    # Only the fields a row sends are saved (exclude_unset); the Python default never is.
    return Field(default=None, description=description, json_schema_extra=_sent_only)


class BulkScore(Schema):
    """One indicator: either the commune's fields or the appraiser's, never both; only the fields
    sent are changed."""

    indicator_code: Annotated[str, Field(**CODE)]
    version: int = Field(ge=1, le=MAX_ID, description="The row's version as you read it")
    self_value: ScoreValue | None = _optional("The commune's value; null clears it")
    self_na: bool = _optional("The commune marks the indicator not applicable")
    explanation: Text = _optional("The commune's explanation; an empty string clears it")
    appraised_value: ScoreValue | None = _optional("The appraiser's value; null clears it")
    appraised_na: bool = _optional("The appraiser marks the indicator not applicable")
    appraisal_comment: Text = _optional("The appraiser's comment; an empty string clears it")


class BulkIn(Schema):
    scores: list[BulkScore] = Field(min_length=1, max_length=MAX_ROWS)


class BulkOut(Schema):
    saved: int
    scores: list[ScoreOut] = Field(description="The rows saved, as saved (each with its new version)")


class BulkRefused(Exception):
    def __init__(self, rows: list[dict]):
        self.rows = rows
        super().__init__(_("Chưa lưu gì: %(count)s dòng không hợp lệ.") % {"count": len(rows)})


def install(api) -> None:
    def refused(request, exc: BulkRefused):
        body = {"error": {"code": "bulk_refused", "message": str(exc), "details": exc.rows}}
        return api.create_response(request, body, status=422)

    api.add_exception_handler(BulkRefused, refused)


@router.post(
    "/{assessment_id}/scores",
    response={200: BulkOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Save many indicators at once, all or nothing",
    description="Rows as in the single save, each with its `indicator_code` and `version`. If any row "
    "is refused nothing is saved: 422 `bulk_refused` with `details` = "
    "`[{index, indicator_code, code, message, current_version}]`.",
)
def save_scores(request, assessment_id: Id, payload: BulkIn):
    assessment = visible_assessment(request.user, assessment_id)
    scores = {
        score.indicator.code: score for score in assessment.scores.select_related("indicator__criterion")
    }
    with transaction.atomic():
        saved, refusals = _save_all(request.user, scores, payload.scores)
        if refusals:
            transaction.set_rollback(True)
    if refusals:
        raise BulkRefused(refusals)
    shown = shows_appraisal(request.user, assessment)
    return {"saved": len(saved), "scores": [ScoreOut.of(row, show_appraisal=shown) for row in saved]}


def _save_all(actor, scores: dict, rows: list[BulkScore]):
    saved, refusals, seen = [], [], set()

    def refuse(index, row, code, message, current_version=None):
        refusals.append(
            {
                "index": index,
                "indicator_code": row.indicator_code,
                "code": code,
                "message": str(message),
                "current_version": current_version,
            }
        )

    for index, row in enumerate(rows):
        score = scores.get(row.indicator_code)
        if score is None:
            refuse(
                index,
                row,
                "unknown_indicator",
                _("Mã chỉ tiêu “%(code)s” không có trong hồ sơ này.") % {"code": row.indicator_code},
            )
            continue
        if row.indicator_code in seen:
            refuse(
                index,
                row,
                "duplicate",
                _("Chỉ tiêu “%(code)s” xuất hiện hai lần.") % {"code": row.indicator_code},
            )
            continue
        seen.add(row.indicator_code)
        values = row.model_dump(exclude_unset=True, exclude={"indicator_code", "version"})
        own = set(values) & set(services.SELF_FIELDS)
        theirs = set(values) & set(services.APPRAISAL_FIELDS)
        if not values:
            refuse(index, row, "nothing_to_save", _("Dòng này không có trường nào để lưu."))
            continue
        if own and theirs:
            refuse(index, row, "mixed_layers", _("Một dòng chỉ gồm trường tự chấm hoặc trường thẩm định."))
            continue
        save = services.save_self_score if own else services.save_appraised_score
        try:
            saved.append(save(score, expected_version=row.version, actor=actor, **values).row)
        except StaleVersion as error:
            refuse(index, row, "stale_version", error, error.score.version)
        except ValidationError as error:
            refuse(index, row, "validation_error", " ".join(error.messages))
        except PermissionDenied:
            raise  # the caller's role: 403 for the whole request, as for a single save
    return saved, refusals
