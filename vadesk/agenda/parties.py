"""The client's and the assistant's own party, made on first use."""

from vadesk.accounts.models import Organisation, Person
from vadesk.agenda.models import Party
from vadesk.clients.models import Client


def client_party(client: Client) -> Party:
    party, _ = Party.objects.get_or_create(
        client=client,
        kind=Party.Kind.CLIENT,
        defaults={
            "organisation_id": client.organisation_id,
            "name": client.name,
            "email": client.email,
            "time_zone": client.organisation.time_zone,
        },
    )
    return party


def assistant_party(person: Person, organisation: Organisation) -> Party:
    party, _ = Party.objects.get_or_create(
        organisation=organisation,
        person=person,
        kind=Party.Kind.ASSISTANT,
        defaults={"name": person.full_name or person.email, "email": person.email, "time_zone": organisation.time_zone},
    )
    return party
