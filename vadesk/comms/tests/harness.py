"""Run as a separate process by test_worker_killed.py: prepares a database with one outbox message (whose commit
queues its delivery job, as any change's does), or reads the message and the jobs back.

python -m vadesk.comms.tests.harness setup|enqueue|dump|jobs
"""

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from vadesk.accounts.models import Organisation
    from vadesk.comms.models import OutboxMessage
    from vadesk.comms.outbox import outbox_enqueue

    action = sys.argv[1]
    if action == "setup":
        call_command("migrate", verbosity=0)
        Organisation.objects.get_or_create(name="Kill test")
    elif action == "enqueue":
        OutboxMessage.objects.all().delete()
        DBTaskResult.objects.all().delete()
        org = Organisation.objects.get(name="Kill test")
        with transaction.atomic():
            outbox_enqueue(
                organisation_id=org.pk,
                kind="update",
                recipient="ceo@acme.example",
                subject="Killed mid-send",
                body_text="Hallo.\n" * 2000,
            )
    elif action == "dump":
        print(json.dumps(list(OutboxMessage.objects.values("state", "phase", "attempts", "message_id", "last_error"))))
    elif action == "jobs":
        print(json.dumps(list(DBTaskResult.objects.values("task_path", "status", "worker_ids", "return_value"))))


if __name__ == "__main__":
    main()
