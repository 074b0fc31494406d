"""`vadesk demo`: the demo practice loads once into an empty database, and obeys the domain's rules."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404
from django.test import TestCase, override_settings
from django.utils import timezone
from stdnum.eu import vat

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Client
from vadesk.clients.scoping import client_for, staff_clients, visible_clients
from vadesk.demo.practice import DEMO_EMAILS, DEMO_PASSWORD
from vadesk.engagements.models import Engagement
from vadesk.lib.validators import validate_iban
from vadesk.tasks.models import RecurringTask, Status, Task, Transition
from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.models import TimeEntry


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoLoadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = StringIO()
        call_command("demo", stdout=cls.output)
        cls.today = timezone.localdate()

    def person(self, email_start: str) -> Person:
        return Person.objects.get(email__startswith=email_start)

    def test_it_loads_an_agency_and_a_solo_va_with_every_role(self):
        agency, solo = Organisation.objects.get(kind="agency"), Organisation.objects.get(kind="solo")
        roles = Counter(Membership.objects.filter(organisation=agency).values_list("role", flat=True))
        self.assertEqual(roles, {"owner": 1, "assistant": 3, "client": 1})
        self.assertEqual(list(Membership.objects.filter(organisation=solo).values_list("role", flat=True)), ["owner"])
        self.assertEqual(Membership.objects.filter(person__email__startswith="klara@").count(), 1)
        self.assertGreaterEqual(agency.clients.count(), 8)
        self.assertEqual(set(agency.clients.values_list("country", flat=True)), {"NL", "DE", "BE"})
        self.assertEqual(set(agency.clients.values_list("preferred_language", flat=True)), {"nl", "de", "en"})
        self.assertTrue(agency.clients.filter(kind=Client.Kind.PRIVATE).exists())

    def test_identifiers_are_valid(self):
        for organisation in Organisation.objects.all():
            self.assertTrue(vat.is_valid(organisation.vat_id), organisation.vat_id)
            validate_iban(organisation.iban)
        for client in Client.objects.filter(kind=Client.Kind.COMPANY):
            self.assertTrue(vat.is_valid(client.vat_id), client.vat_id)

    def test_it_prints_every_login_with_the_shared_password(self):
        output = self.output.getvalue()
        self.assertIn(DEMO_PASSWORD, output)
        for email in DEMO_EMAILS:
            self.assertIn(email, output)
            self.assertTrue(Person.objects.get(email=email).check_password(DEMO_PASSWORD))

    def test_it_creates_every_kind_of_engagement(self):
        self.assertEqual(set(Engagement.objects.values_list("kind", flat=True)), set(Engagement.Kind.values))
        retainers = Engagement.objects.filter(kind=Engagement.Kind.RETAINER, client__organisation__kind="agency")
        self.assertEqual(sorted(int(r.monthly_hours) for r in retainers), [10, 20, 30])
        self.assertEqual(set(retainers.values_list("rollover_policy", flat=True)), set(Engagement.Rollover.values))

    def test_no_blocking_bundle_is_overdrawn_and_one_is_nearly_used_up(self):
        bundles = Engagement.objects.filter(kind=Engagement.Kind.BUNDLE)
        blocking = [b for b in bundles if b.blocks_overdraft]
        self.assertTrue(blocking)
        for bundle in blocking:
            balance = balance_of(bundle, self.today)
            self.assertLessEqual(balance.used, balance.available)
        self.assertTrue(any(balance_of(b, self.today).percent_used > 80 for b in bundles))

    def test_an_assistant_reaches_only_their_clients(self):
        lukas = self.person("lukas@")
        reached = set(staff_clients(lukas).values_list("name", flat=True))
        self.assertEqual(
            reached, {"Müller & Partner Steuerberatung GmbH", "Hoffmann Events GmbH", "Atelier Lumière BV"}
        )
        with self.assertRaises(Http404):
            client_for(lukas, Client.objects.get(name="Van Dijk Architecten B.V.").pk, write=True)

    def test_shared_clients_have_a_lead_and_a_backup(self):
        shared = Client.objects.filter(assignments__role="backup").distinct()
        self.assertGreaterEqual(shared.count(), 2)
        for client in shared:
            self.assertEqual(client.assignments.filter(role="lead").count(), 1)

    def test_the_solo_owner_and_the_client_user_reach_only_their_own(self):
        klara = self.person("klara@")
        self.assertEqual(set(staff_clients(klara)), set(Client.objects.filter(organisation__kind="solo")))
        pieter = self.person("pieter@")
        self.assertEqual(list(visible_clients(pieter).values_list("name", flat=True)), ["Van Dijk Architecten B.V."])
        self.assertFalse(staff_clients(pieter).exists())

    def test_hours_are_logged_by_the_team_on_working_days_the_engagement_accepts(self):
        entries = TimeEntry.objects.select_related("engagement__client", "task").prefetch_related(
            "engagement__client__assignments"
        )
        self.assertGreater(len(entries), 150)
        for entry in entries:
            self.assertLess(entry.work_date.weekday(), 5)
            self.assertTrue(entry.engagement.accepts_time_on(entry.work_date))
            self.assertLessEqual(entry.work_date, self.today)
            team = {a.person_id for a in entry.engagement.client.assignments.all()}
            self.assertIn(entry.person_id, team)
            if entry.task:
                self.assertEqual(entry.task.client_id, entry.engagement.client_id)
        self.assertTrue(TimeEntry.objects.filter(billable=True, billed_minutes__gt=0).exists())

    def test_tasks_span_two_months_with_recorded_transitions(self):
        statuses = set(Task.objects.values_list("status", flat=True))
        self.assertLessEqual({Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.DONE}, statuses)
        oldest = Task.objects.order_by("created_at").first().created_at
        self.assertLess(timezone.localdate(oldest), self.today - timedelta(days=45))
        for task in Task.objects.prefetch_related("transitions"):
            steps = list(task.transitions.all())
            self.assertEqual(steps[-1].to_status, task.status)
            self.assertLessEqual(task.created_at, steps[-1].at)
        self.assertFalse(Task.objects.filter(created_at__gt=timezone.now()).exists())
        self.assertFalse(Transition.objects.filter(at__gt=timezone.now()).exists())

    def test_tasks_have_both_kinds_of_comments_and_checklists(self):
        self.assertTrue(Task.objects.filter(comments__visibility="internal").exists())
        self.assertTrue(Task.objects.filter(comments__visibility="client").exists())
        self.assertTrue(Task.objects.filter(checklist__done_at__isnull=False).exists())
        self.assertTrue(Task.objects.filter(source="portal", created_by__email__startswith="pieter@").exists())

    def test_invoices_are_prepared_every_month_on_the_25th(self):
        template = RecurringTask.objects.get()
        self.assertEqual(template.rrule, "FREQ=MONTHLY;BYMONTHDAY=25")
        spawned = list(template.tasks.all())
        self.assertGreaterEqual(len(spawned), 2)
        for task in spawned:
            self.assertEqual(timezone.localtime(task.due_at).day, 25)

    def test_each_assistant_has_a_few_unread_notifications_and_history_mailed_nobody(self):
        from vadesk.comms.models import OutboxMessage
        from vadesk.notifications.models import Notification
        from vadesk.notifications.scoping import notifications_for

        for membership in Membership.objects.filter(role="assistant").select_related("person"):
            unread = notifications_for(membership.person).unread()
            self.assertTrue(1 <= unread.count() <= 3, membership.person)
        self.assertEqual(Notification.objects.exclude(mail_state="").count(), 0)
        self.assertFalse(OutboxMessage.objects.filter(dedupe_key__startswith="notification").exists())

    def test_loading_it_again_refuses_and_adds_nothing(self):
        tasks = Task.objects.count()
        with self.assertRaisesMessage(CommandError, "already loaded"):
            call_command("demo", stdout=StringIO())
        self.assertEqual(Task.objects.count(), tasks)


def test_it_refuses_a_database_with_another_organisation(org):
    with pytest.raises(CommandError, match="Assist & Co"):
        call_command("demo", stdout=StringIO())
    assert not Person.objects.filter(email__in=DEMO_EMAILS).exists()


def test_force_adds_nothing_and_explains_why(org):
    out = StringIO()
    call_command("demo", "--force", stdout=out)
    assert "Nothing was added" in out.getvalue()
    assert list(Organisation.objects.all()) == [org]
