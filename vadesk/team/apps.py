from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "vadesk.team"
    label = "team"

    def ready(self) -> None:
        from vadesk.tasks import routing
        from vadesk.team.routing import absence_aware_route

        routing.install(absence_aware_route)
