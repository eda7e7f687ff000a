"""What a push says: the morning digest and the brief before a visit, as small Declarative Web Push payloads.

Each payload carries no more than the notification shows. Names only (a setting) leaves out everything read from
notes (what was promised, family, interests): the phone's lock screen then shows who and when, nothing more.
"""
import calendar
import datetime
import json

from .models import FamilyMember, Interest, PlannedVisit, Promise, due_for_touch, due_promises, upcoming_dates

BODY_LENGTH = 180  # a lock screen shows about two lines; the payload stays far below push services' 4 KB


def plural(count, one, many):
    """'1 promise', '3 promises'."""
    return f"{count} {one if count == 1 else many}"


def _cut(text, length=BODY_LENGTH):
    """`text` cut to `length` characters, with an ellipsis when cut."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def payload(title, body, navigate, badge=None, tag=None):
    """The message as JSON text: Declarative Web Push (iOS 18.4+ shows it without the worker; static/sw.js reads the
    same fields elsewhere). `tag`: a message shown again (a retry) replaces the first rather than adding one."""
    notification = {"title": title, "body": _cut(body), "navigate": navigate, "lang": "en", "dir": "ltr"}
    if tag:
        notification["tag"] = tag
    message = {"web_push": 8030, "notification": notification}
    if badge is not None:
        # WebKit reads the badge inside "notification" (a string), the W3C Push API draft beside it (a number).
        notification["app_badge"] = str(badge)
        message["app_badge"] = badge
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def badge_count(user, today):
    """The app badge: the user's open promises due today or earlier."""
    return due_promises.first_rows(1, user, today)[1]


def _date_words(next_on, date, today):
    """"Léa's birthday tomorrow", "Anniversary today" for one upcoming important date."""
    when = "today" if next_on == today else "tomorrow"
    if date.kind == "birthday":
        whose = date.member.name if date.family_member_id else date.contact.name
        return f"{whose}'s birthday {when}"
    return f"{date.label or 'Anniversary'} ({date.contact.name}) {when}"


def digest(user, today, names_only=False):
    """The morning digest's body ("3 promises due, Léa's birthday tomorrow, 2 people due a touch"), or None when
    there is nothing in it. Today's own queries (models/today.py), so the digest says what Today shows. Names only:
    the dates are counted ("2 important dates"), as their family names and labels come from notes."""
    promises = badge_count(user, today)
    dates, _ = upcoming_dates(user, today, days=1)
    visits = PlannedVisit.on_day(user, today)
    due = due_for_touch.first_rows(1, user, today)[1]
    parts = []
    if promises:
        parts.append(plural(promises, "promise", "promises") + " due")
    if visits:
        parts.append(plural(len(visits), "visit", "visits") + " planned")
    if names_only and dates:
        parts.append(plural(len(dates), "important date", "important dates"))
    elif dates:
        parts += [_date_words(next_on, date, today) for next_on, date in dates[:2]]
    if len(dates) > 2 and not names_only:
        parts.append(plural(len(dates) - 2, "more date", "more dates"))
    if due:
        parts.append(plural(due, "person", "people") + " due a touch")
    return ", ".join(parts) or None


def _short_due(day, today):
    """A promise's due day as the visit brief says it: "today", "Fri", "3 Dec"."""
    if day == today:
        return "today"
    if day < today:
        return "overdue"
    if (day - today).days < 7:
        return calendar.day_abbr[day.weekday()]
    return f"{day.day} {calendar.month_abbr[day.month]}"


def visit_hints(visit, today):
    """What to bring up, cheaply: a family member (with an interest of theirs), and the open promise due soonest."""
    hints = []
    member = (FamilyMember.for_user(visit.user_id).where(FamilyMember.contact == visit.contact_id)
              .order_by(FamilyMember.id).first())
    if member is not None:
        interest = (Interest.for_user(visit.user_id).where(Interest.family_member == member.id)
                    .order_by(Interest.id).first())
        hints.append(f"ask about {member.name}" + (f" ({interest.name})" if interest else ""))
    promise = Promise.open_for(visit.user_id).where(Promise.contact == visit.contact_id).first()
    if promise is not None:
        hints.append(f"you promised {promise.text} (due {_short_due(promise.due_on, today)})")
    return hints


def visit_body(visit, name, today, names_only=False):
    """"Jan Kowalski at 10:00 – ask about Léa (violin); you promised the brochure (due Fri)"."""
    head = f"{name} at {visit.at.strftime('%H:%M')}"
    if names_only:
        return head
    details = ([visit.note] if visit.note else []) + visit_hints(visit, today)
    return head + (" – " + "; ".join(details) if details else "")


def seconds_until(moment, now):
    """Whole seconds from `now` to `moment` (both aware: a DST change between them counts), at least one minute:
    a push's TTL."""
    return max(60, int((moment.astimezone(datetime.timezone.utc) - now.astimezone(datetime.timezone.utc))
                       .total_seconds()))


def at(day, time, zone):
    """`time` on `day` in `zone`, aware (a time skipped by a DST change is read with the offset before it)."""
    return datetime.datetime.combine(day, time, tzinfo=zone)


def end_of_day(day, zone):
    """Midnight after `day` in `zone`, aware: the digest lives until then."""
    return at(day + datetime.timedelta(days=1), datetime.time(), zone)
