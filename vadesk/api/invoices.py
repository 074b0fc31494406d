"""Invoices and credit notes: staff draft and owners finalise; a client's users read and download only their own final ones."""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from vadesk.api import paging
from vadesk.api.auth import person_of
from vadesk.api.types import Day, Id, Input, Money, Timestamp
from vadesk.clients.scoping import client_for
from vadesk.invoicing import services
from vadesk.invoicing.einvoices import FORMATS, einvoice_bytes
from vadesk.invoicing.models import Invoice, InvoiceLine
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.invoicing.scoping import invoice_for, invoices_for
from vadesk.lib.downloads import content_disposition

router = Router(tags=["invoices"])

CURSOR_MAX = 60  # an issue date (or null) and an id, as base64 of JSON


class LineOut(Schema):
    id: int
    description: str
    detail: str
    quantity: Money
    unit: str = Field(description="UN/ECE Rec 20: HUR hour, C62 piece, MON month")
    unit_price: Money
    rate_kind: str
    vat_category: str = Field(description="UNCL5305, set when final: S, Z, E (small business), AE (reverse charge)")
    vat_rate: Money | None
    net_amount: Money
    source: InvoiceLine.Source


class InvoiceOut(Schema):
    id: int
    kind: Invoice.Kind
    status: Invoice.Status
    number: str
    client_id: int
    issue_date: date | None
    due_date: date | None
    period_start: date
    period_end: date
    language: str
    credit_of_id: int | None
    vat_case: str
    vat_note: str
    net_total: Money
    vat_total: Money
    gross_total: Money
    paid_at: date | None
    finalised_at: Timestamp | None
    lines: list[LineOut]


class DraftIn(Input):
    client_id: Id
    period_start: Day
    period_end: Day
    from_work: bool = Field(True, description="propose lines from hours, bundles, retainers and milestones")


class LineIn(Input):
    description: str = Field(min_length=1, max_length=200)
    detail: str = Field("", max_length=1000)
    quantity: Decimal = Field(ge=0, max_digits=10, decimal_places=4)
    unit: InvoiceLine.Unit = InvoiceLine.Unit.PIECE
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=4)
    rate_kind: str = Field("standard", pattern="^(standard|reduced|intermediate|zero)$")


class FinaliseIn(Input):
    issue_date: Day | None = None


class CreditIn(Input):
    quantities: dict[int, Decimal] | None = Field(
        None, description="line id → quantity to credit; omit to credit in full"
    )


class SendIn(Input):
    to: str | None = Field(None, max_length=254, description="the recipient; omit for the client's invoice e-mail")
    message: str = Field("", max_length=2000, description="a personal note above the standard text")
    resend_after: Id | None = Field(
        None, description="to send again: the id of the last sending you saw (a repeated request then sends nothing)"
    )


class DispatchOut(Schema):
    id: int
    invoice_id: int
    recipient: str
    sent_at: Timestamp
    sent_by_id: int | None
    message_id: int | None = Field(description="the comms outbox message that carries the mail")


def _out(invoice: Invoice) -> dict:
    data = {f: getattr(invoice, f) for f in InvoiceOut.model_fields if f != "lines"}
    data["lines"] = [{**{f: getattr(line, f) for f in LineOut.model_fields}} for line in invoice.lines.all()]
    return data


class InvoicePage(Schema):
    count: int = paging.count_field()
    count_capped: bool = paging.capped_field()
    limit: int
    next_cursor: str | None = paging.next_cursor_field()
    items: list[InvoiceOut]


class InvoiceFilters(Input):
    status: Invoice.Status | None = None
    client_id: Id | None = None
    limit: int = paging.limit_field()
    cursor: str | None = paging.cursor_field(CURSOR_MAX)


@router.get("/invoices", response=InvoicePage)
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilters]):
    """Newest issued first, then the drafts, newest first: a page at a time, by `cursor`."""
    invoices = invoices_for(person_of(request))
    if filters.status:
        invoices = invoices.filter(status=filters.status)
    if filters.client_id:
        invoices = invoices.filter(client_id=filters.client_id)
    count, capped = paging.counted(invoices)
    position = paging.decode_cursor(filters.cursor, paging.day_or_none) if filters.cursor else None
    page = _invoices_after(invoices, position, filters.limit + 1)
    more = len(page) > filters.limit
    page = page[: filters.limit]
    prefetch_related_objects(page, "lines")
    last = page[-1] if page else None
    return {
        "count": count,
        "count_capped": capped,
        "limit": filters.limit,
        "next_cursor": paging.encode_cursor(last.issue_date and last.issue_date.isoformat(), last.pk)
        if more and last
        else None,
        "items": [_out(i) for i in page],
    }


