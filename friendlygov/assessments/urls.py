from .views import appraisal, commune, deadlines, decisions

app_name = "assessments"
urlpatterns = commune.urlpatterns + appraisal.urlpatterns + decisions.urlpatterns + deadlines.urlpatterns
