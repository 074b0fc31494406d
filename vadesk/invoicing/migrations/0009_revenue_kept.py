"""The organisation's own revenue per month, kept (vadesk.invoicing.revenue), filled from the final invoices there
are with the rule finalising adds by (`revenue_of`), written out here on the historical models."""

from collections import Counter

import django.db.models.deletion
from django.db import migrations, models


def keep_revenue(apps, schema_editor):
    def revenue_of(invoice):  # vadesk.invoicing.revenue.revenue_of as it was when this migration was written
        cents = int((abs(invoice.net_total) * 100).to_integral_value())
        return -cents if invoice.kind == "credit_note" else cents

    Invoice = apps.get_model("invoicing", "Invoice")
    RevenueMonth = apps.get_model("invoicing", "RevenueMonth")
    months = Counter()
    documents = Invoice.objects.filter(status="final", buyer__isnull=True, issue_date__isnull=False)
    for invoice in documents.only("organisation_id", "issue_date", "kind", "net_total", "buyer_id").iterator(5_000):
        months[(invoice.organisation_id, invoice.issue_date.replace(day=1))] += revenue_of(invoice)
    RevenueMonth.objects.bulk_create(
        [RevenueMonth(organisation_id=o, month=m, net_cents=n) for (o, m), n in months.items() if n], batch_size=5_000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_signin_links"),
        ("invoicing", "0008_unpaid_by_due_date"),
    ]

    operations = [
        migrations.CreateModel(
            name="RevenueMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(help_text="first day of the month of issue")),
                ("net_cents", models.BigIntegerField(default=0)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.organisation"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("organisation", "month"), name="one_revenue_row_per_month")
                ],
            },
        ),
        migrations.RunPython(keep_revenue, migrations.RunPython.noop),
    ]
