"""CAMT.053 bank statements (ISO 20022 BankToCustomerStatement, versions .001.02 to .001.08) and matching credits to invoices.

Pure functions: bytes in, dataclasses out; matching works on plain tuples of open invoices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from lxml import etree


class StatementError(ValueError):
    """The file cannot be imported; `problems` names each bad entry with its line in the file."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


# StatementLine.amount: max_digits=12, decimal_places=2. Checked here, whatever the database would accept.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_PROBLEMS = 100


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
    problems: list[str] = []
    for index, ntry in enumerate(_xpath(f"./{ln('Ntry')}")(stmt)):
        if _first(ntry, f"./{ln('CdtDbtInd')}/text()") != "CRDT" or _first(ntry, f"./{ln('RvslInd')}/text()") == "true":
            continue
        booked = (
            _first(ntry, f"./{ln('BookgDt')}/{ln('Dt')}/text()")
            or _first(ntry, f"./{ln('BookgDt')}/{ln('DtTm')}/text()")[:10]
        )
        problem = _entry_problem(_first(ntry, f"./{ln('Amt')}/text()"), booked)
        if problem:  # every bad entry is named before anything is refused: one import, one list to fix
            problems.append(f"line {ntry.sourceline}: {problem}")
            continue
        amount = Decimal(_first(ntry, f"./{ln('Amt')}/text()"))
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
        entries.append(
            Entry(
                reference=reference[:100],
                booked_on=date.fromisoformat(booked),
                amount=amount,
                counterparty=_first(ntry, f"{details}/{ln('RltdPties')}/{ln('Dbtr')}/{ln('Nm')}/text()")
                or _first(ntry, f"{details}/{ln('RltdPties')}/{ln('Dbtr')}/{ln('Pty')}/{ln('Nm')}/text()"),
                counterparty_iban=_first(
                    ntry, f"{details}/{ln('RltdPties')}/{ln('DbtrAcct')}/{ln('Id')}/{ln('IBAN')}/text()"
                ),
                remittance=" ".join(remittance.split())[:300],
            )
        )
    if problems:
        more = f" (and {len(problems) - MAX_PROBLEMS} more)" if len(problems) > MAX_PROBLEMS else ""
        raise StatementError("; ".join(problems[:3]) + more, problems[:MAX_PROBLEMS])
    return Statement(
        id=_first(stmt, f"./{ln('Id')}/text()") or _first(root, f".//{ln('MsgId')}/text()"),
        iban=_first(stmt, f"./{ln('Acct')}/{ln('Id')}/{ln('IBAN')}/text()"),
        entries=tuple(entries),
    )


def _entry_problem(amount_text: str, booked: str) -> str:
    """Why a credit entry cannot be stored (its amount or its booking date), or ""."""
    try:
        amount = Decimal(amount_text)
    except InvalidOperation:
        return "no amount" if not amount_text else f"amount {amount_text[:40]!r} is not a number"
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        return f"amount {amount_text[:40]} is not an amount of money we can book"
    if not booked:
        return "no booking date"
    try:
        date.fromisoformat(booked)
    except ValueError:
        return f"booking date {booked[:20]!r} is not a date"
    return ""


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
