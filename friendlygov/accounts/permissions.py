"""The accounts area's one policy: who may see the security events."""

from .models import Role


def may_view_security_events(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or user.grants.filter(role=Role.PROVINCE_ADMIN).exists())
    )
