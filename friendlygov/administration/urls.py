from django.urls import path

from . import views

app_name = "administration"
urlpatterns = [
    path("", views.home, name="home"),
    path("dot-danh-gia/", views.cycle_list, name="cycles"),
    path("dot-danh-gia/tao-moi/", views.cycle_wizard, name="wizard"),
    path("dot-danh-gia/<int:year>/", views.cycle_detail, name="cycle"),
    path("co-quan/<int:pk>/", views.body_edit, name="body"),
    path("nguoi-dung/", views.user_list, name="users"),
    path("nguoi-dung/mau.xlsx", views.people_template, name="people_template"),
    path("nguoi-dung/nhap/", views.people_import, name="people_import"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user"),
    path("nguoi-dung/<int:pk>/trang-thai/", views.user_active, name="user_active"),
    path("nguoi-dung/<int:pk>/moi-lai/", views.user_invite, name="user_invite"),
    path("phan-quyen/<int:pk>/thu-hoi/", views.grant_revoke, name="grant_revoke"),
    path("nhat-ky/", views.audit, name="audit"),
]
