"""Compile the official Schematron rule sets to the XSLT committed beside this script (a development-time step).

Run from the repository root, with the mirrors of the rule sets' repositories and of SchXslt at hand:

    .venv/bin/python vadesk/einvoice/tests/rulesets/compile.py /path/to/work-dir

The work dir must hold, extracted from each repository's commit named in VERSIONS.md:
  schxslt/core/src/main/resources/xslt/2.0/   (github.com/schxslt/schxslt)
  peppol/rules/sch/PEPPOL-EN16931-UBL.sch     (github.com/OpenPEPPOL/peppol-bis-invoice-3)
  xrechnung/src/validation/schematron/        (github.com/itplr-kosit/xrechnung-schematron)
The CEN EN 16931 XSLT is published compiled (github.com/ConnectingEurope/eInvoicing-EN16931) and copied as is.
"""

from __future__ import annotations

import sys
from pathlib import Path

from saxonche import PySaxonProcessor

HERE = Path(__file__).parent
SOURCES = {
    "PEPPOL-EN16931-UBL.xslt": "peppol/rules/sch/PEPPOL-EN16931-UBL.sch",
    "XRechnung-UBL-validation.xslt": "xrechnung/src/validation/schematron/ubl/XRechnung-UBL-validation.sch",
    "XRechnung-CII-validation.xslt": "xrechnung/src/validation/schematron/cii/XRechnung-CII-validation.sch",
}


def main(work: Path) -> None:
    processor = PySaxonProcessor(license=False)
    # SchXslt's pipeline: include, expand (abstract patterns and rules), compile to an XSLT 2.0 that writes SVRL.
    pipeline = work / "schxslt/core/src/main/resources/xslt/2.0/pipeline-for-svrl.xsl"
    compiler = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(pipeline))
    for target, source in SOURCES.items():
        compiler.transform_to_file(source_file=str(work / source), output_file=str(HERE / target))
        print(target, (HERE / target).stat().st_size)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
