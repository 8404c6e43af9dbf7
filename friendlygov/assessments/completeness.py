"""What blocks the next step of an assessment, item by item, each on its indicator's row: the
rule that submitting, resubmitting and approving refuse by, and that the form lists as
"còn thiếu" with a link to each row."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .results import undecided_bonus

UNSCORED, EVIDENCE, UNAPPRAISED, COMMENT, BONUS = "unscored", "evidence", "unappraised", "comment", "bonus"
UNREVIEWED = "unreviewed"


def ordered_rows(assessment):
    """The assessment's rows in the framework's order, with their indicators and criteria."""
    return assessment.scores.select_related("indicator__criterion").order_by(
        "indicator__order", "indicator_id"
    )


@dataclass(frozen=True)
class Missing:
    """One thing that blocks an action, on one indicator's row: the page links it to the row."""

    score_id: int | None  # None for what is not on a row: an undecided bonus
    criterion_id: int | None
    kind: str
    message: str
    anchor: str = ""  # where the page's link goes, when not the row
    code: str = ""  # the indicator's code, or the bonus rule's for BONUS

    def __str__(self):
        return self.message

    @property
    def href(self) -> str:
        return f"#{self.anchor or f'row-{self.score_id}'}"


class Incomplete(ValidationError):
    """An action refused because of what is missing; `missing` keeps each item with its row."""

    def __init__(self, missing: list[Missing]):
        self.missing = missing
        super().__init__([item.message for item in missing])


def _missing(score, kind, message) -> Missing:
    code = score.indicator.code
    return Missing(score.pk, score.indicator.criterion_id, kind, message % {"code": code}, code=code)


def missing_for_submission(assessment, scores=None) -> list[Missing]:
    """What stops a submission: unscored indicators, and required evidence with neither a file
    nor an explanation. Empty when the form is complete. `scores`: the rows, if already read."""
    problems = []
    with_files = set(
        assessment.evidence.filter(removed_at__isnull=True).values_list("indicator_id", flat=True)
    )
    for score in ordered_rows(assessment) if scores is None else scores:
        indicator = score.indicator
        if not score.self_scored:
            problems.append(_missing(score, UNSCORED, _("%(code)s: chưa chấm điểm.")))
        elif (
            indicator.evidence
            and not score.self_na
            and indicator.pk not in with_files
            and not score.explanation.strip()
        ):
            problems.append(
                _missing(
                    score, EVIDENCE, _("%(code)s: cần tài liệu kiểm chứng hoặc giải trình lý do không có.")
                )
            )
    return problems


def missing_for_approval(assessment, scores=None) -> list[Missing]:
    """What stops approving (the review is complete when it is empty): an indicator without the
    appraiser's points, or not reviewed again since the commune changed it, or with points that
    differ from the commune's and no comment; a bonus the commune claimed that the appraiser has
    not decided (approval never copies a claim). `scores`: the rows, if already read."""
    problems = []
    for score in ordered_rows(assessment) if scores is None else scores:
        if not score.appraised_scored:
            problems.append(_missing(score, UNAPPRAISED, _("%(code)s: chưa có điểm thẩm định.")))
        elif not score.review:
            problems.append(
                _missing(
                    score, UNREVIEWED, _("%(code)s: xã đã sửa số liệu, cần xem xét lại (chấp nhận hoặc sửa).")
                )
            )
        elif score.differs and not score.appraisal_comment.strip():
            problems.append(
                _missing(score, COMMENT, _("%(code)s: điểm thẩm định khác điểm tự chấm, cần ghi nhận xét."))
            )
    for code in undecided_bonus(assessment):
        message = _("%(code)s: xã đề nghị điểm thưởng, chưa quyết định số điểm được công nhận.")
        problems.append(
            Missing(None, None, BONUS, message % {"code": code}, anchor=f"bonus-appraised-{code}", code=code)
        )
    return problems
