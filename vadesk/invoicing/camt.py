"""CAMT.053 bank statements (ISO 20022 BankToCustomerStatement, versions .001.02 to .001.08) and matching credits to invoices.

Pure functions: bytes in, dataclasses out; matching works on plain tuples of open invoices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from django.utils.translation import gettext as _
from lxml import etree


class StatementError(ValueError):
    """The file cannot be imported; `problems` names each bad entry with its line in the file."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


MAX_PROBLEMS = 100
# A month of a busy account is a few thousand entries; these bound the work (and the parsed tree in memory) that a
# file can ask for, before it is read.
MAX_STATEMENT_BYTES = 25 * 1024 * 1024
MAX_ENTRIES = 40_000


@dataclass(frozen=True)
class Entry:
    reference: str  # the bank's unique id for the entry (AcctSvcrRef, else NtryRef, else a digest)
    booked_on: date
    amount: Decimal  # positive for credits (money in)
    counterparty: str
    counterparty_iban: str
    remittance: str


@dataclass(frozen=True)
class Statement:
    id: str
    iban: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class OpenInvoice:
    pk: int
    number: str
    open_amount: Decimal
    client_name: str


@dataclass(frozen=True)
class Match:
    status: str  # matched | review | unmatched
    invoice_pk: int | None
    reason: str


@cache
def _xpath(path: str) -> etree.XPath:
    return etree.XPath(path)  # compiled once per path, not once per entry


def _first(node: etree._Element, path: str) -> str:
    found = _xpath(path)(node)
    return found[0].strip() if found else ""


