"""Two assistants logging the last hours of a bundle at once: the engagement row lock lets only one through."""

import contextlib
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import Sum

from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entry_log


def test_two_sequential_writers_cannot_overdraw_a_bundle(assistant, bea, nearly_used_bundle, today):
    time_entry_log(by=assistant, engagement=nearly_used_bundle, work_date=today, minutes=45)

    with pytest.raises(ValidationError):
        time_entry_log(by=bea, engagement=nearly_used_bundle, work_date=today, minutes=45)

    assert balance_of(nearly_used_bundle, today).used == 9 * 60 + 45


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_assistants_logging_the_last_hour_at_once_cannot_overdraw_a_bundle(
    assistant, bea, nearly_used_bundle, today
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks; SQLite serialises writers anyway")
    start, logged = threading.Barrier(2), threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def log_45_minutes(person) -> None:
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                time_entry_log(
                    by=person, engagement=nearly_used_bundle, work_date=today - timedelta(days=1), minutes=45
                )
                # Keep this transaction open until the other one has logged too. With the row lock the
                # other one is still queued on the engagement, so the wait times out and this one commits.
                with contextlib.suppress(threading.BrokenBarrierError):
                    logged.wait(timeout=1)
            outcomes[person.email] = "logged"
        except ValidationError as exc:
            outcomes[person.email] = exc.code or "refused"
            logged.abort()
        except Exception as exc:
            outcomes[person.email] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log_45_minutes, args=(person,)) for person in (assistant, bea)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["bundle_exhausted", "logged"]
    billed = TimeEntry.objects.filter(engagement=nearly_used_bundle).aggregate(s=Sum("billed_minutes"))["s"]
    assert billed == 9 * 60 + 45 <= 10 * 60
