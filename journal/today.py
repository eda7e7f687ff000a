"""Today: the home screen. Promises due, people due for a touch, dates coming up, people needing attention."""
import datetime

from flask import Blueprint
from flask_login import current_user, login_required

from .dates import format_day
from .models import (PULSES, Contact, Promise, due_for_touch, due_promises, needing_attention, planned_gestures_due,
                     uncovered_dates, upcoming_dates)
from .web import render

bp = Blueprint("today", __name__)

TODAY_PARTIALS = {"today-promises": "today/_promises.html", "today-due": "today/_due.html"}
SHOWN = 10  # items per section before "and N more"
LISTED = 50  # promises listed at most (the first SHOWN, the rest behind "more")


def render_today(status=200):
    """Render Today, or the one section an htmx request targets."""
    today = datetime.date.today()
    promises, promises_total = due_promises.first_rows(LISTED, current_user, today)
    due, due_total = due_for_touch.first_rows(SHOWN, current_user, today)
    (dropped, dropped_total), (not_asked, not_asked_total) = needing_attention(current_user, today, SHOWN)
    dates, dates_total = upcoming_dates(current_user, today, limit=LISTED)
    gestures, gestures_total = planned_gestures_due.first_rows(SHOWN, current_user,
                                                               today + datetime.timedelta(days=14))
    return render(
        "today/index.html",
        partials=TODAY_PARTIALS,
        status=status,
        section="today",
        today=today,
        today_label=format_day(today),
        promises=promises,
        promises_total=promises_total,
        due=due,
        due_total=due_total,
        dates=dates,
        dates_total=dates_total,
        uncovered={d.id for _, d in uncovered_dates(current_user, today, dates)},
        gestures=gestures,
        gestures_total=gestures_total,
        dropped=dropped,
        dropped_total=dropped_total,
        not_asked=not_asked,
        not_asked_total=not_asked_total,
        rate=Promise.kept_rate(current_user, today),
        # Anything listed belongs to a person: ask the database only when every list is empty.
        has_people=bool(promises or due or dropped or not_asked or dates or gestures)
        or Contact.for_user(current_user).exists(),
        pulse_labels=dict(PULSES),
    )


@bp.route("/")
@login_required
def index():
    """The home screen: what needs doing today."""
    return render_today()
