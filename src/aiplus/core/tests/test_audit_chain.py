"""The audit log is a hash chain that the database will not let anyone shorten or rewrite, and `verify_audit` names
the first broken link when someone does it behind the application's back."""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction
from django.test import RequestFactory

from aiplus.core import audit, audit_actions, services
from aiplus.core.auditchain import CHAINED_FIELDS, GENESIS, event_hash, rechain
from aiplus.core.models import AuditEvent, Organisation
from aiplus.core.models.audit import AuditAppendOnly
from aiplus.core.testing import audit_purge_allowed

# test-only audit codes of the events these tests write directly
for _name in ("json", "later", "latest", "concurrent"):
    audit_actions.register(f"test.event.{_name}", "测试事件", "test event")

TABLE = AuditEvent._meta.db_table


def verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def broken(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        verify(*args)
    return str(error.value)


def chain() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("sequence"))


def fields(event_id: int) -> dict[str, Any]:
    return AuditEvent.objects.values(*CHAINED_FIELDS).get(pk=event_id)


def settle_deferred_checks() -> None:
    """PostgreSQL refuses to ALTER or TRUNCATE a table with deferred foreign-key checks pending (the rows the test
    wrote); run them now, as a commit would."""
    if connection.vendor == "postgresql":
        connection.check_constraints()


@contextmanager
def behind_the_apps_back() -> Iterator[Any]:
    """A cursor for someone with direct access to the database: the protecting triggers off while the block runs and
    back on after it (and everything rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settle_deferred_checks()
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            yield cursor
            settle_deferred_checks()
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            saved = cursor.fetchall()
            for name, _sql in saved:
                cursor.execute(f"DROP TRIGGER {name}")
            yield cursor
            for _name, sql in saved:
                cursor.execute(sql)


@pytest.fixture
def written(world: Any) -> list[AuditEvent]:
    """The world's events and a few more service writes after them."""
    official = world.user("official")
    services.update_organisation(acting_user=official, organisation_id=world.orgs["suzhou:enterprise"].pk,
                                 address="苏州市工业园区星湖街328号")
    services.assign_role(acting_user=official, user=world.user("public"), role="official",
                         jurisdiction="suzhou-wujiang")
    services.create_api_token(acting_user=official, name="ci")
    events = chain()
    assert len(events) > 10
    return events


def test_service_writes_link_into_one_chain(written: list[AuditEvent]) -> None:
    assert [event.sequence for event in written] == list(range(1, len(written) + 1))
    assert written[0].prev_hash == GENESIS
    for before, event in itertools.pairwise(written):
        assert event.prev_hash == before.hash
    for event in written:
        assert event.hash == event_hash(fields(event.pk))
    assert len({event.hash for event in written}) == len(written)
    assert [event.action for event in written[-3:]] == [
        "core.organisation.updated", "core.role.assigned", "core.api_token.created"]
    assert written[-1].occurred_at >= written[0].occurred_at


def test_verify_audit_reports_ok_with_the_count_and_the_head(written: list[AuditEvent]) -> None:
    head = written[-1]
    assert verify().strip() == (f"OK: {len(written)} audit event(s), the chain is intact; "
                                f"head #{head.sequence}:{head.hash}")


def test_an_empty_log_verifies(db: Any) -> None:
    assert verify().strip() == "OK: 0 audit event(s), the chain is intact"


def test_json_survives_the_database_round_trip_and_verifies(db: Any) -> None:
    """Numbers, keys and text come back from jsonb (PostgreSQL) or text (SQLite) as something that hashes alike."""
    awkward = {"float": 0.1, "one": 1.0, "big": 1e20, "huge": 10**30 + 1, "negative_zero": -0.0, "tiny": 5e-324,
               "text": '苏州 "引号" \u2028 \\ /', "nested": [{"b": 2, "a": [1.5, None, True, False]}], 7: "int key",
               "empty": {}, "list": []}
    with transaction.atomic():
        event = audit.record(actor=None, action="test.event.json", object_type="test", object_id="1",
                             before=awkward, after={"value": 12345678901234567890.5})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.hash == event.hash == event_hash(fields(event.pk))
    assert "OK: 1 audit event(s)" in verify()


