"""Today: the home screen. Promises due, people due for a touch, dates coming up, people needing attention."""
import datetime

from flask import Blueprint
from flask_login import current_user, login_required

from .dates import format_day
from .models import (PULSES, Contact, Gesture, Promise, due_for_touch, due_promises, needing_attention, uncovered_dates,
                     upcoming_dates)
from .web import render

bp = Blueprint("today", __name__)

TODAY_PARTIALS = {"today-promises": "today/_promises.html", "today-due": "today/_due.html"}
SHOWN = 10  # items per section before "and N more"
LISTED = 50  # promises listed at most (the first SHOWN, the rest behind "more")


def render_today(status=200):
    """Render Today, or the one section an htmx request targets."""
    today = datetime.date.today()
    promises_query = due_promises(current_user, today)
    promises = list(promises_query.limit(LISTED + 1))
    due_query = due_for_touch(current_user, today)
    due = list(due_query.limit(SHOWN))
    dropped_query, not_asked_query = needing_attention(current_user, today)
    dropped = list(dropped_query.limit(SHOWN))
    not_asked = list(not_asked_query.limit(SHOWN))
    rate = Promise.kept_rate(current_user, today)
    dates, dates_total = upcoming_dates(current_user, today, limit=LISTED)
    gestures_query = Gesture.planned_due_by(current_user, today + datetime.timedelta(days=14))
    gestures = list(gestures_query.limit(SHOWN + 1))
    return render(
        "today/index.html",
        partials=TODAY_PARTIALS,
        status=status,
        section="today",
        today=today,
        today_label=format_day(today),
        promises=promises[:LISTED],
        promises_total=promises_query.count() if len(promises) > LISTED else len(promises),
        due=due,
        due_total=due_query.count() if len(due) == SHOWN else len(due),
        dates=dates,
        dates_total=dates_total,
        uncovered={d.id for _, d in uncovered_dates(current_user, today, dates)},
        gestures=gestures,
        gestures_total=gestures_query.count() if len(gestures) > SHOWN else len(gestures),
        dropped=dropped,
        dropped_total=dropped_query.count() if len(dropped) == SHOWN else len(dropped),
        not_asked=not_asked,
        not_asked_total=not_asked_query.count() if len(not_asked) == SHOWN else len(not_asked),
        rate=rate,
        has_people=Contact.for_user(current_user).exists(),
        pulse_labels=dict(PULSES),
    )


@bp.route("/")
@login_required
def index():
    """The home screen: what needs doing today."""
    return render_today()
