from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "vadesk.portal"
    label = "portal"
