from time import perf_counter

from django.core.management.base import BaseCommand, CommandError

from vadesk.accounts.models import Organisation
from vadesk.demo.loader import demo_load
from vadesk.demo.logins import demo_logins, demo_logins_text, demo_present
from vadesk.demo.startup import data_dir_ensure, database_migrate


class Command(BaseCommand):
    help = (
        "Load the demo practice into an empty database: the Dutch agency 'Bureau Bijzonder' (an owner, three "
        "assistants, eight clients in NL, DE and BE with their teams, dossiers, engagements of every kind, two "
        "months of tasks and hours, one portal login) and a German solo VA as a second, separate organisation. "
        "The demo looks the same every time, with dates relative to today. Pending migrations are applied first. "
        "Every demo login shares one public password, so the demo refuses a database that already holds organisations."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Do not fail when the database already holds organisations. Nothing is added then: the demo never "
            "mixes with other data. The exit status is 0, which suits scripts that only need a demo to be there.",
        )

    def handle(self, *args, force: bool = False, **options):
        data_dir_ensure()
        applied = database_migrate()
        if applied:
            self.stdout.write(f"Applied {applied} migration(s).")
        existing = list(Organisation.objects.order_by("name").values_list("name", flat=True))
        if existing:
            self.refuse(existing, force)
            return
        started = perf_counter()
        summary = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo practice in {perf_counter() - started:.1f} s: {summary.organisations} organisations, "
                f"{summary.people} people, {summary.clients} clients, {summary.engagements} engagements, {summary.tasks} tasks, "
                f"{summary.time_entries} time entries, {summary.dossier_facts} dossier facts."
            )
        )
        self.stdout.write(demo_logins_text(demo_logins()))

    def refuse(self, existing: list[str], force: bool) -> None:
        names = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
        if demo_present():
            message = f"The demo practice is already loaded ({names})."
        else:
            message = (
                f"This database already holds {len(existing)} organisation(s): {names}. The demo only loads into an empty "
                "database, so its public demo password never reaches a real practice. Point VADESK_DATA_DIR (SQLite) or "
                "DATABASE_URL at a fresh database and run `vadesk demo` again."
            )
        if not force:
            raise CommandError(message + " Nothing was added.")
        self.stdout.write(message + " Nothing was added (--force).")
        if demo_present():
            self.stdout.write(demo_logins_text(demo_logins()))
