from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from compliance.access_log import record_access, verify_chain
from compliance.models import AccessEvent, Organisation
from compliance.models.access_log import AppendOnlyError
from tests.conftest import database_env


def write_entries(actor: Any, count: int) -> list[AccessEvent]:
    target = Organisation.current()
    return [
        record_access(actor=actor, action="view", target=target, reason=f"reason {i}", ip="192.0.2.7")
        for i in range(count)
    ]


def run_sql(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_entries_form_a_chain(dpo: Any) -> None:
    first, second = write_entries(dpo, 2)
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert first.actor_username == dpo.username
    assert first.target_type == "compliance.organisation"
    assert verify_chain().intact


@pytest.mark.django_db
def test_system_actor_is_named_system() -> None:
    event = record_access(actor=None, action="sweep", target=Organisation.current(), reason="scheduled")
    assert event.actor_username == "system"
    assert event.actor_id is None


@pytest.mark.django_db
def test_orm_cannot_change_or_delete_entries(dpo: Any) -> None:
    (event,) = write_entries(dpo, 1)
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(reason="edited")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    event.reason = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AccessEvent.objects.get().reason == "reason 0"


@pytest.mark.django_db
def test_verify_command_passes_on_intact_log(dpo: Any, capsys: Any) -> None:
    write_entries(dpo, 3)
    call_command("verify_access_log")
    assert "intact: 3 entries" in capsys.readouterr().out


@pytest.mark.django_db
def test_row_altered_by_raw_sql_is_named(dpo: Any) -> None:
    write_entries(dpo, 4)
    run_sql("UPDATE compliance_accessevent SET reason = %s WHERE seq = %s", ["nothing to see", 3])
    with pytest.raises(CommandError, match=r"entry #3: its content does not match its hash") as error:
        call_command("verify_access_log")
    assert error.value.returncode == 1


@pytest.mark.django_db
def test_row_removed_from_the_middle_is_named(dpo: Any) -> None:
    write_entries(dpo, 4)
    run_sql("DELETE FROM compliance_accessevent WHERE seq = %s", [2])
    with pytest.raises(CommandError, match=r"entry #2: missing"):
        call_command("verify_access_log")


@pytest.mark.django_db
def test_last_row_removed_is_noticed(dpo: Any) -> None:
    write_entries(dpo, 3)
    run_sql("DELETE FROM compliance_accessevent WHERE seq = %s", [3])
    with pytest.raises(CommandError, match=r"entry #3: the log ends at entry #2"):
        call_command("verify_access_log")


@pytest.mark.django_db
def test_row_replaced_with_forged_hash_is_noticed(dpo: Any) -> None:
    """An attacker who recomputes the altered row's own hash still breaks the next link."""
    write_entries(dpo, 3)
    event = AccessEvent.objects.get(seq=2)
    event.reason = "forged"
    from compliance.access_log import entry_hash

    forged = entry_hash(event)
    run_sql("UPDATE compliance_accessevent SET reason = %s, hash = %s WHERE seq = %s", ["forged", forged, 2])
    with pytest.raises(CommandError, match=r"entry #3: does not link"):
        call_command("verify_access_log")


@pytest.mark.django_db
def test_row_inserted_is_noticed(dpo: Any) -> None:
    _first, second = write_entries(dpo, 2)
    # Shift the second entry up and slip a new one in between.
    run_sql(
        "INSERT INTO compliance_accessevent (seq, timestamp, actor_id, actor_username, action, target_type,"
        " target_id, reason, ip, prev_hash, hash) VALUES (%s, %s, NULL, 'x', 'view', 'a.b', '1', '', NULL, %s, %s)",
        [3, second.timestamp, "f" * 64, "e" * 64],
    )
    with pytest.raises(CommandError, match=r"entry #3"):
        call_command("verify_access_log")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_command_exits_1_naming_the_entry(dpo: Any) -> None:
    write_entries(dpo, 3)
    run_sql("UPDATE compliance_accessevent SET action = %s WHERE seq = %s", ["download", 2])
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_access_log"],
        env=database_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "entry #2" in result.stderr


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_do_not_fork_the_chain(dpo: Any) -> None:
    target = Organisation.current()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                record_access(actor=None, action="view", target=target, reason=f"writer {n} #{i}")
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    report = verify_chain()
    assert report.intact, report.problem
    assert report.entries_checked == 60
    assert list(AccessEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 61))


@pytest.mark.django_db
def test_access_log_page_filters_by_user_object_and_date(client: Any, dpo: Any, handler: Any) -> None:
    target = Organisation.current()
    record_access(actor=dpo, action="view", target=target, reason="dpo looked")
    record_access(actor=handler, action="download", target=handler, reason="handler looked")
    client.force_login(dpo)
    page = client.get(reverse("access_log"), {"user": handler.username}).content.decode()
    assert "handler looked" in page
    assert "dpo looked" not in page
    page = client.get(reverse("access_log"), {"target_type": "compliance.organisation"}).content.decode()
    assert "dpo looked" in page
    assert "handler looked" not in page
    page = client.get(reverse("access_log"), {"date_from": "2001-01-01", "date_to": "2001-01-02"}).content.decode()
    assert "No entries match" in page


@pytest.mark.django_db
def test_access_log_page_shows_times_in_organisation_zone(client: Any, dpo: Any) -> None:
    organisation = Organisation.current()
    organisation.time_zone = "Asia/Tokyo"
    organisation.save()
    record_access(actor=dpo, action="view", target=organisation, reason="zone check")
    client.force_login(dpo)
    assert "JST" in client.get(reverse("access_log")).content.decode()


@pytest.mark.django_db
def test_admin_cannot_edit_entries(client: Any, admin_role: Any, dpo: Any) -> None:
    (event,) = write_entries(dpo, 1)
    admin_role.is_superuser = True
    admin_role.save()
    client.force_login(admin_role)
    url = reverse("admin:compliance_accessevent_change", args=[event.pk])
    client.post(url, {"reason": "edited"})
    client.post(reverse("admin:compliance_accessevent_delete", args=[event.pk]), {"post": "yes"})
    assert AccessEvent.objects.get(pk=event.pk).reason == "reason 0"
