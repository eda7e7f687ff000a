"""Promises: add from the brief, mark done (or undo), snooze a contact's keep-in-touch reminder."""
import datetime

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from . import clock
from .extensions import htmx
from .models import Contact, Promise
from .once import create_once, earlier_result
from .people.brief import render_brief
from .today import render_today
from .touch_forms import PromiseForm
from .web import get_owned_or_404, safe_next

bp = Blueprint("promises", __name__)


def _back(contact, promise_form=None, status=200):
    """Answer a change: the section that asked (brief or Today), or a redirect for plain forms."""
    if htmx and htmx.target and htmx.target.startswith("today-"):
        return render_today()
    if htmx:
        return render_brief(contact, status=status, promise_form=promise_form)
    if status != 200:
        return render_brief(contact, status=status, promise_form=promise_form)
    return redirect(safe_next(request.form.get("next"), url_for("people.brief", contact_id=contact.id)))


@bp.route("/people/<contact_id>/promises", methods=["POST"])
@login_required
def create(contact_id):
    """Add a promise to a contact."""
    contact = get_owned_or_404(Contact, contact_id)
    if earlier_result() is not None:  # the same form sent twice: the first one noted it
        return _back(contact)
    form = PromiseForm()
    if not form.validate():
        return _back(contact, promise_form=form, status=422)
    create_once(lambda: Promise.create(user=current_user.id, contact=contact, text=form.text.data, due_on=form.due_on.data).id)
    if not htmx:
        flash("Promise noted.", "success")
    return _back(contact)


@bp.route("/promises/<promise_id>/done", methods=["POST"])
@login_required
def done(promise_id):
    """Mark a promise done now."""
    promise = get_owned_or_404(Promise, promise_id)
    if promise.done_at is None:
        promise.done_at = clock.now()
        promise.save(only=[Promise.done_at])
    return _back(promise.contact)


@bp.route("/promises/<promise_id>/reopen", methods=["POST"])
@login_required
def reopen(promise_id):
    """Undo "done"."""
    promise = get_owned_or_404(Promise, promise_id)
    promise.done_at = None
    promise.save(only=[Promise.done_at])
    return _back(promise.contact)


@bp.route("/people/<contact_id>/snooze", methods=["POST"])
@login_required
def snooze(contact_id):
    """Hide a contact from "due for a touch" for some days (7 by default)."""
    contact = get_owned_or_404(Contact, contact_id)
    days = request.form.get("days", 7, type=int)
    days = min(max(days or 7, 1), 365)
    contact.snoozed_until = clock.today() + datetime.timedelta(days=days)
    contact.save(only=[Contact.snoozed_until])
    if not htmx:
        flash(f"{contact.name} snoozed for {days} days.", "info")
    return _back(contact)
