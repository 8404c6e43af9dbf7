"""The page where people manage their own API tokens (reached from the user menu)."""

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from friendlygov.core.dates import DayField

from . import tokens


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên gọi"),
        max_length=100,
        help_text=gettext_lazy("Để nhận ra mã sau này, ví dụ “Hệ thống quản lý văn bản của Sở”."),
    )
    expires_on = DayField(
        label=gettext_lazy("Hết hạn sau ngày"),
        required=False,
        help_text=gettext_lazy("Để trống nếu không hết hạn. Mã ngừng hoạt động khi hết ngày này."),
    )

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.max))


@never_cache  # the new secret is in this response: no cache may keep it
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = tokens.create_token(
                request.user, name=form.cleaned_data["name"], expires_at=form.expires_at(), actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            created = {"token": token, "secret": secret}
            form = TokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": tokens.tokens_of(request.user),
        "now": timezone.now(),
    }
    return render(request, "api/tokens.html", context, status=422 if form.errors else 200)


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(tokens.tokens_of(request.user), pk=pk)  # only your own: else 404
    tokens.revoke_token(token, actor=request.user)
    messages.success(
        request, _("Đã thu hồi mã “%(name)s”. Chương trình dùng mã này sẽ bị từ chối.") % {"name": token.name}
    )
    return redirect("tokens:list")
