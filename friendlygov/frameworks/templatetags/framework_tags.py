from django import template

from friendlygov.frameworks import describe

register = template.Library()


@register.filter
def points(value) -> str:
    return describe.num(value)


@register.filter
def method_lines(indicator) -> list[str]:
    return describe.method_lines(indicator)


@register.filter
def method_label(indicator) -> str:
    return describe.method_label(indicator.method)
