"""Today: the home screen. Promises due, people due for a touch, dates coming up, people needing attention."""
import datetime

from flask import Blueprint
from flask_login import current_user, login_required

from . import clock, next_up
from .dates import format_day
from .models import (PULSES, Contact, Finding, PlannedVisit, Promise, due_for_touch, due_promises, needing_attention,
                     planned_gestures_count, planned_gestures_due, uncovered_dates, upcoming_dates)
from .extensions import htmx
from .web import render

bp = Blueprint("today", __name__)

GESTURE_DAYS = 14  # gestures planned this far ahead are listed

SHOWN = 3  # the most urgent rows of each list; "and N more" leads to the whole list (journal/today_lists.py)
FINDINGS_SHOWN = 10  # what notes said waits for one tap each: not a list with a page of its own


def _promises(today):
    """The promises section: those due, and the kept-on-time rate."""
    promises, promises_total = due_promises.top(SHOWN, current_user, today)
    return {"promises": promises, "promises_total": promises_total, "rate": Promise.kept_rate(current_user, today)}


def _due(today):
    """The people due for a touch."""
    due, due_total = due_for_touch.top(SHOWN, current_user, today)
    return {"due": due, "due_total": due_total}


def _dates(today):
    """Dates in the next 14 days, and which of them have nothing planned."""
    dates, dates_total = upcoming_dates(current_user, today, limit=SHOWN)
    return {"dates": dates, "dates_total": dates_total,
            "uncovered": {d.id for _, d in uncovered_dates(current_user, today, dates)}}


def _visits(today):
    """The visits planned for today, by time, with their people."""
    return {"visits": PlannedVisit.on_day(current_user, today)}


def _gestures(today):
    """Gestures planned for the next 14 days."""
    until = today + datetime.timedelta(days=GESTURE_DAYS)
    gestures = planned_gestures_due.first(SHOWN, current_user, until)
    return {"gestures": gestures, "gestures_total": planned_gestures_count(current_user, until)[0]}


def _attention(today):
    """People whose pulse dropped, and people not asked how they are lately."""
    (dropped, dropped_total), (not_asked, not_asked_total) = needing_attention(current_user, today, SHOWN)
    return {"dropped": dropped, "dropped_total": dropped_total, "not_asked": not_asked, "not_asked_total": not_asked_total}


def _findings(today):
    """What notes saved without their chips in sight said, waiting for Keep or Dismiss."""
    rows = list(Finding.waiting(current_user, FINDINGS_SHOWN + 1))
    return {"findings": rows[:FINDINGS_SHOWN], "findings_more": len(rows) > FINDINGS_SHOWN}


# Today's htmx targets: each element id, its partial, and the loader of that section's data alone.
SECTIONS = {"today-promises": ("today/_promises.html", _promises), "today-due": ("today/_due.html", _due)}
PAGE_LOADERS = (_findings, _visits, _promises, _due, _dates, _gestures, _attention)


def render_today(status=200):
    """Render Today, or the one section an htmx request targets (running only that section's queries)."""
    today = clock.today()
    context = {"section": "today", "today": today, "pulse_labels": dict(PULSES)}
    if htmx and htmx.target in SECTIONS:
        partial, load = SECTIONS[htmx.target]
        return render(partial, status=status, **context, **load(today))
    for load in PAGE_LOADERS:
        context.update(load(today))
    listed = ("findings", "visits", "promises", "due", "dropped", "not_asked", "dates", "gestures")
    # Anything listed belongs to a person: ask the database only when every list is empty.
    context["has_people"] = any(context[key] for key in listed) or Contact.for_user(current_user).exists()
    context["next_up"] = next_up.actions(**context)
    return render("today/index.html", status=status, today_label=format_day(today), **context)


@bp.route("/")
@login_required
def index():
    """The home screen: what needs doing today."""
    return render_today()
