from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from friendlygov.assessments.views import home
from friendlygov.core import views as core_views
from friendlygov.units.admin import UnitVersionAutocomplete

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/api-tokens/", include("friendlygov.api.token_urls")),
    path("accounts/", include("friendlygov.accounts.urls")),
    # Anyone may switch language, including on the login page.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("units/", include("friendlygov.units.urls")),
    path("frameworks/", include("friendlygov.frameworks.urls")),
    path("quan-tri/chuong-trinh/", include("friendlygov.programs.urls")),
    path("assessments/", include("friendlygov.assessments.urls")),
    path("public/", include("friendlygov.assessments.views.public")),
    path("reports/", include("friendlygov.reports.urls")),
    path("feedback/", include("friendlygov.feedback.urls")),
    # The citizen survey behind each commune's QR code: public, marked on its views.
    path("y-kien/", include("friendlygov.feedback.views.public")),
    path("api/", include("friendlygov.api.urls")),
    path("jobs/", include("friendlygov.jobs.views")),
    path("notifications/", include("friendlygov.notifications.views")),
    path("reviews/", include("friendlygov.reviews.urls")),
    path("quan-tri/", include("friendlygov.administration.urls")),
    # The admin's autocomplete with unit versions labelled by their period (units/admin.py).
    path("admin/autocomplete/", UnitVersionAutocomplete.as_view(admin_site=admin.site)),
    # Signing a draft, the signed originals and the public verification page (/xac-minh/).
    path("", include("friendlygov.signing.views")),
    path("admin/", admin.site.urls),
]

# A database that went away answers 503 with a clear page (friendlygov.core.views.server_error).
handler500 = "friendlygov.core.views.server_error"
