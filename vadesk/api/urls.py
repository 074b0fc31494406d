from django.urls import path

from vadesk.api.main import api

# Mounted at /api/v1/ by config/urls.py; the OpenAPI document is /api/v1/openapi.json.
urlpatterns = [path("", api.urls)]
