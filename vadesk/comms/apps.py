from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "vadesk.comms"
    label = "comms"