def _invoices_after(invoices: QuerySet[Invoice], position: paging.Position | None, wanted: int) -> list[Invoice]:
    """The next `wanted` invoices after `position`, in at most two walks of `invoice_newest_first`.

    1. The issued ones, newest first: a range on the issue date from the cursor's.
    2. The drafts (no issue date yet), newest first, after the cursor if it is among them; read even when the
       issued ones fill the page, so that a page costs the same queries wherever the issued ones end."""
    day, pk = position if position else (None, 0)
    found: list[Invoice] = []
    if position is None or day is not None:
        issued = invoices.filter(issue_date__isnull=False)
        if position is not None:
            issued = paging.after(issued, "issue_date", (day, pk), descending=True)
        found += issued.order_by("-issue_date", "-id")[:wanted]
    drafts = invoices.filter(issue_date__isnull=True)
    if position is not None and day is None:
        drafts = drafts.filter(id__lt=pk)
    found += drafts.order_by("-id")[:wanted]
    return found[:wanted]


@router.get("/invoices/{invoice_id}", response=InvoiceOut)
def get_invoice(request: HttpRequest, invoice_id: Id):
    return _out(invoice_for(person_of(request), invoice_id))


@router.post("/invoices", response={201: InvoiceOut})
def create_draft(request: HttpRequest, payload: DraftIn):
    person = person_of(request)
    client = client_for(person, payload.client_id, write=True)
    invoice = services.invoice_draft_create(
        by=person,
        client=client,
        period_start=payload.period_start,
        period_end=payload.period_end,
        from_work=payload.from_work,
    )
    return _out(invoice)


@router.post("/invoices/{invoice_id}/lines", response={201: InvoiceOut})
def add_line(request: HttpRequest, invoice_id: Id, payload: LineIn):
    person = person_of(request)
    invoice = invoice_for(person, invoice_id)
    services.invoice_line_save(by=person, invoice=invoice, **payload.model_dump())
    return _out(invoice)


@router.post("/invoices/{invoice_id}/finalise", response=InvoiceOut)
def finalise(request: HttpRequest, invoice_id: Id, payload: FinaliseIn):
    person = person_of(request)
    invoice = services.invoice_finalise(
        by=person, invoice=invoice_for(person, invoice_id), issue_date=payload.issue_date
    )
    return _out(invoice)


@router.post("/invoices/{invoice_id}/credit-note", response={201: InvoiceOut})
def credit_note(request: HttpRequest, invoice_id: Id, payload: CreditIn):
    person = person_of(request)
    note = services.credit_note_create(
        by=person, invoice=invoice_for(person, invoice_id), quantities=payload.quantities
    )
    return _out(note)


@router.post("/invoices/{invoice_id}/send", response={201: DispatchOut})
def send(request: HttpRequest, invoice_id: Id, payload: SendIn):
    """Queue the invoice's mail with the PDF and the client's e-invoice format; the outbox worker delivers it."""
    person = person_of(request)
    return services.invoice_send(by=person, invoice=invoice_for(person, invoice_id), **payload.model_dump())


@router.get(
    "/invoices/{invoice_id}/pdf",
    response={200: bytes},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def pdf(request: HttpRequest, invoice_id: Id):

    invoice = invoice_for(person_of(request), invoice_id)
    return _file(render_pdf(invoice), f"{invoice.filename_stem}.pdf", "application/pdf")


@router.get(
    "/invoices/{invoice_id}/einvoice/{fmt}",
    response={200: bytes},
    openapi_extra={
        "description": "fmt: " + ", ".join(FORMATS),
        "responses": {200: {"content": {"application/xml": {}, "application/pdf": {}}}},
    },
)
def einvoice(request: HttpRequest, invoice_id: Id, fmt: str):
    invoice = invoice_for(person_of(request), invoice_id)
    if fmt not in FORMATS:
        raise Http404
    return _file(*einvoice_bytes(invoice, fmt))


def _file(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response
