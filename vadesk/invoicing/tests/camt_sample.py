"""A CAMT.053.001.02 statement as Dutch banks export it, built for the test's invoices."""

ENTRY = """
      <Ntry>
        <NtryRef>{ref}</NtryRef>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{direction}</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <ValDt><Dt>{day}</Dt></ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><Dbtr><Nm>{name}</Nm></Dbtr><DbtrAcct><Id><IBAN>NL02RABO0123456789</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Ustrd>{text}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def statement(entries: list[dict]) -> bytes:
    body = "".join(ENTRY.format(**{"direction": "CRDT", "day": "2026-11-10", "name": "ACME BV", **e}) for e in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-11-11T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2026-11-10</Id>
      <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>{body}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()
