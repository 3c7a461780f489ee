"""CalDAV push against a real Radicale server: creations, updates (SEQUENCE) and cancellations,
keyring-only password."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import keyring.backend
import pytest
from sqlalchemy import select

from repdesk.app import Workspace
from repdesk.core.calendar_uids import follow_up_uid
from repdesk.core.domain import LeadStatus
from repdesk.services.calendar.caldav_sync import CalDavSync
from repdesk.services.common.errors import UserError
from repdesk.services.settings.secrets import SecretStore, SecretsUnavailable, usable_backend
from repdesk.store.models import FollowUpRecord, LeadRecord, SettingRecord
from tests.fixtures.workspace import FakeClock


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring in memory: stands in for the system one where the test is not about the keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def caldav_sync(ws: Workspace, secrets: SecretStore) -> CalDavSync:
    """The workspace's sync with another keyring (the services take theirs from the root)."""
    return CalDavSync(ws.sessions, ws.clock, ws.settings, secrets, ws.services.calendar)


def add_leads(ws: Workspace, count: int = 3) -> list[int]:
    now = ws.clock()
    ids = []
    with ws.sessions.begin() as session:
        for i in range(count):
            lead = LeadRecord(
                first_name=f"Lead{i}",
                last_name="Test",
                company=f"Co {i}",
                phone=f"+1555010{i:04d}",
                status="new",
                received_at=now,
                created_at=now,
                updated_at=now,
                extra={},
                edited_fields=[],
            )
            session.add(lead)
            session.flush()
            ws.followups.planner.sync(session, lead, now)
            ids.append(lead.id)
    return ids


def pending(ws: Workspace, lead_id: int) -> FollowUpRecord:
    with ws.sessions() as session:
        return session.scalars(
            select(FollowUpRecord).where(
                FollowUpRecord.lead_id == lead_id, FollowUpRecord.status == "pending"
            )
        ).one()


def uid_of(ws: Workspace, record: FollowUpRecord) -> str:
    return follow_up_uid(record.id, str(ws.settings.get("workspace_id")), record.legacy_uid)


def server_events(url: str) -> dict[str, Any]:
    """UID → VEVENT, read with the caldav client straight from the server."""
    import caldav

    client = caldav.DAVClient(url=url, username="rep", password="secret")
    [calendar] = client.principal().calendars()
    found = {}
    for obj in calendar.events():
        for event in obj.icalendar_instance.walk("VEVENT"):
            found[str(event["UID"])] = event
    return found


@pytest.mark.integration
def test_push_creates_updates_and_cancels_on_radicale(
    workspace: Workspace, clock: FakeClock, radicale_url: str
) -> None:
    ids = add_leads(workspace)
    keyring_ = MemoryKeyring()
    sync = caldav_sync(workspace, SecretStore(keyring_))
    sync.configure(radicale_url, "rep", "secret")
    assert "holds 0 events" in sync.test_connection()
    first = sync.push()
    assert (first.created, first.updated, first.cancelled) == (3, 0, 0)
    events = server_events(radicale_url)
    one, two, three = (pending(workspace, i) for i in ids)
    assert set(events) == {uid_of(workspace, one), uid_of(workspace, two), uid_of(workspace, three)}
    assert str(events[uid_of(workspace, one)]["SUMMARY"]) == "Call Lead0 Test (Co 0)"
    assert int(events[uid_of(workspace, one)]["SEQUENCE"]) == one.sequence

    clock.now += timedelta(hours=1)
    workspace.followups.move(one.id, one.due_at + timedelta(days=1))
    workspace.leads.set_status(ids[1], LeadStatus.LOST)  # its step is cancelled
    workspace.followups.complete(three.id, outcome="no_answer")  # done; the next step is new
    second = sync.push()
    assert (second.created, second.updated, second.cancelled, second.unchanged) == (1, 1, 2, 0)
    events = server_events(radicale_url)
    assert (
        uid_of(workspace, one) in events
        and uid_of(workspace, two) not in events
        and uid_of(workspace, three) not in events
    )
    assert int(events[uid_of(workspace, one)]["SEQUENCE"]) == one.sequence + 1
    assert events[uid_of(workspace, one)]["DTSTART"].dt == one.due_at + timedelta(days=1)
    assert uid_of(workspace, pending(workspace, ids[2])) in events
    again = sync.push()
    assert (again.created, again.updated, again.cancelled, again.unchanged) == (0, 0, 0, 2)
    # The password never reaches the database.
    with workspace.sessions() as session:
        stored = [str(v) for v in session.scalars(select(SettingRecord.value))]
    assert not any("secret" in v for v in stored)
    assert keyring_.store == {("repdesk", f"caldav:{radicale_url}:rep"): "secret"}


@pytest.mark.integration
def test_unreachable_server_is_one_sentence(workspace: Workspace, radicale_url: str) -> None:
    sync = caldav_sync(workspace, SecretStore(MemoryKeyring()))
    sync.configure("http://127.0.0.1:9/", "rep", "x")
    with pytest.raises(UserError) as error:
        sync.push()
    assert str(error.value).startswith(
        "The CalDAV server at http://127.0.0.1:9/ could not be reached"
    )


def test_settings_needed_and_bad_address(workspace: Workspace) -> None:
    sync = caldav_sync(workspace, SecretStore(MemoryKeyring()))
    with pytest.raises(UserError, match="Set the CalDAV address"):
        sync.push()
    with pytest.raises(UserError, match="must start with https://"):
        sync.configure("cloud.example.com", "rep", "pw")


def test_no_keyring_backend_refuses_to_store(workspace: Workspace) -> None:
    from keyring.backends import fail

    sync = caldav_sync(workspace, SecretStore(fail.Keyring()))
    with pytest.raises(SecretsUnavailable):
        sync.configure("https://cloud.example.com/dav/", "rep", "pw")
    assert workspace.settings.get("caldav_url") == ""


@pytest.mark.integration
def test_real_keyring_round_trip(workspace: Workspace, radicale_url: str) -> None:
    """With the system Secret Service (scripts/with-keyring), the push reads the password from
    it."""
    store = SecretStore()
    if not usable_backend(store.backend):
        pytest.skip("no system keyring here; run under scripts/with-keyring")
    add_leads(workspace, 1)
    sync = caldav_sync(workspace, store)
    sync.configure(radicale_url, "rep", "secret")
    try:
        assert sync.push().created == 1
    finally:
        sync.forget_password()
