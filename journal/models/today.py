"""Today's read queries: what is due, who needs a touch, which dates are coming and whether they are covered."""
import calendar
import datetime

from peewee import JOIN, SQL, Case, fn

from ..db import counted, day_number, totalled
from ..prepared import prepared
from ..text import fold
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


def touch_due_day():
    """SQL expression: the day number (db.day_number) on which a contact is due for a touch: their last touch (or their
    creation) plus their cadence. Migration 0019 indexes exactly this expression: change both together."""
    return day_number(fn.COALESCE(Contact.last_touch_at, Contact.created_at)) + Contact.cadence_days


@prepared
def due_for_touch(user, today):
    """Contacts with a cadence whose last touch (or creation) plus the cadence has come, most overdue first.

    Only the columns Today shows: peewee's cost of building a query grows with its column count.
    """
    due, now = touch_due_day(), day_number(today)
    overdue = (now - due).cast("INTEGER").alias("overdue")
    return (
        Contact.for_user(user, Contact.id, Contact.name, Contact.last_touch_at, Contact.cadence_days, overdue)
        .where(
            Contact.cadence_days.is_null(False)
            & (due <= now)
            & (Contact.snoozed_until.is_null() | (Contact.snoozed_until <= today))
        )
        .order_by(due, Contact.sort_name)
    )


def upcoming_dates(user, today, days=14, limit=None):
    """Important dates recurring within `days` days from today, soonest first (year end and 29 February included).

    Returns [(next occurrence, date)] and how many there are in all; `limit` caps the list, not the count.
    """
    keys = window_keys(today, days)
    arguments = window_arguments(user, today, keys)
    if limit is None:
        found = list(dates_on_days(*arguments))
        total = len(found)
    else:
        found, total = first_dates(limit, *arguments), dates_in_window_count(*arguments[:3])[0]
    return [(d.partial.next_occurrence(today), d) for d in found], total


def window_keys(today, days=14):
    """The month * 100 + day keys of the days from today on for `days` days (29 February within a common year's)."""
    window = [today + datetime.timedelta(days=n) for n in range(days + 1)]
    keys = {d.month * 100 + d.day for d in window}
    if any(d.month == 2 and d.day == 28 and not calendar.isleap(d.year) for d in window):
        keys.add(229)  # 29 February birthdays are kept on 28 February in common years
    return keys


def window_arguments(user, today, keys):
    """dates_on_days' arguments for these day keys: the user, the months (for the index), the keys, today's key."""
    return user, sorted({k // 100 for k in keys}), sorted(keys), today.month * 100 + today.day


def _day_key():
    """SQL expression: an important date's month * 100 + day."""
    return ImportantDate.month * 100 + ImportantDate.day


def _in_window(user, months, keys):
    """The condition: the user's dates in `months` whose day key is one of `keys`.

    The months let the (user, month, day) index find them; the keys alone are an expression no index holds.
    """
    return (ImportantDate.user == user) & ImportantDate.month.in_(months) & _day_key().in_(keys)


def _window_order(start):
    """This year's remaining days first, then next year's (the window may cross 31 December); then by id."""
    key = _day_key()
    return Case(None, [(key >= start, 0)], 1), key, ImportantDate.id


def _with_people(condition, start):
    """Dates meeting `condition`, in window order, with their contact and family member (id, name)."""
    Member = FamilyMember.alias()
    return (
        ImportantDate.select(ImportantDate, Contact.id, Contact.name, Member.id, Member.name)
        .join(Contact, on=(ImportantDate.contact == Contact.id))
        .switch(ImportantDate)
        .join(Member, JOIN.LEFT_OUTER, on=(ImportantDate.family_member == Member.id), attr="member")
        .where(condition)
        .order_by(*_window_order(start))
    )


@prepared
def dates_on_days(user, months, keys, start):
    """The user's important dates in `months` whose month * 100 + day is one of `keys`, from `start` on, then the rest."""
    return _with_people(_in_window(user, months, keys), start)


@prepared
def first_dates(rows_limit, user, months, keys, start):
    """The first `rows_limit` of dates_on_days: chosen along the (user, month, day) index alone, then joined."""
    first = ImportantDate.select(ImportantDate.id).where(_in_window(user, months, keys)).order_by(
        *_window_order(start)).limit(rows_limit)
    return _with_people(ImportantDate.id.in_(first), start)


@prepared(one=True)
def dates_in_window_count(user, months, keys):
    """How many dates dates_on_days lists (the index alone: each date has its contact, by its foreign key)."""
    return ImportantDate.select(fn.COUNT(SQL("*"))).where(_in_window(user, months, keys)).tuples()


# Needs attention: a mood that dropped with no touch since, or nobody asked how they are in 90 days and no touch in
# 30; and never someone met this week (issue 19: people met today were listed).
ASK_EVERY_DAYS = 90
QUIET_DAYS = 30
MET_RECENTLY_DAYS = 7


def needing_attention(user, today, limit):
    """Contacts whose last pulse dropped (within a year) with no touch since, and those not asked how they are in 90
    days and not touched in 30; nobody touched in the last 7 days. Each as (the first `limit`, how many in all)."""
    return (pulse_dropped.top(limit, *dropped_arguments(user, today)), not_asked.top(limit, *not_asked_arguments(user, today)))


def _midnight(today, days_ago):
    """Midnight (naive, as touch times are stored), `days_ago` days before today."""
    return datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time())


def dropped_arguments(user, today):
    """pulse_dropped's arguments on this day."""
    return user, _midnight(today, 365), _midnight(today, MET_RECENTLY_DAYS)


def not_asked_arguments(user, today):
    """not_asked's arguments on this day (QUIET_DAYS covers MET_RECENTLY_DAYS)."""
    return user, _midnight(today, ASK_EVERY_DAYS), _midnight(today, QUIET_DAYS)


@prepared
def pulse_dropped(user, year_ago, met_since):
    """Contacts whose last pulse is lower than the one before, measured since `year_ago`, with no touch after it and
    none since `met_since`: the longest waiting first. Migration 0019's partial index holds the drops."""
    return (
        Contact.for_user(user, Contact.id, Contact.name, Contact.previous_pulse, Contact.last_pulse)
        .where((Contact.last_pulse < Contact.previous_pulse) & (Contact.last_pulse_at >= year_ago)
               & (Contact.last_touch_at <= Contact.last_pulse_at) & (Contact.last_touch_at < met_since))
        .order_by(Contact.last_pulse_at, Contact.id)
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


@prepared(one=True)
def planned_gestures_count(user, day):
    """How many gestures planned_gestures_due lists (the (user, status, due_on) index alone)."""
    return (Gesture.select(fn.COUNT(SQL("*")))
            .where((Gesture.user == user) & (Gesture.status == "planned") & (Gesture.due_on <= day)).tuples())


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


def narrowed(query, user, tag="", text="", own_text=()):
    """One of Today's list queries (its rows joined to Contact) narrowed to people carrying the user's tag `tag` (as
    the People list filters), and to those whose name has a word starting with `text` (as the capture's type-ahead
    finds people) or whose row's own text (`own_text`: columns) contains it, accents and case ignored."""
    if tag:
        query = query.where(Contact.tagged(user, tag))
    if text:
        found = Contact.named(text)
        for column in own_text:
            found |= fn.rapport_fold(column).contains(fold(text))
        query = query.where(found)
    return query


def list_page(query, offset, limit):
    """(rows from `offset` on, at most `limit`, and how many rows the query has in all): one statement."""
    return totalled(counted(query.offset(offset), limit))
