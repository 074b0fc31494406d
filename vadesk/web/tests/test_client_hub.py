"""The client page is a hub: it links to the client's invoices, agenda, call log, contact preferences and on-behalf
invoicing, and the invoice list shows one client's invoices when asked, never a client out of reach."""

import pytest
from django.urls import reverse

from vadesk.api.tests.conftest import globex  # noqa: F401 - fixture
from vadesk.invoicing.services import invoice_draft_create
from vadesk.invoicing.tests.conftest import PERIOD, seller  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(seller, owner, acme, globex, other_client, outsider):
    def draft(client, by):
        return invoice_draft_create(by=by, client=client, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False)

    return {"acme": draft(acme, owner), "globex": draft(globex, owner), "other": draft(other_client, outsider)}


def test_the_client_page_links_to_everything_about_the_client(client, owner, acme):
    client.force_login(owner)
    page = client.get(reverse("client_detail", args=[acme.pk])).content.decode()
    links = page[page.index('data-testid="client-links"') :].split("</nav>")[0]
    for url in (
        f"{reverse('invoicing:list')}?client={acme.pk}",
        reverse("agenda_week", args=[acme.pk]),
        reverse("comms:call_log", args=[acme.pk]),
        reverse("comms:people", args=[acme.pk]),
        reverse("invoicing:behalf", args=[acme.pk]),
    ):
        assert f'href="{url}"' in links, url
        assert client.get(url).status_code == 200, url  # each link opens


def test_the_links_speak_dutch(client, owner, acme):
    owner.language = "nl"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    page = client.get(reverse("client_detail", args=[acme.pk])).content.decode()
    assert "Belregister" in page and "Contactvoorkeuren" in page and "Facturen namens de klant" in page


def test_the_invoice_list_shows_one_clients_invoices(client, owner, acme, drafts):
    client.force_login(owner)
    page = client.get(reverse("invoicing:list"), {"client": acme.pk}).content.decode()
    assert f"Draft #{drafts['acme'].pk}<" in page and f"Draft #{drafts['globex'].pk}<" not in page
    assert "Invoices · Acme B.V." in page and 'data-testid="client-filter"' in page
    everyone = client.get(reverse("invoicing:list")).content.decode()
    assert f"Draft #{drafts['acme'].pk}<" in everyone and f"Draft #{drafts['globex'].pk}<" in everyone


def test_a_client_out_of_reach_shows_no_invoice_and_no_name(client, owner, other_client, drafts):
    client.force_login(owner)
    page = client.get(reverse("invoicing:list"), {"client": other_client.pk}).content.decode()
    assert "Geheim GmbH" not in page and "No invoices yet." in page
    assert f"Draft #{drafts['acme'].pk}<" not in page  # an unknown client is not "no filter"
