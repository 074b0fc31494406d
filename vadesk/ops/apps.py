from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "vadesk.ops"
    label = "ops"
