from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "vadesk.team"
    label = "team"
