"""Quick capture: the "+" screen for a note right after a visit, and its contact type-ahead."""
import datetime
import uuid

from flask import Blueprint, request
from flask_login import current_user, login_required

from .models import Contact
from .touch_forms import CaptureForm
from .web import as_id, render

bp = Blueprint("capture", __name__)


def chosen_people(form):
    """The people a capture form names: the user's own contacts (by id) and new names."""
    ids = [i for i in (form.contact_ids.data or []) if isinstance(i, int) and as_id(i)]
    found = Contact.owned_many(current_user, ids)
    # In the order they were chosen: the first one gets the promise, the fact and the gift idea.
    known = [found[i] for i in dict.fromkeys(ids) if i in found]
    return known, list(form.new_contacts.data or [])


def render_capture(form, status=200):
    """Render the capture page (or its form fragment for htmx)."""
    known, new = chosen_people(form)
    return render(
        "capture/index.html",
        partials={"capture-form": "capture/_form.html"},
        status=status,
        section="capture",
        form=form,
        chosen=known,
        chosen_new=new,
    )


@bp.route("/capture")
@login_required
def index():
    """The capture screen; `?contact=ID` preselects a person."""
    form = CaptureForm(formdata=None)
    form.uuid.data = str(uuid.uuid4())
    form.promise_due.data = datetime.date.today() + datetime.timedelta(days=7)
    preselected = as_id(request.args.get("contact"))
    form.contact_ids.data = [preselected] if preselected else []
    return render_capture(form)


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
