"""Small pieces the core pages include: today's follow-ups, and a task's communication card."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext_noop

from vadesk.comms.models import Attachment, FollowUp
from vadesk.comms.phone import display_number
from vadesk.comms.scoping import on_duty_clients

register = template.Library()

# The core pages link to a follow-up (task comments, dossier facts) and the nav to this hub with these words;
# they live in this app's catalog so the core catalog stays untouched.
CORE_PAGE_WORDS = (gettext_noop("follow up"), gettext_noop("Messages"))


@register.inclusion_tag("comms/_today_followups.html", takes_context=True)
def followups_today(context):
    request = context["request"]
    end_of_today = timezone.localtime().replace(hour=23, minute=59, second=59)
    clients = on_duty_clients(request.user, request.membership.organisation_id)
    follow_ups = FollowUp.objects.filter(
        client__in=clients, done_at__isnull=True, due_at__lte=end_of_today
    ).select_related("client", "task")[:30]
    return {"follow_ups": list(follow_ups), "csrf_token": context.get("csrf_token")}


@register.filter
def phone(e164: str) -> str:
    """+31201234567 → +31 20 123 4567."""
    return display_number(e164)


@register.simple_tag
def task_comms(task):
    # The task reached this page through the core view's scoping, so everything here is the same client's.
    return {
        "attachments": list(Attachment.objects.filter(task=task).defer("content")),
        "follow_ups": list(FollowUp.objects.filter(task=task, done_at__isnull=True)),
    }
