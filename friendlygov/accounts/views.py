import io
from base64 import b32encode

import segno
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from friendlygov.audit.services import record
from friendlygov.core.client import client_address

from . import lockout, permissions, selectors, services, two_factor
from .middleware import note_device


@method_decorator(login_not_required, name="dispatch")
class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link of an invitation (accounts/people.py): Django's password-reset token, spent once
    the password is set; then the person signs in."""

    template_name = "registration/set_password.html"
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        record(form.user, "user.password_set", form.user, {})
        messages.success(self.request, _("Đã đặt mật khẩu. Hãy đăng nhập."))
        return response

    def get_success_url(self):
        return reverse("login")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        record(
            user,
            "auth.logged_in",
            user,
            {"username": user.get_username(), "ip": client_address(self.request)},
        )
        return response


@never_cache
@require_GET
def session_state(request):
    """Who is signed in and the CSRF token of this session, for a page that held changes while
    the session was gone: signing in rotates the token, so the page needs the new one to send
    them. Signed out, the login gate answers 401 (the page asks for JSON)."""
    return JsonResponse({"user": request.user.pk, "csrf_token": get_token(request)})


@never_cache
def signed_in(request):
    """Where a sign-in opened from a page that lost its session lands: that page, still open in
    the first tab, sees it and sends what it held."""
    return render(request, "accounts/signed_in.html")


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this instead of the login view while a user name is locked out here, or
    while this address is locked out for failing with many user names (accounts.lockout)."""
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    by_address = lockout.lock_reason(request) == "address"
    if by_address:
        last = None  # this failure was just counted: the address is locked for a whole cool-off
    else:
        last = (
            AccessAttempt.objects.filter(username=username, ip_address=client_address(request))
            .order_by("-attempt_time")
            .values_list("attempt_time", flat=True)
            .first()
        )
    retry_at = (last or timezone.now()) + cool_off
    minutes = max(1, -(-int((retry_at - timezone.now()).total_seconds()) // 60))
    context = {"username": username, "retry_at": retry_at, "minutes": minutes, "by_address": by_address}
    return render(request, "registration/locked_out.html", context, status=429)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã 6 chữ số trong ứng dụng xác thực"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@never_cache
def two_factor_page(request):
    """Status, set-up (key and QR code) and turning off, for the signed-in person themselves."""
    user = request.user
    context = {
        "device": two_factor.confirmed_device(user),
        "pending": two_factor.pending_device(user),
        "required": settings.TWO_FACTOR_REQUIRED and two_factor.is_guarded(user),
        "form": CodeForm(),
        "next": _safe_next(request, ""),
        "may_view_security_events": permissions.may_view_security_events(user),
    }
    if context["pending"] is not None:
        context["secret"] = _grouped(context["pending"])
    return render(request, "accounts/two_factor.html", context)


def _grouped(device):
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_POST
def two_factor_start(request):
    services.start_two_factor(request.user, actor=request.user)
    return redirect_with_next(request, "two_factor")


@never_cache
def two_factor_qr(request):
    device = two_factor.pending_device(request.user)
    if device is None:
        raise PermissionDenied
    svg = io.BytesIO()
    segno.make(device.config_url, error="m").save(svg, kind="svg", scale=5, border=2, xmldecl=False)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@require_POST
def two_factor_confirm(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            device = services.confirm_two_factor(request.user, form.cleaned_data["code"], actor=request.user)
        except services.WrongCode as wrong:
            messages.error(request, str(wrong))
            return redirect_with_next(request, "two_factor")
        otp_login(request, device)
        note_device(request, True)
        messages.success(request, _("Đã bật xác thực hai lớp."))
        return redirect(_safe_next(request, "two_factor"))
    messages.error(request, _("Hãy nhập mã 6 chữ số."))
    return redirect_with_next(request, "two_factor")


@require_POST
def two_factor_disable(request):
    form = CodeForm(request.POST)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    try:
        services.disable_two_factor(request.user, code, actor=request.user)
    except services.WrongCode as wrong:
        messages.error(request, str(wrong))
    else:
        note_device(request, False)
        messages.success(request, _("Đã tắt xác thực hai lớp."))
    return redirect("two_factor")


@never_cache
def two_factor_verify(request):
    """The second step of a login for a person with an authenticator."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            device = services.check_second_factor(request.user, form.cleaned_data["code"], actor=request.user)
        except services.WrongCode as wrong:
            error = str(wrong)
        else:
            otp_login(request, device)
            return redirect(_safe_next(request))
    context = {"form": form, "error": error, "next": _safe_next(request, "")}
    return render(request, "accounts/two_factor_verify.html", context)


def redirect_with_next(request, name):
    target = _safe_next(request, "")
    return redirect(f"{reverse(name)}?{urlencode({'next': target})}" if target else reverse(name))


EVENT_LABELS = {
    "auth.logged_in": gettext_lazy("Đăng nhập"),
    "auth.login_failed": gettext_lazy("Đăng nhập sai"),
    "auth.locked_out": gettext_lazy("Tạm khoá đăng nhập"),
    "auth.address_locked_out": gettext_lazy("Tạm khoá đăng nhập từ một địa chỉ mạng"),
    "two_factor.enabled": gettext_lazy("Bật xác thực hai lớp"),
    "two_factor.disabled": gettext_lazy("Tắt xác thực hai lớp"),
    "two_factor.failed": gettext_lazy("Mã xác thực hai lớp sai"),
    "api_token.created": gettext_lazy("Tạo khoá API"),
    "api_token.revoked": gettext_lazy("Thu hồi khoá API"),
}


ALARMING = {
    "auth.login_failed",
    "auth.locked_out",
    "auth.address_locked_out",
    "two_factor.failed",
    "two_factor.disabled",
}


@never_cache
def security_events(request):
    if not permissions.may_view_security_events(request.user):
        raise PermissionDenied
    events = [
        {
            "event": event,
            "label": EVENT_LABELS.get(event.event_type, event.event_type),
            "who": event.actor_name or event.data.get("username", ""),
            "ip": event.data.get("ip", ""),
            "alarming": event.event_type in ALARMING,
        }
        for event in selectors.recent_security_events()
    ]
    return render(request, "accounts/security_events.html", {"events": events})
