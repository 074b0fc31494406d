from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vadesk.api"
    label = "api"
