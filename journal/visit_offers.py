"""After a capture, the offer to mark a planned visit done with that touch: kept in the session until tapped.

Nothing is marked by itself: a capture with someone who had an open planned visit on or before the touch's day only
remembers (visit, touch), and that person's brief offers "Mark it done" with one tap.
"""
from flask import session

from .models import PlannedVisit

KEY = "visit_offers"
KEPT = 20  # offers remembered at most (the newest); an older one still shows on its brief as "done?"


def offer_after_capture(touch, people):
    """Remember, for the briefs of `people`, to offer marking their open visits up to the touch's day done by `touch`."""
    due = [v for v in PlannedVisit.open_due_for(touch.user_id, [p.id for p in people], touch.happened_at.date())
           if v.source_touch_id != touch.id]  # "see her again today at 17:00" plans a visit, it is not one done
    if not due:
        return
    offered = [pair for pair in session.get(KEY, []) if pair[0] not in {v.id for v in due}]
    session[KEY] = (offered + [[v.id, touch.id] for v in due])[-KEPT:]


def offers():
    """{planned visit id: touch id} of the offers waiting in this session."""
    return {visit_id: touch_id for visit_id, touch_id in session.get(KEY, [])}


def forget(visit_id):
    """Drop the offer for this planned visit (marked done or cancelled)."""
    if any(pair[0] == visit_id for pair in session.get(KEY, [])):
        session[KEY] = [pair for pair in session[KEY] if pair[0] != visit_id]
