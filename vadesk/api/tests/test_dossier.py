"""The dossier: internal to the team, searchable, pinned facts first."""

from datetime import date

from vadesk.clients.models import DossierFact


def _texts(response) -> list[str]:
    assert response.status_code == 200
    return [f["text"] for f in response.json()]


def test_it_lists_pinned_facts_first_then_the_most_recently_noted(api_as, assistant, acme, globex):
    DossierFact.objects.create(client=acme, text="Old habit", noted_on=date(2025, 1, 1))
    DossierFact.objects.create(client=acme, text="Recent news", noted_on=date(2026, 6, 1))
    DossierFact.objects.create(client=acme, text="Allergic to nuts", noted_on=date(2024, 1, 1), pinned=True)
    DossierFact.objects.create(client=globex, text="Another client's fact")
    assert _texts(api_as(assistant).get(f"/clients/{acme.pk}/dossier")) == [
        "Allergic to nuts",
        "Recent news",
        "Old habit",
    ]


def test_it_searches_text_and_topic(api_as, owner, acme):
    DossierFact.objects.create(client=acme, text="Parking behind the building", topic="location")
    DossierFact.objects.create(client=acme, text="Prefers tea", topic="preference")
    api = api_as(owner)
    assert _texts(api.get(f"/clients/{acme.pk}/dossier", {"q": "PARKING"})) == ["Parking behind the building"]
    assert _texts(api.get(f"/clients/{acme.pk}/dossier", {"q": "preference"})) == ["Prefers tea"]
    assert len(_texts(api.get(f"/clients/{acme.pk}/dossier", {"q": ""}))) == 2


def test_the_team_adds_a_fact_signed_by_its_author(api_as, assistant, acme):
    response = api_as(assistant).post(
        f"/clients/{acme.pk}/dossier", {"text": "  Door code 4711  ", "topic": "location", "pinned": True}
    )
    assert response.status_code == 201
    fact = DossierFact.objects.get()
    assert (fact.client, fact.text, fact.topic, fact.pinned, fact.author) == (
        acme,
        "Door code 4711",
        "location",
        True,
        assistant,
    )
    assert response.json()["author"] == {"id": assistant.pk, "full_name": "Anna Assistent"}
    assert response.json()["noted_on"] == fact.noted_on.isoformat()


def test_it_refuses_an_empty_fact_and_writes_nothing(api_as, assistant, acme):
    response = api_as(assistant).post(f"/clients/{acme.pk}/dossier", {"text": "   "})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["text"]
    response = api_as(assistant).post(f"/clients/{acme.pk}/dossier", {"text": "x", "topic": "gossip"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["topic"]
    assert not DossierFact.objects.exists()


def test_it_refuses_a_fact_longer_than_the_dossier_allows(api_as, assistant, acme):
    response = api_as(assistant).post(f"/clients/{acme.pk}/dossier", {"text": "x" * 501})
    assert response.status_code == 422
    assert "500" in response.json()["errors"]["text"][0]
    assert not DossierFact.objects.exists()


def test_the_team_updates_a_fact(api_as, assistant, owner, acme):
    fact = DossierFact.objects.create(client=acme, text="Door code 1234", author=owner)
    response = api_as(assistant).patch(f"/dossier/{fact.pk}", {"text": "Door code 4711", "pinned": True})
    assert response.status_code == 200
    fact.refresh_from_db()
    assert (fact.text, fact.pinned, fact.author) == ("Door code 4711", True, owner)


def test_an_invalid_update_changes_nothing(api_as, assistant, acme):
    fact = DossierFact.objects.create(client=acme, text="Door code 1234", pinned=False)
    response = api_as(assistant).patch(f"/dossier/{fact.pk}", {"pinned": True, "text": ""})
    assert response.status_code == 422
    fact.refresh_from_db()
    assert (fact.text, fact.pinned) == ("Door code 1234", False)


def test_the_team_deletes_a_fact(api_as, assistant, acme):
    fact = DossierFact.objects.create(client=acme, text="Outdated")
    response = api_as(assistant).delete(f"/dossier/{fact.pk}")
    assert response.status_code == 204
    assert response.content == b""
    assert not DossierFact.objects.filter(pk=fact.pk).exists()


def test_a_client_user_cannot_read_their_own_clients_dossier(api_as, acme_user, acme):
    fact = DossierFact.objects.create(client=acme, text="CEO is going through a divorce", topic="sensitivity")
    api = api_as(acme_user)
    for response in (api.get(f"/clients/{acme.pk}/dossier"), api.get(f"/dossier/{fact.pk}")):
        assert response.status_code == 404
        assert "divorce" not in response.content.decode()
    assert api.delete(f"/dossier/{fact.pk}").status_code == 404
    assert DossierFact.objects.filter(pk=fact.pk).exists()


def test_an_unassigned_colleague_cannot_reach_the_dossier(api_as, colleague, acme):
    fact = DossierFact.objects.create(client=acme, text="Door code 4711")
    api = api_as(colleague)
    assert api.get(f"/clients/{acme.pk}/dossier").status_code == 404
    assert api.patch(f"/dossier/{fact.pk}", {"text": "changed"}).status_code == 404
    fact.refresh_from_db()
    assert fact.text == "Door code 4711"
