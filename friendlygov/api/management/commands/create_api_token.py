"""python manage.py create_api_token USERNAME [--name …] [--days N] [--scope S …]: prints a new
token once."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from friendlygov.api import tokens


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it once (it is stored only as a hash)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for (default: created by command)")
        parser.add_argument(
            "--days", type=int, default=None, help="Expire after this many days (default: never)"
        )
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            dest="scopes",
            help="Narrow the token to a scope (repeat); a service account's token needs at least one",
        )

    def handle(self, *args, username, name, days, scopes, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            # No actor: someone at the server's console, as for the other management commands.
            token, secret = tokens.create_token(
                user, name=name or "create_api_token", expires_at=expires_at, scopes=scopes, actor=None
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(f"Token {token.prefix}… for {username}, shown once; store it now:")
        self.stdout.write(secret)
