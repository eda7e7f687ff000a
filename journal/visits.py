"""Planned visits on the brief: plan one, mark it done (with the touch a capture offered), or cancel it."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from . import visit_offers
from .extensions import htmx
from .models import Contact, PlannedVisit, Touch
from .once import create_once, earlier_result
from .people.brief import render_brief
from .visit_forms import VisitForm
from .web import as_id, get_owned_or_404

bp = Blueprint("visits", __name__)


def _back(contact, visit_form=None):
    """The refreshed visits section for htmx (or the form again with its errors, 422), else a redirect to the brief."""
    if htmx or visit_form is not None:
        return render_brief(contact, status=422 if visit_form is not None else 200, visit_form=visit_form)
    return redirect(url_for("people.brief", contact_id=contact.id, _anchor="contact-visits"))


@bp.route("/people/<contact_id>/visits", methods=["POST"])
@login_required
def plan(contact_id):
    """Plan a visit with a contact (the same day's open visit gets the new time instead of a second one)."""
    contact = get_owned_or_404(Contact, contact_id)
    if earlier_result() is not None:  # the same form sent twice: the first one planned it
        return _back(contact)
    form = VisitForm()
    if not form.validate():
        return _back(contact, visit_form=form)
    create_once(lambda: PlannedVisit.plan(contact, form.visit_on.data, at=form.visit_at.data,
                                          note=form.visit_note.data or "").id)
    if not htmx:
        flash("Visit planned.", "success")
    return _back(contact)


@bp.route("/visits/<visit_id>/done", methods=["POST"])
@login_required
def done(visit_id):
    """Mark a planned visit done: by the touch a capture offered (`touch`), or by itself."""
    visit = get_owned_or_404(PlannedVisit, visit_id)
    touch = None
    if request.form.get("touch"):
        touch = _touch_with(visit, request.form["touch"])
    if visit.mark_done(touch) and not htmx:
        flash("Visit marked done.", "success")
    visit_offers.forget(visit.id)
    return _back(visit.contact)


def _touch_with(visit, touch_id):
    """The user's touch with this id, with the visit's contact, on or after its day; else 404."""
    touch = Touch.owned(current_user, as_id(touch_id)) if as_id(touch_id) else None
    if touch is None or touch.happened_at.date() < visit.on:
        abort(404)
    if visit.contact_id not in {c.id for c in Touch.contacts_of([touch])[touch.id]}:
        abort(404)
    return touch


@bp.route("/visits/<visit_id>/cancel", methods=["POST"])
@login_required
def cancel(visit_id):
    """Cancel (delete) a planned visit."""
    visit = get_owned_or_404(PlannedVisit, visit_id)
    contact = visit.contact
    visit.delete_instance()
    visit_offers.forget(visit.id)
    if not htmx:
        flash("Visit cancelled.", "info")
    return _back(contact)
