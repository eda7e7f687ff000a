"""Gestures: planned extra-mile acts; a done gesture is logged as a touch."""

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required

from . import clock
from .extensions import htmx
from .gift_forms import GestureDoneForm, GestureForm
from .models import Contact, Gesture
from .once import create_once, earlier_result
from .people.brief import render_brief
from .web import get_owned_or_404

bp = Blueprint("gestures", __name__)


def _back(contact, also=(), **forms):
    """The refreshed brief section (and the `also` sections it changed) for htmx, else a redirect to the brief."""
    if htmx or forms:
        return render_brief(contact, status=422 if forms else 200, also=also, **forms)  # forms: what failed, to show again
    return redirect(url_for("people.brief", contact_id=contact.id, _anchor="contact-gestures"))


@bp.route("/people/<contact_id>/gestures", methods=["POST"])
@login_required
def create(contact_id):
    """Plan a gesture."""
    contact = get_owned_or_404(Contact, contact_id)
    if earlier_result() is not None:  # the same form sent twice: the first one planned it
        return _back(contact)
    form = GestureForm()
    if not form.validate():
        return _back(contact, gesture_form=form)
    create_once(lambda: Gesture.create(user=current_user.id, contact=contact, text=form.text.data, due_on=form.due_on.data).id)
    if not htmx:
        flash("Gesture planned.", "success")
    return _back(contact)


@bp.route("/gestures/<gesture_id>/done", methods=["POST"])
@login_required
def done(gesture_id):
    """Mark a gesture done with its outcome, and log it as a touch."""
    gesture = get_owned_or_404(Gesture, gesture_id)
    form = GestureDoneForm()
    if not form.validate():
        return _back(gesture.contact, done_form=form, done_gesture=gesture.id)
    logged = gesture.complete(form.outcome.data or "", clock.now())
    if logged is not None and not htmx:
        flash("Gesture done and logged as a touch.", "success")
    return _back(gesture.contact, also=("contact-touches",))


@bp.route("/gestures/<gesture_id>/drop", methods=["POST"])
@login_required
def drop(gesture_id):
    """Drop a planned gesture."""
    gesture = get_owned_or_404(Gesture, gesture_id)
    if gesture.status == "planned":
        gesture.status = "dropped"
        gesture.save(only=[Gesture.status])
    return _back(gesture.contact)
