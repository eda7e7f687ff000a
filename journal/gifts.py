"""Gifts: ideas in one step, the status flow, no repeats, yearly spend and budgets."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from . import clock
from .extensions import htmx
from .gift_forms import GiftForm, GiftIdeaForm, recipient_choices
from .models import GIFT_NEXT, GIFT_STATUSES, Contact, FamilyMember, Gift
from .once import create_once, earlier_result
from .people.brief import render_brief
from .people.views import owned_member
from .web import get_owned_or_404, render

bp = Blueprint("gifts", __name__)


def _family(contact):
    """The contact's family members, for the recipient choice."""
    return list(FamilyMember.of_contact(current_user, contact))


def _recipient(contact, value):
    """The family member a recipient value names (None for the contact); 404 if it is not theirs."""
    if not value:
        return None
    return owned_member(contact, value)


def repeat_message(gift, contact, member):
    """"You gave Léa (Tom's child) a chess set in Dec 2025"."""
    who = f"{member.name} ({contact.name.split()[0]}'s {member.relation_label.lower()})" if member else contact.name
    when = f" in {gift.date:%b %Y}" if gift.date else ""
    return f"You gave {who} “{gift.description}”{when}."


def _repeats(contact, member, description, exclude_id=None):
    """Warnings about similar gifts already given to this recipient."""
    found = Gift.repeats(current_user, contact.id, member.id if member else None, description, exclude_id)
    return [repeat_message(g, contact, member) for g in found]


@bp.route("/people/<contact_id>/gifts/check")
@login_required
def check(contact_id):
    """Live check while typing an idea: has something like it been given to this recipient?"""
    contact = get_owned_or_404(Contact, contact_id)
    member = _recipient(contact, request.args.get("recipient", ""))
    warnings = _repeats(contact, member, request.args.get("description", ""))
    return render("gifts/_warning.html", partials={"gift-warning": "gifts/_warning.html"}, warnings=warnings)


@bp.route("/people/<contact_id>/gifts", methods=["POST"])
@login_required
def create(contact_id):
    """Add a gift idea from the brief (one step)."""
    contact = get_owned_or_404(Contact, contact_id)
    if earlier_result() is not None:  # the same form sent twice: the first one noted the idea
        if htmx:
            return render_brief(contact)
        return redirect(url_for("people.brief", contact_id=contact.id, _anchor="contact-gifts"))
    form = GiftIdeaForm()
    form.recipient.choices = recipient_choices(contact, _family(contact))
    if not form.validate():
        return render_brief(contact, status=422, gift_form=form)
    member = _recipient(contact, form.recipient.data)
    warnings = _repeats(contact, member, form.description.data)
    create_once(lambda: Gift.create(user=current_user.id, contact=contact, family_member=member,
                                    description=form.description.data).id)
    if htmx:
        return render_brief(contact, gift_warnings=warnings)
    for warning in warnings:
        flash(warning + " Noted anyway.", "warning")
    flash("Gift idea noted.", "success")
    return redirect(url_for("people.brief", contact_id=contact.id, _anchor="contact-gifts"))


@bp.route("/gifts/<gift_id>/edit", methods=["GET", "POST"])
@login_required
def edit(gift_id):
    """The full gift record: recipient, status, occasion, price, link, date, notes."""
    gift = get_owned_or_404(Gift, gift_id)
    contact = gift.contact
    form = GiftForm(obj=gift)
    form.recipient.choices = recipient_choices(contact, _family(contact))
    if request.method == "GET":
        form.recipient.data = str(gift.family_member_id or "")
    today = clock.today()
    if form.validate_on_submit():
        member = _recipient(contact, form.recipient.data)
        old_status = gift.status
        form.populate_obj(gift)
        gift.family_member = member
        if gift.status in ("bought", "given", "received") and gift.date is None:
            gift.date = today
        warning = gift.budget_warning(today)
        if gift.status == "given" and old_status != "given":
            for repeat in _repeats(contact, member, gift.description, exclude_id=gift.id):
                flash(repeat, "warning")
        gift.save()
        if warning:
            flash(warning, "warning")
        flash("Gift saved.", "success")
        return redirect(url_for("people.brief", contact_id=contact.id, _anchor="contact-gifts"))
    return render("gifts/edit.html", section="people", form=form, gift=gift, contact=contact,
                  status=422 if form.errors else 200)


@bp.route("/gifts/<gift_id>/status", methods=["POST"])
@login_required
def move(gift_id):
    """Move a gift one step along its flow (idea → planned → bought → given)."""
    gift = get_owned_or_404(Gift, gift_id)
    target = request.form.get("to", "")
    today = clock.today()
    try:
        gift.move_to(target, today)
    except (ValueError, KeyError):
        flash("That step is not possible for this gift.", "error")
        return redirect(url_for("people.brief", contact_id=gift.contact_id, _anchor="contact-gifts"))
    warning = gift.budget_warning(today)
    gift.save()
    if htmx:
        return render_brief(gift.contact, gift_warnings=[warning] if warning else [])
    if warning:
        flash(warning, "warning")
    return redirect(url_for("people.brief", contact_id=gift.contact_id, _anchor="contact-gifts"))


@bp.route("/gifts/<gift_id>/delete", methods=["POST"])
@login_required
def delete(gift_id):
    """Delete a gift."""
    gift = get_owned_or_404(Gift, gift_id)
    contact_id = gift.contact_id
    gift.delete_instance()
    flash("Gift deleted.", "info")
    return redirect(url_for("people.brief", contact_id=contact_id, _anchor="contact-gifts"))


@bp.route("/gifts")
@login_required
def spend():
    """Yearly gift spend per contact and in total."""
    year = request.args.get("year", type=int) or clock.today().year
    year = min(max(year, 1900), 2200)
    return render(
        "gifts/spend.html",
        section="people",
        year=year,
        total=Gift.spend(current_user, year),
        per_contact=Gift.spend_by_contact(current_user, year),
        statuses=dict(GIFT_STATUSES),
        next_steps=GIFT_NEXT,
    )
