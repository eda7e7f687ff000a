"""Full backup (one JSON file with everything the user wrote) and restore into an empty account."""
import datetime
import json
import uuid as uuidlib
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_login import current_user, login_required

from .audit import audit
from .db import db
from .models import (DATE_KINDS, GESTURE_STATUSES, GIFT_OCCASIONS, GIFT_STATUSES, GIVE_ASK, PULSES, RELATIONS,
                     TOUCH_KINDS, Contact, ContactMethod, ContactTag, FamilyMember, Gesture, Gift, ImportantDate,
                     Interest, Promise, Touch, TouchContact)
from .web import render

bp = Blueprint("backup", __name__)

FORMAT, VERSION = "rapport-backup", 1
CONTACT_FIELDS = ["name", "company", "role", "city", "how_we_met", "cadence_days", "goals", "challenges", "how_to_help",
                  "ideas_to_give", "feel_important", "snoozed_until", "gift_budget", "gift_budget_currency"]


def _iso(value):
    """JSON-friendly dates, datetimes and decimals."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _date_dict(d):
    """A stored date as a plain dict."""
    return {"kind": d.kind, "label": d.label, "year": d.year, "month": d.month, "day": d.day,
            "approximate": d.year_approximate}


def build_backup(user):
    """Everything the user wrote, as plain data (never password hashes, sessions or feed tokens)."""
    def by_contact(query):
        out = {}
        for row in query:
            out.setdefault(row.contact_id, []).append(row)
        return out

    methods = by_contact(ContactMethod.for_user(user).order_by(ContactMethod.position, ContactMethod.id))
    tags = by_contact(ContactTag.for_user(user).order_by(ContactTag.id))
    interests = by_contact(Interest.for_user(user).order_by(Interest.id))
    family = by_contact(FamilyMember.for_user(user).order_by(FamilyMember.id))
    dates = by_contact(ImportantDate.for_user(user).order_by(ImportantDate.id))
    promises = by_contact(Promise.for_user(user).order_by(Promise.id))
    gifts = by_contact(Gift.for_user(user).order_by(Gift.id))
    gestures = by_contact(Gesture.for_user(user).order_by(Gesture.id))
    contacts = []
    for c in Contact.for_user(user).order_by(Contact.id):
        member_dates = {d.family_member_id: d for d in dates.get(c.id, []) if d.family_member_id and d.kind == "birthday"}
        contacts.append({
            "id": c.id,
            **{f: _iso(getattr(c, f)) for f in CONTACT_FIELDS},
            "phones": [{"label": m.label, "value": m.value} for m in methods.get(c.id, []) if m.kind == "phone"],
            "emails": [{"label": m.label, "value": m.value} for m in methods.get(c.id, []) if m.kind == "email"],
            "tags": [t.name for t in tags.get(c.id, [])],
            "interests": [i.name for i in interests.get(c.id, []) if not i.family_member_id],
            "family": [{
                "id": m.id, "relation": m.relation, "name": m.name, "notes": m.notes,
                "interests": [i.name for i in interests.get(c.id, []) if i.family_member_id == m.id],
                "birthday": _date_dict(member_dates[m.id]) if m.id in member_dates else None,
            } for m in family.get(c.id, [])],
            "dates": [_date_dict(d) for d in dates.get(c.id, []) if not d.family_member_id],
            "promises": [{"text": p.text, "due_on": _iso(p.due_on), "done_at": _iso(p.done_at), "touch": p.touch_id}
                         for p in promises.get(c.id, [])],
            "gifts": [{"for": g.family_member_id, "description": g.description, "status": g.status,
                       "occasion": g.occasion, "price": _iso(g.price), "currency": g.currency, "link": g.link,
                       "notes": g.notes, "date": _iso(g.date)} for g in gifts.get(c.id, [])],
            "gestures": [{"text": g.text, "due_on": _iso(g.due_on), "status": g.status, "outcome": g.outcome,
                          "done_at": _iso(g.done_at), "touch": g.touch_id} for g in gestures.get(c.id, [])],
        })
    links = {}
    for touch_id, contact_id in TouchContact.for_user(user, TouchContact.touch, TouchContact.contact).tuples():
        links.setdefault(touch_id, []).append(contact_id)
    touches = [{"id": t.id, "uuid": t.uuid, "kind": t.kind, "happened_at": _iso(t.happened_at), "note": t.note,
                "pulse": t.pulse, "give_ask": t.give_ask, "contacts": sorted(links.get(t.id, []))}
               for t in Touch.for_user(user).order_by(Touch.id)]
    return {"format": FORMAT, "version": VERSION, "exported_at": datetime.datetime.now().isoformat(timespec="seconds"),
            "contacts": contacts, "touches": touches}


class RestoreError(ValueError):
    """A backup file that cannot be restored; the message says why."""


def _choice(value, choices, what, default=None):
    """A value from a fixed list, or a RestoreError."""
    allowed = {key for key, _ in choices}
    if value in allowed or (value is None and default is None):
        return value
    if value is None:
        return default
    raise RestoreError(f"Unknown {what}: {value!r}.")


def _whole(value, what, low, high):
    """A whole number from low to high (or None), as the forms accept it."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise RestoreError(f"{what} is not a whole number from {low} to {high}: {value!r}.")
    return value


