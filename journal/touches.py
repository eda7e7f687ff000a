"""Moments of touch after they are saved: the touch page, its recap, edit and delete (saving one is capture.py)."""

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required

from . import clock
from .db import db
from .models import ContactMethod, Promise, Touch
from .touch_forms import TouchForm
from .web import get_owned_or_404, render

bp = Blueprint("touches", __name__)


def _touch_context(touch):
    """What the touch page shows: its people, its promises and the recap text."""
    people = Touch.contacts_of([touch])[touch.id]
    promises = list(Promise.for_user(current_user).where(Promise.touch == touch).order_by(Promise.due_on))
    emails = ContactMethod.firsts([p.id for p in people])[1]
    return {
        "touch": touch, "people": people, "promises": promises, "recap": recap_text(touch, people, promises),
        "recap_to": ",".join(emails[p.id].value for p in people if p.id in emails), "today": clock.today(),
    }


def recap_text(touch, people, promises):
    """A short plain-text recap: what we discussed and what I promised, by when."""
    first_names = " and ".join(p.name.split()[0] for p in people) or "there"
    when = f"{touch.happened_at.day} {touch.happened_at:%b}"
    lines = [f"Hi {first_names},", "", f"Thank you for the {touch.kind_label.lower()} on {when}. A short recap so we both have a copy."]
    if touch.note:
        lines += ["", "What we discussed:", touch.note]
    if promises:
        lines += ["", "What I promised:"]
        lines += [f"- {p.text}, by {p.due_on:%a} {p.due_on.day} {p.due_on:%b}" for p in promises]
    lines += ["", "Speak soon!"]
    return "\n".join(lines)


@bp.route("/touches/<touch_id>")
@login_required
def show(touch_id):
    """One touch: its note, people, promises, and a recap to share."""
    touch = get_owned_or_404(Touch, touch_id)
    return render("touches/show.html", section="people", **_touch_context(touch))


@bp.route("/touches/<touch_id>/edit", methods=["GET", "POST"])
@login_required
def edit(touch_id):
    """Edit a touch's kind, time, note, pulse and give/ask flag."""
    touch = get_owned_or_404(Touch, touch_id)
    form = TouchForm(obj=touch)
    if form.validate_on_submit():
        with db.atomic():
            form.populate_obj(touch)
            touch.note = touch.note or ""
            touch.happened_at = form.happened_at.data or touch.happened_at
            touch.save()
            touch.set_contacts([p.id for p in Touch.contacts_of([touch])[touch.id]])
        flash("Touch updated.", "success")
        return redirect(url_for("touches.show", touch_id=touch.id))
    return render("touches/edit.html", section="people", form=form, status=422 if form.errors else 200,
                  **_touch_context(touch))


@bp.route("/touches/<touch_id>/delete", methods=["POST"])
@login_required
def delete(touch_id):
    """Delete a touch (its promises stay, unlinked)."""
    touch = get_owned_or_404(Touch, touch_id)
    people = Touch.contacts_of([touch])[touch.id]
    with db.atomic():
        touch.delete_instance()
        Touch.refresh_last_touch([p.id for p in people])
    flash("Touch deleted.", "info")
    if people:
        return redirect(url_for("people.brief", contact_id=people[0].id))
    return redirect(url_for("today.index"))
