"""Invoices and credit notes: staff draft and owners finalise; a client's users read and download only their own final ones."""

from datetime import date
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from vadesk.api.auth import person_of
from vadesk.api.types import Day, Id, Input, Money, Timestamp
from vadesk.clients.scoping import client_for
from vadesk.invoicing import services
from vadesk.invoicing.einvoices import FORMATS, einvoice_bytes
from vadesk.invoicing.models import Invoice, InvoiceLine
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.invoicing.scoping import invoice_for, invoices_for

router = Router(tags=["invoices"])


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


def _out(invoice: Invoice) -> dict:
    data = {f: getattr(invoice, f) for f in InvoiceOut.model_fields if f != "lines"}
    data["lines"] = [{**{f: getattr(line, f) for f in LineOut.model_fields}} for line in invoice.lines.all()]
    return data


@router.get("/invoices", response=list[InvoiceOut])
def list_invoices(request: HttpRequest, status: Invoice.Status | None = None, client_id: Id | None = None):
    invoices = invoices_for(person_of(request)).prefetch_related("lines").order_by("-issue_date", "-id")
    if status:
        invoices = invoices.filter(status=status)
    if client_id:
        invoices = invoices.filter(client_id=client_id)
    return [_out(i) for i in invoices[:500]]


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
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
