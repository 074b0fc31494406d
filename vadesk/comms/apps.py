from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "vadesk.comms"
    label = "comms"

    def ready(self) -> None:
        from vadesk.comms import jobs, outbox

        outbox.message_queued.register(jobs.outbox_kick)
