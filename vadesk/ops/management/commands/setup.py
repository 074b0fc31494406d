"""`vadesk setup`: the first organisation and its owner on a new installation."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vadesk.accounts.models import Country, Language
from vadesk.ops.setup import practice_create


class Command(BaseCommand):
    help = (
        "Create an organisation and its owner (who then invites the team in the app). The password comes from "
        "VADESK_SETUP_PASSWORD or is asked for; it is never an argument (arguments show in the process list)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The practice's name.")
        parser.add_argument("--country", default="NL", choices=[c.value for c in Country])
        parser.add_argument("--time-zone", default="Europe/Amsterdam")
        parser.add_argument("--email", required=True, help="The owner's e-mail address (the sign-in).")
        parser.add_argument("--name", required=True, help="The owner's full name.")
        parser.add_argument("--language", default="nl", choices=[lang.value for lang in Language])

    def handle(self, *args, **options) -> None:
        password = os.environ.get("VADESK_SETUP_PASSWORD") or getpass.getpass("Owner's password: ")
        try:
            membership = practice_create(
                name=options["organisation"],
                country=options["country"],
                time_zone=options["time_zone"],
                email=options["email"],
                full_name=options["name"],
                password=password,
                language=options["language"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"{membership.organisation.name}: {membership.person.email} is its owner. Sign in.")
