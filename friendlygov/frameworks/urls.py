from django.urls import path

from . import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("upload/", views.framework_upload, name="upload"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/export.yaml", views.framework_export, name="export"),
    path("<int:pk>/export.xlsx", views.framework_export_xlsx, name="export_xlsx"),
    path("<int:pk>/diff/", views.framework_diff, name="diff"),
    path("<int:pk>/publish/", views.framework_publish, name="publish"),
]
