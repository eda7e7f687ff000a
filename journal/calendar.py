"""A private calendar feed (ICS): birthdays, anniversaries, promise due dates, planned gestures and planned visits."""
import datetime

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_login import current_user, login_required
from icalendar import Calendar, Event

from . import clock
from .models import Contact, FamilyMember, Gesture, ImportantDate, PlannedVisit, Promise, User

bp = Blueprint("calendar", __name__)


def _yearly(event, partial):
    """Make an all-day event repeat every year on the date's day (29 February: last day of February)."""
    if partial.month == 2 and partial.day == 29:
        event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
    else:
        event.add("rrule", {"freq": "yearly"})


def _event(uid, summary, start, end, stamp):
    """An event from `start` to `end` (dates: all day; zoned datetimes: timed)."""
    event = Event()
    event.add("uid", f"{uid}@rapport")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    return event


def _all_day(uid, summary, day, stamp):
    """An all-day event."""
    return _event(uid, summary, day, day + datetime.timedelta(days=1), stamp)


def _visit(visit, name, stamp, user):
    """A planned visit's event: an hour from its time in the user's zone (so the phone shows it at the right hour),
    or all day when it has none."""
    summary = f"Visit: {name}"
    if visit.at is None:
        event = _all_day(f"visit-{visit.id}", summary, visit.on, stamp)
    else:
        start = datetime.datetime.combine(visit.on, visit.at, tzinfo=clock.zone(user))
        event = _event(f"visit-{visit.id}", summary, start, start + datetime.timedelta(hours=1), stamp)
    if visit.note:
        event.add("description", visit.note)
    return event


def build_calendar(user, today):
    """The feed for one user."""
    cal = Calendar()
    cal.add("prodid", "-//Rapport//relationship journal//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Rapport")
    # Dates are all-day (the same day anywhere); a planned visit with a time carries the user's zone (TZID and a
    # VTIMEZONE, below), and the zone is named for the calendar apps that read it.
    cal.add("x-wr-timezone", clock.zone(user).key)
    stamp = clock.utc_now()
    names = {c.id: c.name for c in Contact.for_user(user, Contact.id, Contact.name)}
    members = {m.id: m.name for m in FamilyMember.for_user(user, FamilyMember.id, FamilyMember.name)}
    for d in ImportantDate.for_user(user).where(ImportantDate.month.is_null(False) & ImportantDate.day.is_null(False)):
        partial = d.partial
        first = partial.next_occurrence(today)
        if first is None:
            continue  # a stored month no calendar has
        contact = names.get(d.contact_id, "")
        if d.kind == "birthday":
            who = members.get(d.family_member_id) if d.family_member_id else contact
            summary = f"{who}'s birthday" + (f" ({contact}'s family)" if d.family_member_id else "")
        else:
            summary = f"{d.label or d.kind.title()}: {contact}"
        event = _all_day(f"date-{d.id}", summary, first, stamp)
        _yearly(event, partial)
        cal.add_component(event)
    for p in Promise.open_for(user):
        cal.add_component(_all_day(f"promise-{p.id}", f"Promised {names.get(p.contact_id, '')}: {p.text}", p.due_on, stamp))
    for g in Gesture.for_user(user).where(Gesture.status == "planned"):
        cal.add_component(_all_day(f"gesture-{g.id}", f"Extra mile for {names.get(g.contact_id, '')}: {g.text}",
                                   g.due_on, stamp))
    for v in PlannedVisit.open_for(user):
        cal.add_component(_visit(v, names.get(v.contact_id, ""), stamp, user))
    cal.add_missing_timezones()
    return cal


@bp.route("/calendar/<token>.ics")
def feed(token):
    """The feed itself: no login, the secret token is the key; a revoked token answers 404."""
    user = User.by_calendar_token(token)
    if user is None:
        abort(404)
    response = make_response(build_calendar(user, clock.today(user)).to_ical())
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="rapport.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/calendar", methods=["POST"])
@login_required
def change():
    """Turn the feed on, give it a new link, or turn it off."""
    if request.form.get("action") == "off":
        current_user.stop_calendar()
        flash("The calendar feed is off; its link no longer works.", "info")
    else:
        had = bool(current_user.calendar_token)
        current_user.new_calendar_token()
        flash("A new calendar link was made; the old one no longer works." if had else "Your calendar feed is on.",
              "success")
    return redirect(url_for("auth.account", _anchor="calendar"))
