from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "vadesk.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        # The apps where things happen sit below this one: they offer hooks, this app listens (see hooks.py).
        from vadesk.webhooks.hooks import register

        register()
