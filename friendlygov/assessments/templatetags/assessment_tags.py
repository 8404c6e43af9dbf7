from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from friendlygov.frameworks.labels import LEVEL_LABELS

register = template.Library()


@register.filter
def level_label(level) -> str:
    if level is None or level == "":
        return _("Chưa xếp mức")
    return str(LEVEL_LABELS[int(level)])


@register.filter
def input_value(value) -> str:
    """A stored decimal as an input's value: 4.50 -> 4.5, 97.00 -> 97."""
    if value is None or value == "":
        return ""
    try:
        text = f"{Decimal(str(value)):f}"
    except InvalidOperation:
        return str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def typed_value(value) -> str:
    """A stored decimal as a person types it in the page's language: 9,5 in Vietnamese, 9.5 in
    English. The fields are text, not type="number": a browser parses a number field by its own
    locale, and "9,5" typed there once arrived as 95 (the server reads either separator)."""
    text = input_value(value)
    return text.replace(".", ",") if (get_language() or "vi").startswith("vi") else text


@register.simple_tag
def value_of(attempted, name, stored):
    if attempted and name in attempted:
        return attempted[name]
    return typed_value(stored)


@register.filter
def get_flag(flags, name) -> bool:
    return bool((flags or {}).get(name))


@register.filter
def is_change(value) -> bool:
    """An audit value shaped {"old": …, "new": …}."""
    return isinstance(value, dict) and set(value) == {"old", "new"}


@register.filter
def event_label(event_type: str) -> str:
    from ..workflow import Action

    kind, _sep, name = event_type.partition(".")
    if kind == "assessment" and name in Action.values:
        return str(Action(name).label)
    labels = {
        "score.self_saved": _("Xã cập nhật điểm"),
        "score.appraised_saved": _("Cập nhật điểm thẩm định"),
        "evidence.uploaded": _("Tải lên tài liệu kiểm chứng"),
        "evidence.removed": _("Gỡ tài liệu kiểm chứng"),
        "evidence.purged": _("Xoá tệp đã gỡ khi hết thời hạn lưu"),
        "explanation.responded": _("Xã giải trình"),
        "assessment.self_flags_saved": _("Xã khai điều kiện, điểm thưởng"),
        "assessment.appraised_flags_saved": _("Thẩm định điều kiện, điểm thưởng"),
        "assessment.start_appraisal_refused": _("Tiếp nhận hàng loạt: không tiếp nhận được"),
        "assessment.approve_refused": _("Duyệt hàng loạt: chưa duyệt được"),
    }
    return str(labels.get(event_type, event_type))


@register.filter
def pts(value) -> str:
    """Points with a decimal comma, or a dash when there are none yet."""
    from friendlygov.frameworks.describe import num

    return "—" if value is None else num(value)
