from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "vadesk.agenda"
    label = "agenda"
