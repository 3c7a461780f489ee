"""A deterministic demo workspace: ~200 realistic leads over six weeks, no network."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.business_hours import (
    BusinessHours,
    at_local,
    business_seconds_between,
    next_business_time,
)
from repdesk.core.conditions import AnswerValue
from repdesk.core.domain import ActivityKind, CallOutcome, JourneyStage, LeadStatus
from repdesk.services.common.errors import UserError
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord, RepRecord

if TYPE_CHECKING:
    from repdesk.services.script.qualification_service import QualificationService
    from repdesk.services.workspace.services import Services

FIRST = [
    "Ava",
    "Noah",
    "Mia",
    "Liam",
    "Zoe",
    "Ethan",
    "Lena",
    "Omar",
    "Priya",
    "Hannah",
    "Luis",
    "Yuki",
    "Carlos",
    "Mei",
    "Dana",
    "Marcus",
    "Sofia",
    "Jonas",
    "Amara",
    "Felix",
    "Nora",
    "Ravi",
    "Chloe",
    "Mateo",
    "Ines",
    "Tariq",
    "Elena",
    "Hugo",
    "Maya",
    "Kofi",
    "Grace",
    "Leo",
    "Anika",
    "Diego",
    "Sara",
    "Owen",
    "Lucia",
    "Ben",
    "Aisha",
    "Tom",
]
LAST = [
    "Thompson",
    "Kim",
    "Patel",
    "Garcia",
    "Nguyen",
    "Schmidt",
    "Romero",
    "Tanaka",
    "Mendes",
    "Chen",
    "Whitfield",
    "Lee",
    "Rossi",
    "Novak",
    "Okafor",
    "Larsen",
    "Silva",
    "Haddad",
    "Müller",
    "Dubois",
    "Kowalski",
    "Brennan",
    "Ortiz",
    "Walsh",
    "Fischer",
    "Moreau",
    "Ahmed",
    "Costa",
    "Berg",
    "Lindqvist",
]
TRADES = [
    ("Bakery", "website"),
    ("HVAC", "seo"),
    ("Dental", "website"),
    ("Roofing", "seo"),
    ("Tutoring", "website"),
    ("Accounting", "seo"),
    ("Tea House", "website"),
    ("Plumbing", "seo"),
    ("Yoga Studio", "website"),
    ("Law Office", "seo"),
    ("Florist", "website"),
    ("Auto Repair", "seo"),
]
SOURCES = ["Web form", "Phone inquiry", "HubSpot", "Referral", "Trade show", "Google Ads"]
MESSAGES = [
    "Our website is broken on phones, need help fast.",
    "Looking for a quote to redo our site before spring.",
    "How much for local SEO? We don't show up on maps.",
    "Saw your ad — can you call me back this afternoon?",
    "We need online booking on our site.",
    "Just browsing prices for now.",
    "Our competitor ranks above us for everything. Can you help?",
    "Need a landing page for a campaign next month.",
]
REPS = [("Sam Ortiz", 40), ("Priya Shah", 35), ("Jordan Blake", 30)]


def demo_is_populated(sessions: sessionmaker[Session]) -> bool:
    with sessions() as session:
        return bool(session.scalar(select(func.count(LeadRecord.id))))


def populate_demo(
    sessions: sessionmaker[Session],
    now: datetime,
    hours: BusinessHours,
    *,
    count: int = 200,
    seed: int = 7,
) -> int:
    """Insert the demo leads, reps and activities; the same seed and clock give the same data."""
    rng = random.Random(seed)
    with sessions.begin() as session:
        rep_ids = []
        for name, capacity in REPS:
            rep = RepRecord(
                name=name,
                email=name.split()[0].lower() + "@repdesk.example",
                monthly_capacity=capacity,
            )
            session.add(rep)
            session.flush()
            rep_ids.append(rep.id)
        for i in range(count):
            _add_lead(session, rng, i, now, rep_ids, hours)
    return count


_DEMO_ANSWERS: dict[str, dict[str, AnswerValue]] = {
    "qualified": {
        "need": True,
        "timeline": "this_month",
        "authority": "decides",
        "budget": "approved",
    },
    "nurture": {
        "need": True,
        "timeline": "6_12_months",
        "authority": "influences",
        "budget": "estimating",
    },
    "not_a_fit": {"need": False, "timeline": "no_plans", "authority": "no_role", "budget": "none"},
}
_DEMO_TEXT: dict[str, AnswerValue] = {
    "challenge": "Customers cannot book online",
    "current_solution": "A page builder site from 2015",
    "team_size": 6,
    "best_time": "Mornings",
}


def ensure_demo(sessions: sessionmaker[Session], services: Services) -> None:
    """Fill an empty demo workspace: leads, their next steps, qualifications, a spread-out Today."""
    if demo_is_populated(sessions):
        return
    clock = services.time.clock
    populate_demo(sessions, clock(), services.followups.planner.hours)
    services.followups.ensure_all()  # every open demo lead gets its next step
    demo_qualifications(sessions, services.qualifications)
    spread_demo_followups(sessions, clock(), services.followups.planner.hours)


def demo_qualifications(
    sessions: sessionmaker[Session], qualifications: QualificationService
) -> int:
    """Qualify the demo's qualified, nurture and not-a-fit leads through the real rules and routing,
    so hand-overs, verdicts, scores and the reports show real figures."""
    with sessions() as session:
        leads = session.execute(
            select(LeadRecord.id, LeadRecord.status)
            .where(LeadRecord.status.in_(tuple(_DEMO_ANSWERS)))
            .order_by(LeadRecord.id)
        ).all()
    done = 0
    for lead_id, status in leads:
        run = qualifications.start_or_resume(lead_id)
        questions = {q.key for q in run.questions}
        answers = {
            k: v for k, v in {**_DEMO_ANSWERS[status], **_DEMO_TEXT}.items() if k in questions
        }
        for question in run.questions:  # anything else the sets require gets a plausible answer
            if question.key not in answers and question.required and question.options:
                answers[question.key] = question.options[0].key
        try:
            qualifications.finish(lead_id, answers)
        except UserError:
            continue  # a set that needs more than the demo knows: leave the lead unqualified
        done += 1
    return done


def spread_demo_followups(
    sessions: sessionmaker[Session], now: datetime, hours: BusinessHours, *, seed: int = 11
) -> None:
    """Move the demo's pending steps to varied business times: a few overdue, some today, most
    later."""
    rng = random.Random(seed)
    today = now.astimezone(hours.tz).date()
    with sessions.begin() as session:
        pending = session.execute(
            select(
                FollowUpRecord.id,
                FollowUpRecord.lead_id,
                LeadRecord.status,
                LeadRecord.first_response_at,
            )
            .join(LeadRecord, LeadRecord.id == FollowUpRecord.lead_id)
            .where(FollowUpRecord.status == "pending")
            .order_by(FollowUpRecord.id)
        ).all()
        for fid, lead_id, status, first_response in pending:
            if status == LeadStatus.NEW and first_response is None:
                continue  # waiting leads (core.inbox.WAITING): their first call is due right now
            roll = rng.random()
            if roll < 0.12:
                due = _business_moment(_workday(today, -rng.randint(1, 3), hours), rng, hours)
            elif roll < 0.35:
                due = _business_moment(
                    _workday(today, 0 if today.weekday() in hours.workdays else 1, hours),
                    rng,
                    hours,
                )
            else:
                due = _business_moment(_workday(today, rng.randint(1, 18), hours), rng, hours)
            session.execute(
                update(FollowUpRecord).where(FollowUpRecord.id == fid).values(due_at=due)
            )
            session.execute(
                update(LeadRecord).where(LeadRecord.id == lead_id).values(next_follow_up_at=due)
            )


def _workday(day: date, offset: int, hours: BusinessHours) -> date:
    """The workday `offset` workdays from `day` (0: `day` itself, or the next workday)."""
    step = -1 if offset < 0 else 1
    remaining = abs(offset)
    while day.weekday() not in hours.workdays or remaining:
        day += timedelta(days=step)
        if day.weekday() in hours.workdays and remaining:
            remaining -= 1
    return day


def _business_moment(day: date, rng: random.Random, hours: BusinessHours) -> datetime:
    opening = hours.start.hour * 60 + hours.start.minute
    closing = hours.end.hour * 60 + hours.end.minute
    minute = rng.randrange(opening, max(opening + 15, closing - 15), 15)
    return at_local(day, time(minute // 60, minute % 60), hours.tz).astimezone(UTC)


def _received(rng: random.Random, i: int, now: datetime) -> datetime:
    if i < 6:  # a few arrived minutes ago and nobody has answered yet
        return now - timedelta(minutes=rng.choice([1, 2, 4, 7, 12, 26]))
    if i < 20:
        return now - timedelta(hours=rng.uniform(0.5, 30))
    return now - timedelta(days=rng.uniform(1, 42))


_AREAS = ("212", "312", "415", "614", "646", "718", "305", "512")


def _add_lead(
    session: Session,
    rng: random.Random,
    i: int,
    now: datetime,
    rep_ids: list[int],
    hours: BusinessHours,
) -> None:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    trade, product = rng.choice(TRADES)
    company = f"{last} {trade}" if rng.random() < 0.85 else ""
    received = _received(rng, i, now)
    age_days = (now - received).total_seconds() / 86400
    status = _status(rng, i, age_days)
    contacted = status != LeadStatus.NEW
    domain = (company or last).lower().replace(" ", "").replace("ü", "ue") + ".example"
    # Reps answer in business hours: a night's inquiry is answered minutes after opening.
    first_response = (
        next_business_time(
            next_business_time(received, hours)
            + timedelta(minutes=rng.choice([3, 4, 9, 25, 70, 240, 1500])),
            hours,
        )
        if contacted
        else None
    )
    if first_response and first_response > now:
        first_response = now - timedelta(minutes=1)
    stage = rng.choice(list(JourneyStage))
    values: dict[str, Any] = dict(
        first_name=first,
        last_name=last,
        company=company,
        title=rng.choice(["Owner", "Manager", "Director", ""]),
        email=f"{first.lower()}.{last.lower().replace('ü', 'ue')}{i}@{domain}",
        # Fictional numbers that are valid ones (555-0100..0199 in real area codes), so they read
        # and dial like the numbers an import keeps.
        phone=f"+1{_AREAS[i // 100 % len(_AREAS)]}5550{100 + i % 100:03d}",
        source=rng.choice(SOURCES),
        product=product,
        message=rng.choice(MESSAGES),
        notes="",
        tags="",
        status=status.value,
        owner_id=rng.choice(rep_ids) if contacted or rng.random() < 0.5 else None,
        received_at=received,
        first_response_at=first_response,
        first_response_business_seconds=(
            business_seconds_between(received, first_response, hours) if first_response else None
        ),
        journey_stage=stage.value,
        email_opens=rng.randint(0, 6),
        email_clicks=rng.randint(0, 3),
        site_visits=rng.randint(0, 9),
        extra={},
        edited_fields=[],
        created_at=received,
        updated_at=first_response or received,
    )
    lead_id = session.execute(
        insert(LeadRecord).values(**values).returning(LeadRecord.id)
    ).scalar_one()
    acts = [
        dict(
            lead_id=lead_id,
            kind=ActivityKind.INQUIRY.value,
            occurred_at=received,
            body=values["message"],
        )
    ]
    if first_response:
        outcome = rng.choice(list(CallOutcome)[:3])
        acts.append(
            dict(
                lead_id=lead_id,
                kind=ActivityKind.CALL.value,
                outcome=outcome.value,
                occurred_at=first_response,
                duration_seconds=rng.randint(20, 600),
                body="",
            )
        )
    session.execute(insert(ActivityRecord), acts)


def _status(rng: random.Random, i: int, age_days: float) -> LeadStatus:
    if i < 6 or (i < 20 and rng.random() < 0.4) or rng.random() < 0.04:
        return LeadStatus.NEW
    weights = [
        (LeadStatus.CONTACTED, 40),
        (LeadStatus.QUALIFIED, 14),
        (LeadStatus.NURTURE, 18),
        (LeadStatus.NOT_A_FIT, 8),
    ]
    if age_days > 10:
        weights += [(LeadStatus.WON, 9), (LeadStatus.LOST, 7)]
    statuses, w = zip(*weights, strict=True)
    status: LeadStatus = rng.choices(statuses, weights=w)[0]
    return status
