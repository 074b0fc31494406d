from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "vadesk.portal"
    label = "portal"

    def ready(self) -> None:
        # The reports app offers the rating hook; the portal, above notifications, tells the team (see hooks.py).
        from vadesk.portal.listeners import register

        register()
