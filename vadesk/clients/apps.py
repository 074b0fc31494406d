from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "vadesk.clients"
    label = "clients"
