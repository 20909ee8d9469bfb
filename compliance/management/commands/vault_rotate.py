from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.vault.errors import VaultKeyError
from compliance.vault.keys import load_keyring
from compliance.vault.rotation import vault_key_usage, vault_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every pseudonymisation vault entry under the current key, in batches. "
        "Safe to interrupt and to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Entries re-encrypted per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            report = vault_rotate(batch_size=options["batch_size"], progress=self._progress)
            keyring = load_keyring()
        except VaultKeyError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Re-encrypted {report.rotated} entries under the current key {report.key_id}; "
            f"{report.already_current} were already under it; "
            f"{report.erased} erased entries hold nothing to re-encrypt."
        )
        if report.failed:
            for token, why in sorted(report.failed.items()):
                self.stderr.write(f"{token}: {why}")
            raise CommandError(
                f"{len(report.failed)} entries could not be re-encrypted (listed above). "
                "Keep every old key until they are resolved.",
                returncode=1,
            )
        usage = vault_key_usage()
        unused = [key.id for key in keyring.keys[1:] if not usage.get(key.id)]
        if unused:
            self.stdout.write(
                f"No entry uses the previous keys {', '.join(unused)} any more: remove them from the server "
                "(`manage.py vault_key retire ID`, or from OBSCURA_VAULT_PREVIOUS_KEYS). Keep their backup "
                "copy until the database backups made before this rotation have expired, then destroy it."
            )

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  {done} of {total} entries processed")
