"""The audit trail by person and by period, a page at a time: exactly the events a plain
reading of the table gives, newest first, even when the events' times do not follow their
order in the chain (a clock put back, another PC's clock, events loaded in bulk)."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models.access import audit_chain
from models.records.audit_events import AuditEvent
from models.review import audit_trail

START = datetime(2026, 3, 1, 8, tzinfo=UTC)


@pytest.fixture
def trail(database, monkeypatch, admin, technician, supervisor):
    """A hundred and twenty-three events by Tess (most), Sam, the admin and no one: thirty
    ten minutes apart, thirty ten days later, three recorded next by a clock put back to just
    after the first thirty, then sixty at times that mostly go forward but jump back now and
    then. The users' own events (recorded as the fixtures ran, today) come first."""
    rnd = random.Random(11)
    times = [START + timedelta(minutes=10 * n) for n in range(30)]
    times += [START + timedelta(days=10, minutes=10 * n) for n in range(30)]
    times += [START + timedelta(hours=5, minutes=n) for n in range(3)]
    at = times[-1]
    for _ in range(60):
        at += timedelta(minutes=rnd.randint(0, 240))
        if rnd.random() < 0.1:  # a clock put back
            at -= timedelta(days=rnd.randint(0, 6), minutes=rnd.randint(1, 600))
        times.append(at)
    moments = iter(times)
    monkeypatch.setattr(audit_chain, "utc_now", lambda: next(moments))
    people = [technician.id] * 6 + [supervisor.id] * 2 + [admin.id, None]
    with database.write() as db:
        for n in range(len(times)):
            audit_chain.record(db, actor_id=rnd.choice(people), action="export",
                               entity="patient", entity_id=n)
    monkeypatch.undo()
    return times


def _expected(db, actor_id=..., since=None, until=None):
    """The events' numbers, newest first, by brute force."""
    return [e.seq for e in sorted(db.scalars(select(AuditEvent)), key=lambda e: -e.seq)
            if (actor_id is ... or e.actor_id == actor_id)
            and (since is None or e.occurred_at >= since)
            and (until is None or e.occurred_at < until)]


def _paged(db, actor, limit, **filters):
    listed, before = [], None
    while True:
        page = audit_trail.event_page(db, actor, before_seq=before, limit=limit, **filters)
        listed += [row.seq for row in page.rows]
        if page.next_before is None:
            return listed
        assert len(page.rows) == limit  # a page short of the limit is the last
        before = page.next_before


def test_one_persons_events_are_exactly_theirs_newest_first_across_pages(
        database, trail, supervisor, technician, admin):
    with database.read() as db:
        tess = _expected(db, technician.id)
        assert len(tess) > 60
        assert _paged(db, supervisor, 7, username="tess") == tess
        assert _paged(db, supervisor, 500, username=" TESS ") == tess  # as the filter reads it
        assert _paged(db, supervisor, 4, username="admin") == _expected(db, admin.id)
        assert _paged(db, supervisor, 5, username="nobody") == []
        page = audit_trail.event_page(db, supervisor, username="tess", limit=3)
    assert {row.person for row in page.rows} == {"Tess Tech"}


@pytest.mark.parametrize("walked_per_sorted", [0, audit_trail.WALKED_PER_SORTED, 10**9],
                         ids=["walk", "as-set", "sort"])
def test_a_period_is_exactly_its_events_newest_first_across_pages(
        database, trail, supervisor, technician, monkeypatch, walked_per_sorted):
    """Each way of reading a period (walking the chain from the top, or sorting the
    period's events by number from where its newest is) gives the same, exact pages."""
    monkeypatch.setattr(audit_trail, "WALKED_PER_SORTED", walked_per_sorted)
    rnd = random.Random(5)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    periods = [(START, START + timedelta(hours=6)),  # the thirty, then the three put back
               (START, START + timedelta(days=2)), (today, today + timedelta(days=1)),
               (START - timedelta(days=30), None), (None, START + timedelta(days=4)),
               (START + timedelta(days=40), START + timedelta(days=41))]  # nothing in it
    for _ in range(12):
        since = rnd.choice(trail) + timedelta(minutes=rnd.randint(-90, 90))
        periods.append((since, since + timedelta(hours=rnd.randint(1, 200))))
    with database.read() as db:
        assert _expected(db, since=today)  # the users' own events, first in the chain
        for since, until in periods:
            expected = _expected(db, since=since, until=until)
            assert _paged(db, supervisor, 3, since=since, until=until) == expected, \
                (since, until)
            assert _paged(db, supervisor, 500, since=since, until=until) == expected
            assert _paged(db, supervisor, 4, username="tess", since=since, until=until) == \
                _expected(db, technician.id, since, until), (since, until)
        assert any(len(_expected(db, since=s, until=u)) > 9 for s, u in periods)
