"""Quick capture: the "+" screen for a note right after a visit, its contact type-ahead, and saving it
(idempotent by the UUID the phone gave it)."""
import datetime
import json
import uuid

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import IntegrityError

from . import chips as found_chips
from . import clock
from .db import db
from .extensions import htmx
from .gifts import repeat_message
from .models import RELATIONS, Contact, Finding, Gift, Promise, Touch
from .touch_forms import CaptureForm
from .visit_offers import offer_after_capture
from .web import as_id, from_outbox, render

bp = Blueprint("capture", __name__)


def chosen_people(form):
    """The people a capture form names: the user's own contacts (by id) and new names."""
    ids = [i for i in (form.contact_ids.data or []) if isinstance(i, int) and as_id(i)]
    found = Contact.owned_many(current_user, ids)
    # In the order they were chosen: the first one gets the promise, the gift idea and, by default, the chips.
    known = [found[i] for i in dict.fromkeys(ids) if i in found]
    return known, list(form.new_contacts.data or [])


def visit_day(form):
    """The day the capture's dates resolve against: the touch's, or today."""
    return (form.happened_at.data or clock.now()).date()


def render_capture(form, status=200, chips=(), found_for=""):
    """Render the capture page (or its form fragment for htmx), with the note's chips when there are some."""
    known, new = chosen_people(form)
    return render(
        "capture/index.html",
        partials={"capture-form": "capture/_form.html", "found": "capture/_found.html"},
        status=status,
        section="capture",
        form=form,
        chosen=known,
        chosen_new=new,
        **_found_context(form, chips, found_for, found_chips.owners_of(known, new)),
    )


def _found_context(form, chips, found_for, owners):
    """What capture/_found.html needs besides the form."""
    return {"chips": chips, "found_for": found_for, "owners": owners, "relations": RELATIONS,
            "visit_day": visit_day(form)}


@bp.route("/capture")
@login_required
def index():
    """The capture screen; `?contact=ID` preselects a person."""
    form = CaptureForm(formdata=None)
    form.uuid.data = str(uuid.uuid4())
    form.promise_due.data = clock.today() + datetime.timedelta(days=7)
    preselected = as_id(request.args.get("contact"))
    form.contact_ids.data = [preselected] if preselected else []
    return render_capture(form)


@bp.route("/capture/found", methods=["POST"])
@login_required
def found():
    """The chips of the note being typed (htmx, as the note, the people or the time change), keeping what the user
    did to the chips already shown."""
    form = CaptureForm()
    note = form.note.data or ""
    known, new = chosen_people(form)
    owners = found_chips.owners_of(known, new)
    chips = found_chips.chips_for(current_user, note, visit_day(form), owners, found_chips.submitted(request.form))
    return render("capture/_found.html", **_found_context(form, chips, found_chips.digest(note), owners))


@bp.route("/capture/contacts")
@login_required
def contacts():
    """Type-ahead: people whose name starts with what was typed, and an offer to add a new one."""
    typed = " ".join(request.args.get("q", "").split())[:200]
    matches = list(Contact.matching(current_user, typed)) if typed else []
    exact = any(m.name.casefold() == typed.casefold() for m in matches)
    return render(
        "capture/_suggestions.html",
        partials={"contact-suggestions": "capture/_suggestions.html"},
        matches=matches,
        typed=typed,
        offer_new=bool(typed) and not exact,
    )


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
def save():
    """Save a quick capture: the touch, new people, a promise, a gift idea and the note's chips that are on, all or
    nothing; what the note says that nobody saw as chips waits on Today as findings."""
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
    note, day = form.note.data or "", visit_day(form)
    owners = found_chips.owners_of(known, new)
    sent = found_chips.submitted(request.form)
    # Chips the user saw for this very note are taken as sent; otherwise (an outbox replay, a Save before the chips
    # of the last words came) the note is read again: what was sent keeps its state, the rest waits on Today.
    seen = not from_outbox() and request.form.get("found_for") == found_chips.digest(note)
    chips = sent if seen else found_chips.chips_for(current_user, note, day, owners, sent)
    kept = [(c, found_chips.clean(c, owners)) for c in chips if c.on and c.seen]
    if not valid or form.contact_ids.errors or any(payload is None for _, payload in kept):
        if from_outbox():
            errors = [e for errors in form.errors.values() for e in errors] + [e for c, _ in kept for e in c.errors.values()]
            return jsonify(errors=errors), 422
        if seen:
            found_chips.mark_known(current_user, chips, owners, day)
        return render_capture(form, status=422, chips=chips, found_for=found_chips.digest(note))
    unseen = [(c, found_chips.clean(c, owners)) for c in chips if not c.seen]
    now = clock.now()
    try:
        with db.atomic():
            people = known + [Contact.create(user=current_user.id, name=name) for name in new]
            whose = {owner.value: person for owner, person in zip(owners, people)}
            touch = Touch.create(
                user=current_user.id, uuid=form.uuid.data, kind=form.kind.data, note=note,
                happened_at=form.happened_at.data or now, pulse=form.pulse.data, give_ask=form.give_ask.data,
            )
            touch.set_contacts([p.id for p in people])
            if form.promise_text.data:
                Promise.create(user=current_user.id, contact=people[0], touch=touch,
                               text=form.promise_text.data, due_on=form.promise_due.data)
            warnings = []
            if form.gift_idea.data:
                for repeat in Gift.repeats(current_user, people[0].id, None, form.gift_idea.data):
                    warnings.append(repeat_message(repeat, people[0], None) + " Noted anyway.")
                Gift.create(user=current_user.id, contact=people[0], description=form.gift_idea.data)
            for chip, payload in kept:
                warnings += found_chips.store(whose[chip.owner], touch, chip.kind, payload, day)
            for chip, payload in unseen:
                if payload is not None:  # what the note says but no chip could hold (an age of 130) is left
                    Finding.add(current_user, touch, whose[chip.owner], chip.kind, payload)
    except IntegrityError:
        # The same UUID arrived twice at once: the other request stored it.
        existing = Touch.by_uuid(current_user, form.uuid.data)
        if existing is None:
            raise
        return _saved_response(existing, Touch.contacts_of([existing])[existing.id][0].id, created=False)
    if not from_outbox():
        for warning in warnings:
            flash(warning, "warning")
    offer_after_capture(touch, people)
    return _saved_response(touch, people[0].id, created=True)


def _same_capture(touch, people, form):
    """True when the form repeats the stored touch (same note and the same known people)."""
    chosen = {i for i in (form.contact_ids.data or []) if isinstance(i, int)}
    return (form.note.data or "").strip() == touch.note and chosen <= {p.id for p in people}
