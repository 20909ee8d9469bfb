from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.api_tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token acting as USER and print its secret once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user the token acts as; it needs the right to manage footage.")
        parser.add_argument("--name", required=True, help="What will use the token, e.g. 'VMS main site'.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        token, secret = api_token_create(user=user, name=options["name"])
        self.stdout.write(secret)
        self.stderr.write(f"Token {token.prefix}… created for {user.username}. Keep the secret: it is not shown again.")
