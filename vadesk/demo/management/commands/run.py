from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from vadesk.demo.console_mail import console_mail_start
from vadesk.demo.logins import demo_logins_text
from vadesk.demo.startup import data_dir_ensure, database_migrate, practice_prepare
from vadesk.jobs.worker import job_logs_at, worker_thread_start


def serve(addr: str) -> None:
    # The staticfiles runserver serves static files itself while DEBUG is on; no reloader, since this
    # command already did its one-time work (migrating, loading the demo) in this process.
    call_command("runserver", addr, use_reloader=False)


class Command(BaseCommand):
    help = (
        "Run vadesk on this machine: create the data directory, migrate the database, load the demo practice when "
        "the database holds no organisation yet, create the recurring tasks that are due, print the demo logins, "
        "start a background-job worker thread and serve the app with Django's development server (static files included while VADESK_DEBUG is on). "
        "Not for production: use a WSGI/ASGI server there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="Address and port to serve on (default: 127.0.0.1:8000)."
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="Start with an empty database instead of loading the demo practice."
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not run background jobs in this process (run `vadesk worker`)."
        )

    def handle(self, *args, addr: str, no_demo: bool, no_worker: bool = False, **options):
        data_dir = data_dir_ensure()
        where = (
            connection.settings_dict["NAME"]
            if connection.vendor == "sqlite"
            else f"{connection.vendor} database {connection.settings_dict['NAME']}"
        )
        self.stdout.write(f"Data directory: {data_dir}\nDatabase: {where}")
        applied = database_migrate()
        if applied:
            self.stdout.write(f"Applied {applied} migration(s).")
        prepared = practice_prepare(load_demo=not no_demo)
        if prepared.loaded:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo practice: {prepared.loaded.clients} clients, {prepared.loaded.tasks} tasks, {prepared.loaded.time_entries} time entries."
                )
            )
        if prepared.recurring_spawned:
            self.stdout.write(f"Created {prepared.recurring_spawned} task(s) from recurring templates.")
        if prepared.logins:
            self.stdout.write(demo_logins_text(prepared.logins, url=f"http://{addr}/"))
        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING("VADESK_DEBUG is off: the development server will not serve static files.")
            )
        if not settings.SMTP_HOST_GIVEN:
            console_mail_start(self.stdout)
            self.stdout.write(
                "Mail goes to this terminal: the outbox delivers to a loopback SMTP server that prints each message "
                "(nothing leaves this machine). Set VADESK_SMTP_HOST to deliver through a real relay."
            )
        else:
            self.stdout.write(f"Mail is delivered through the SMTP relay {settings.SMTP_HOST}:{settings.SMTP_PORT}.")
        if not no_worker:
            job_logs_at(options.get("verbosity", 1))  # a line per job only with -v 2, as `vadesk worker`
            worker_thread_start()  # the outbox and the digests are jobs too (vadesk/comms/jobs.py)
            self.stdout.write(
                "Background jobs (the outbox and digests, reminders, notification mail, recurring tasks, calendar "
                "sync) run inside this process: no separate worker is needed."
            )
        else:
            self.stdout.write("No background jobs run here: start `vadesk worker` in a second terminal.")
        serve(addr)
