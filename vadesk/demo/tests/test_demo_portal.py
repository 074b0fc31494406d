"""The demo's portal history: two past months of reports, ratings and a consent question waiting on the client."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from vadesk.accounts.models import Membership, Organisation
from vadesk.comms.models import OutboxMessage
from vadesk.reports.models import MonthlyReport, Rating
from vadesk.reports.monthly import previous_month
from vadesk.reports.ratings import rating_trends
from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.consent import waiting_consents


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoPortalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=StringIO())
        cls.user = Membership.objects.get(role=Membership.Role.CLIENT)
        last = previous_month(timezone.localdate())
        cls.months = [previous_month(last), last]

    def test_the_portal_client_has_two_past_months_of_reports_with_the_leads_words(self):
        reports = MonthlyReport.objects.filter(client=self.user.client).order_by("month")
        self.assertEqual([r.month for r in reports], self.months)
        self.assertTrue(all(r.sent_at and r.highlights and r.next_focus for r in reports))
        self.client.force_login(self.user.person)
        page = self.client.get(reverse("portal:reports")).content.decode()
        for report in reports:
            self.assertIn(reverse("portal:report", args=[report.pk]), page)

    def test_every_report_went_out_on_its_day_and_the_outbox_does_not_send_them_again(self):
        self.assertGreater(MonthlyReport.objects.filter(sent_at__isnull=False).count(), 4)
        self.assertFalse(MonthlyReport.objects.filter(sent_at__isnull=True).exists())
        reports = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.REPORT)
        self.assertTrue(reports.exists())
        self.assertEqual(set(reports.values_list("state", flat=True)), {OutboxMessage.State.SENT})

    def test_the_client_rated_tasks_and_reports_and_the_owner_sees_the_trend(self):
        ratings = Rating.objects.filter(client=self.user.client)
        self.assertTrue(ratings.filter(task__isnull=False).exists() and ratings.filter(report__isnull=False).exists())
        self.assertTrue(ratings.filter(score__lte=2).exists())
        agency = Organisation.objects.get(kind="agency")
        trends = rating_trends(agency.clients.all(), time_zone=agency.time_zone, today=timezone.localdate())
        self.assertEqual([row.pk for row in trends.clients], [self.user.client_id])
        self.assertTrue(trends.assistants)

    def test_a_consent_question_waits_on_the_client(self):
        self.assertEqual(len(waiting_consents(self.user.client)), 1)
        # The question and the hours the portal shows agree: 80 % of the month is used (it once said 16 %).
        [consent] = waiting_consents(self.user.client)
        balance = balance_of(consent.engagement, timezone.localdate())
        self.assertGreaterEqual(balance.used * 100, balance.available * consent.threshold)
        self.client.force_login(self.user.person)
        self.assertIn(
            reverse("portal:consent", args=[waiting_consents(self.user.client)[0].pk]),
            self.client.get(reverse("portal:home")).content.decode(),
        )
