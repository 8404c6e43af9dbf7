from .views import appraisal, commune, deadlines, decisions, moves

app_name = "assessments"
urlpatterns = (
    commune.urlpatterns
    + appraisal.urlpatterns
    + decisions.urlpatterns
    + deadlines.urlpatterns
    + moves.urlpatterns
)
