from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "vadesk.team"
    label = "team"

    def ready(self) -> None:
        from vadesk.clients import services as clients
        from vadesk.tasks import routing
        from vadesk.team.onboarding import on_team_joined
        from vadesk.team.routing import absence_aware_route

        routing.install(absence_aware_route)
        clients.team_joined.register(on_team_joined)