def _amount(value, what):
    """An amount of money from 0 to 10^9 with at most two decimals (or None), as the forms accept it."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RestoreError(f"{what} is not an amount: {value!r}.")
    if not amount.is_finite() or not 0 <= amount <= 10 ** 9:
        raise RestoreError(f"{what} is not an amount from 0 to 1,000,000,000: {value!r}.")
    return amount.quantize(Decimal("0.01"))


def _date(value, what):
    """An ISO date (or None)."""
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RestoreError(f"{what} is not a date: {value!r}.")


def _datetime(value, what):
    """An ISO date and time (or None)."""
    if value in (None, ""):
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise RestoreError(f"{what} is not a date and time: {value!r}.")


def _text(value, what, limit=20000):
    """A string (None becomes empty)."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise RestoreError(f"{what} is not text of at most {limit} characters.")
    return value


def restore(user, data):
    """Write a backup into the (empty) account, all or nothing; return how many contacts were restored."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError("This is not a Rapport backup file.")
    if data.get("version") != VERSION:
        raise RestoreError(f"This backup has version {data.get('version')!r}; this Rapport reads version {VERSION}.")
    if Contact.for_user(user).exists() or Touch.for_user(user).exists():
        raise RestoreError("Restore works into an empty account: this one already has people or touches.")
    contacts, touches = data.get("contacts"), data.get("touches")
    if not isinstance(contacts, list) or not isinstance(touches, list):
        raise RestoreError("The backup has no list of contacts or touches.")
    uid = user.id
    with db.atomic():
        contact_ids, member_ids, touch_ids, later = {}, {}, {}, []
        for n, c in enumerate(contacts, 1):
            if not isinstance(c, dict) or not _text(c.get("name"), f"Contact {n}'s name", 200).strip():
                raise RestoreError(f"Contact {n} has no name.")
            budget = _amount(c.get("gift_budget"), f"Contact {n}'s gift budget")
            contact = Contact(user=uid, **{f: _text(c.get(f), f"Contact {n}'s {f}", getattr(Contact, f).max_length)
                                           for f in ("name", "company", "role", "city")},
                              **{f: _text(c.get(f), f"Contact {n}'s {f}") for f in
                                 ("how_we_met", "goals", "challenges", "how_to_help", "ideas_to_give", "feel_important")})
            contact.cadence_days = _whole(c.get("cadence_days"), f"Contact {n}'s keep-in-touch days", 1, 3650)
            contact.snoozed_until = _date(c.get("snoozed_until"), f"Contact {n}'s snooze")
            contact.gift_budget = budget
            contact.gift_budget_currency = _text(c.get("gift_budget_currency") or "EUR", "currency", 3)
            contact.save()
            contact_ids[c.get("id")] = contact.id
            contact.set_methods("phone", [(_text(p.get("label"), "label", 40), _text(p.get("value"), "phone", 254))
                                          for p in c.get("phones") or []])
            contact.set_methods("email", [(_text(e.get("label"), "label", 40), _text(e.get("value"), "email", 254))
                                          for e in c.get("emails") or []])
            contact.set_tags([_text(t, "tag", 60) for t in c.get("tags") or []])
            contact.set_interests([_text(i, "interest", 60) for i in c.get("interests") or []])
            for f in c.get("family") or []:
                member = FamilyMember.create(user=uid, contact=contact, name=_text(f.get("name"), "family name", 200),
                                             relation=_choice(f.get("relation"), RELATIONS, "relation", "other"),
                                             notes=_text(f.get("notes"), "notes"))
                member_ids[(c.get("id"), f.get("id"))] = member.id
                contact.set_interests([_text(i, "interest", 60) for i in f.get("interests") or []], family_member=member)
                if f.get("birthday"):
                    _add_date(uid, contact.id, member.id, f["birthday"])
            for d in c.get("dates") or []:
                _add_date(uid, contact.id, None, d)
            later.append((c, contact))
        for n, t in enumerate(touches, 1):
            people = [contact_ids[i] for i in t.get("contacts") or [] if i in contact_ids]
            touch = Touch.create(user=uid, uuid=_text(t.get("uuid"), "touch id", 36) or str(uuidlib.uuid4()),
                                 kind=_choice(t.get("kind"), TOUCH_KINDS, "touch kind", "visit"),
                                 happened_at=_datetime(t.get("happened_at"), f"Touch {n}'s time") or datetime.datetime.now(),
                                 note=_text(t.get("note"), "note"), pulse=_choice(t.get("pulse"), PULSES, "pulse"),
                                 give_ask=_choice(t.get("give_ask"), GIVE_ASK, "give/ask"))
            touch_ids[t.get("id")] = touch.id
            if people:
                touch.set_contacts(people)
        for c, contact in later:
            for p in c.get("promises") or []:
                Promise.create(user=uid, contact=contact, touch=touch_ids.get(p.get("touch")),
                               text=_text(p.get("text"), "promise", 500), due_on=_date(p.get("due_on"), "due date") or datetime.date.today(),
                               done_at=_datetime(p.get("done_at"), "done time"))
            for g in c.get("gifts") or []:
                Gift.create(user=uid, contact=contact, family_member=member_ids.get((c.get("id"), g.get("for"))),
                            description=_text(g.get("description"), "gift", 300),
                            status=_choice(g.get("status"), GIFT_STATUSES, "gift status", "idea"),
                            occasion=_choice(g.get("occasion"), GIFT_OCCASIONS, "occasion", "other"),
                            price=_amount(g.get("price"), "A gift's price"),
                            currency=_text(g.get("currency") or "EUR", "currency", 3), link=_text(g.get("link"), "link", 1000),
                            notes=_text(g.get("notes"), "notes"), date=_date(g.get("date"), "gift date"))
            for g in c.get("gestures") or []:
                Gesture.create(user=uid, contact=contact, text=_text(g.get("text"), "gesture", 1000),
                               due_on=_date(g.get("due_on"), "gesture date") or datetime.date.today(),
                               status=_choice(g.get("status"), GESTURE_STATUSES, "gesture status", "planned"),
                               outcome=_text(g.get("outcome"), "outcome"), done_at=_datetime(g.get("done_at"), "done time"),
                               touch=touch_ids.get(g.get("touch")))
    return len(contact_ids)


def _add_date(uid, contact_id, member_id, d):
    """Restore one important date."""
    if not isinstance(d, dict):
        raise RestoreError("A date is not in the expected form.")
    ImportantDate.create(user=uid, contact=contact_id, family_member=member_id,
                         kind=_choice(d.get("kind"), DATE_KINDS, "date kind", "custom"), label=_text(d.get("label"), "label", 120),
                         year=_whole(d.get("year"), "A date's year", 1, 9999),
                         month=_whole(d.get("month"), "A date's month", 1, 12),
                         day=_whole(d.get("day"), "A date's day", 1, 31),
                         year_approximate=bool(d.get("approximate")))


@bp.route("/backup.json")
@login_required
def download():
    """The full backup as a JSON file."""
    body = json.dumps(build_backup(current_user), ensure_ascii=False, indent=1)
    audit("export", detail="json backup")
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="rapport-backup-{datetime.date.today()}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/restore", methods=["GET", "POST"])
@login_required
def upload():
    """Restore a backup file into this (empty) account: all or nothing."""
    error = None
    if request.method == "POST":
        upload = request.files.get("backup")
        if upload is None or not upload.filename:
            error = "Choose the backup file (rapport-backup-….json)."
        else:
            try:
                data = json.loads(upload.read().decode("utf-8-sig"))
                count = restore(current_user, data)
            except (UnicodeDecodeError, json.JSONDecodeError):
                error = "That file is not a JSON backup."
            except (RestoreError, KeyError, TypeError, AttributeError) as problem:
                error = str(problem) if isinstance(problem, RestoreError) else "The backup is damaged: nothing was restored."
            else:
                audit("restore", detail=f"{count} contacts")
                flash(f"Restored {count} people with their history.", "success")
                return redirect(url_for("people.index"))
    return render("exports/restore.html", section="people", error=error, status=422 if error else 200)
