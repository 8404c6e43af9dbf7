"""Pages of the results area, one module per purpose; each module ends with its urlpatterns."""
