"""The shape of each scoring method's and gating rule's parameters (pydantic), stored as JSON with
decimals as strings, and their conversion to the pure rules' dataclasses."""

from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import gating, scoring

Percent = Annotated[Decimal, Field(ge=0, le=100)]
Points = Annotated[Decimal, Field(ge=0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Strict):
    pass


class ThresholdParam(Strict):
    min_percent: Percent
    points: Points


class LinearParam(Strict):
    floor_percent: Percent
    full_percent: Percent

    @model_validator(mode="after")
    def floor_below_full(self):
        if self.floor_percent >= self.full_percent:
            raise ValueError(_("Tỷ lệ được 0 điểm phải nhỏ hơn tỷ lệ được đủ điểm."))
        return self


class PercentParams(Strict):
    """Either `thresholds` (highest min_percent first) or `linear`, not both."""

    thresholds: list[ThresholdParam] | None = None
    linear: LinearParam | None = None

    @model_validator(mode="after")
    def exactly_one_mapping(self):
        if (self.thresholds is None) == (self.linear is None):
            raise ValueError(_("Cần đúng một trong hai cách quy đổi: theo ngưỡng, hoặc tuyến tính."))
        if self.thresholds is not None:
            if not self.thresholds:
                raise ValueError(_("Cần ít nhất một ngưỡng điểm."))
            percents = [t.min_percent for t in self.thresholds]
            if percents != sorted(set(percents), reverse=True):
                raise ValueError(_("Các ngưỡng phải xếp từ tỷ lệ cao nhất xuống, không trùng tỷ lệ."))
        return self


class DeductionParams(Strict):
    per_violation: Annotated[Decimal, Field(gt=0)]


METHOD_PARAMS: dict[str, type[Strict]] = {
    scoring.MANUAL: NoParams,
    scoring.YES_NO: NoParams,
    scoring.RATIO: PercentParams,
    scoring.SURVEY: PercentParams,
    scoring.DEDUCTION: DeductionParams,
}


class MinCriterionPercentParams(Strict):
    percent: Percent


class MinTotalParams(Strict):
    min_total: Percent


class VetoFlagParams(Strict):
    flag: Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9_]+$")]


GATING_PARAMS: dict[str, type[Strict]] = {
    gating.MIN_CRITERION_PERCENT: MinCriterionPercentParams,
    gating.MIN_TOTAL: MinTotalParams,
    gating.VETO_FLAG: VetoFlagParams,
}


def _as_json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def validate_params(method: str, params: dict | None) -> dict[str, Any]:
    """Normalised JSON for `method`'s parameters; raises pydantic.ValidationError when wrong."""
    return _as_json(METHOD_PARAMS[method].model_validate(params or {}))


def validate_gating_params(kind: str, params: dict | None) -> dict[str, Any]:
    return _as_json(GATING_PARAMS[kind].model_validate(params or {}))


def mapping_from_params(params: dict) -> scoring.Mapping:
    parsed = PercentParams.model_validate(params)
    if parsed.linear is not None:
        return scoring.LinearMapping(parsed.linear.floor_percent, parsed.linear.full_percent)
    return scoring.ThresholdMapping(
        tuple(scoring.Threshold(t.min_percent, t.points) for t in parsed.thresholds)
    )
