"""The first authentication backend: refuses a login while its (name, address) pair is locked
(django-axes) or its address has failed too often across user names (accounts.lockout)."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings

from . import lockout


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        if settings.AXES_ENABLED and lockout.address_locked(request):
            # Django's authenticate() turns this into user_login_failed, which counts it and sets
            # the flag axes' middleware answers with the lockout page.
            raise AxesBackendPermissionDenied("Too many failed logins from this address")
