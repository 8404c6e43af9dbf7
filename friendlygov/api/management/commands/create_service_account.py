"""python manage.py create_service_account NAME [--description …] [--scope S …] [--days N]:
creates a service account and prints its first token once. Give it role grants (admin: Role
grants) for the units or bodies it serves; the scopes say which kinds of operation it may call."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from friendlygov.api import scopes, tokens


class Command(BaseCommand):
    help = "Create a service account (a system, not a person) and print its first scoped token once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--description", default="")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            dest="scopes",
            help=f"Repeat for each scope: {', '.join(scopes.SCOPES)}",
        )
        parser.add_argument("--days", type=int, default=None, help="Token expires after this many days")

    def handle(self, *args, username, description, scopes, days, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            with transaction.atomic():
                account = tokens.create_service_account(username, description=description, actor=None)
                token, secret = tokens.create_token(
                    account.user,
                    name=description or username,
                    expires_at=expires_at,
                    scopes=scopes,
                    actor=None,
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(f"Service account {username}, token {token.prefix}… ({', '.join(token.scopes)}):")
        self.stdout.write(secret)
