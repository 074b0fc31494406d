from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "vadesk.engagements"
    label = "engagements"
