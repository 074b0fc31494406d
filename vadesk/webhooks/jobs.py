"""The delivery job: one attempt per run; the job system retries it with back-off (30 s, 60 s, 120 s, 240 s)."""

from vadesk.jobs.registry import job
from vadesk.webhooks.models import Delivery
from vadesk.webhooks.sending import ATTEMPTS, delivery_attempt


class DeliveryNotAccepted(Exception):
    """The endpoint did not answer 2xx: raised so that the job system tries again later."""


@job(max_attempts=ATTEMPTS)
def webhook_deliver_job(*, delivery_id: int, organisation_id: int) -> str:
    """Idempotent: a delivery already delivered is not sent again. `organisation_id` lets the organisation's
    owners see the job on the failed-jobs page."""
    status = delivery_attempt(delivery_id=delivery_id)
    if status in (Delivery.Status.PENDING, Delivery.Status.FAILED):
        raise DeliveryNotAccepted(f"webhook delivery {delivery_id} not accepted ({status})")
    return status
