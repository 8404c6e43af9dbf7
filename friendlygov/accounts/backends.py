"""The authentication backends: the first refuses a login while its (name, address) pair is
locked (django-axes) or its address has failed too often across user names (accounts.lockout);
the second is Django's own, with the read every signed-in request makes built once."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from friendlygov.core import rowsql

from . import lockout


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        if settings.AXES_ENABLED and lockout.address_locked(request):
            # Django's authenticate() turns this into user_login_failed, which counts it and sets
            # the flag axes' middleware answers with the lockout page.
            raise AxesBackendPermissionDenied("Too many failed logins from this address")


class UserBackend(ModelBackend):
    """Django's ModelBackend, reading the signed-in user with SQL built once per process
    (core.rowsql): every signed-in request reads that row, and building the ORM query cost more
    CPU (about 0.3 ms) than running it. Same rules: an inactive user is not signed in."""

    def get_user(self, user_id):
        from .models import User

        try:
            users = rowsql.select(User, {"id": int(user_id)})
        except (TypeError, ValueError):
            return None
        user = users[0] if users else None
        return user if user is not None and self.user_can_authenticate(user) else None
