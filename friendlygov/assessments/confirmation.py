"""What a person sees and confirms before their action counts: the chair's submission and the
appraiser's approval each show the result it will record (score, level, bonus by rule, the
indicators whose appraisal differs with their comments, the conditions that fail) and what still
stops it. Pages show it on a confirmation step; the service then checks the confirmed score."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import services
from .models import IndicatorScore
from .results import BonusLine, LayerResult, bonus_lines, layer_result
from .workflow import APPRAISED, SELF, Action

# What each confirmed action records, and the layer of points it records.
CONFIRMED = {
    Action.SUBMIT: (SELF, services.missing_for_submission),
    Action.APPROVE: (APPRAISED, services.missing_for_approval),
}
TITLES = {
    Action.SUBMIT: _("Xác nhận ký duyệt và gửi thẩm định"),
    Action.APPROVE: _("Xác nhận duyệt kết quả thẩm định"),
}


@dataclass(frozen=True)
class Confirmation:
    action: str
    layer: str
    result: LayerResult
    bonus: list[BonusLine]
    differences: list[IndicatorScore]  # the appraisal differs from the commune's (approval only)
    problems: list[str]  # what stops the action now; empty when it may be confirmed

    @property
    def title(self) -> str:
        return str(TITLES[self.action])

    @property
    def score(self) -> Decimal:
        """The score the action records (and the one the confirmation carries back)."""
        return self.result.recognition.score

    @property
    def ready(self) -> bool:
        return not self.problems


def confirmation(assessment, action: str) -> Confirmation:
    layer, missing = CONFIRMED[action]
    rows = list(
        assessment.scores.select_related("indicator__criterion").order_by("indicator__order", "indicator_id")
    )
    return Confirmation(
        action=action,
        layer=layer,
        result=layer_result(assessment, rows, layer),
        bonus=[line for line in bonus_lines(assessment) if line.claimed or line.decided is not None],
        differences=[row for row in rows if row.differs] if layer == APPRAISED else [],
        problems=missing(assessment),
    )
