"""Each person's reminder page: which kinds they receive (switch off the optional ones) and the
reminders recently sent to them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .models import SentReminder

RECENT = 20


@require_http_methods(["GET", "POST"])
def preferences(request):
    errors = []
    if request.method == "POST":
        try:
            services.set_reminder_preferences(
                request.user, enabled=set(request.POST.getlist("enabled")), actor=request.user
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Đã lưu lựa chọn nhắc việc."))
            return redirect("notifications:preferences")
    sent = SentReminder.objects.filter(recipient=request.user).select_related("assessment__unit")[:RECENT]
    context = {"preferences": services.preferences_of(request.user), "sent": sent, "errors": errors}
    return render(request, "notifications/preferences.html", context, status=400 if errors else 200)


app_name = "notifications"
urlpatterns = [path("preferences/", preferences, name="preferences")]
