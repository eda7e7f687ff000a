"""Today's "From your notes": what the smart capture read in a note nobody saw the chips of, kept or dismissed
with one tap."""
from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required

from . import chips
from .db import db
from .extensions import htmx
from .models import Contact, Finding, Touch
from .web import get_owned_or_404, render

bp = Blueprint("findings", __name__)


@bp.app_template_global()
def finding_label(finding, today=None):
    """What a finding says, as its chip did."""
    return chips.label(finding.kind, chips.as_values(finding.kind, finding.values), today=today)


def _answer(finding, kept, warnings=()):
    """The finding's row after Keep or Dismiss (htmx swaps it in), or Today again."""
    if htmx:
        return render("today/_finding_done.html", finding=finding, kept=kept, warnings=warnings)
    for warning in warnings:
        flash(warning, "warning")
    return redirect(url_for("today.index"), code=303)


@bp.route("/findings/<finding_id>/keep", methods=["POST"])
@login_required
def keep(finding_id):
    """Store what the note said, exactly as its chip would have at Save, and take it off Today."""
    finding = get_owned_or_404(Finding, finding_id)
    with db.atomic():
        # Taken off first: of two Keeps of one finding (a double tap, two tabs) only the one that removed it stores.
        if not Finding.delete().where(Finding.id == finding.id).execute():
            return _answer(finding, True)
        contact = Contact.owned(current_user, finding.contact_id)
        touch = Touch.owned(current_user, finding.touch_id)
        warnings = chips.store(contact, touch, finding.kind, finding.values, touch.happened_at.date())
    return _answer(finding, True, warnings)


@bp.route("/findings/<finding_id>/dismiss", methods=["POST"])
@login_required
def dismiss(finding_id):
    """Forget what the note said (the note itself stays)."""
    finding = get_owned_or_404(Finding, finding_id)
    finding.delete_instance()
    return _answer(finding, False)
