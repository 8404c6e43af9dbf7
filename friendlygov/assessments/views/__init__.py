"""Pages of the assessment area, one module per audience; each module ends with its urlpatterns."""
