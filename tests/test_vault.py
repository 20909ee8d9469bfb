"""The pseudonymisation vault's tokens: stable per purpose, unlinkable across purposes,
stored only encrypted, and tamper-evident. Real database, real AES-GCM."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from compliance.models import VaultEntry
from compliance.vault import VaultIntegrityError, reidentify, tokenise
from compliance.vault.purposes import normalise_email, normalise_name, normalise_phone, normalise_plate
from tests.support.vault import EMAIL, NAME, PHONE, PLATE, STAFF_EMAIL, raw_row, run_sql

pytestmark = pytest.mark.django_db


def test_same_value_and_purpose_give_the_same_token(vault_key: Any) -> None:
    first = tokenise("jane.doe@example.org", EMAIL)
    assert re.fullmatch(r"P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", first)
    assert tokenise("jane.doe@example.org", EMAIL) == first
    assert tokenise("john.roe@example.org", EMAIL) != first
    assert VaultEntry.objects.count() == 2


def test_another_purpose_gives_an_unlinkable_token(vault_key: Any) -> None:
    requester = tokenise("jane.doe@example.org", EMAIL)
    staff = tokenise("jane.doe@example.org", STAFF_EMAIL)
    assert requester != staff
    # Nothing stored ties the two rows together: neither the lookup hash nor the ciphertext.
    one, other = raw_row(requester), raw_row(staff)
    assert one["lookup"] != other["lookup"]
    assert bytes(one["ciphertext"]) != bytes(other["ciphertext"])


@pytest.mark.parametrize(
    ("purpose", "spellings", "stored"),
    [
        (EMAIL, [" Jane.Doe@Example.ORG ", "jane.doe@example.org", "JANE.DOE@EXAMPLE.ORG"], "jane.doe@example.org"),
        (PHONE, ["+32 470 12 34 56", "+32-470/12.34.56", " +32470123456"], "+32470123456"),
        (NAME, ["Jane Doe", "  Jane   Doe ", "Jane\tDoe"], "Jane Doe"),
        (PLATE, ["1-abc-234", "1 ABC 234", "1abc234"], "1ABC234"),
    ],
)
def test_spellings_of_one_identifier_share_a_token(
    vault_key: Any, dpo: Any, purpose: str, spellings: list[str], stored: str
) -> None:
    tokens = {tokenise(spelling, purpose) for spelling in spellings}
    assert len(tokens) == 1
    assert reidentify(tokens.pop(), actor=dpo, reason="Checking normalisation") == stored


def test_normalisation_rules() -> None:
    assert normalise_email("  Ärger@Example.COM ") == "ärger@example.com"
    assert normalise_phone("0470 12 34 56") == "0470123456"  # national form stays national
    assert normalise_phone("+32 (470) 12-34-56") == "+32470123456"
    assert normalise_phone("+") == ""
    assert normalise_name("e\u0301lise  Durand") == "\u00e9lise Durand"  # one Unicode form, one space
    assert normalise_name("jane doe") != normalise_name("Jane Doe")  # case is kept for names
    assert normalise_plate("ab·12 cd") == "AB12CD"


def test_empty_value_and_unknown_purpose_are_refused(vault_key: Any) -> None:
    with pytest.raises(ValueError, match="nothing to pseudonymise"):
        tokenise("   ", EMAIL)
    with pytest.raises(ValueError, match="nothing to pseudonymise"):
        tokenise("no digits here", PHONE)
    with pytest.raises(ValueError, match=r"Unknown vault purpose 'requests\.mail'"):
        tokenise("jane@example.org", "requests.mail")
    assert not VaultEntry.objects.exists()


def test_the_database_never_holds_the_value_in_clear(vault_key: Any) -> None:
    value = "jane.doe@example.org"
    token = tokenise(value, EMAIL)
    row = raw_row(token)
    stored = b"".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row.values())
    assert value.encode() not in stored
    assert b"jane" not in stored
    assert len(bytes(row["nonce"])) == 12  # a 96-bit nonce
    assert len(bytes(row["ciphertext"])) == len(value) + 16  # the value plus GCM's 16-byte tag
    assert row["key_id"] == vault_key.id
    assert re.fullmatch(r"[0-9a-f]{64}", row["lookup"])  # a keyed hash, not the value


def test_each_encryption_uses_a_fresh_nonce(vault_key: Any) -> None:
    nonces = {bytes(raw_row(tokenise(f"person{n}@example.org", EMAIL))["nonce"]) for n in range(20)}
    assert len(nonces) == 20


def test_an_altered_ciphertext_is_detected(vault_key: Any, dpo: Any) -> None:
    token = tokenise("jane.doe@example.org", EMAIL)
    altered = bytearray(bytes(raw_row(token)["ciphertext"]))
    altered[0] ^= 1
    run_sql("UPDATE compliance_vaultentry SET ciphertext = %s WHERE token = %s", [bytes(altered), token])
    with pytest.raises(VaultIntegrityError, match=f"The vault entry {token} does not decrypt: its stored data was"):
        reidentify(token, actor=dpo, reason="Checking tampering")


def test_ciphertexts_swapped_between_rows_do_not_decrypt(vault_key: Any, dpo: Any) -> None:
    jane = tokenise("jane.doe@example.org", EMAIL)
    john = tokenise("john.roe@example.org", EMAIL)
    jane_row, john_row = raw_row(jane), raw_row(john)
    for token, row in ((jane, john_row), (john, jane_row)):
        run_sql(
            "UPDATE compliance_vaultentry SET nonce = %s, ciphertext = %s WHERE token = %s",
            [bytes(row["nonce"]), bytes(row["ciphertext"]), token],
        )
    for token in (jane, john):
        with pytest.raises(VaultIntegrityError, match="copied from another entry"):
            reidentify(token, actor=dpo, reason="Checking tampering")


def test_a_row_moved_to_another_purpose_does_not_decrypt(vault_key: Any, dpo: Any) -> None:
    token = tokenise("jane.doe@example.org", EMAIL)
    run_sql("UPDATE compliance_vaultentry SET purpose = %s WHERE token = %s", [STAFF_EMAIL, token])
    with pytest.raises(VaultIntegrityError):
        reidentify(token, actor=dpo, reason="Checking tampering")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_transactions_create_one_token(vault_key: Any) -> None:
    """Two transactions tokenise the same person at once: the second waits for the first's
    row (the unique lookup index) and then returns the first's token."""
    first_wrote = threading.Event()
    tokens: dict[str, str] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                tokens["first"] = tokenise("jane.doe@example.org", EMAIL)
                first_wrote.set()
                time.sleep(0.5)  # still uncommitted while the second transaction tries
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)
        finally:
            first_wrote.set()
            connection.close()

    def second() -> None:
        first_wrote.wait(timeout=30)
        try:
            with transaction.atomic():
                tokens["second"] = tokenise(" Jane.Doe@example.org", EMAIL)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert tokens["first"] == tokens["second"]
    assert VaultEntry.objects.count() == 1
