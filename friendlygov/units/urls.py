from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("<str:unit_id>/", views.detail, name="detail"),
]
