"""Jobs of the communication hub, run by `vadesk worker` (see vadesk/jobs/schedule.py for when).

Three pipelines, each idempotent because the rows they work on are claimed atomically, so a job that runs again
(after a crash, or a lease that ran out) repeats nothing that already happened:
- outbox delivery: `outbox_run` claims each message right before it is sent (see outbox.py for the exact
  guarantee); queued by the schedule every minute, and on the commit of any change that queued a message due now,
  so that it goes out within seconds;
- digests: `digests_build_due` claims each contact's slot with a conditional update;
- the IMAP mailbox: a message is flagged \\Seen only after it was filed, and filing is keyed on its Message-ID.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.tasks import task_backends
from django.utils import timezone

from vadesk.comms.channels import adapters
from vadesk.comms.digests import digests_build_due
from vadesk.comms.imap import imap_config, imap_poll
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_run
from vadesk.jobs.registry import job

# A message due this soon is worth a delivery job of its own; later ones wait for the minute's sweep.
KICK_WINDOW = timedelta(seconds=30)


# backoff_seconds=0: a delivery job only fails when the database or the worker broke (a message that fails has
# its own back-off in the outbox); after a killed worker's lease it should run again at once.
@job(max_attempts=3, backoff_seconds=0)
def outbox_deliver_job() -> dict[str, int]:
    """Deliver every due message, each channel over one connection per batch; returns a count per outcome."""
    return outbox_run(adapters=adapters())


@job(max_attempts=3)
def digests_build_job() -> int:
    """Build the digests whose moment has come; each queues its delivery on commit. Returns how many."""
    return digests_build_due()


@job(max_attempts=3)
def inbound_imap_job() -> dict[str, int]:
    """File the unseen mail of the practice's IMAP mailbox; nothing to do when none is configured."""
    config = imap_config()
    if config is None:
        return {}
    return imap_poll(config)


def _deliver_now() -> None:
    outbox_deliver_job.enqueue()


def outbox_kick(*, message: OutboxMessage) -> None:
    """Listener of `outbox.message_queued`, in the caller's transaction: once that commits, a delivery job.

    One job per transaction however many messages it queued. Not with a backend that runs jobs inline (the
    immediate backend of the tests): that would talk SMTP from the request, which the outbox exists to avoid.
    """
    if message.not_before > timezone.now() + KICK_WINDOW or not task_backends["default"].supports_defer:
        return
    if any(entry[1] is _deliver_now for entry in connection.run_on_commit):  # (savepoints, callback, robust)
        return
    # robust: a kick that cannot be queued must not fail the change that committed; the sweep delivers it.
    transaction.on_commit(_deliver_now, robust=True)
