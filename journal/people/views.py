"""Views for people: the list, the brief, in-place edits, family and dates."""

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..audit import audit
from ..db import db
from ..extensions import htmx
from ..models import Contact, ContactMethod, ContactTag, FamilyMember, Gift, ImportantDate, Touch
from ..once import create_once, earlier_result
from ..text import split_list
from ..web import get_owned_or_404, page_number, render
from . import bp
from .brief import render_brief, section_done
from .forms import ContactForm, DateForm, FamilyForm, WorldForm, parse_methods

TIMELINE_PARTIALS = {"contact-timeline": "people/_timeline.html", "more-touches": "people/_timeline_rows.html"}
TIMELINE_PAGE = 10
LIST_PARTIALS = {"people-list": "people/_list.html", "more-people": "people/_rows.html"}


def _today():
    """Today's date (one place, so tests and views agree)."""
    return clock.today()


@bp.route("/")
@login_required
def index():
    """The alphabetical list of people, paged, filterable by tag."""
    tag = request.args.get("tag", "").strip()
    page = page_number()
    size = current_app.config["PEOPLE_PAGE_SIZE"]
    # One extra row tells whether there is a next page.
    rows, total = Contact.list_page(current_user, tag, (page - 1) * size, size + 1)
    has_more = len(rows) > size
    rows = rows[:size]
    first_phone, first_email = ContactMethod.firsts([c.id for c in rows])
    return render(
        "people/index.html",
        partials=LIST_PARTIALS,
        section="people",
        people=rows,
        first_phone=first_phone,
        first_email=first_email,
        has_more=has_more,
        page=page,
        tag=tag,
        tags=ContactTag.counts(current_user) if not htmx or htmx.target != "more-people" else [],
        total=total if page == 1 else None,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add a person: the full contact form."""
    first = earlier_result()
    if first is not None:  # the same form sent twice (a double tap): the person the first one added
        return redirect(url_for("people.brief", contact_id=first))
    form = ContactForm()
    if form.validate_on_submit():

        def add():
            """Store the person and their lists; returns the new id."""
            contact = Contact(user=current_user.id)
            form.apply_to(contact)
            contact.save()
            _save_lists(contact, form)
            return contact.id

        contact_id, created = create_once(add)
        if created:
            flash(f"{form.name.data} added. Add their family and what matters to them.", "success")
        return redirect(url_for("people.brief", contact_id=contact_id))
    return render("people/new.html", section="people", form=form, status=422 if form.errors else 200)


def _save_lists(contact, form):
    """Store the phones, emails, tags and interests typed into a ContactForm."""
    contact.set_methods("phone", parse_methods(form.phones.data))
    contact.set_methods("email", parse_methods(form.emails.data))
    contact.set_tags(split_list(form.tags.data))
    contact.set_interests(split_list(form.interests.data))


@bp.route("/<contact_id>")
@login_required
def brief(contact_id):
    """The pre-call brief; `?edit=card|world|family-N|family-new|date-N|date-new` opens a section for editing."""
    contact = get_owned_or_404(Contact, contact_id)
    edit = request.args.get("edit", "")
    forms = {}
    if edit == "card":
        forms["card_form"] = ContactForm(formdata=None)
        forms["card_form"].fill_from(contact, contact.related())
    elif edit == "world":
        forms["world_form"] = WorldForm(formdata=None, obj=contact)
    elif edit.startswith("family-"):
        forms["family_form"] = _family_form_for(contact, edit.removeprefix("family-"))
    elif edit.startswith("date-"):
        forms["date_form"] = _date_form_for(contact, edit.removeprefix("date-"))
    elif edit:
        abort(404)
    return render_brief(contact, edit=edit or None, **forms)


def _family_form_for(contact, which):
    """A family form, empty for "new" or filled from the member with that id (404 if not theirs)."""
    form = FamilyForm(formdata=None)
    if which == "new":
        return form
    member = owned_member(contact, which)
    birthday = ImportantDate.get_or_none(
        (ImportantDate.family_member == member) & (ImportantDate.kind == "birthday")
    )
    form.fill_from(member, birthday, list(member.interests))
    return form


def _date_form_for(contact, which):
    """A date form, empty for "new" or filled from the contact's date with that id (404 if not theirs)."""
    form = DateForm(formdata=None)
    if which == "new":
        return form
    date = _owned_date(contact, which)
    form.kind.data, form.label.data = date.kind, date.label
    form.fill_date(date)
    return form


def owned_member(contact, member_id):
    """The contact's family member with this id, or 404 (another user's, or another contact's)."""
    return get_owned_or_404(FamilyMember, member_id, FamilyMember.of_contact(current_user, contact))


def _owned_date(contact, date_id):
    """The contact's own (not a family member's) date with this id, or 404."""
    return get_owned_or_404(
        ImportantDate,
        date_id,
        ImportantDate.for_user(current_user).where(
            (ImportantDate.contact == contact) & ImportantDate.family_member.is_null()
        ),
    )


@bp.route("/<contact_id>/card", methods=["POST"])
@login_required
def update_card(contact_id):
    """Save the contact card (name, company, phones, tags...)."""
    contact = get_owned_or_404(Contact, contact_id)
    form = ContactForm()
    if not form.validate():
        return render_brief(contact, status=422, edit="card", card_form=form)
    with db.atomic():
        form.apply_to(contact)
        contact.save()
        _save_lists(contact, form)
    return section_done(contact, "contact-card", "Saved.")


@bp.route("/<contact_id>/world", methods=["POST"])
@login_required
def update_world(contact_id):
    """Save "Their world"."""
    contact = get_owned_or_404(Contact, contact_id)
    form = WorldForm()
    if not form.validate():
        return render_brief(contact, status=422, edit="world", world_form=form)
    form.populate_obj(contact)
    contact.save()
    return section_done(contact, "contact-world", "Saved.")


@bp.route("/<contact_id>/family", methods=["POST"], defaults={"member_id": None})
@bp.route("/<contact_id>/family/<member_id>", methods=["POST"])
@login_required
def save_family(contact_id, member_id):
    """Add a family member, or update one."""
    contact = get_owned_or_404(Contact, contact_id)
    member = None
    if member_id is not None:
        member = owned_member(contact, member_id)
    elif earlier_result() is not None:  # a new member's form sent twice: the first one added them
        return section_done(contact, "contact-family", also=("contact-dates",))
    form = FamilyForm()
    valid = form.validate()
    birthday = form.birthday(_today())
    if not valid or birthday is None:
        return render_brief(contact, status=422, edit=f"family-{member_id or 'new'}", family_form=form)

    def store():
        """Save the member with their interests and birthday; returns their id."""
        saved = member or FamilyMember(user=current_user.id, contact=contact)
        saved.relation, saved.name, saved.notes = form.relation.data, form.name.data, form.notes.data or ""
        saved.save()
        contact.set_interests(split_list(form.interests.data), family_member=saved)
        ImportantDate.delete().where(
            (ImportantDate.family_member == saved) & (ImportantDate.kind == "birthday")
        ).execute()
        if not birthday.is_empty:
            ImportantDate.create(
                user=current_user.id, contact=contact, family_member=saved, kind="birthday",
                year=birthday.year, month=birthday.month, day=birthday.day, year_approximate=birthday.approximate,
            )
        return saved.id

    if member is None:
        create_once(store)
    else:
        with db.atomic():
            store()
    return section_done(contact, "contact-family", f"{form.name.data} saved.", also=("contact-dates",))


@bp.route("/<contact_id>/family/<member_id>/delete", methods=["POST"])
@login_required
def delete_family(contact_id, member_id):
    """Remove a family member (with their birthday and interests)."""
    contact = get_owned_or_404(Contact, contact_id)
    member = owned_member(contact, member_id)
    with db.atomic():
        # Their gifts stay in the ledger (spend, repeat warnings), now recorded as for the contact.
        Gift.update(family_member=None).where(Gift.family_member == member).execute()
        member.delete_instance()
    return section_done(contact, "contact-family", f"{member.name} removed.", also=("contact-dates",))


@bp.route("/<contact_id>/dates", methods=["POST"], defaults={"date_id": None})
@bp.route("/<contact_id>/dates/<date_id>", methods=["POST"])
@login_required
def save_date(contact_id, date_id):
    """Add or update one of the contact's important dates."""
    contact = get_owned_or_404(Contact, contact_id)
    date = _owned_date(contact, date_id) if date_id is not None else None
    # Before the checks: a repeat must not be told that the birthday its first submit added already exists.
    if date is None and earlier_result() is not None:
        return section_done(contact, "contact-dates")
    form = DateForm()
    valid = form.validate()
    partial = form.important_date()
    if valid and partial is not None and form.kind.data == "birthday":
        other = ImportantDate.for_user(current_user).where(
            (ImportantDate.contact == contact) & ImportantDate.family_member.is_null() & (ImportantDate.kind == "birthday")
        )
        if date is not None:
            other = other.where(ImportantDate.id != date.id)
        if other.exists():
            form.kind.errors.append(f"{contact.name} already has a birthday: edit that one instead.")
            partial = None
    if not valid or partial is None:
        return render_brief(contact, status=422, edit=f"date-{date_id or 'new'}", date_form=form)

    def store():
        """Save the date; returns its id."""
        saved = date or ImportantDate(user=current_user.id, contact=contact)
        saved.kind, saved.label = form.kind.data, form.label.data
        saved.year, saved.month, saved.day, saved.year_approximate = partial.year, partial.month, partial.day, False
        saved.corrected = ""
        saved.save()
        return saved.id

    if date is None:
        create_once(store)
    else:
        store()
    return section_done(contact, "contact-dates", "Date saved.")


@bp.route("/<contact_id>/dates/<date_id>/delete", methods=["POST"])
@login_required
def delete_date(contact_id, date_id):
    """Remove one of the contact's important dates."""
    contact = get_owned_or_404(Contact, contact_id)
    _owned_date(contact, date_id).delete_instance()
    return section_done(contact, "contact-dates", "Date removed.")


@bp.route("/<contact_id>/delete", methods=["GET", "POST"])
@login_required
def delete(contact_id):
    """Ask, then delete a contact with their family, dates, interests and tags."""
    contact = get_owned_or_404(Contact, contact_id)
    if request.method == "POST":
        name = contact.name
        Touch.delete_with_contact(contact)
        audit("contact deleted", detail=f"contact {contact_id}")
        flash(f"{name} was deleted.", "info")
        if htmx:
            return "", 204, {"HX-Redirect": url_for("people.index")}
        return redirect(url_for("people.index"))
    related = contact.related()
    related["touches"] = Touch.only_with(contact).count()
    related["promises"] = contact.promises.count()
    return render("people/delete.html", section="people", contact=contact, related=related)


@bp.route("/<contact_id>/timeline")
@login_required
def timeline(contact_id):
    """Every touch with this contact, newest first, a page at a time."""
    contact = get_owned_or_404(Contact, contact_id)
    page = page_number()
    rows = list(Touch.for_contact(contact).offset((page - 1) * TIMELINE_PAGE).limit(TIMELINE_PAGE + 1))
    has_more = len(rows) > TIMELINE_PAGE
    touches = rows[:TIMELINE_PAGE]
    return render(
        "people/timeline.html",
        partials=TIMELINE_PARTIALS,
        section="people",
        contact=contact,
        touches=touches,
        touch_people=Touch.contacts_of(touches),
        has_more=has_more,
        page=page,
        today=_today(),
    )
