from django.contrib import admin
from django.urls import include, path

from friendlygov.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("friendlygov.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", include("friendlygov.units.urls")),
    path("frameworks/", include("friendlygov.frameworks.urls")),
    path("api/", include("friendlygov.api.urls")),
    path("admin/", admin.site.urls),
]
