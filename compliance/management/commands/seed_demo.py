from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from compliance.models import Organisation
from compliance.roles import ADMIN, AUDITOR, DPO, DSAR_HANDLER
from compliance.users import user_create

DEMO_USERS = (
    ("admin", ADMIN, True),
    ("dpo", DPO, False),
    ("handler", DSAR_HANDLER, False),
    ("auditor", AUDITOR, False),
)


class Command(BaseCommand):
    help = "Create the demo organisation and one account per role; print each new password once."

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.current()
        if not organisation.name:
            organisation.name = "Demo Retail Ltd"
            organisation.country = "BE"
            organisation.time_zone = "Europe/Brussels"
            organisation.dpo_name = "Demo DPO"
            organisation.dpo_email = "dpo@example.org"
            organisation.supervisory_authority = "Autorité de protection des données / Gegevensbeschermingsautoriteit"
            organisation.save()
        users = get_user_model().objects
        for username, role, superuser in DEMO_USERS:
            if users.filter(username=username).exists():
                continue
            _user, password = user_create(
                username=username, role=role, email=f"{username}@example.org", superuser=superuser
            )
            self.stdout.write(f"Created user {username!r} ({role}) with password: {password}")
            self.stdout.write("  (shown once: note it now, or change it after logging in)")
