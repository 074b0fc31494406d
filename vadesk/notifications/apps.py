from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "vadesk.notifications"
    label = "notifications"

    def ready(self) -> None:
        # The apps where things happen sit below this one: they offer hooks, this app listens (see hooks.py).
        from vadesk.notifications.hooks import register

        register()
