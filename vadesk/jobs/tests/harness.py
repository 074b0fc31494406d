"""Run as a separate process by test_worker_killed.py: prepares a database with a recurring task due,
enqueues the job the test kills, or reads the effect back.

python -m vadesk.jobs.tests.harness setup|enqueue HOLD REACHED INSIDE|dump
"""

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from vadesk.accounts.models import Organisation
    from vadesk.clients.models import Client
    from vadesk.jobs.models import JobLease
    from vadesk.jobs.tests.probe import spawn_then_hold
    from vadesk.tasks.models import RecurringTask, Task

    action = sys.argv[1]
    if action == "setup":
        call_command("migrate", verbosity=0)
        org, _ = Organisation.objects.get_or_create(name="Kill test", time_zone="Europe/Amsterdam")
        Client.objects.get_or_create(organisation=org, name="Acme", country="NL")
    elif action == "enqueue":
        DBTaskResult.objects.all().delete()
        Task.objects.all().delete()
        RecurringTask.objects.all().delete()
        RecurringTask.objects.create(
            client=Client.objects.get(name="Acme"),
            title="Water the plants",
            rrule="FREQ=WEEKLY",
            first_due_at=timezone.now() + timedelta(days=1),
            lead_days=3,
        )
        hold, reached, inside = sys.argv[2:5]
        spawn_then_hold.enqueue(hold=hold, reached=reached, inside_transaction=inside == "inside")
    elif action == "dump":
        jobs = list(DBTaskResult.objects.values("status", "worker_ids", "return_value", "traceback"))
        print(
            json.dumps(
                {
                    "jobs": jobs,
                    "leases": JobLease.objects.count(),
                    "tasks": list(Task.objects.values_list("title", flat=True)),
                }
            )
        )


if __name__ == "__main__":
    main()
