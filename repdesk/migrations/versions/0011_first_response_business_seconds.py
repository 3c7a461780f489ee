"""leads.first_response_business_seconds: speed to lead in business hours

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 03:30:00

A Friday-evening inquiry answered on Monday at 09:03 waited three minutes, not sixty hours. The
wait is computed once, by core.business_hours.business_seconds_between, when the first response
is recorded, and stored on the lead so reports can aggregate it in SQL. This migration fills it
for leads answered before it, with the workspace's business hours as they are now.

Times are integers of UTC epoch microseconds, as every time column since 0009 (store.times); the
answered leads are read in id ranges, so memory stays flat on a big file.

A plain ADD COLUMN (no batch mode): on SQLite a batch copy of `leads` would drop the hand-made
search and status-count triggers.
"""

from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

from repdesk.core.business_hours import BusinessHours, business_seconds_between
from repdesk.store.types import JSONValue

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The settings' defaults when this migration was written (a migration is history: frozen here).
_DEFAULTS = {"business_start": "09:00", "business_end": "17:00", "workdays": [0, 1, 2, 3, 4]}
_CHUNK = 5000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_LEADS = sa.table(
    "leads",
    sa.column("id", sa.Integer()),
    sa.column("received_at", sa.BigInteger()),
    sa.column("first_response_at", sa.BigInteger()),
    sa.column("first_response_business_seconds", sa.Integer()),
)


def upgrade() -> None:
    op.add_column("leads", sa.Column("first_response_business_seconds", sa.Integer(), nullable=True))
    bind = op.get_bind()
    hours = _hours(bind)
    leads = _LEADS.c
    answered = leads.first_response_at.is_not(None)
    update = (
        sa.update(_LEADS)
        .where(leads.id == sa.bindparam("lead_id"))
        .values(first_response_business_seconds=sa.bindparam("seconds"))
    )
    after = -1
    while True:
        chunk = bind.execute(
            sa.select(leads.id, leads.received_at, leads.first_response_at)
            .where(answered, leads.id > after)
            .order_by(leads.id)
            .limit(_CHUNK)
        ).all()
        if not chunk:
            break
        bind.execute(
            update,
            [
                {
                    "lead_id": i,
                    "seconds": business_seconds_between(_moment(r), _moment(f), hours),
                }
                for i, r, f in chunk
            ],
        )
        after = chunk[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("leads", recreate="never") as batch:
        batch.drop_column("first_response_business_seconds")


def _moment(micros: int) -> datetime:
    """A stored time (UTC epoch microseconds) as an aware moment."""
    return _EPOCH + timedelta(microseconds=int(micros))


def _hours(bind: sa.Connection) -> BusinessHours:
    settings = sa.table("settings", sa.column("key", sa.String()), sa.column("value", JSONValue()))
    stored = dict(bind.execute(sa.select(settings.c.key, settings.c.value)).all())
    values = {key: stored.get(key, default) for key, default in _DEFAULTS.items()}
    try:
        return BusinessHours(
            start=time.fromisoformat(str(values["business_start"])),
            end=time.fromisoformat(str(values["business_end"])),
            workdays=frozenset(int(d) for d in values["workdays"]),
            tz=_zone(str(stored.get("timezone") or "")),
        )
    except ValueError:  # hours the settings page would never save: the defaults then
        return BusinessHours(time(9), time(17), frozenset(range(5)), _zone(""))


def _zone(name: str) -> tzinfo:
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    return local
