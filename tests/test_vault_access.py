"""Re-identification and crypto-shredding: who may, what the access log records, and
what is left of an erased identity."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template

from compliance.access_log import verify_chain
from compliance.models import AccessEvent, VaultEntry
from compliance.vault import VaultEntryErased, VaultEntryNotFound, forget, reidentify, tokenise
from tests.support.vault import EMAIL, raw_row

pytestmark = pytest.mark.django_db


def vault_events() -> list[tuple[str, str, str, str]]:
    return [
        (event.actor_username, event.action, event.target_id, event.reason)
        for event in AccessEvent.objects.filter(target_type="compliance.vaultentry").order_by("seq")
    ]


def test_only_the_dpo_role_may_reidentify_or_forget(dpo: Any, handler: Any, admin_role: Any, auditor: Any) -> None:
    assert dpo.has_perm("compliance.reidentify_person")
    assert dpo.has_perm("compliance.forget_person")
    for user in (handler, admin_role, auditor):
        assert not user.has_perm("compliance.reidentify_person")
        assert not user.has_perm("compliance.forget_person")


def test_the_dpo_reidentifies_with_a_reason_and_it_is_logged(vault_key: Any, dpo: Any) -> None:
    token = tokenise("Jane.Doe@example.org", EMAIL)
    assert vault_events() == []  # creating a pseudonym discloses nothing
    value = reidentify(token.lower(), actor=dpo, reason="DSAR 2026-014: send the response", ip="192.0.2.7")
    assert value == "jane.doe@example.org"
    assert vault_events() == [("dora-dpo", "vault.reidentify", token, "DSAR 2026-014: send the response")]
    assert AccessEvent.objects.get(action="vault.reidentify").ip == "192.0.2.7"
    assert verify_chain().intact


def test_reidentifying_without_the_permission_is_refused_and_logged(vault_key: Any, handler: Any) -> None:
    token = tokenise("jane.doe@example.org", EMAIL)
    with pytest.raises(PermissionDenied):
        reidentify(token, actor=handler, reason="Curious")
    assert vault_events() == [("hans-handler", "vault.reidentify.refused", token, "Curious")]


def test_a_refusal_does_not_reveal_whether_a_token_exists(vault_key: Any, handler: Any) -> None:
    with pytest.raises(PermissionDenied):
        reidentify("P-0000-0000", actor=handler, reason="Guessing")
    assert vault_events() == [("hans-handler", "vault.reidentify.refused", "P-0000-0000", "Guessing")]


def test_an_empty_reason_is_refused(vault_key: Any, dpo: Any) -> None:
    token = tokenise("jane.doe@example.org", EMAIL)
    with pytest.raises(ValueError, match="Give the reason"):
        reidentify(token, actor=dpo, reason="   ")
    with pytest.raises(ValueError, match="Give the reason"):
        forget(token, actor=dpo, reason="")
    assert vault_events() == []


def test_an_unknown_token_is_reported(vault_key: Any, dpo: Any, handler: Any) -> None:
    with pytest.raises(VaultEntryNotFound, match="There is no pseudonym P-ZZZZ-ZZZZ in the vault"):
        reidentify("P-ZZZZ-ZZZZ", actor=dpo, reason="Checking")
    for typed in ("jane.doe@example.org", "P-" + "X" * 80):  # what can never be a token
        for actor in (dpo, handler):
            with pytest.raises(VaultEntryNotFound):
                reidentify(typed, actor=actor, reason="Checking")
    assert vault_events() == []


def test_forgetting_shreds_the_identity_for_good(vault_key: Any, dpo: Any) -> None:
    token = tokenise("jane.doe@example.org", EMAIL)
    entry = forget(token, actor=dpo, reason="Erasure request DSAR 2026-020")
    assert entry.is_erased and entry.erased_by == "dora-dpo"
    # The tombstone keeps the token, the time and the actor, and nothing derived from the value.
    row = raw_row(token)
    assert row["lookup"] is None and row["nonce"] is None and row["ciphertext"] is None and row["key_id"] == ""
    with pytest.raises(VaultEntryErased, match=f"The identity behind {token} was erased on .* by dora-dpo"):
        reidentify(token, actor=dpo, reason="Trying after erasure")
    # The same person, met again, is a new pseudonym that cannot be linked to the old one.
    again = tokenise("jane.doe@example.org", EMAIL)
    assert again != token
    assert reidentify(again, actor=dpo, reason="New request") == "jane.doe@example.org"
    assert vault_events() == [
        ("dora-dpo", "vault.forget", token, "Erasure request DSAR 2026-020"),
        ("dora-dpo", "vault.reidentify", again, "New request"),
    ]


def test_forgetting_twice_changes_nothing(vault_key: Any, dpo: Any) -> None:
    token = tokenise("jane.doe@example.org", EMAIL)
    first = forget(token, actor=dpo, reason="Erasure")
    second = forget(token, actor=dpo, reason="Erasure again")
    assert second.erased_at == first.erased_at
    assert [action for _user, action, _token, _reason in vault_events()] == ["vault.forget"]


def test_the_system_may_forget_for_retention(vault_key: Any) -> None:
    token = tokenise("jane.doe@example.org", EMAIL)
    forget(token, actor=None, reason="Retention period ended")
    assert VaultEntry.objects.get(pk=token).erased_by == "system"
    assert vault_events() == [("system", "vault.forget", token, "Retention period ended")]


def test_forgetting_without_the_permission_is_refused_and_logged(vault_key: Any, dpo: Any, handler: Any) -> None:
    token = tokenise("jane.doe@example.org", EMAIL)
    with pytest.raises(PermissionDenied):
        forget(token, actor=handler, reason="Tidying up")
    assert reidentify(token, actor=dpo, reason="Still there?") == "jane.doe@example.org"
    assert [action for _user, action, _token, _reason in vault_events()] == ["vault.forget.refused", "vault.reidentify"]


def test_pages_show_the_pseudonym_not_the_person(vault_key: Any) -> None:
    token = tokenise("jane.doe@example.org", EMAIL)
    template = Template("{% load pseudonyms %}{{ token|pseudonym }}|{{ missing|pseudonym }}")
    html = template.render(Context({"token": token, "missing": ""}))
    assert '<span class="pseudonym" title="Pseudonym.' in html and f">{token}</span>" in html
    assert '<span class="pseudonym pseudonym-none">none</span>' in html
    assert "jane" not in html
