"""Words for methods and gating rules, as people read them on the page ("Tỷ lệ: ≥ 95% → 4 điểm")."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import gating, scoring
from .labels import METHOD_CHOICES

METHOD_LABELS = dict(METHOD_CHOICES)


def num(value) -> str:
    """A decimal as people write it in the current language, without trailing zeros: 1,5 / 1.5."""
    value = Decimal(str(value)).normalize()
    places = max(-value.as_tuple().exponent, 0)
    return number_format(value, decimal_pos=places, use_l10n=True)


def method_label(method: str) -> str:
    return str(METHOD_LABELS.get(method, method))


def method_lines(indicator) -> list[str]:
    """How the indicator is scored, one line per band or rule."""
    p, top = indicator.params, num(indicator.max_points)
    if indicator.method == scoring.MANUAL:
        return [
            _("Chấm từ 0 đến %(max)s điểm, bước %(step)s điểm.") % {"max": top, "step": num(indicator.step)}
        ]
    if indicator.method == scoring.YES_NO:
        return [_("Đạt: %(max)s điểm; không đạt: 0 điểm.") % {"max": top}]
    if indicator.method == scoring.DEDUCTION:
        return [
            _("Bắt đầu từ %(max)s điểm, trừ %(per)s điểm cho mỗi vi phạm, thấp nhất 0 điểm.")
            % {"max": top, "per": num(p["per_violation"])}
        ]
    if indicator.method in (scoring.RATIO, scoring.SURVEY):
        if "linear" in p:
            linear = p["linear"]
            return [
                _("≤ %(floor)s%% → 0 điểm") % {"floor": num(linear["floor_percent"])},
                _("≥ %(full)s%% → %(max)s điểm") % {"full": num(linear["full_percent"]), "max": top},
                _("Ở giữa: tính theo tỷ lệ thuận."),
            ]
        lines = [
            _("≥ %(percent)s%% → %(points)s điểm")
            % {"percent": num(t["min_percent"]), "points": num(t["points"])}
            for t in p["thresholds"]
        ]
        lines.append(_("< %(percent)s%% → 0 điểm") % {"percent": num(p["thresholds"][-1]["min_percent"])})
        return lines
    return []


def gating_line(rule) -> str:
    p = rule.params
    if rule.kind == gating.MIN_CRITERION_PERCENT:
        return _("Mỗi tiêu chí phải đạt ít nhất %(percent)s%% số điểm tối đa của tiêu chí.") % {
            "percent": num(p["percent"])
        }
    if rule.kind == gating.MIN_TOTAL:
        return _("Tổng điểm phải đạt ít nhất %(total)s điểm.") % {"total": num(p["min_total"])}
    if rule.kind == gating.VETO_FLAG:
        return _("Không được công nhận nếu điều kiện này xảy ra trong năm.")
    return ""
