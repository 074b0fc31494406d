"""Every write of invoicing, one module per concern; `from vadesk.invoicing.services import invoice_finalise` finds each."""

from vadesk.invoicing.services.behalf import (
    BEHALF_PROFILE_FIELDS,
    BUYER_FIELDS,
    CLIENT_SELLER_FIELDS,
    behalf_draft_create,
    behalf_seller_of,
    behalf_seller_save,
    buyer_save,
)
from vadesk.invoicing.services.common import LINE_FIELDS, client_billing_of, organisation_today, seller_profile_of
from vadesk.invoicing.services.drafts import (
    BILLING_FIELDS,
    client_billing_save,
    invoice_bundle_draft,
    invoice_discard,
    invoice_draft_create,
    invoice_line_delete,
    invoice_line_save,
    invoice_month_draft,
    invoice_run_month,
    invoice_update,
    month_run_clients,
)
from vadesk.invoicing.services.finalising import credit_note_create, invoice_finalise, invoice_problems
from vadesk.invoicing.services.payments import open_amount, payment_delete, payment_record
from vadesk.invoicing.services.sending import invoice_recipient, invoice_send
from vadesk.invoicing.services.statements import statement_import, statement_line_resolve, statement_store

__all__ = [
    "BEHALF_PROFILE_FIELDS",
    "BILLING_FIELDS",
    "BUYER_FIELDS",
    "CLIENT_SELLER_FIELDS",
    "LINE_FIELDS",
    "behalf_draft_create",
    "behalf_seller_of",
    "behalf_seller_save",
    "buyer_save",
    "client_billing_of",
    "client_billing_save",
    "credit_note_create",
    "invoice_bundle_draft",
    "invoice_discard",
    "invoice_draft_create",
    "invoice_finalise",
    "invoice_line_delete",
    "invoice_line_save",
    "invoice_month_draft",
    "invoice_problems",
    "invoice_recipient",
    "invoice_run_month",
    "invoice_send",
    "invoice_update",
    "month_run_clients",
    "open_amount",
    "organisation_today",
    "payment_delete",
    "payment_record",
    "seller_profile_of",
    "statement_import",
    "statement_line_resolve",
    "statement_store",
]
