from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from friendlygov.frameworks.labels import LEVEL_LABELS
from friendlygov.programs.selectors import rules_for

register = template.Library()


@register.filter
def level_label(level, cycle=None) -> str:
    """The level's name: the cycle's program's (`{{ level|level_label:assessment.cycle }}`), else
    the default program's."""
    if level is None or level == "":
        return _("Chưa xếp mức")
    if cycle:
        return rules_for(cycle).label(int(level))
    return str(LEVEL_LABELS.get(int(level)) or _("Mức %(level)s") % {"level": level})


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
def pts(value) -> str:
    """Points with a decimal comma, or a dash when there are none yet."""
    from friendlygov.frameworks.describe import num

    return "—" if value is None else num(value)


@register.filter
def understood(row, layer) -> str:
    """The value just saved as the page reads it back ("9,5%", "2 vi phạm", "Có"), where it is not
    already the points; "" for a value that is points itself, or none."""
    from friendlygov.frameworks import scoring

    from ..history import shown_value

    value = getattr(row, f"{layer}_value", None)
    if value is None or getattr(row, f"{layer}_na", False) or row.indicator.method == scoring.MANUAL:
        return ""
    return shown_value(row.indicator, value)


@register.filter
def failure_text(failure) -> str:
    """A failed condition in words: "TC4 đạt 47,5%, cần từ 50%"."""
    from friendlygov.assessments.results import describe_failure

    return describe_failure(failure)


@register.simple_tag
def evidence_limit() -> dict:
    """The evidence size limit, for the page's own check before sending (the server checks again)."""
    from django.conf import settings

    from friendlygov.frameworks.describe import num

    limit = settings.EVIDENCE_MAX_BYTES
    return {"bytes": limit, "megabytes": num(limit // 1_048_576)}
