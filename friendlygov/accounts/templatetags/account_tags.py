from django import template

from friendlygov.accounts import permissions

register = template.Library()


@register.filter
def may_view_security_events(user) -> bool:
    return permissions.may_view_security_events(user)
