"""Benchmark the communication hub: inbound ingestion throughput, and building every digest at once.

    .venv/bin/python bench/comms.py [--messages 10000] [--contacts 1000]

Runs on a fresh SQLite file in bench/out/comms/ (gitignored), DEBUG off.
1. Generates a realistic mailbox (not timed): replies to our own messages (In-Reply-To), replies
   carrying a task token in the subject or the +tag address, new requests from known contacts,
   unknown senders, ~30 % with a PDF or image attachment (20–300 KiB), 2 % delivered twice.
2. Times `inbound_receive` over all of it: parse + thread + store, one transaction per message.
3. Seeds --contacts contacts on a daily digest due now, each client with questions waiting, work
   done, phone messages and a bundle, and times `digests_build_due()` building all of them.
4. Delivery: queues --deliveries messages (text + HTML, ~3 KB) and times `outbox_run`, what one delivery job
   does, against an SMTP server on loopback in a process of its own (aiosmtpd, counting what it receives), in
   --rounds rounds: messages/s (wall clock), CPU per message in the worker (`time.process_time()`) and the
   messages per CPU-second that gives, the throughput of one worker with a core of its own, and the load
   average. --pipelining makes the server offer PIPELINING (RFC 2920); --profile prints where the worker's
   time goes (cProfile, the last round).

    .venv/bin/python bench/comms.py --only delivery [--deliveries 1000] [--rounds 3] [--pipelining] [--profile]

With DATABASE_URL naming a PostgreSQL database whose name starts with "bench" it runs there (emptied of
outbox rows first), otherwise on a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "comms"


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["VADESK_DATA_DIR"] = str(OUT)
    if not os.environ.get("DATABASE_URL", "").rstrip("/").rsplit("/", 1)[-1].startswith("bench"):
        os.environ.pop("DATABASE_URL", None)  # only a database of its own: the benchmark deletes rows
    os.environ.setdefault("VADESK_DEBUG", "false")
    os.environ.setdefault("VADESK_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("VADESK_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


BODIES = [
    "Hoi,\n\nJa, dat is goed. Dinsdag om 10:00 past prima.\n\nGroet,\n{name}",
    "Hallo,\n\nKun je ook een hotel in de buurt van het station boeken? Liefst met ontbijt.\n\n{name}",
    "Guten Tag,\n\nbitte verschieben Sie den Termin mit Herrn Becker auf nächste Woche.\n\nViele Grüße\n{name}",
    "Hi,\n\nPlease send the invoice to our accounts address instead.\n\nThanks,\n{name}",
]


def seed_practice(clients: int, contacts_per_client: int):
    from django.contrib.auth.hashers import make_password

    from vadesk.accounts.models import Membership, Organisation, Person
    from vadesk.clients.models import Assignment, Client, Contact
    from vadesk.engagements.models import Engagement
    from vadesk.tasks.models import Task

    org = Organisation.objects.create(name="Bench Bureau")
    assistant = Person.objects.create(
        email=f"anna{org.pk}@bench.example", full_name="Anna Bench", password=make_password(None)
    )
    Membership.objects.create(person=assistant, organisation=org, role="assistant")
    client_rows = Client.objects.bulk_create([Client(organisation=org, name=f"Klant {n:04d}") for n in range(clients)])
    Assignment.objects.bulk_create([Assignment(client=c, person=assistant, role="lead") for c in client_rows])
    Contact.objects.bulk_create(
        [
            Contact(
                client=c,
                name=f"Contact {c.pk}-{k}",
                email=f"c{c.pk}-{k}@client{c.pk}.example",
                preferred_language=["nl", "de", "en"][k % 3],
                is_primary=k == 0,
            )
            for c in client_rows
            for k in range(contacts_per_client)
        ]
    )
    Engagement.objects.bulk_create(
        [
            Engagement(
                client=c,
                name="Strippenkaart 20 uur",
                kind="bundle",
                starts_on=date.today() - timedelta(days=30),
                bundle_hours=Decimal("20"),
                bundle_price=Decimal("1100.00"),
                billing_increment_minutes=15,
            )
            for c in client_rows
        ]
    )
    tasks = Task.objects.bulk_create(
        [
            Task(client=c, title=f"Taak {n} voor {c.name}", status="waiting" if n == 0 else "in_progress")
            for c in client_rows
            for n in range(10)
        ]
    )
    return org, assistant, client_rows, tasks


def generate_mailbox(count: int, org, tasks, rng: random.Random) -> list[tuple[bytes, list[str]]]:
    from django.db import transaction

    from vadesk.clients.models import Contact
    from vadesk.comms.addresses import organisation_address, task_reply_address, task_token
    from vadesk.comms.outbox import outbox_enqueue

    contacts = {c.client_id: c for c in Contact.objects.filter(is_primary=True)}
    base = "desk@bench.example"
    os.environ["VADESK_INBOUND_ADDRESS"] = base
    with transaction.atomic():
        ours = [
            outbox_enqueue(
                organisation_id=org.pk,
                client_id=t.client_id,
                task_id=t.pk,
                kind="question",
                recipient=contacts[t.client_id].email,
                subject=f"Vraag over {t.title}",
                body_text="?",
            )
            for t in rng.sample(tasks, min(2000, len(tasks)))
        ]
    attachment_sizes = [20_000, 60_000, 150_000, 300_000]
    mailbox: list[tuple[bytes, list[str]]] = []
    for n in range(count):
        kind = rng.random()
        message = EmailMessage()
        message["Message-ID"] = make_msgid(domain="mail.example")
        message["Date"] = format_datetime(__import__("datetime").datetime.now().astimezone())
        rcpt = organisation_address(base, org.pk)
        if kind < 0.40:  # reply to one of our messages
            out = rng.choice(ours)
            contact = contacts[out.client_id]
            message["Subject"] = f"Re: {out.subject}"
            message["In-Reply-To"] = out.message_id
            message["References"] = out.message_id
        elif kind < 0.60:  # reply with the task token / +tag address
            task = rng.choice(tasks)
            contact = contacts[task.client_id]
            message["Subject"] = f"Re: {task.title} {task_token(task.pk)}"
            rcpt = task_reply_address(base, task.pk)
        elif kind < 0.90:  # a new request from a known contact
            contact = contacts[rng.choice(tasks).client_id]
            message["Subject"] = rng.choice(
                ["Nieuwe afspraak inplannen", "Reis naar Berlijn", "Factuur controleren", "Bitte Rückruf"]
            )
        else:  # someone we do not know
            contact = None
            message["Subject"] = "Samenwerking?"
        name = contact.name if contact else "Onbekend"
        message["From"] = f"{name} <{contact.email if contact else f'x{n}@unknown.example'}>"
        message["To"] = rcpt
        body = rng.choice(BODIES).format(name=name)
        if kind < 0.60:
            body += "\n\nOn Tue, 24 Nov 2026 at 10:00, Anna wrote:\n> " + "\n> ".join(
                ["Eerdere tekst van de vraag."] * 8
            )
        message.set_content(body)
        if rng.random() < 0.2:
            message.add_alternative(
                f"<html><body><p>{body.replace(chr(10), '<br>')}</p><script>x()</script></body></html>", subtype="html"
            )
        if rng.random() < 0.3:
            size = rng.choice(attachment_sizes)
            kind_, sub, name_ = rng.choice([("application", "pdf", "offerte.pdf"), ("image", "jpeg", "scan.jpg")])
            message.add_attachment(rng.randbytes(size), maintype=kind_, subtype=sub, filename=name_)
        raw = message.as_bytes()
        mailbox.append((raw, [rcpt]))
        if rng.random() < 0.02:
            mailbox.append((raw, [rcpt]))
    return mailbox


def bench_inbound(count: int) -> None:
    from vadesk.comms.inbound import inbound_receive
    from vadesk.comms.models import Attachment, InboundMessage

    rng = random.Random(5)
    org, _assistant, _clients, tasks = seed_practice(200, 2)
    mailbox = generate_mailbox(count, org, tasks, rng)
    megabytes = sum(len(raw) for raw, _ in mailbox) / 1e6
    started = lap = time.perf_counter()
    cpu = time.process_time()
    rates = []
    for n, (raw, rcpts) in enumerate(mailbox, 1):
        inbound_receive(raw=raw, envelope_recipients=rcpts)
        if n % 2000 == 0:
            rates.append(f"{2000 / (time.perf_counter() - lap):.0f}")
            lap = time.perf_counter()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    print(f"inbound: messages/s per 2,000: {', '.join(rates)}")
    # On a machine shared with other jobs the wall clock also counts their time; CPU seconds do not.
    print(
        f"inbound: {cpu:.1f} CPU-seconds = {len(mailbox) / cpu:.0f} messages per CPU-second (os.getloadavg: {os.getloadavg()[0]:.1f})"
    )
    outcomes = {o: InboundMessage.objects.filter(outcome=o).count() for o in ("comment", "task", "triage")}
    print(
        f"inbound: {len(mailbox)} deliveries ({count} distinct, {megabytes:.0f} MB, {Attachment.objects.count()} attachments) "
        f"in {seconds:.1f} s = {len(mailbox) / seconds:.0f} messages/s   {outcomes}"
    )


def bench_digests(contacts: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from vadesk.clients.models import Contact
    from vadesk.comms.digests import digests_build_due
    from vadesk.comms.models import OutboxMessage, PhoneMessage, Preference
    from vadesk.tasks.models import Comment, Task
    from vadesk.timesheets.models import TimeEntry

    org, assistant, clients, tasks = seed_practice(contacts // 2, 2)
    now = timezone.now()
    Contact.objects.exclude(client__organisation=org).delete()
    Comment.objects.bulk_create(
        [
            Comment(task=t, body=f"Welke datum past voor {t.title}?", visibility="client")
            for t in tasks
            if t.status == "waiting"
        ]
    )
    Task.objects.filter(client__in=clients, title__endswith="0001", status="in_progress").update(
        status="done", closed_at=now - timedelta(hours=3)
    )
    Task.objects.filter(client__in=clients, title__startswith="Taak 1 ").update(
        status="done", closed_at=now - timedelta(hours=2)
    )
    PhoneMessage.objects.bulk_create(
        [
            PhoneMessage(
                client=c,
                caller_name="Jan de Vries",
                number="+31201234567",
                reason="Terugbellen a.u.b.",
                callback=True,
                taken_at=now - timedelta(hours=1),
                taken_by=assistant,
            )
            for c in clients
        ]
    )
    from vadesk.engagements.models import Engagement

    TimeEntry.objects.bulk_create(
        [
            TimeEntry(engagement=e, person=assistant, work_date=date.today(), worked_minutes=90, billed_minutes=90)
            for e in Engagement.objects.filter(client__in=clients)
        ]
    )
    with transaction.atomic():
        Preference.objects.bulk_create(
            [
                Preference(
                    contact=c,
                    cadence="daily",
                    digest_time="17:00",
                    time_zone="Europe/Amsterdam",
                    language=c.preferred_language,
                    next_digest_at=now - timedelta(minutes=1),
                )
                for c in Contact.objects.filter(client__organisation=org)
            ]
        )
    started, cpu = time.perf_counter(), time.process_time()
    built = digests_build_due(now=now)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert OutboxMessage.objects.filter(kind="digest").count() == built
    print(
        f"digests: {built} digests for {Preference.objects.filter(contact__client__organisation=org).count()} contacts built in {seconds:.1f} s "
        f"= {1000 * seconds / max(built, 1):.1f} ms per digest ({cpu:.1f} CPU-seconds)"
    )


# A loopback SMTP server in a process of its own (so it does not share the benchmark's interpreter), that
# accepts everything and prints how many messages it received when it is stopped; with "pipelining" it offers
# PIPELINING (aiosmtpd reads its commands line by line, so it answers pipelined ones in order).
SMTP_SINK = """
import signal, sys, threading
from aiosmtpd.controller import Controller
class Count:
    received = 0
    async def handle_DATA(self, server, session, envelope):
        Count.received += 1
        return "250 OK"
    if sys.argv[2:] == ["pipelining"]:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            session.host_name = hostname
            return [responses[0], "250-PIPELINING", *responses[1:]]
controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
stop.wait()
controller.stop()
print(Count.received, flush=True)
"""


def smtp_sink(*, pipelining: bool = False) -> tuple[subprocess.Popen, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = [sys.executable, "-c", SMTP_SINK, str(port), *(["pipelining"] if pipelining else [])]
    server = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stdout.readline().strip() == "ready"
    return server, port


def bench_delivery(count: int, *, rounds: int, pipelining: bool, profile: bool) -> None:
    import cProfile
    import pstats

    from django.conf import settings
    from django.db import connection, transaction

    from vadesk.accounts.models import Organisation
    from vadesk.comms.channels import SmtpAdapter
    from vadesk.comms.models import OutboxMessage
    from vadesk.comms.outbox import outbox_enqueue, outbox_run

    org = Organisation.objects.filter(name="Bench delivery").first() or Organisation.objects.create(
        name="Bench delivery"
    )  # one, however many runs used this database (bench/jobs.py looks it up by name)
    text = "Beste klant,\n\n" + "Uw verzoek is in behandeling; we laten het u weten zodra het klaar is.\n" * 30
    html = "<p>" + text.replace("\n", "<br>") + "</p>"
    server, port = smtp_sink(pipelining=pipelining)
    settings.SMTP_HOST, settings.SMTP_PORT = "127.0.0.1", port
    print(f"delivery on {connection.vendor}, the server {'offers' if pipelining else 'does not offer'} PIPELINING")
    profiler = cProfile.Profile()
    try:
        for round_ in range(1, rounds + 1):
            OutboxMessage.objects.all().delete()
            with transaction.atomic():
                for n in range(count):
                    outbox_enqueue(
                        organisation_id=org.pk,
                        kind="update",
                        recipient=f"klant{n}@bench.example",
                        subject=f"Update {n}",
                        body_text=text,
                        body_html=html,
                    )
            traced = profile and round_ == rounds
            started, cpu = time.perf_counter(), time.process_time()
            if traced:
                profiler.enable()
            counts = outbox_run(adapters={"email": SmtpAdapter()})
            if traced:
                profiler.disable()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert counts.get("sent") == count, counts
            print(
                f"delivery round {round_}{' (profiled)' if traced else ''}: {count} messages in {seconds:.2f} s = "
                f"{count / seconds:.0f} messages/s; {1000 * cpu / count:.2f} ms CPU a message in the worker = "
                f"{count / cpu:.0f} messages per CPU-second; load average {os.getloadavg()[0]:.2f}"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        received, _ = server.communicate(timeout=60)
    print(f"delivery: the server received {received.strip()} messages for {rounds * count} queued (each once)")
    if profile:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=1_000)
    parser.add_argument("--deliveries", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3, help="delivery rounds (default 3)")
    parser.add_argument("--pipelining", action="store_true", help="the loopback server offers PIPELINING")
    parser.add_argument("--profile", action="store_true", help="cProfile the last delivery round")
    parser.add_argument("--only", choices=["inbound", "digests", "delivery"])
    args = parser.parse_args()
    configure()
    from django.db import connection

    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {connection.vendor}")
    if args.only in (None, "inbound"):
        bench_inbound(args.messages)
    if args.only in (None, "digests"):
        bench_digests(args.contacts)
    if args.only in (None, "delivery"):
        bench_delivery(args.deliveries, rounds=args.rounds, pipelining=args.pipelining, profile=args.profile)


if __name__ == "__main__":
    main()
