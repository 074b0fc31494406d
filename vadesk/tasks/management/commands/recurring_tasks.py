"""`vadesk recurring_tasks`: turn recurring tasks into tasks as their occurrences come within the lead time."""

from django.core.management.base import BaseCommand

from vadesk.tasks.recurrence import recurring_tasks_spawn


class Command(BaseCommand):
    help = (
        "Create a task for every occurrence of a recurring task that falls within its lead time. "
        "Safe to run often (e.g. hourly from cron): an occurrence never becomes two tasks."
    )

    def handle(self, *args, **options) -> None:
        created = recurring_tasks_spawn()
        self.stdout.write(f"Created {created} task{'' if created == 1 else 's'} from recurring tasks.")
