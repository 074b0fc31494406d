"""`vadesk token EMAIL [--name NAME]`: a new API token for scripts, its secret printed once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vadesk.accounts.models import Person
from vadesk.accounts.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create a REST API token for the person with this e-mail address and print its secret. "
        "Only a hash is stored, so the secret is shown this once. Scripts send it as "
        "'Authorization: Bearer vad_...' to /api/v1/; the token has exactly that person's rights."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", metavar="EMAIL", help="E-mail address of the person the token acts for")
        parser.add_argument(
            "--name",
            default="Command line",
            help="What the token is for, e.g. the script that uses it (default: %(default)s)",
        )

    def handle(self, *args: object, email: str, name: str, **options: object) -> None:
        try:
            person = Person.objects.get(email__iexact=email.strip())
        except Person.DoesNotExist:
            raise CommandError(f"No one has the e-mail address {email!r}.") from None
        if not person.is_active:
            raise CommandError(f"{person.email} is deactivated; a token for them would not work.")
        try:
            token, secret = api_token_create(person=person, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(
            f"Token {token.name!r} for {person.email} (prefix {token.prefix}). Store the secret now; it is not shown again."
        )
        self.stdout.write(secret)