def test_a_row_changed_behind_the_apps_back_is_named(written: list[AuditEvent]) -> None:
    target = written[len(written) // 2]
    with behind_the_apps_back() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["forged.action", target.pk])
    message = broken()
    assert f"BROKEN: event id {target.pk} (#{target.sequence}): content changed" in message
    assert f"({target.sequence - 1} event(s) before it verified)" in message
    assert "UNPROTECTED" not in message


def test_a_row_changed_and_rehashed_is_caught_at_the_next_link(written: list[AuditEvent]) -> None:
    target, following = written[4], written[5]
    forged = {**fields(target.pk), "after": {"is_superuser": True}}
    with behind_the_apps_back() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET after = %s, hash = %s WHERE id = %s",
                       ['{"is_superuser": true}', event_hash(forged), target.pk])
    assert event_hash(fields(target.pk)) == AuditEvent.objects.get(pk=target.pk).hash  # the forged row is coherent
    message = broken()
    assert f"event id {following.pk} (#{following.sequence}): wrong prev_hash" in message
    assert f"but event id {target.pk} (#{target.sequence}) has hash" in message


def test_a_row_deleted_behind_the_apps_back_leaves_a_named_gap(written: list[AuditEvent]) -> None:
    before, gone, after = written[6], written[7], written[8]
    with behind_the_apps_back() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [gone.pk])
    assert AuditEvent.objects.filter(pk=gone.pk).count() == 0
    assert (f"event id {after.pk} (#{after.sequence}): gap: event #{gone.sequence} is missing after event id "
            f"{before.pk} (#{before.sequence}) (deleted)") in broken()


def test_deleting_the_first_events_is_a_gap_at_the_start(written: list[AuditEvent]) -> None:
    with behind_the_apps_back() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE sequence <= 3")
    assert f"event id {written[3].pk} (#4): gap: event #1–#3 is missing at the start of the log" in broken()


def test_an_anchor_catches_events_deleted_from_the_end(written: list[AuditEvent]) -> None:
    early_head = re.search(r"head (#\d+:[0-9a-f]{64})", verify()).group(1)
    with transaction.atomic():
        audit.record(actor=None, action="test.event.later", object_type="test")
        audit.record(actor=None, action="test.event.latest", object_type="test")
    late_head = re.search(r"head (#\d+:[0-9a-f]{64})", verify()).group(1)
    assert "OK" in verify("--anchor", early_head)
    with behind_the_apps_back() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE action IN ('test.event.later', 'test.event.latest')")
    # The shortened chain is still a valid chain: only a head kept outside the database shows what is gone.
    assert "OK" in verify()
    assert f"anchor #{len(written) + 2} is not in the log, which ends at #{len(written)}" in broken(
        "--anchor", late_head)
    sequence = early_head.split(":")[0]
    assert "does not have the anchor's hash" in broken("--anchor", f"{sequence}:{'0' * 64}")


def test_the_database_refuses_delete_and_truncate(written: list[AuditEvent]) -> None:
    count = len(written)
    first = written[0]
    attempts = [
        lambda cursor: cursor.execute(f"DELETE FROM {TABLE}"),
        lambda cursor: cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [first.pk]),
    ]
    if connection.vendor == "postgresql":
        attempts.append(lambda cursor: cursor.execute(f"TRUNCATE {TABLE}"))
        attempts.append(lambda cursor: cursor.execute(f"TRUNCATE {TABLE} CASCADE"))
        settle_deferred_checks()
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            attempt(cursor)
    # The ORM's own delete paths, past the model's guard, end in the same refusal.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.QuerySet.delete(AuditEvent.objects.all())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk)._raw_delete(connection.alias)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.Model.delete(first)
    assert AuditEvent.objects.count() == count
    assert "OK" in verify()


