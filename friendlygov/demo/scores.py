"""Plausible inputs for one unit's indicators, from a seeded random generator (no database writes).

A unit's self-assessment is drawn around a target total: one "quality" number moves every
indicator's input the same way (a percentage inside the band that earns the wanted points, a
number of violations, a yes/no, manual points on the step), and is tuned by bisection until the
total lands on the target. Per-indicator noise is drawn once per unit, so the tuning is monotone
and the same seed gives the same values. The appraiser then lowers a few indicators so that the
appraised total sits 0–4 points below the self total (the inflation the brief warns about), with
a comment on each change.
"""

import random
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from friendlygov.assessments.results import points_for
from friendlygov.frameworks import scoring

NA_SHARE = 0.3  # units with no complaint in their remit mark TC5.4 "not applicable"
ONE_DP = Decimal("0.1")

SELF_EXPLANATIONS = (
    "Tài liệu kiểm chứng lưu tại Văn phòng HĐND và UBND xã (bản giấy), sẵn sàng cung cấp khi thẩm định.",
    "Hồ sơ lưu tại Bộ phận một cửa; số liệu tổng hợp đến ngày 31/10.",
    "Đã tổng hợp từ sổ theo dõi và báo cáo định kỳ của UBND; bản chụp lưu tại văn phòng.",
)

COMMENTS = {
    scoring.MANUAL: (
        "Kiểm tra thực tế chưa đủ các hạng mục như tự chấm; chấm lại theo biên bản kiểm tra.",
        "Tài liệu kiểm chứng chưa thể hiện đầy đủ nội dung; một số nội dung thực hiện chưa đúng thời hạn.",
        "Biên bản niêm yết thiếu xác nhận của Ban Thanh tra nhân dân; giảm điểm tương ứng.",
    ),
    scoring.YES_NO: (
        "Kiểm tra thực tế chưa đáp ứng đầy đủ yêu cầu của chỉ tiêu.",
        "Không có tài liệu kiểm chứng chứng minh đã thực hiện trong năm.",
    ),
    scoring.RATIO: (
        "Đối chiếu Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh: tỷ lệ thực tế là {value}%.",
        "Số liệu tự chấm chưa khớp với báo cáo định kỳ; lấy theo báo cáo: {value}%.",
    ),
    scoring.SURVEY: (
        "Theo kết quả khảo sát do cơ quan thẩm định tổng hợp, tỷ lệ là {value}%.",
        "Cỡ mẫu khảo sát của xã chưa đạt yêu cầu; lấy kết quả khảo sát độc lập: {value}%.",
    ),
    scoring.DEDUCTION: (
        "Kiểm tra công vụ phát hiện thêm trường hợp vi phạm; tổng số là {value}.",
        "Sổ theo dõi ghi nhận {value} trường hợp, nhiều hơn số tự khai.",
    ),
}


@dataclass
class Input:
    value: Decimal | None
    na: bool = False
    points: Decimal | None = None
    comment: str = ""


@dataclass
class UnitPlan:
    """What the commune enters and what the appraiser finds, indicator by indicator."""

    self_inputs: dict[int, Input] = field(default_factory=dict)  # indicator id → input
    appraised_inputs: dict[int, Input] = field(default_factory=dict)
    bonus: Decimal = Decimal(0)

    @property
    def changed(self) -> list[int]:
        return [i for i, a in self.appraised_inputs.items() if a.comment]


def _clamp(x, low=0.0, high=1.0):
    return max(low, min(high, x))


def _step_floor(points: float, step: Decimal) -> Decimal:
    return (Decimal(str(points)) / step).to_integral_value(rounding=ROUND_FLOOR) * step


def _percent_for(indicator, share: float, u: float) -> Decimal:
    """A percentage that earns about `share` of the indicator's points, placed by `u` in its band."""
    mapping = indicator.mapping()
    if isinstance(mapping, scoring.LinearMapping):
        low, high = float(mapping.floor_percent), float(mapping.full_percent)
        percent = low + share * (high - low) + (u - 0.5) * 4
        if share >= 0.999:
            percent = high + u * (100 - high)
    else:
        bands = sorted([(0.0, 0.0)] + [(float(t.min_percent), float(t.points)) for t in mapping.thresholds])
        wanted = share * float(indicator.max_points)
        index = min(range(len(bands)), key=lambda i: (abs(bands[i][1] - wanted), i))
        low = bands[index][0]
        high = bands[index + 1][0] - 0.1 if index + 1 < len(bands) else 100.0
        if index == 0:
            low = max(0.0, high - 15)
        percent = low + u * (high - low)
    return Decimal(str(_clamp(percent, 0, 100))).quantize(ONE_DP)


