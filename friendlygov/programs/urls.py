from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("<slug:code>/", views.program_detail, name="detail"),
    path("<slug:code>/sua/", views.program_edit, name="edit"),
]
