from django import template

from ..permissions import may_administer

register = template.Library()


@register.filter
def administers(user) -> bool:
    """{% if user|administers %}: the account menu links the administration area."""
    return may_administer(user)