def test_flush_is_refused_and_empties_nothing(written: list[AuditEvent]) -> None:
    counts = (AuditEvent.objects.count(), Organisation.objects.count())
    settle_deferred_checks()
    with pytest.raises(CommandError, match="couldn't be flushed") as error:
        call_command("flush", interactive=False, verbosity=0)
    assert "append-only" in str(error.value.__cause__)
    assert (AuditEvent.objects.count(), Organisation.objects.count()) == counts


def test_only_the_test_runners_purge_may_empty_the_table(written: list[AuditEvent]) -> None:
    """The door the test runner's flush uses (conftest.py): open only inside `audit_purge_allowed`."""
    settle_deferred_checks()
    statement = f"TRUNCATE {TABLE}" if connection.vendor == "postgresql" else f"DELETE FROM {TABLE}"
    with audit_purge_allowed(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
        assert AuditEvent.objects.count() == 0
        transaction.set_rollback(True)
    assert AuditEvent.objects.count() == len(written)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    if connection.vendor == "postgresql":
        # Row DELETE is never let through, purge or not: the flush uses TRUNCATE.
        with (pytest.raises(DatabaseError, match="append-only"), audit_purge_allowed(), transaction.atomic(),
              connection.cursor() as cursor):
            cursor.execute(f"DELETE FROM {TABLE}")


def test_the_protecting_triggers_are_installed_and_verify_names_a_missing_one(written: list[AuditEvent]) -> None:
    assert audit.missing_protections() == []
    settle_deferred_checks()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER core_auditevent_no_delete")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
    message = broken()
    assert "UNPROTECTED: trigger core_auditevent_no_delete is missing or disabled" in message
    assert "BROKEN" not in message


def test_bulk_create_is_refused_and_a_direct_create_still_joins_the_chain(written: list[AuditEvent]) -> None:
    with pytest.raises(AuditAppendOnly):
        AuditEvent.objects.bulk_create([AuditEvent(action="x", object_type="y")])
    event = AuditEvent.objects.create(action="test.direct", object_type="test")
    assert (event.sequence, event.prev_hash) == (written[-1].sequence + 1, written[-1].hash)
    assert "OK" in verify()


def test_the_migration_chains_existing_rows_as_the_application_does(written: list[AuditEvent]) -> None:
    """Migration 0008 chains the rows written before the chain existed with `rechain`, in id order."""
    names = [name for name in CHAINED_FIELDS if name not in ("sequence", "prev_hash")]
    rows = list(rechain(AuditEvent.objects.order_by("id").values("id", *names)))
    assert [(row["sequence"], row["prev_hash"], row["hash"]) for row in rows] == [
        (event.sequence, event.prev_hash, event.hash) for event in written]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so the chain lock is not exercised")
    threads, appends = 8, 6
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            for index in range(appends):
                with transaction.atomic():
                    audit.record(actor=None, action="test.event.concurrent", object_type="test",
                                 object_id=f"{number}-{index}")
                    time.sleep(0.005)  # hold the transaction open: a second appender must wait, not fork
        except BaseException as problem:
            errors.append(problem)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker, args=(number,)) for number in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    assert errors == []
    events = chain()
    assert len(events) == threads * appends
    assert [event.sequence for event in events] == list(range(1, threads * appends + 1))
    assert len({event.prev_hash for event in events}) == len(events)  # no two events link to the same one
    assert f"OK: {threads * appends} audit event(s)" in verify()


def test_core_admins_are_read_only(world: Any, client: Any) -> None:
    """Admin forms would change users, roles and organisations without a permission check or an audit event."""
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    core = {model: model_admin for model, model_admin in admin.site._registry.items()
            if model._meta.app_label == "core"}
    assert AuditEvent in core and Organisation in core
    for model, model_admin in core.items():
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
    organisation = world.orgs["suzhou:enterprise"]
    client.force_login(world.admin)
    url = f"/admin/core/organisation/{organisation.pk}/change/"
    assert client.get(url).status_code == 200  # view only
    assert client.get("/admin/core/organisation/add/").status_code == 403
    assert client.post(url, {"name": "改名"}).status_code == 403
    assert client.get(f"/admin/core/organisation/{organisation.pk}/delete/").status_code == 403
    event = AuditEvent.objects.first()
    assert client.get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.name != "改名"