def value_for(indicator, share: float, u: float) -> Decimal:
    """The method's input that earns about `share` (0–1) of the indicator's maximum."""
    method, max_points = indicator.method, indicator.max_points
    if method == scoring.MANUAL:
        return min(_step_floor(share * float(max_points) + 0.3 * u, indicator.step or ONE_DP), max_points)
    if method == scoring.YES_NO:
        return Decimal(1) if share > 0.55 else Decimal(0)
    if method in (scoring.RATIO, scoring.SURVEY):
        return _percent_for(indicator, share, u)
    if method == scoring.DEDUCTION:
        per = Decimal(indicator.params["per_violation"])
        return Decimal(int((1 - share) * float(max_points / per) + u * 0.8))
    raise ValueError(method)


def total_of(indicators, inputs: dict[int, Input]) -> Decimal:
    earned = sum((inputs[i.pk].points for i in indicators if not inputs[i.pk].na), Decimal(0))
    applicable = sum((i.max_points for i in indicators if not inputs[i.pk].na), Decimal(0))
    return earned * 100 / applicable


class Planner:
    """Draws one unit's plan; `indicators` are the framework's leaf indicators (criterion loaded)."""

    def __init__(self, indicators, rng: random.Random):
        self.indicators = list(indicators)
        self.rng = rng
        self.rules = {i.pk: i.scoring_rule() for i in self.indicators}

    def quick_points(self, indicator, value: Decimal) -> Decimal:
        """points_for with the rule built once: used only while searching; stored points always
        come from points_for itself."""
        rule = self.rules[indicator.pk]
        if rule.method == scoring.YES_NO:
            return scoring.indicator_points(rule, value == 1)
        if rule.method == scoring.DEDUCTION:
            return scoring.indicator_points(rule, int(value))
        return scoring.indicator_points(rule, value)

    def plan(self, target: float, *, fail_criterion: str | None = None, inflation: float = 0) -> UnitPlan:
        rng = self.rng
        noise = {i.pk: (rng.gauss(0, 1), rng.random()) for i in self.indicators}
        na = {i.pk for i in self.indicators if i.na_allowed and rng.random() < NA_SHARE}
        explanation = rng.choice(SELF_EXPLANATIONS)

        def inputs_at(quality: float, points=self.quick_points) -> dict[int, Input]:
            inputs = {}
            for indicator in self.indicators:
                z, u = noise[indicator.pk]
                if indicator.pk in na:
                    inputs[indicator.pk] = Input(None, na=True, comment=explanation)
                    continue
                share = _clamp(quality + 0.12 * z)
                if fail_criterion and indicator.criterion.code == fail_criterion:
                    share = _clamp(0.35 + 0.05 * z, 0.2, 0.45)
                value = value_for(indicator, share, u)
                inputs[indicator.pk] = Input(value, points=points(indicator, value), comment=explanation)
            return inputs

        low, high = 0.0, 1.3
        for _ in range(13):
            middle = (low + high) / 2
            if total_of(self.indicators, inputs_at(middle)) < Decimal(str(target)):
                low = middle
            else:
                high = middle
        plan = UnitPlan(self_inputs=inputs_at(high, points_for))
        plan.appraised_inputs = self._appraise(plan.self_inputs, inflation)
        return plan

    def _appraise(self, self_inputs: dict[int, Input], inflation: float) -> dict[int, Input]:
        """Copy the commune's inputs, then lower some until the total drops by about `inflation`."""
        appraised = {pk: Input(i.value, na=i.na, points=i.points) for pk, i in self_inputs.items()}
        applicable = sum((i.max_points for i in self.indicators if not self_inputs[i.pk].na), Decimal(0))
        dropped = Decimal(0)
        order = [i for i in self.indicators if not self_inputs[i.pk].na]
        self.rng.shuffle(order)
        for indicator in order:
            if dropped >= Decimal(str(inflation)) - Decimal("0.3"):
                break
            lower = self._lower(indicator, appraised[indicator.pk].value)
            if lower is None:
                continue
            points = self.quick_points(indicator, lower)
            drop = (appraised[indicator.pk].points - points) * 100 / applicable
            if drop <= 0 or dropped + drop > Decimal(str(inflation)) + Decimal("0.5"):
                continue
            dropped += drop
            points = points_for(indicator, lower)
            template = self.rng.choice(COMMENTS[indicator.method])
            appraised[indicator.pk] = Input(
                lower, points=points, comment=template.format(value=f"{lower:f}".replace(".", ","))
            )
        return appraised

    def _lower(self, indicator, value: Decimal) -> Decimal | None:
        method = indicator.method
        if method == scoring.MANUAL:
            step = indicator.step or ONE_DP
            lower = value - step * self.rng.choice((1, 2, 2, 3))
            return lower if lower >= 0 else None
        if method == scoring.YES_NO:
            return Decimal(0) if value == 1 else None
        if method in (scoring.RATIO, scoring.SURVEY):
            lower = value - Decimal(str(self.rng.uniform(1.5, 9))).quantize(ONE_DP)
            return lower if lower >= 0 else None
        return value + 1  # deduction: one more violation found
