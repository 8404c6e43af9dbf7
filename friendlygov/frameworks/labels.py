"""Translatable names of methods, levels, gating kinds and unit types (the rules stay Django-free)."""

from django.utils.translation import gettext_lazy as _

from . import gating, scoring

METHOD_CHOICES = [
    (scoring.MANUAL, _("Chấm điểm trực tiếp")),
    (scoring.YES_NO, _("Có/Không")),
    (scoring.RATIO, _("Tỷ lệ")),
    (scoring.DEDUCTION, _("Trừ điểm theo vi phạm")),
    (scoring.SURVEY, _("Khảo sát mức độ hài lòng")),
]

LEVEL_LABELS = {
    0: _("Không đạt chuẩn"),
    1: _("Mức 1"),
    2: _("Mức 2"),
    3: _("Mức 3"),
    4: _("Mức 4"),
}

GATING_KIND_CHOICES = [
    (gating.MIN_CRITERION_PERCENT, _("Tỷ lệ tối thiểu của mỗi tiêu chí")),
    (gating.MIN_TOTAL, _("Tổng điểm tối thiểu")),
    (gating.VETO_FLAG, _("Điều kiện loại trừ")),
]

# The same codes as the units app's unit types, so an indicator's unit types match the units'.
UNIT_TYPE_CHOICES = [
    ("xa", _("Xã")),
    ("phuong", _("Phường")),
    ("thi_tran", _("Thị trấn")),
    ("dac_khu", _("Đặc khu")),
]
UNIT_TYPES = tuple(code for code, _label in UNIT_TYPE_CHOICES)


def level_label(level: int) -> str:
    return LEVEL_LABELS[level]
