"""Pages of the communication hub: note a call, the call log, preferences, follow-ups, templates, outbox, triage."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import owner_required, staff_required
from vadesk.accounts.models import Language
from vadesk.clients.models import DossierFact
from vadesk.clients.scoping import client_for, clients_for
from vadesk.comms import scoping, services
from vadesk.comms.channels import available_channels
from vadesk.comms.forms import (
    CallFilterForm,
    DigestItemForm,
    FollowUpDoneForm,
    FollowUpForm,
    PhoneMessageForm,
    PreferenceForm,
    QuestionForm,
    TemplateForm,
    TriageFileForm,
)
from vadesk.comms.inbound import triage_file
from vadesk.comms.models import Attachment, Cadence, InboundMessage, MessageTemplate, OutboxMessage, PhoneMessage
from vadesk.comms.outbox import outbox_resolve
from vadesk.comms.phone import call_statistics
from vadesk.comms.placeholders import PLACEHOLDERS
from vadesk.comms.routing import preference_of
from vadesk.comms.texts import default_text
from vadesk.lib.downloads import content_disposition
from vadesk.lib.formatting import format_day
from vadesk.lib.formfields import changed_values
from vadesk.lib.pages import apply_validation_error, back
from vadesk.lib.params import param_choice, param_id, param_int
from vadesk.tasks.models import Comment
from vadesk.tasks.scoping import task_for

OUTBOX_PER_PAGE = 50


def _org(request) -> int:
    return request.membership.organisation_id


@staff_required
def hub(request):
    clients = clients_for(request.user, write=True, organisation=request.membership.organisation_id).active()
    outbox = scoping.outbox_of(request.user, _org(request))
    return render(
        request,
        "comms/hub.html",
        {
            "clients": clients,
            "problems": outbox.filter(state__in=[OutboxMessage.State.UNCERTAIN, OutboxMessage.State.FAILED]).count(),
            "waiting": outbox.filter(state=OutboxMessage.State.PENDING).count(),
            "triage": scoping.triage_of(request.user, _org(request)).count(),
            "callbacks": scoping.phone_messages_of(request.user, _org(request))
            .callbacks_open()
            .select_related("client")[:20],
        },
    )


def _delivery_summary(rows: list[OutboxMessage]) -> str:
    if not rows:
        return _("It goes in the contact's next digest.")
    now = timezone.now()
    parts = []
    for row in rows:
        if row.state == OutboxMessage.State.HELD:
            parts.append(
                _("in the next digest to %(to)s, %(when)s (edit it on the client's Messages page)")
                % {"to": row.recipient, "when": format_day(timezone.localtime(row.not_before), "D j M H:i")}
            )
            continue
        when = (
            _("now")
            if row.not_before <= now + timedelta(seconds=5)
            else format_day(timezone.localtime(row.not_before), "D j M H:i")
        )
        parts.append(
            _("%(channel)s to %(to)s %(when)s")
            % {"channel": row.get_channel_display(), "to": row.recipient, "when": when}
        )
    return "; ".join(parts) + "."


@staff_required
def call_new(request):
    clients = clients_for(request.user, write=True, organisation=request.membership.organisation_id).active()
    contacts = scoping.contacts_of(request.user, _org(request)).select_related("client")
    initial = {"client": param_id(request.GET, "client")}
    form = PhoneMessageForm(request.POST or None, clients=clients, contacts=contacts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message, rows = services.phone_message_take(
                by=request.user,
                client=data["client"],
                contact=data["contact"],
                caller_name=data["caller_name"],
                company=data["company"],
                number=data["number"],
                reason=data["reason"],
                urgency="urgent" if data["urgent"] else "normal",
                callback=data["callback"],
                callback_when=data["callback_when"],
                override_quiet=data["override_quiet"],
                as_task=data["as_task"],
            )
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(
                request,
                _("Phone message for %(client)s noted: %(delivery)s")
                % {"client": message.client, "delivery": _delivery_summary(rows)},
            )
            if message.routed_task is not None:
                messages.info(
                    request,
                    _("Task “%(task)s” made for %(people)s.")
                    % {
                        "task": message.routed_task.title,
                        "people": ", ".join(str(p) for p in message.routed_task.assignees.all()),
                    },
                )
            if not rows and not message.client.contacts.exclude(email="").exists():
                messages.warning(
                    request,
                    _("Nobody at %(client)s can be reached yet: add a contact with an e-mail address.")
                    % {"client": message.client},
                )
            return redirect(f"{reverse('comms:call_new')}?client={message.client_id}")
    return render(request, "comms/call_new.html", {"form": form, "preset": bool(initial["client"])})


@staff_required
def call_log(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    form = CallFilterForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    period = int(data.get("period") or 30)
    calls = PhoneMessage.objects.filter(
        client=client, taken_at__gte=timezone.now() - timedelta(days=period)
    ).select_related("taken_by", "contact")
    if data.get("urgency"):
        calls = calls.filter(urgency=data["urgency"])
    if data.get("open_callbacks"):
        calls = calls.callbacks_open()
    if data.get("q"):
        calls = calls.filter(
            Q(caller_name__icontains=data["q"])
            | Q(company__icontains=data["q"])
            | Q(reason__icontains=data["q"])
            | Q(number__icontains=data["q"])
        )
    shown = list(calls[:500])
    return render(
        request,
        "comms/call_log.html",
        {"client": client, "form": form, "calls": shown, "stats": call_statistics(shown, timezone.localdate())},
    )


@require_POST
@staff_required
def call_done(request, pk: int):
    message = scoping.phone_message_for_staff(request.user, pk, _org(request))
    services.phone_callback_done(by=request.user, message=message)
    messages.success(request, _("Marked as called back."))
    return back(request, "comms:call_log", pk=message.client_id)


@staff_required
def client_comms(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    contacts = [(c, preference_of(c)) for c in client.contacts.all()]
    return render(
        request,
        "comms/client.html",
        {
            "client": client,
            "contacts": contacts,
            "digests": _digest_queue(client),
            "outbox": OutboxMessage.objects.filter(client=client).select_related("contact")[:30],
            "follow_ups": client.follow_ups.filter(done_at__isnull=True).select_related("task"),
            "inbound": InboundMessage.objects.filter(client=client).select_related("task")[:20],
        },
    )


@require_POST
@staff_required
def digest_item(request, pk: int):
    """Edit, remove or send at once a message waiting for the contact's digest (from the client's comms page)."""
    message = scoping.digest_item_for_staff(request.user, pk, _org(request))
    form = DigestItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That change could not be made: %(errors)s") % {"errors": _form_errors(form)})
        return redirect("comms:people", pk=message.client_id)
    try:
        done = services.digest_item_change(
            by=request.user,
            message=message,
            action=form.cleaned_data["action"],
            subject=form.cleaned_data["subject"],
            text=form.cleaned_data["text"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("comms:people", pk=message.client_id)
    if not done:
        messages.info(request, _("This message is no longer waiting: its digest has gone."))
    else:
        messages.success(request, DIGEST_ITEM_DONE[form.cleaned_data["action"]]())
    return redirect("comms:people", pk=message.client_id)


DIGEST_ITEM_DONE = {
    "save": lambda: _("Message saved; it goes in the next digest."),
    "remove": lambda: _("Message removed from the digest."),
    "send": lambda: _("Message sent on its own, now."),
}


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _digest_queue(client) -> list[dict]:
    """Per digest contact of the client: when their next digest goes and what the outbox holds for it."""
    held: dict[int, list[OutboxMessage]] = {}
    for row in OutboxMessage.objects.filter(client=client, state=OutboxMessage.State.HELD).order_by("id"):
        held.setdefault(row.contact_id or 0, []).append(row)
    queue = []
    for contact in client.contacts.all():
        preference = preference_of(contact)
        if preference.cadence == Cadence.IMMEDIATE and contact.pk not in held:
            continue
        queue.append(
            {
                "contact": contact,
                "preference": preference,
                "at": preference.next_digest_at,
                "items": held.get(contact.pk, []),
            }
        )
    return queue


@staff_required
def preference_edit(request, pk: int):
    contact = scoping.contact_for_staff(request.user, pk, _org(request))
    preference = preference_of(contact)
    initial = {name: getattr(preference, name) for name in services.PREFERENCE_FIELDS}
    initial["quiet_days"] = list(preference.quiet_days)
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # Saved only when something changed: an unchanged form leaves the defaults unwritten and the row alone.
        changed = bool(changed_values({**initial, "quiet_days": preference.quiet_days}, form.cleaned_data))
        try:
            if changed:
                services.preference_set(by=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            if changed:
                messages.success(request, _("Preferences of %(contact)s saved.") % {"contact": contact})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("comms:people", pk=contact.client_id)
    unavailable = [c for c in ("sms", "whatsapp") if c not in available_channels()]
    return render(
        request,
        "comms/preference.html",
        {"contact": contact, "form": form, "unavailable": unavailable, "cadences": Cadence},
    )


def _follow_up_source(request):
    """The task, comment or dossier fact a follow-up starts from, each loaded within reach."""
    task = comment = fact = None
    ids = {
        "comment": param_id(request.GET, "comment"),
        "fact": param_id(request.GET, "fact"),
        "task": param_id(request.GET, "task"),
        "client": param_id(request.GET, "client"),
    }
    if ids["comment"]:
        try:
            comment = Comment.objects.select_related("task__client").get(
                pk=ids["comment"],
                task__client__in=clients_for(request.user, write=True, organisation=request.membership.organisation_id),
            )
        except (Comment.DoesNotExist, ValueError):
            raise Http404 from None
        client = comment.task.client
    elif ids["fact"]:
        try:
            fact = DossierFact.objects.select_related("client").get(
                pk=ids["fact"],
                client__in=clients_for(request.user, write=True, organisation=request.membership.organisation_id),
            )
        except (DossierFact.DoesNotExist, ValueError):
            raise Http404 from None
        client = fact.client
    elif ids["task"]:
        task = task_for(request.user, ids["task"], write=True, organisation=request.membership.organisation_id)
        client = task.client
    else:
        client = client_for(request.user, ids["client"], write=True, organisation=request.membership.organisation_id)
    return client, task, comment, fact


@staff_required
def follow_up_new(request):
    client, task, comment, fact = _follow_up_source(request)
    tomorrow = timezone.localdate() + timedelta(days=1)
    initial = {"due_at": timezone.make_aware(datetime.combine(tomorrow, time(10)))}
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_add(
                by=request.user, client=client, task=task, comment=comment, fact=fact, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(
                request,
                _("Follow-up added. It shows on the today page of whoever is on duty for %(client)s.")
                % {"client": client},
            )
            return back(request, "comms:people", pk=client.pk)
    source = comment.body if comment else fact.text if fact else task.title if task else ""
    return render(request, "comms/follow_up_new.html", {"form": form, "client": client, "source": source})


@require_POST
@staff_required
def follow_up_done(request, pk: int):
    follow_up = scoping.follow_up_for_staff(request.user, pk, _org(request))
    form = FollowUpDoneForm(request.POST)
    if form.is_valid():
        try:
            services.followup_done(by=request.user, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(None, request, error)
        else:
            messages.success(request, _("Follow-up done."))
    return back(request, "today")


@staff_required
def task_ask(request, pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _comment, rows = services.question_ask(by=request.user, task=task, question=form.cleaned_data["question"])
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("Question asked: %(delivery)s") % {"delivery": _delivery_summary(rows)})
            return redirect("task_detail", pk=task.pk)
    return render(request, "comms/task_ask.html", {"task": task, "form": form})


@require_POST
@staff_required
def task_confirm(request, pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    rows = services.request_confirm(by=request.user, task=task)
    messages.success(request, _("Confirmation: %(delivery)s") % {"delivery": _delivery_summary(rows)})
    return redirect("task_detail", pk=task.pk)


@staff_required
def attachment_download(request, pk: int):
    try:
        attachment = Attachment.objects.get(
            pk=pk,
            task__client__in=clients_for(request.user, write=True, organisation=request.membership.organisation_id),
        )
    except (Attachment.DoesNotExist, ValueError):
        raise Http404 from None
    response = HttpResponse(bytes(attachment.content), content_type="application/octet-stream")
    # Always a download, never rendered inline: a mailed HTML or SVG file must not run in our origin.
    response["Content-Disposition"] = content_disposition(attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@owner_required
def templates(request):
    own = {(t.kind, t.language): t for t in MessageTemplate.objects.filter(organisation_id=_org(request))}
    rows = []
    for kind, label in MessageTemplate.Kind.choices:
        cells = []
        for language, language_label in Language.choices:
            subject = own[(kind, language)].subject if (kind, language) in own else default_text(kind, language)[0]
            cells.append(
                {"language": language, "label": language_label, "own": (kind, language) in own, "subject": subject}
            )
        rows.append((kind, label, cells))
    return render(request, "comms/templates.html", {"rows": rows})


@owner_required
def template_edit(request, kind: str, language: str):
    if kind not in MessageTemplate.Kind.values or language not in Language.values:
        raise Http404
    own = MessageTemplate.objects.filter(organisation_id=_org(request), kind=kind, language=language).first()
    subject, body = (own.subject, own.body) if own else default_text(kind, language)
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    if request.method == "POST" and "reset" in request.POST:
        services.template_reset(by=request.user, organisation_id=_org(request), kind=kind, language=language)
        messages.success(request, _("Back to the standard wording."))
        return redirect("comms:templates")
    if request.method == "POST" and form.is_valid():
        try:
            services.template_save(
                by=request.user, organisation_id=_org(request), kind=kind, language=language, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("Template saved."))
            return redirect("comms:templates")
    return render(
        request,
        "comms/template_edit.html",
        {
            "form": form,
            "kind": MessageTemplate.Kind(kind),
            "language": Language(language),
            "own": own,
            "placeholders": ["$" + name for name in PLACEHOLDERS[kind]],
        },
    )


@staff_required
def outbox(request):
    """The organisation's messages, newest first, a page of OUTBOX_PER_PAGE at a time (it rendered 200 at once)."""
    state = param_choice(request.GET, "state", OutboxMessage.State.values, "")
    rows = scoping.outbox_of(request.user, _org(request))
    if state:
        rows = rows.filter(state=state)
    total = rows.count()
    pages = max(1, -(-total // OUTBOX_PER_PAGE))
    page = param_int(request.GET, "page", 1, lo=1, hi=pages)
    start = (page - 1) * OUTBOX_PER_PAGE
    return render(
        request,
        "comms/outbox.html",
        {
            # Along `outbox_newest_first`: the page's rows, not a sort of the whole outbox.
            "rows": rows.select_related("client", "contact").order_by("-created_at", "-id")[
                start : start + OUTBOX_PER_PAGE
            ],
            "state": state,
            "states": OutboxMessage.State.choices,
            "page": page,
            "pages": pages,
            "total": total,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
        },
    )


@require_POST
@staff_required
def outbox_settle(request, pk: int):
    try:
        message = scoping.outbox_of(request.user, _org(request)).get(pk=pk)
    except (OutboxMessage.DoesNotExist, ValueError):
        raise Http404 from None
    outbox_resolve(message=message, resend=request.POST.get("action") == "resend")
    messages.success(request, _("Outbox message updated."))
    return redirect("comms:outbox")


@owner_required
def triage(request):
    rows = scoping.triage_of(request.user, _org(request)).prefetch_related("attachments")
    return render(
        request,
        "comms/triage.html",
        {
            "rows": rows[:100],
            "form": TriageFileForm(
                clients=clients_for(request.user, write=True, organisation=request.membership.organisation_id)
            ),
        },
    )


@require_POST
@owner_required
def triage_settle(request, pk: int):
    try:
        message = scoping.triage_of(request.user, _org(request)).get(pk=pk)
    except (InboundMessage.DoesNotExist, ValueError):
        raise Http404 from None
    form = TriageFileForm(
        request.POST, clients=clients_for(request.user, write=True, organisation=request.membership.organisation_id)
    )
    if request.POST.get("action") == "dismiss":
        InboundMessage.objects.filter(pk=message.pk).update(outcome=InboundMessage.Outcome.DONE)
        messages.success(request, _("Removed from triage; the message is kept."))
    elif form.is_valid() and (form.cleaned_data["client"] or form.cleaned_data["task"]):
        task = (
            task_for(
                request.user, form.cleaned_data["task"], write=True, organisation=request.membership.organisation_id
            )
            if form.cleaned_data["task"]
            else None
        )
        filed = triage_file(
            message=message, task=task, client=None if task else form.cleaned_data["client"], by=request.user
        )
        messages.success(request, _("Filed on task “%(task)s”.") % {"task": filed.task})
    else:
        messages.error(request, _("Choose a client or a task."))
    return redirect("comms:triage")
