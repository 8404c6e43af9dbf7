from django import template

from friendlygov.frameworks.describe import num

register = template.Library()


@register.filter
def level_name(rules, level) -> str:
    """`{{ rules|level_name:2 }}`: the program's name for level 2 in the page's language."""
    return rules.label(int(level))


@register.filter
def points_text(value) -> str:
    """80.00 → "80", 82.50 → "82,5" in Vietnamese (the decimal comma), "82.5" in English."""
    return num(value) if value is not None else ""
