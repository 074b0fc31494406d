"""The WhatsApp Business Cloud API adapter against a local HTTP server that checks the documented request shape."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.db import transaction

from vadesk.comms import conf
from vadesk.comms.channels import DeliveryError, Envelope, WhatsAppCloudAdapter
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue, outbox_run


class GraphApi(BaseHTTPRequestHandler):
    requests: list = []
    status = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        GraphApi.requests.append((self.path, dict(self.headers), body))
        problems = check_shape(self.path, self.headers, body)
        status = 400 if problems else GraphApi.status
        answer = (
            {"error": {"message": "; ".join(problems), "code": 100}}
            if problems or status != 200
            else {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"].lstrip("+")}],
                "messages": [{"id": "wamid.HBgLMzE2MTIzNDU2NzgVAgARGBI"}],
            }
        )
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def check_shape(path, headers, body) -> list[str]:
    """What Meta's Cloud API reference requires of POST /{version}/{phone-number-id}/messages."""
    problems = []
    if path != "/v21.0/106540352242922/messages":
        problems.append(f"wrong path {path}")
    if headers.get("Authorization") != "Bearer EAAG-test-token":
        problems.append("missing bearer token")
    if not headers.get("Content-Type", "").startswith("application/json"):
        problems.append("not JSON")
    if body.get("messaging_product") != "whatsapp":
        problems.append("messaging_product must be whatsapp")
    if not str(body.get("to", "")).lstrip("+").isdigit():
        problems.append("to must be a phone number")
    if body.get("type") == "text":
        if not isinstance(body.get("text", {}).get("body"), str) or not body["text"]["body"]:
            problems.append("text.body missing")
    elif body.get("type") == "template":
        template = body.get("template", {})
        if not template.get("name") or not template.get("language", {}).get("code"):
            problems.append("template needs name and language.code")
    else:
        problems.append("type must be text or template")
    return problems


@pytest.fixture
def graph(monkeypatch):
    from vadesk.comms.tests.servers import free_port

    GraphApi.requests, GraphApi.status = [], 200
    server = HTTPServer(("127.0.0.1", free_port()), GraphApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(settings, "WHATSAPP_BASE_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setattr(settings, "WHATSAPP_PHONE_NUMBER_ID", "106540352242922")
    monkeypatch.setattr(settings, "WHATSAPP_TOKEN", "EAAG-test-token")
    yield server
    server.shutdown()
    server.server_close()


def test_a_text_message_has_the_documented_shape(graph):
    adapter = WhatsAppCloudAdapter(conf.whatsapp_config())
    handed = []
    provider_id = adapter.deliver(
        Envelope(sender="", recipient="+31612345678", text="Bel Jan terug"), lambda: handed.append(1)
    )

    assert provider_id.startswith("wamid.") and handed == [1]
    [(_path, _headers, body)] = GraphApi.requests
    assert body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "+31612345678",
        "type": "text",
        "text": {"preview_url": False, "body": "Bel Jan terug"},
    }


def test_a_template_message_names_the_template_and_its_parameters(graph):
    adapter = WhatsAppCloudAdapter(conf.whatsapp_config())
    adapter.deliver(
        Envelope(
            sender="",
            recipient="+31612345678",
            payload={"template": {"name": "phone_message", "language": "nl", "parameters": ["Jan", "offerte"]}},
        ),
        lambda: None,
    )

    body = GraphApi.requests[0][2]
    assert body["type"] == "template"
    assert body["template"] == {
        "name": "phone_message",
        "language": {"code": "nl"},
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Jan"}, {"type": "text", "text": "offerte"}]}
        ],
    }


def test_a_refusal_is_permanent_and_a_rate_limit_is_not(graph):
    adapter = WhatsAppCloudAdapter(conf.whatsapp_config())
    with pytest.raises(DeliveryError) as refused:
        adapter.deliver(Envelope(sender="", recipient="not-a-number", text="x"), lambda: None)
    assert refused.value.permanent and "to must be a phone number" in str(refused.value)

    GraphApi.status = 429
    with pytest.raises(DeliveryError) as limited:
        adapter.deliver(Envelope(sender="", recipient="+31612345678", text="x"), lambda: None)
    assert not limited.value.permanent


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_an_outbox_row_over_whatsapp(graph, org):
    from vadesk.comms.channels import adapters

    with transaction.atomic():
        row = outbox_enqueue(
            organisation_id=org.pk,
            kind="phone",
            channel="whatsapp",
            recipient="+31612345678",
            subject="",
            body_text="Jan belde",
        )
    assert outbox_run(adapters=adapters()).get("sent") == 1
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.SENT and row.provider_id.startswith("wamid.")
