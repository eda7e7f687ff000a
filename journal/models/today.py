"""Today's read queries: what is due, who needs a touch, which dates are coming and whether they are covered."""
import calendar
import datetime

from peewee import JOIN, SQL, Case, fn

from ..db import days_from
from ..prepared import prepared
from .gestures import Gesture
from .gifts import Gift
from .people import Contact, FamilyMember, ImportantDate
from .promises import Promise


@prepared
def due_promises(user, today):
    """Open promises due today or earlier, oldest first, with their contact (one query)."""
    return (
        Promise.select(Promise.id, Promise.text, Promise.due_on, Contact.id, Contact.name)
        .join(Contact)
        .where((Promise.user == user) & Promise.done_at.is_null() & (Promise.due_on <= today))
        .order_by(Promise.due_on, Promise.id)
    )


@prepared
def due_for_touch(user, today):
    """Contacts with a cadence whose last touch (or creation) plus the cadence has come, most overdue first.

    Only the columns Today shows: peewee's cost of building a query grows with its column count.
    """
    since = days_from(fn.COALESCE(Contact.last_touch_at, Contact.created_at), today)
    overdue = (since - Contact.cadence_days).alias("overdue")
    return (
        Contact.for_user(user, Contact.id, Contact.name, Contact.last_touch_at, Contact.cadence_days, overdue)
        .where(
            Contact.cadence_days.is_null(False)
            & (Contact.snoozed_until.is_null() | (Contact.snoozed_until <= today))
            & (since >= Contact.cadence_days)
        )
        .order_by(SQL("overdue").desc(), Contact.sort_name)
    )


def upcoming_dates(user, today, days=14, limit=None):
    """Important dates recurring within `days` days from today, soonest first (year end and 29 February included).

    Returns [(next occurrence, date)] and how many there are in all; `limit` caps the list, not the count.
    """
    window = [today + datetime.timedelta(days=n) for n in range(days + 1)]
    keys = {d.month * 100 + d.day for d in window}
    if any(d.month == 2 and d.day == 28 and not calendar.isleap(d.year) for d in window):
        keys.add(229)  # 29 February birthdays are kept on 28 February in common years
    start = today.month * 100 + today.day
    if limit is None:
        found = list(dates_on_days(user, sorted(keys), start))
        total = len(found)
    else:
        found, total = dates_on_days.first_rows(limit, user, sorted(keys), start)
    return [(d.partial.next_occurrence(today), d) for d in found], total


@prepared
def dates_on_days(user, keys, start):
    """The user's important dates whose month * 100 + day is one of `keys`, from `start` on, then the rest."""
    key = ImportantDate.month * 100 + ImportantDate.day
    Member = FamilyMember.alias()
    return (
        ImportantDate.select(ImportantDate, Contact.id, Contact.name, Member.id, Member.name)
        .join(Contact, on=(ImportantDate.contact == Contact.id))
        .switch(ImportantDate)
        .join(Member, JOIN.LEFT_OUTER, on=(ImportantDate.family_member == Member.id), attr="member")
        .where((ImportantDate.user == user) & key.in_(keys))
        # This year's remaining days first, then next year's (the window may cross 31 December).
        .order_by(Case(None, [(key >= start, 0)], 1), key, Contact.sort_name, ImportantDate.id)
    )


# Needs attention: a mood that dropped with no touch since, or nobody asked how they are in 90 days and no touch in
# 30; and never someone met this week (issue 19: people met today were listed).
ASK_EVERY_DAYS = 90
QUIET_DAYS = 30
MET_RECENTLY_DAYS = 7


def needing_attention(user, today, limit):
    """Contacts whose last pulse dropped (within a year) with no touch since, and those not asked how they are in 90
    days and not touched in 30; nobody touched in the last 7 days. Each as (the first `limit`, how many in all)."""
    def midnight(days_ago):
        return datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time())

    # QUIET_DAYS covers MET_RECENTLY_DAYS for those not asked.
    return (pulse_dropped.first_rows(limit, user, midnight(365), midnight(MET_RECENTLY_DAYS)),
            not_asked.first_rows(limit, user, midnight(ASK_EVERY_DAYS), midnight(QUIET_DAYS)))


@prepared
def pulse_dropped(user, year_ago, met_since):
    """Contacts whose last pulse is lower than the one before, measured since `year_ago`, with no touch after it and
    none since `met_since`, latest first."""
    return (
        Contact.for_user(user, Contact.id, Contact.name, Contact.previous_pulse, Contact.last_pulse)
        .where((Contact.last_pulse < Contact.previous_pulse) & (Contact.last_pulse_at >= year_ago)
               & (Contact.last_touch_at <= Contact.last_pulse_at) & (Contact.last_touch_at < met_since))
        .order_by(Contact.last_pulse_at.desc())
    )


@prepared
def not_asked(user, since, quiet_since):
    """Contacts touched, with no pulse since `since` and no touch since `quiet_since`, longest untouched first."""
    return (
        Contact.for_user(user, Contact.id, Contact.name)
        .where(Contact.last_touch_at.is_null(False) & (Contact.last_touch_at < quiet_since)
               & (Contact.last_pulse_at.is_null() | (Contact.last_pulse_at < since)))
        .order_by(Contact.last_touch_at, Contact.sort_name)
    )


@prepared
def planned_gestures_due(user, day):
    """Planned gestures due on or before `day`, soonest first, with their contact."""
    return (
        Gesture.select(Gesture.id, Gesture.text, Gesture.due_on, Contact.id, Contact.name)
        .join(Contact)
        .where((Gesture.user == user) & (Gesture.status == "planned") & (Gesture.due_on <= day))
        .order_by(Gesture.due_on, Gesture.id)
    )



@prepared
def gift_recipients(user, contact_ids, recent):
    """(contact, family member) of these contacts' gifts planned or bought, or given since `recent`."""
    return (
        Gift.for_user(user, Gift.contact, Gift.family_member)
        .where(Gift.contact.in_(contact_ids)
               & (Gift.status.in_(["planned", "bought"]) | ((Gift.status == "given") & (Gift.date >= recent))))
        .tuples()
    )


@prepared
def planned_gesture_days(user, contact_ids):
    """(contact, due day) of these contacts' planned gestures."""
    return (Gesture.for_user(user, Gesture.contact, Gesture.due_on)
            .where(Gesture.contact.in_(contact_ids) & (Gesture.status == "planned")).tuples())


def uncovered_dates(user, today, dates):
    """Of upcoming (next_on, date) pairs, those with no gift planned for that person and no gesture planned.

    Covered: a gift for the same recipient that is planned or bought, or given in the last 30 days;
    or a planned gesture for the contact due on or before the date.
    """
    if not dates:
        return []
    contact_ids = sorted({d.contact_id for _, d in dates})
    covered = set(gift_recipients(user, contact_ids, today - datetime.timedelta(days=30)))
    gestures = {}
    for cid, due in planned_gesture_days(user, contact_ids):
        gestures[cid] = min(due, gestures.get(cid, due))
    return [
        (next_on, d) for next_on, d in dates
        if (d.contact_id, d.family_member_id) not in covered
        and not (d.contact_id in gestures and gestures[d.contact_id] <= next_on)
    ]
