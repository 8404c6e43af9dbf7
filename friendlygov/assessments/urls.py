from .views import appraisal, commune, decisions

app_name = "assessments"
urlpatterns = commune.urlpatterns + appraisal.urlpatterns + decisions.urlpatterns
