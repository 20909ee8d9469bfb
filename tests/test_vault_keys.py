"""The vault key's life: creation, the system checks, rotation and retirement."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from compliance import checks
from compliance.models import VaultEntry
from compliance.vault import VaultKeyError, VaultKeyMissing, forget, reidentify, tokenise
from compliance.vault.keys import load_keyring, new_key_text, parse_key
from compliance.vault.rotation import vault_rotate
from tests.support.vault import EMAIL, raw_row, run_sql


def manage(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def use_key_file(settings: Any, path: Path) -> None:
    settings.VAULT_KEY, settings.VAULT_PREVIOUS_KEYS, settings.VAULT_KEY_FILE = "", [], path


def test_create_makes_an_owner_only_key_file_and_never_replaces_it(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "data" / "vault.key"
    use_key_file(settings, path)
    output = manage("vault_key", "create")
    key = load_keyring().current
    assert f"Created {path} (mode 0600) with key {key.id}. Back it up now" in output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_text()
    with pytest.raises(CommandError, match="already configured"):
        manage("vault_key", "create")
    assert "nothing to do" in manage("vault_key", "create", "--if-missing")
    assert path.read_text() == before
    assert checks.check_vault_key() == [] and checks.check_vault_key_present() == []


def test_a_missing_key_is_a_clear_error_and_stops_a_deployment(settings: Any, tmp_path: Path) -> None:
    use_key_file(settings, tmp_path / "vault.key")
    with pytest.raises(VaultKeyMissing, match=r"the key file .*vault.key does not exist. Create the key with"):
        tokenise("jane@example.org", EMAIL)
    # `migrate` and `vault_key create` must still run; `check --deploy` (the web unit) stops.
    assert checks.check_vault_key() == []
    (error,) = checks.check_vault_key_present()
    assert error.id == "obscura.E008"
    assert "manage.py vault_key create" in error.msg


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not base64 at all!\n", "Line 1 of .* is not a valid vault key: it must be base64"),
        ("# only a comment\n\nc2hvcnQ=\n", "Line 3 of .* decodes to 5 bytes, not 32"),
        ("# no key\n", "holds no key"),
    ],
)
def test_an_invalid_key_file_is_reported(settings: Any, tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "vault.key"
    path.write_text(content)
    path.chmod(0o600)
    use_key_file(settings, path)
    (error,) = checks.check_vault_key()
    assert error.id == "obscura.E007"
    assert re.search(expected, error.msg), error.msg
    assert checks.check_vault_key_present() == []  # reported once, by E007
    with pytest.raises(VaultKeyError):
        tokenise("jane@example.org", EMAIL)


def test_an_unreadable_key_file_is_reported(settings: Any, tmp_path: Path) -> None:
    use_key_file(settings, tmp_path)  # a folder where the file should be
    (error,) = checks.check_vault_key()
    assert error.id == "obscura.E007"
    assert "cannot be read" in error.msg and "readable by the user running Obscura" in error.msg


def test_a_key_file_others_can_read_is_warned_about(settings: Any, vault_key: Any) -> None:
    settings.VAULT_KEY_FILE.chmod(0o644)
    (warning,) = checks.check_vault_key()
    assert warning.id == "obscura.W001"
    assert warning.hint == f"chmod 600 {settings.VAULT_KEY_FILE}"


def test_keys_from_the_environment_are_checked_without_echoing_them(settings: Any) -> None:
    settings.VAULT_KEY = "c2hvcnQ="
    (error,) = checks.check_vault_key()
    assert "OBSCURA_VAULT_KEY is not a valid vault key: it decodes to 5 bytes" in error.msg
    assert "c2hvcnQ=" not in error.msg
    settings.VAULT_KEY, settings.VAULT_PREVIOUS_KEYS = new_key_text(), ["%%%"]
    (error,) = checks.check_vault_key()
    assert "Key 1 of OBSCURA_VAULT_PREVIOUS_KEYS is not a valid vault key" in error.msg
    settings.VAULT_KEY, settings.VAULT_PREVIOUS_KEYS = "", [new_key_text()]
    (error,) = checks.check_vault_key()
    assert "OBSCURA_VAULT_PREVIOUS_KEYS is set but OBSCURA_VAULT_KEY is not" in error.msg


def test_generate_prints_a_key_and_changes_nothing(settings: Any, tmp_path: Path) -> None:
    use_key_file(settings, tmp_path / "vault.key")
    text = manage("vault_key", "generate").strip()
    assert parse_key(text, where="output").id
    assert not (tmp_path / "vault.key").exists()


@pytest.mark.django_db
def test_rotation_re_encrypts_everything_under_the_new_key(settings: Any, vault_key: Any, dpo: Any) -> None:
    people = {tokenise(f"person{n}@example.org", EMAIL): f"person{n}@example.org" for n in range(7)}
    erased = tokenise("gone@example.org", EMAIL)
    forget(erased, actor=dpo, reason="Erasure request")
    old = vault_key.id
    before = {token: raw_row(token) for token in people}

    output = manage("vault_key", "add")
    new = load_keyring().current.id
    assert new != old and [key.id for key in load_keyring().keys] == [new, old]
    assert f"Key {new} is now the current key" in output
    assert f"current  {new}: 0 entries" in manage("vault_key", "list")
    # Until the rotation has run, entries under the old key stay readable and keep their token.
    token = next(iter(people))
    assert reidentify(token, actor=dpo, reason="During rotation") == people[token]
    assert tokenise(people[token], EMAIL) == token
    newcomer = tokenise("newcomer@example.org", EMAIL)
    assert raw_row(newcomer)["key_id"] == new
    with pytest.raises(CommandError, match=f"7 vault entries are still encrypted under key {old}"):
        manage("vault_key", "retire", old)

    output = manage("vault_rotate", "--batch-size", "3")
    assert "  3 of 7 entries processed\n  6 of 7 entries processed\n  7 of 7 entries processed\n" in output
    assert f"Re-encrypted 7 entries under the current key {new}; 1 were already under it; 1 erased" in output
    assert f"No entry uses the previous keys {old} any more" in output
    for token in people:
        row = raw_row(token)
        assert row["key_id"] == new
        assert bytes(row["nonce"]) != bytes(before[token]["nonce"])
        assert row["lookup"] != before[token]["lookup"]
    assert raw_row(erased)["ciphertext"] is None  # an erased identity is not brought back

    assert "Re-encrypted 0 entries under the current key" in manage("vault_rotate")  # idempotent
    with pytest.raises(CommandError, match="is the current key"):
        manage("vault_key", "retire", new)
    assert f"Removed key {old}" in manage("vault_key", "retire", old)
    assert old not in settings.VAULT_KEY_FILE.read_text()
    for token, value in people.items():
        assert reidentify(token, actor=dpo, reason="After rotation") == value
        assert tokenise(value, EMAIL) == token


@pytest.mark.django_db
def test_an_interrupted_rotation_resumes(settings: Any, vault_key: Any) -> None:
    tokens = [tokenise(f"person{n}@example.org", EMAIL) for n in range(5)]
    manage("vault_key", "add")
    new = load_keyring().current.id

    class Interrupted(Exception):
        pass

    def stop_after_first_batch(done: int, total: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        vault_rotate(batch_size=2, progress=stop_after_first_batch)
    assert VaultEntry.objects.filter(key_id=new).count() == 2  # the first batch was committed
    report = vault_rotate(batch_size=2)
    assert (report.to_rotate, report.rotated, report.already_current) == (3, 3, 2)
    assert set(VaultEntry.objects.values_list("key_id", flat=True)) == {new}
    assert len(tokens) == 5


@pytest.mark.django_db
def test_rotation_reports_entries_it_cannot_decrypt(settings: Any, vault_key: Any) -> None:
    good = tokenise("jane@example.org", EMAIL)
    bad = tokenise("john@example.org", EMAIL)
    run_sql("UPDATE compliance_vaultentry SET ciphertext = %s WHERE token = %s", [b"\x00" * 32, bad])
    manage("vault_key", "add")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 entries could not be re-encrypted"):
        call_command("vault_rotate", stdout=io.StringIO(), stderr=errors)
    assert f"{bad}: The vault entry {bad} does not decrypt" in errors.getvalue()
    assert raw_row(good)["key_id"] == load_keyring().current.id


@pytest.mark.django_db
def test_a_removed_key_that_is_still_needed_is_named(settings: Any, vault_key: Any, dpo: Any) -> None:
    token = tokenise("jane@example.org", EMAIL)
    settings.VAULT_KEY_FILE.write_text(new_key_text() + "\n")  # the old key lost, no rotation run
    with pytest.raises(VaultKeyError, match=f"encrypted under key {vault_key.id}, which is not configured"):
        reidentify(token, actor=dpo, reason="Checking")
    assert f"MISSING  {vault_key.id}: 1 entries cannot be decrypted" in manage("vault_key", "list")


@pytest.mark.django_db
def test_keys_can_live_in_the_environment(settings: Any, tmp_path: Path, dpo: Any) -> None:
    first = new_key_text()
    settings.VAULT_KEY, settings.VAULT_PREVIOUS_KEYS = first, []
    settings.VAULT_KEY_FILE = tmp_path / "unused.key"
    token = tokenise("jane@example.org", EMAIL)
    assert "Keys from OBSCURA_VAULT_KEY:" in manage("vault_key", "list")
    with pytest.raises(CommandError, match="generate a key with `vault_key generate`"):
        manage("vault_key", "add")
    settings.VAULT_KEY, settings.VAULT_PREVIOUS_KEYS = new_key_text(), [first]
    assert reidentify(token, actor=dpo, reason="Under the previous key") == "jane@example.org"
    manage("vault_rotate")
    settings.VAULT_PREVIOUS_KEYS = []
    assert reidentify(token, actor=dpo, reason="After rotation") == "jane@example.org"
    assert tokenise("jane@example.org", EMAIL) == token
    assert not (tmp_path / "unused.key").exists()