def parse(data: bytes) -> Statement:
    """Read a camt.053; credit entries only (debits are not payments to us). Raises StatementError on anything else."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise StatementError(too_large_message())
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise StatementError(f"not XML: {exc}") from exc
    if "camt.053" not in (etree.QName(root).namespace or ""):
        raise StatementError("not a camt.053 statement")
    ln = "*[local-name()='{}']".format
    statement = root.xpath(f"./{ln('BkToCstmrStmt')}/{ln('Stmt')}")
    if not statement:
        raise StatementError("no statement in the file")
    stmt = statement[0]
    entries = []
    first_seen: dict[str, tuple[Entry, dict]] = {}
    problems: list[str] = []
    all_entries = _xpath(f"./{ln('Ntry')}")(stmt)
    if len(all_entries) > MAX_ENTRIES:
        raise StatementError(
            _("the statement has %(n)s entries; vadesk reads at most %(max)s in one file: export a shorter period")
            % {"n": len(all_entries), "max": f"{MAX_ENTRIES:,}"}
        )
    for index, ntry in enumerate(all_entries):
        if _first(ntry, f"./{ln('CdtDbtInd')}/text()") != "CRDT" or _first(ntry, f"./{ln('RvslInd')}/text()") == "true":
            continue
        where = {"entry": index + 1, "line": ntry.sourceline}
        try:
            entry = _entry(ntry, index, where)
            _check_once(entry, first_seen, where)
        except StatementError as problem:  # every bad entry is named before anything is refused: one list to fix
            problems.append(str(problem))
            continue
        entries.append(entry)
    if problems:
        more = _(" (and %(n)s more)") % {"n": len(problems) - 3} if len(problems) > 3 else ""
        raise StatementError("; ".join(problems[:3]) + more, problems[:MAX_PROBLEMS])
    iban = _first(stmt, f"./{ln('Acct')}/{ln('Id')}/{ln('IBAN')}/text()")
    if iban and not _iban(iban):
        raise StatementError(_("the account's IBAN is not an IBAN: %(iban)s") % {"iban": iban[:40]})
    return Statement(
        id=_first(stmt, f"./{ln('Id')}/text()") or _first(root, f".//{ln('MsgId')}/text()"),
        iban=_iban(iban),
        entries=tuple(entries),
    )


def _entry(ntry, index: int, where: dict) -> Entry:
    """One credit entry, checked by the rules of the line it becomes; StatementError names what is wrong."""
    ln = "*[local-name()='{}']".format
    amount = _amount(_first(ntry, f"./{ln('Amt')}/text()"), where)
    booked = (
        _first(ntry, f"./{ln('BookgDt')}/{ln('Dt')}/text()")
        or _first(ntry, f"./{ln('BookgDt')}/{ln('DtTm')}/text()")[:10]
    )
    booked_on = _booking_date(booked, where)
    details = f"./{ln('NtryDtls')}/{ln('TxDtls')}"
    remittance = " ".join(
        _xpath(f"{details}/{ln('RmtInf')}//{ln('Ustrd')}/text()|{details}/{ln('RmtInf')}//{ln('Ref')}/text()")(ntry)
    )
    remittance = remittance or _first(ntry, f"./{ln('AddtlNtryInf')}/text()")
    reference = (
        _first(ntry, f"./{ln('AcctSvcrRef')}/text()")
        or _first(ntry, f"./{ln('NtryRef')}/text()")
        or _first(ntry, f"{details}/{ln('Refs')}/{ln('EndToEndId')}/text()")
    )
    if not reference:
        reference = f"{booked}/{amount}/{index}"
    entry = Entry(
        reference=reference[:100],
        booked_on=booked_on,
        amount=amount,
        counterparty=_first(ntry, f"{details}/{ln('RltdPties')}/{ln('Dbtr')}/{ln('Nm')}/text()")
        or _first(ntry, f"{details}/{ln('RltdPties')}/{ln('Dbtr')}/{ln('Pty')}/{ln('Nm')}/text()"),
        counterparty_iban=_iban(
            _first(ntry, f"{details}/{ln('RltdPties')}/{ln('DbtrAcct')}/{ln('Id')}/{ln('IBAN')}/text()")
        ),
        remittance=" ".join(remittance.split())[:300],
    )
    return entry


# StatementLine.amount: max_digits=12, decimal_places=2. Checked here, whatever the database (SQLite keeps 1e30).
MAX_AMOUNT = Decimal("9999999999.99")
IBAN_MAX = 34  # ISO 13616


def _amount(text: str, where: dict) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise StatementError(_("entry %(entry)s (line %(line)s) has no amount") % where) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise StatementError(
            _("entry %(entry)s (line %(line)s) has an amount vadesk cannot book: %(amount)s")
            % {**where, "amount": text[:30]}
        )
    return amount.quantize(Decimal("0.01"))


def too_large_message() -> str:
    return _("The file is too large: at most %(max)s MB is accepted.") % {"max": MAX_STATEMENT_BYTES // 1024 // 1024}


def readable_amount(text: str | None) -> Decimal | None:
    """An amount as stored, if it fits StatementLine.amount; None for what an older version let SQLite keep."""
    try:
        amount = Decimal(text or "")
    except InvalidOperation:
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() and abs(amount) <= MAX_AMOUNT else None


def _booking_date(text: str, where: dict) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise StatementError(
            _("entry %(entry)s (line %(line)s) has no booking date or an impossible one: “%(date)s”")
            % {**where, "date": text[:30]}
        ) from None


def _iban(text: str) -> str:
    compact = "".join(text.split()).upper()
    return compact if len(compact) <= IBAN_MAX and compact.isalnum() else ""


def _check_once(entry: Entry, first_seen: dict[str, tuple[Entry, dict]], where: dict) -> None:
    """A reference listed twice with the same content is one credit (banks do repeat entries); with another
    amount or date it is a broken file: refused, naming both entries."""
    if entry.reference not in first_seen:
        first_seen[entry.reference] = (entry, where)
        return
    earlier, earlier_where = first_seen[entry.reference]
    if (earlier.amount, earlier.booked_on) != (entry.amount, entry.booked_on):
        raise StatementError(
            _(
                "entry %(entry)s (line %(line)s) has the bank reference %(reference)s of entry %(first)s "
                "(line %(first_line)s) with another amount or date"
            )
            % {
                **where,
                "reference": entry.reference,
                "first": earlier_where["entry"],
                "first_line": earlier_where["line"],
            }
        )


def _normal(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def match(entry: Entry, invoices: list[OpenInvoice]) -> Match:
    """Match one credit against these open invoices (see Matcher.match)."""
    return Matcher(invoices).match(entry)


class Matcher:
    """Open invoices prepared for matching a whole statement: indexed by normalised number and by open amount once,
    not scanned per credit; a booked credit lowers its invoice's open amount for the credits after it."""

    def __init__(self, invoices: list[OpenInvoice]) -> None:
        self._open: dict[int, OpenInvoice] = {}
        self._names: dict[int, str] = {}
        self._by_number: dict[str, list[int]] = {}
        self._by_amount: dict[Decimal, list[int]] = {}
        for invoice in invoices:
            self._open[invoice.pk] = invoice
            self._names[invoice.pk] = _normal(invoice.client_name)[:6]
            if number := _normal(invoice.number):
                self._by_number.setdefault(number, []).append(invoice.pk)
            self._by_amount.setdefault(invoice.open_amount, []).append(invoice.pk)
        self._lengths = sorted({len(n) for n in self._by_number})

    def _numbered_in(self, text: str) -> list[OpenInvoice]:
        """The open invoices whose number occurs in the text: every piece of the text as long as a number is looked up,
        which finds exactly the numbers `number in text` finds."""
        found: dict[int, None] = {}
        for length in self._lengths:
            for start in range(len(text) - length + 1):
                for pk in self._by_number.get(text[start : start + length], ()):
                    if pk in self._open:
                        found[pk] = None
        return [self._open[pk] for pk in found]

    def match(self, entry: Entry) -> Match:
        """1. The invoice number in the remittance text and the exact open amount: matched.
        2. The number but another amount (partial or over-payment), or the amount and the client's name but no number:
           review.
        3. Nothing: unmatched."""
        by_number = self._numbered_in(_normal(entry.remittance))
        # Nothing is booked for zero: a payment is always above zero (payment_record refuses it).
        exact = [i for i in by_number if i.open_amount == entry.amount and entry.amount > 0]
        if len(exact) == 1:
            return Match("matched", exact[0].pk, "number and amount")
        if len(by_number) == 1:
            return Match("review", by_number[0].pk, "number, but the amount differs")
        if len(by_number) > 1:
            return Match("review", None, "several invoice numbers")
        counterparty = _normal(entry.counterparty)
        by_amount = [
            self._open[pk]
            for pk in self._by_amount.get(entry.amount, ())
            if pk in self._open and self._open[pk].open_amount == entry.amount and self._names[pk] in counterparty
        ]
        if len(by_amount) == 1:
            return Match("review", by_amount[0].pk, "amount and name, but no number")
        return Match("unmatched", None, "")

    def book(self, pk: int, amount: Decimal) -> Decimal:
        """Lower the invoice's open amount by a payment and return what is left; a paid invoice is no longer open."""
        invoice = self._open[pk]
        left = invoice.open_amount - amount
        if left <= 0:
            del self._open[pk]
        else:
            self._open[pk] = replace(invoice, open_amount=left)
            self._by_amount.setdefault(left, []).append(pk)
        return left
