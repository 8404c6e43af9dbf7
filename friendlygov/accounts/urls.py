from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/", views.session_state, name="session_state"),
    path("signed-in/", views.signed_in, name="signed_in"),
    path("two-factor/", views.two_factor_page, name="two_factor"),
    path("two-factor/start/", views.two_factor_start, name="two_factor_start"),
    path("two-factor/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("two-factor/confirm/", views.two_factor_confirm, name="two_factor_confirm"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("dat-mat-khau/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("security-events/", views.security_events, name="security_events"),
]
