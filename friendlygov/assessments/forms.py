"""Parsing of the score rows' fields: strings from a form into what the services take."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from friendlygov.core.numbers import NumberRefused, parse_decimal

from .limits import checked_text

LAYER_FIELDS = {
    "self": {"value": "self_value", "na": "self_na", "note": "explanation"},
    "appraised": {"value": "appraised_value", "na": "appraised_na", "note": "appraisal_comment"},
}


def parse_score_post(data, layer: str, *, only: str | None = None) -> tuple[dict, int]:
    """(values for the service, expected version). `only` names the one field an autosave sent."""
    names = LAYER_FIELDS[layer]
    try:
        version = int(data.get("version", ""))
    except ValueError as exc:
        raise ValidationError(_("Thiếu phiên bản dữ liệu; hãy tải lại trang.")) from exc
    wanted = [only] if only in names.values() else list(names.values())
    values = {}
    for name in wanted:
        if name == names["value"]:
            values[name] = decimal_from_form(data.get(name, ""))
        elif name == names["na"]:
            values[name] = data.get(name) in ("on", "1", "true")
        else:
            values[name] = checked_text(data.get(name, "").strip())
    return values, version


def decimal_from_form(raw: str) -> Decimal | None:
    """4,5 and 4.5 alike (core.numbers); empty means no value yet."""
    try:
        return parse_decimal(raw)
    except NumberRefused as exc:
        raise ValidationError(str(exc)) from exc
