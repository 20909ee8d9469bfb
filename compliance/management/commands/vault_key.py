from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.vault.errors import VaultKeyError, VaultKeyMissing
from compliance.vault.keys import key_file_add, key_file_create, load_keyring, new_key_text
from compliance.vault.rotation import vault_key_retire, vault_key_usage

BACKUP_ADVICE = "Back it up now, apart from the database backups (docs/operations.md, 'Pseudonymisation vault')."


class Command(BaseCommand):
    help = "Create, show, add and retire the keys of the pseudonymisation vault."
    # It must be able to run to create the key that the system checks ask for.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create the key file with a new key; never overwrites.")
        create.add_argument("--if-missing", action="store_true", help="Do nothing when a key is already configured.")
        actions.add_parser("generate", help="Print a new key for OBSCURA_VAULT_KEY; changes nothing.")
        actions.add_parser("add", help="Put a new current key first in the key file; the others stay as previous keys.")
        actions.add_parser("list", help="Show the configured keys and how many vault entries each encrypts.")
        retire = actions.add_parser("retire", help="Remove a previous key that no vault entry uses any more.")
        retire.add_argument("key_id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(**options)
        except VaultKeyError as exc:
            raise CommandError(exc.message) from None

    def _create(self, *, if_missing: bool, **options: Any) -> None:
        path = Path(settings.VAULT_KEY_FILE)
        if settings.VAULT_KEY or path.exists():
            where = "OBSCURA_VAULT_KEY" if settings.VAULT_KEY else str(path)
            if if_missing:
                self.stdout.write(f"The vault key is already configured ({where}); nothing to do.")
                return
            raise CommandError(
                f"The vault key is already configured ({where}). It may be the only copy of the key to "
                "this vault, so it is never replaced; to change keys, see `vault_key add` and `vault_rotate`."
            )
        key = key_file_create(path=path)
        self.stdout.write(f"Created {path} (mode 0600) with key {key.id}. {BACKUP_ADVICE}")

    def _generate(self, **options: Any) -> None:
        text = new_key_text()
        self.stdout.write(text)
        self.stderr.write("A new vault key, for OBSCURA_VAULT_KEY. Nothing was changed. " + BACKUP_ADVICE)

    def _add(self, **options: Any) -> None:
        keyring = load_keyring()
        if keyring.path is None:
            raise CommandError(
                "The keys come from OBSCURA_VAULT_KEY: generate a key with `vault_key generate`, make it "
                "OBSCURA_VAULT_KEY and move the old one to OBSCURA_VAULT_PREVIOUS_KEYS."
            )
        key = key_file_add(path=keyring.path)
        self.stdout.write(
            f"Key {key.id} is now the current key in {keyring.path}; the previous keys still decrypt. "
            f"{BACKUP_ADVICE} Then run `manage.py vault_rotate`."
        )

    def _list(self, **options: Any) -> None:
        try:
            keyring = load_keyring()
        except VaultKeyMissing as exc:
            raise CommandError(exc.message) from None
        usage = vault_key_usage()
        self.stdout.write(f"Keys from {keyring.source}:")
        for number, key in enumerate(keyring.keys):
            role = "current " if number == 0 else "previous"
            self.stdout.write(f"  {role} {key.id}: {usage.pop(key.id, 0)} entries")
        for key_id, count in sorted(usage.items()):
            self.stdout.write(f"  MISSING  {key_id}: {count} entries cannot be decrypted until this key is added back")

    def _retire(self, *, key_id: str, **options: Any) -> None:
        keyring = vault_key_retire(key_id=key_id)
        self.stdout.write(
            f"Removed key {key_id} from {keyring.path}. Remaining: {', '.join(k.id for k in keyring.keys)}."
        )
