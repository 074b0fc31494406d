from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "vadesk.comms"
    label = "comms"

    def ready(self) -> None:
        from vadesk.comms import jobs, outbox, services
        from vadesk.tasks.services import task_requested

        outbox.message_queued.register(jobs.outbox_kick)
        task_requested.register(services.request_arrived)
