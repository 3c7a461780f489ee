"""leads.first_response_business_seconds (speed to lead in business hours) and leads.phone_ext

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:30:00

A Friday-evening inquiry answered on Monday at 09:03 waited three minutes, not sixty hours. The
wait is computed once, by core.business_hours.business_seconds_between, when the first response
is recorded, and stored on the lead so reports can aggregate it in SQL. This migration fills it
for leads answered before it, with the workspace's business hours as they are now.

The phone's extension ("x12") gets its own column, so the number itself stays the key imports
match people on.

Plain ADD COLUMNs (no batch mode): on SQLite a batch copy of `leads` would drop the hand-made
search and status-count triggers.
"""

from datetime import datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

from repdesk.core.business_hours import BusinessHours, business_seconds_between
from repdesk.store.types import JSONValue, UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The settings' defaults when this migration was written (a migration is history: frozen here).
_DEFAULTS = {"business_start": "09:00", "business_end": "17:00", "workdays": [0, 1, 2, 3, 4]}
_CHUNK = 5000


def upgrade() -> None:
    op.add_column("leads", sa.Column("first_response_business_seconds", sa.Integer(), nullable=True))
    op.add_column(
        "leads", sa.Column("phone_ext", sa.String(20), nullable=False, server_default="")
    )
    bind = op.get_bind()
    hours = _hours(bind)
    leads = sa.table(
        "leads",
        sa.column("id", sa.Integer()),
        sa.column("received_at", UTCDateTime()),
        sa.column("first_response_at", UTCDateTime()),
        sa.column("first_response_business_seconds", sa.Integer()),
    )
    rows = bind.execute(
        sa.select(leads.c.id, leads.c.received_at, leads.c.first_response_at)
        .where(leads.c.first_response_at.is_not(None))
        .order_by(leads.c.id)
    ).all()
    update = (
        sa.update(leads)
        .where(leads.c.id == sa.bindparam("lead_id"))
        .values(first_response_business_seconds=sa.bindparam("seconds"))
    )
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        bind.execute(
            update,
            [
                {"lead_id": i, "seconds": business_seconds_between(r, f, hours)}
                for i, r, f in chunk
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("leads", recreate="never") as batch:
        batch.drop_column("phone_ext")
        batch.drop_column("first_response_business_seconds")


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
