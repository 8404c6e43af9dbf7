"""The accounts area's one policy: who may see the security events."""

from .reach import is_province_admin


def may_view_security_events(user) -> bool:
    return is_province_admin(user)
