"""Writes on engagements: only an owner of the client's organisation agrees terms."""

from typing import Any

from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.clients.services import check_owner, save_validated
from vadesk.engagements.models import Engagement


def engagement_create(*, by: Person, client: Client, **fields: Any) -> Engagement:
    check_owner(by, client.organisation_id)
    return save_validated(Engagement(client=client), fields)


def engagement_update(*, by: Person, engagement: Engagement, **fields: Any) -> Engagement:
    check_owner(by, engagement.client.organisation_id)
    return save_validated(engagement, fields)
