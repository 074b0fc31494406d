from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "vadesk.web"
    label = "web"
