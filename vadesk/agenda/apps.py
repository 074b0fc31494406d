from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "vadesk.agenda"
    label = "agenda"

    def ready(self) -> None:
        # The hub files attendees' answers that arrive by mail through the agenda, without importing it.
        from vadesk.agenda.services import itip_answers_file
        from vadesk.comms.inbound import calendar_answers_read_by

        calendar_answers_read_by(itip_answers_file)
