"""The template-free select writes what Django's Select writes, and the time sheet's form posts back what it shows."""

import lxml.html
import pytest
from django import forms
from django.utils.translation import gettext_lazy

from vadesk.clients.models import Assignment, Client
from vadesk.engagements.models import Engagement
from vadesk.engagements.scoping import engagements_for
from vadesk.timesheets.models import TimeEntry
from vadesk.web.forms import TimeEntryForm
from vadesk.web.tests.unchanged import browser_values
from vadesk.web.widgets import Select

CHOICES = [
    ("", "---------"),
    (1, 'Acme · <Retainer> & "more"'),
    ("b", gettext_lazy("Billable")),
    (3, 4.5),
    ("Group & co", [(4, "four"), ("5", "five")]),
]


@pytest.mark.parametrize("value", [None, "", 1, "1", "5", ["b"], "missing"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_x", "required": True, "aria-invalid": "true", "disabled": False, "data-x": 'a"b'}],
)
def test_it_renders_the_same_html_as_djangos_select(value, attrs):
    assert Select(choices=CHOICES).render("x", value, attrs) == forms.Select(choices=CHOICES).render("x", value, attrs)


@pytest.fixture
def odd_names(acme, assistant, bundle, retainer):
    """Names a browser must get back exactly: markup characters, quotes, an ampersand."""
    other = Client.objects.create(organisation=acme.organisation, name='Bakker & "Zn" <BV>', country="NL")
    Assignment.objects.create(client=other, person=assistant)
    engagement = Engagement.objects.create(
        client=other, name="Uren <los>", kind=Engagement.Kind.HOURLY, starts_on=bundle.starts_on, hourly_rate=60
    )
    return [bundle, retainer, engagement]


def test_the_time_sheet_form_renders_as_djangos_select_would(client, assistant, odd_names):
    client.force_login(assistant)
    page = client.get("/timesheet/").content.decode()
    engagements = engagements_for(assistant, write=True, organisation=assistant.memberships.get().organisation_id)
    choices = TimeEntryForm(engagements=engagements.active()).fields["engagement"].choices
    expected = forms.Select(choices=choices).render("engagement", None, {"required": True, "id": "id_engagement"})
    assert expected in page, page[page.index('<select name="engagement"') :][:600]
    assert page.count("<option") == 1 + len(odd_names)  # the empty choice and the engagements: no other select


@pytest.mark.parametrize("chosen", range(3))
def test_each_option_of_the_time_sheet_posts_back_the_engagement_it_names(client, assistant, odd_names, chosen):
    client.force_login(assistant)
    page = lxml.html.fromstring(client.get("/timesheet/").content.decode())
    options = {o.text_content(): o.get("value") for o in page.xpath("//select[@name='engagement']/option")}
    engagement = odd_names[chosen]
    label = f"{engagement.client.name} · {engagement.name}"
    assert label in options, options
    data = browser_values(lxml.html.tostring(page, encoding="unicode"), containing="duration")
    data.update(engagement=[options[label]], duration=["1:30"])
    response = client.post("/timesheet/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = TimeEntry.objects.get()
    assert (entry.engagement, entry.worked_minutes, entry.person) == (engagement, 90, assistant)
