"""Today's lists in full: where each "and N more" on Today leads. Paged as the People list, filtered by tag and text."""
import datetime
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required

from . import clock
from .extensions import htmx
from .models import PULSES, ContactTag, Gesture, ImportantDate, Promise
from .models import today as lists
from .today import GESTURE_DAYS
from .web import page_number, render

bp = Blueprint("today_lists", __name__, url_prefix="/today")

PARTIALS = {"today-list": "today/_list.html", "more-rows": "today/_list_rows.html"}


@dataclass(frozen=True)
class TodayList:
    """One of Today's lists: its title, what an empty one says, its query for a user on a day, and the columns of a
    row's own text that the text filter reads besides the person's name."""

    title: str
    empty: str
    query: object
    own_text: tuple = ()


def _dates(user, today):
    """Dates in Today's 14-day window, in Today's order."""
    return lists.dates_on_days.built(*lists.window_arguments(user, today, lists.window_keys(today)))


# In Today's order of sections; the keys are the URLs' last segment.
LISTS = {
    "promises": TodayList("Promises due", "No promise is due.",
                          lambda user, today: lists.due_promises.built(user, today), (Promise.text,)),
    "due": TodayList("Time to get in touch", "Nobody is waiting to hear from you.",
                     lambda user, today: lists.due_for_touch.built(user, today)),
    "dates": TodayList("Coming up in 14 days", "No birthdays or anniversaries in the next two weeks.", _dates,
                       (ImportantDate.label,)),
    "gestures": TodayList("Extra mile, planned", "No gesture planned in the next two weeks.",
                          lambda user, today: lists.planned_gestures_due.built(
                              user, today + datetime.timedelta(days=GESTURE_DAYS)), (Gesture.text,)),
    "mood-dropped": TodayList("Their mood dropped", "Nobody's mood dropped without a touch since.",
                              lambda user, today: lists.pulse_dropped.built(*lists.dropped_arguments(user, today))),
    "not-asked": TodayList("Not asked in 90 days", "Everyone you have met recently was asked how they are.",
                           lambda user, today: lists.not_asked.built(*lists.not_asked_arguments(user, today))),
}


@bp.route("/<kind>")
@login_required
def show(kind):
    """One of Today's lists in full, most urgent first, a page at a time, filtered by tag and by text."""
    listed = LISTS.get(kind) or abort(404)
    today = clock.today()
    tag, text = request.args.get("tag", "").strip(), request.args.get("q", "").strip()
    page, size = page_number(), current_app.config["PEOPLE_PAGE_SIZE"]
    query = lists.narrowed(listed.query(current_user, today), current_user, tag, text, listed.own_text)
    # One extra row tells whether there is a next page.
    rows, total = lists.list_page(query, (page - 1) * size, size + 1)
    has_more, rows = len(rows) > size, rows[:size]
    uncovered = set()
    if kind == "dates":
        rows = [(d.partial.next_occurrence(today), d) for d in rows]
        uncovered = {d.id for _, d in lists.uncovered_dates(current_user, today, rows)}
    return render(
        "today/list.html", partials=PARTIALS, section="today", kind=kind, listed=listed, rows=rows, total=total,
        has_more=has_more, page=page, tag=tag, q=text, today=today, uncovered=uncovered, pulse_labels=dict(PULSES),
        tags=ContactTag.counts(current_user) if not htmx or htmx.target != "more-rows" else [],
        here=request.full_path.rstrip("?"),
    )
