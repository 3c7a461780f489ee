"""The floors of bench_scale.py, each a program of raw sqlite3 (run as `python scale_floors.py NAME
DB [OUT]`, so its time and peak RSS are a process's, like the repdesk command it is the floor of).

- json_followups / json_leads: a cursor over the same rows, each written as the same JSON object,
  the same bytes as `repdesk followups --due today --json` / `repdesk leads --json`;
- ics: every pending step as a VEVENT by plain f-strings (no escaping, folding or lookups);
- report: the all-time report's aggregates as raw SQL (the same figures `report --json` prints);
- month_counts_floor: pending steps per local day of the calendar's grid by one GROUP BY.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _iso(micros: int | None) -> str | None:
    return None if micros is None else (EPOCH + timedelta(microseconds=micros)).isoformat()


def _stream(rows: object) -> None:
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    write = sys.stdout.write
    separator = "[\n"
    for item in rows:  # type: ignore[attr-defined]
        write(separator)
        write(encode(item))
        separator = ",\n"
    write("[]\n" if separator == "[\n" else "\n]\n")


def _end_of_today() -> int:
    local = datetime.now().astimezone()
    end = datetime.combine(local.date() + timedelta(days=1), time.min, local.tzinfo)
    return int(end.timestamp()) * 1_000_000


def json_followups(con: sqlite3.Connection) -> None:
    rows = con.execute(
        "SELECT id, lead_id, due_at, kind, note, status FROM follow_ups "
        "WHERE status = 'pending' AND due_at < ? ORDER BY due_at, id",
        (_end_of_today(),),
    )
    _stream(
        {"id": i, "lead_id": lead, "due_at": _iso(due), "kind": kind, "note": note, "status": s}
        for i, lead, due, kind, note, s in rows
    )


#: LeadSummary's fields in their order, which `leads --json` keeps.
_LEAD_KEYS = (
    "id", "first_name", "last_name", "company", "title", "email", "phone", "source", "product",
    "status", "owner", "received_at", "first_response_at", "next_follow_up_at", "notes",
    "verdict", "score", "journey_stage", "do_not_contact", "phone_ext", "replied_at",
    "form_verdict", "form_note", "is_contact",
)  # fmt: skip


def json_leads(con: sqlite3.Connection) -> None:
    rows = con.execute(
        "SELECT l.id, l.first_name, l.last_name, l.company, l.title, l.email, l.phone, l.source, "
        "l.product, l.status, r.name, l.received_at, l.first_response_at, l.next_follow_up_at, "
        "l.notes, l.verdict, l.score, l.journey_stage, l.do_not_contact, l.phone_ext, "
        "l.replied_at, l.form_verdict, l.form_note, l.is_contact, l.tags, l.message, l.extra, "
        "l.phones FROM leads AS l "
        "LEFT JOIN reps AS r ON l.owner_id = r.id ORDER BY l.received_at DESC, l.id DESC"
    )

    width = len(_LEAD_KEYS)
    loads = json.loads

    def lead(row: tuple) -> dict:  # type: ignore[type-arg]
        data = dict(zip(_LEAD_KEYS, row[:width], strict=True))
        for key in ("received_at", "first_response_at", "next_follow_up_at", "replied_at"):
            data[key] = _iso(data[key])
        data["do_not_contact"] = bool(data["do_not_contact"])
        data["is_contact"] = bool(data["is_contact"])
        data["name"] = f"{data['first_name']} {data['last_name']}".strip()
        # What an import kept of the lead, as `leads --json` adds it (the JSON columns parsed).
        tags, message, extra, phones = row[width:]
        data["tags"] = tags or ""
        data["message"] = message
        data["extra"] = loads(extra) if extra else {}
        data["phones"] = loads(phones) if phones else []
        return data

    _stream(lead(row) for row in rows)


def ics(con: sqlite3.Connection, out: Path) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    fmt = "%Y%m%dT%H%M%SZ"
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//repdesk//repdesk 0.1//EN\r\n"
            "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:repdesk follow-ups\r\n"
        )
        for fid, due, kind, note, seq, updated, first, last, company, phone, email in con.execute(
            "SELECT f.id, f.due_at, f.kind, f.note, f.sequence, f.updated_at, l.first_name, "
            "l.last_name, l.company, l.phone, l.email FROM follow_ups AS f "
            "JOIN leads AS l ON l.id = f.lead_id WHERE f.status = 'pending' ORDER BY f.due_at, f.id"
        ):
            start = EPOCH + timedelta(microseconds=due)
            handle.write(
                f"BEGIN:VEVENT\r\nUID:followup-{fid}@repdesk\r\nSEQUENCE:{seq}\r\n"
                f"DTSTAMP:{stamp}\r\nDTSTART:{start:{fmt}}\r\n"
                f"DTEND:{start + timedelta(minutes=15):{fmt}}\r\n"
                f"SUMMARY:{kind.capitalize()} {first} {last} ({company})\r\n"
                f"DESCRIPTION:Phone: {phone}\\nEmail: {email}\\nCompany: {company}"
                f"\\nAsk: {note}\r\n"
                f"LOCATION:tel:{phone}\r\nURL:tel:{phone}\r\n"
                f"LAST-MODIFIED:{EPOCH + timedelta(microseconds=updated):{fmt}}\r\n"
                f"STATUS:CONFIRMED\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:{kind}\r\n"
                "TRIGGER:-PT10M\r\nEND:VALARM\r\nEND:VEVENT\r\n"
            )
        handle.write("END:VCALENDAR\r\n")


_DELAY = "coalesce(first_response_business_seconds, 0) * 1000000"  # the stored business wait
MIN = 60_000_000


def report(con: sqlite3.Connection) -> dict:  # type: ignore[type-arg]
    """The all-time report's aggregates, as raw SQL over every lead."""
    target = 5
    answered = "first_response_at IS NOT NULL"
    bounds = [target * MIN, 60 * MIN, 1440 * MIN, 10080 * MIN]
    sums = [f"sum({answered} AND {_DELAY} <= {b})" for b in (target * MIN, 60 * MIN, 1440 * MIN)]
    buckets = [
        f"sum({answered} AND {_DELAY} <= {b}" + (f" AND {_DELAY} > {bounds[i - 1]})" if i else ")")
        for i, b in enumerate(bounds)
    ]
    speed = con.execute(
        f"SELECT count(*), count(first_response_at), {', '.join(sums + buckets)}, "
        f"sum({answered} AND {_DELAY} > {bounds[-1]}) FROM leads"
    ).fetchone()
    n = speed[1]
    middle = [
        d
        for (d,) in con.execute(
            f"SELECT {_DELAY} FROM leads WHERE {answered} ORDER BY 1 LIMIT ? OFFSET ?",
            (2 - n % 2, (n - 1) // 2),
        )
    ]
    attempts = con.execute(
        "SELECT attempts, count(*) FROM (SELECT min(CASE WHEN connected THEN n END) - 1 AS "
        "attempts FROM (SELECT lead_id, outcome = 'connected' AS connected, row_number() OVER "
        "(PARTITION BY lead_id ORDER BY occurred_at, id) AS n FROM activities WHERE kind = 'call')"
        " GROUP BY lead_id) GROUP BY attempts"
    ).fetchall()
    funnel = con.execute("SELECT status, verdict, count(*) FROM leads GROUP BY 1, 2").fetchall()
    groups = [
        con.execute(f"SELECT {g}, status, verdict, count(*) FROM leads GROUP BY 1, 2, 3").fetchall()
        for g in ("source", "product")
    ]
    journey = con.execute(
        "SELECT journey_stage, count(*) FROM leads WHERE status NOT IN ('won', 'lost') GROUP BY 1"
    ).fetchall()
    open_ = "status IN ('new', 'contacted', 'qualified', 'nurture', 'not_a_fit')"
    now = int(datetime.now(UTC).timestamp()) * 1_000_000
    coverage = [
        con.execute(f"SELECT sum(leads) FROM lead_status_counts WHERE {open_}").fetchone(),
        *(
            con.execute(f"SELECT count(*) FROM leads WHERE {where} AND {open_}").fetchone()
            for where in (
                "do_not_contact IS 1",
                "next_follow_up_at IS NOT NULL",
                "do_not_contact IS 1 AND next_follow_up_at IS NOT NULL",
                f"next_follow_up_at < {now}",
                f"do_not_contact IS 1 AND next_follow_up_at < {now}",
            )
        ),
    ]
    reps = con.execute(
        "SELECT id, name, monthly_capacity, active FROM reps ORDER BY name"
    ).fetchall()
    return {
        "speed": speed, "median": middle, "attempts": attempts, "funnel": funnel,
        "groups": groups, "journey": journey, "coverage": coverage, "reps": reps,
    }  # fmt: skip


def month_counts_floor(db: Path, first: date, last: date) -> dict[date, tuple[int, int]]:
    """(pending, overdue) per local day by one raw GROUP BY (the zone's offsets in the range as
    constants, like the app's query)."""
    from sqlalchemy.dialects import sqlite

    from repdesk.services.followups.step_queries import local_offset

    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(last + timedelta(days=1), time.min, zone)
    offset = str(
        local_offset(start, end, zone).compile(
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    now = int(datetime.now(UTC).timestamp() * 1_000_000)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        f"SELECT (due_at + {offset}) / 86400000000 AS day, count(*), sum(due_at < ?) "
        "FROM follow_ups WHERE status = 'pending' AND due_at >= ? AND due_at < ? GROUP BY day",
        (now, int(start.timestamp()) * 1_000_000, int(end.timestamp()) * 1_000_000),
    ).fetchall()
    con.close()
    return {date(1970, 1, 1) + timedelta(days=d): (n, overdue) for d, n, overdue in rows}


if __name__ == "__main__":
    name, database = sys.argv[1], Path(sys.argv[2])
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    if name == "json_followups":
        json_followups(connection)
    elif name == "json_leads":
        json_leads(connection)
    elif name == "ics":
        ics(connection, Path(sys.argv[3]))
    elif name == "report":
        report(connection)
    else:
        raise SystemExit(f"unknown floor {name!r}")
