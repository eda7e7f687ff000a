"""Moments of touch: saving a capture (idempotent by UUID), the touch page, recap, edit and delete."""
import datetime
import json
import uuid

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import IntegrityError

from .capture import chosen_people, render_capture
from .db import db
from .extensions import htmx
from .gifts import repeat_message
from .models import Contact, ContactMethod, Gift, Promise, Touch
from .touch_forms import CaptureForm, TouchForm
from .web import from_outbox, get_owned_or_404, render

bp = Blueprint("touches", __name__)


def _saved_response(touch, contact_id, created):
    """Answer a saved (or already saved) capture: go to the brief, and tell the page its draft is safe."""
    target = url_for("people.brief", contact_id=contact_id, _anchor="contact-touches")
    if from_outbox():
        # A note sent again from the phone's outbox: no flash for a page nobody is looking at.
        return jsonify(uuid=touch.uuid, sent=request.form.get("uuid", ""), url=target), 201 if created else 200
    if created:
        flash("Saved to the journal.", "success")
    if htmx:
        # The page forgets the draft (by the id it sent: a reused id may have been replaced by a fresh one) and
        # goes to the brief itself, replacing the capture form in the history, so that Back cannot show a form
        # that would store the note twice (HX-Redirect would add a history entry).
        sent = request.form.get("uuid", "")
        return "", 204, {"HX-Trigger": json.dumps({"touchSaved": {"uuid": touch.uuid, "sent": sent, "url": target}})}
    return redirect(target, code=303)


@bp.route("/touches", methods=["POST"])
@login_required
def create():
    """Save a quick capture: the touch, new people, a promise and a fact, all or nothing."""
    form = CaptureForm()
    # A retry of a capture that already reached us answers as if it had just succeeded. The same id
    # with other content is a new capture that reused a stale id (a draft restored after a lost
    # reply): it gets a fresh id instead of being dropped.
    if form.uuid.data:
        existing = Touch.by_uuid(current_user, form.uuid.data.strip().lower())
        if existing is not None:
            people = Touch.contacts_of([existing])[existing.id]
            if _same_capture(existing, people, form):
                return _saved_response(existing, people[0].id if people else None, created=False)
            form.uuid.data = str(uuid.uuid4())
    valid = form.validate()
    known, new = chosen_people(form)
    missing = set(form.contact_ids.data or []) - {c.id for c in known}
    if missing:
        form.contact_ids.errors.append("One of the chosen people is not in your journal.")
    elif not known and not new:
        form.contact_ids.errors.append("Choose who this was with, or type a new name.")
    if not valid or form.contact_ids.errors:
        if from_outbox():
            return jsonify(errors=[e for errors in form.errors.values() for e in errors]), 422
        return render_capture(form, status=422)
    now = datetime.datetime.now().replace(second=0, microsecond=0)
    try:
        with db.atomic():
            people = known + [Contact.create(user=current_user.id, name=name) for name in new]
            touch = Touch.create(
                user=current_user.id, uuid=form.uuid.data, kind=form.kind.data, note=form.note.data or "",
                happened_at=form.happened_at.data or now, pulse=form.pulse.data, give_ask=form.give_ask.data,
            )
            touch.set_contacts([p.id for p in people])
            if form.promise_text.data:
                Promise.create(user=current_user.id, contact=people[0], touch=touch,
                               text=form.promise_text.data, due_on=form.promise_due.data)
            if form.parsed_fact is not None:
                people[0].add_fact(form.parsed_fact, datetime.date.today())
            if form.gift_idea.data:
                for repeat in Gift.repeats(current_user, people[0].id, None, form.gift_idea.data):
                    flash(repeat_message(repeat, people[0], None) + " Noted anyway.", "warning")
                Gift.create(user=current_user.id, contact=people[0], description=form.gift_idea.data)
    except IntegrityError:
        # The same UUID arrived twice at once: the other request stored it.
        existing = Touch.by_uuid(current_user, form.uuid.data)
        if existing is None:
            raise
        return _saved_response(existing, Touch.contacts_of([existing])[existing.id][0].id, created=False)
    return _saved_response(touch, people[0].id, created=True)


def _same_capture(touch, people, form):
    """True when the form repeats the stored touch (same note and the same known people)."""
    chosen = {i for i in (form.contact_ids.data or []) if isinstance(i, int)}
    return (form.note.data or "").strip() == touch.note and chosen <= {p.id for p in people}


def _touch_context(touch):
    """What the touch page shows: its people, its promises and the recap text."""
    people = Touch.contacts_of([touch])[touch.id]
    promises = list(Promise.for_user(current_user).where(Promise.touch == touch).order_by(Promise.due_on))
    emails = ContactMethod.firsts([p.id for p in people])[1]
    return {
        "touch": touch, "people": people, "promises": promises, "recap": recap_text(touch, people, promises),
        "recap_to": ",".join(emails[p.id].value for p in people if p.id in emails), "today": datetime.date.today(),
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
        Contact.refresh_last_touch([p.id for p in people])
    flash("Touch deleted.", "info")
    if people:
        return redirect(url_for("people.brief", contact_id=people[0].id))
    return redirect(url_for("today.index"))
