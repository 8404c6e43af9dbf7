from .views import commune, dashboard, excel

app_name = "reports"
urlpatterns = dashboard.urlpatterns + commune.urlpatterns + excel.urlpatterns
