from .views import export, officer

app_name = "feedback"
urlpatterns = officer.urlpatterns + export.urlpatterns
