"""Full backup (one JSON file with everything the user wrote) and restore into an empty account."""
import datetime
import functools
import json
import uuid as uuidlib
from decimal import Decimal

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import DataError, IntegrityError

from . import checks
from .audit import audit
from .dates import naive_utc, partial_date, wall_clock
from .db import db
from .models import (DATE_KINDS, GESTURE_STATUSES, GIFT_OCCASIONS, GIFT_STATUSES, GIVE_ASK, PULSES, RELATIONS,
                     TOUCH_KINDS, Contact, ContactMethod, ContactTag, FamilyMember, Gesture, Gift, ImportantDate,
                     Interest, PlannedVisit, Promise, Touch, TouchContact)
from .models.visits import NOTE_LENGTH as VISIT_NOTE_LENGTH
from .text import typed
from .web import render

bp = Blueprint("backup", __name__)

FORMAT, VERSION = "rapport-backup", 1
CONTACT_FIELDS = ["name", "alt_name", "company", "role", "city", "how_we_met", "cadence_days", "goals", "challenges",
                  "how_to_help", "ideas_to_give", "feel_important", "snoozed_until", "gift_budget", "gift_budget_currency"]


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
    visits = by_contact(PlannedVisit.for_user(user).order_by(PlannedVisit.id))
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
            "planned_visits": [{"on": _iso(v.on), "at": v.at.strftime("%H:%M") if v.at else None, "note": v.note,
                                "source_touch": v.source_touch_id, "done_touch": v.done_touch_id,
                                "done_at": _iso(v.done_at)} for v in visits.get(c.id, [])],
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


def _shown(value):
    """A value as a message quotes it: short, and only plain values (never a whole nested structure)."""
    if value is None or isinstance(value, (str, int, float)):
        text = repr(value) if not isinstance(value, int) or abs(value) < 10 ** 30 else "a huge number"
        return text if len(text) <= 60 else text[:57] + "…"
    return f"a {'list' if isinstance(value, list) else 'group of values'}"


def _checked(check, value, what):
    """`check(value)` (one of checks.py or dates.py), its ValueError turned into a RestoreError naming `what`."""
    try:
        return check(value)
    except ValueError as problem:
        raise RestoreError(f"{what}: {problem}")


def _choice(value, choices, what, default=None):
    """A value from a fixed list, or a RestoreError."""
    allowed = {key for key, _ in choices}
    if isinstance(value, (str, int)) and not isinstance(value, bool) and value in allowed:
        return value
    if value is None:
        return default
    raise RestoreError(f"Unknown {what}: {_shown(value)}.")


def _whole(value, what, low, high):
    """A whole number from low to high (or None), as the forms accept it."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise RestoreError(f"{what} is not a whole number from {low} to {high}: {_shown(value)}.")
    return value


def _date(value, what):
    """An ISO date (or None)."""
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RestoreError(f"{what} is not a date: {_shown(value)}.")


def _time(value, what):
    """A time of day as "HH:MM" (or None)."""
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or len(value) > 8:
            raise ValueError
        read = datetime.time.fromisoformat(value)
        if read.tzinfo is not None:  # a wall-clock time, as the form takes it: never an offset
            raise ValueError
        return read.replace(second=0, microsecond=0)
    except ValueError:
        raise RestoreError(f"{what} is not a time of day: {_shown(value)}.")


def _moment(value, what, read):
    """An ISO date and time (or None), stored as `read` (dates.wall_clock or dates.naive_utc) says."""
    if value in (None, ""):
        return None
    try:
        return read(value)
    except ValueError:
        raise RestoreError(f"{what} is not a date and time: {_shown(value)}.")


def _text(value, what, limit=20000):
    """A string (None becomes empty), as the forms take text (text.typed: NFC, no control characters)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = typed(value)
    if not isinstance(value, str) or len(value) > limit:
        raise RestoreError(f"{what} is not text of at most {limit} characters.")
    return value


def _list(value, what):
    """A list (None becomes empty)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RestoreError(f"{what} should be a list.")
    return value


def _record(value, what):
    """A dict, the form of every record in the file."""
    if not isinstance(value, dict):
        raise RestoreError(f"{what} is not in the expected form.")
    return value


def _key(value, what):
    """An id the file uses to link its records: a number or a text (or None)."""
    if value is None or (isinstance(value, (int, str)) and not isinstance(value, bool)):
        return value
    raise RestoreError(f"{what} is not an id: {_shown(value)}.")


def _unique(seen, value, what, noun="id"):
    """Note `value` (an id or a uuid) as seen; a second record with the same one is a RestoreError."""
    if value is not None:
        if value in seen:
            raise RestoreError(f"{what} share the {noun} {_shown(value)}.")
        seen.add(value)
    return value


def read_backup(body):
    """The data of an uploaded backup file's bytes, or a RestoreError saying why it cannot be read."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RestoreError("That file is not a JSON backup.")
    except RecursionError:
        raise RestoreError("The backup is nested too deeply to be a Rapport backup: nothing was restored.")
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise RestoreError("The backup holds a number that is too long: nothing was restored.")


def restore(user, data):
    """Write a backup into the (empty) account, all or nothing; return how many contacts were restored.

    Every value passes the forms' own checks (checks.py, dates.partial_date, the time rules of dates.py); ids shared
    by two records, and values of the wrong type anywhere, are RestoreErrors."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError("This is not a Rapport backup file.")
    if data.get("version") != VERSION:
        raise RestoreError(f"This backup has version {_shown(data.get('version'))}; this Rapport reads version {VERSION}.")
    if Contact.for_user(user).exists() or Touch.for_user(user).exists():
        raise RestoreError("Restore works into an empty account: this one already has people or touches.")
    contacts, touches = data.get("contacts"), data.get("touches")
    if not isinstance(contacts, list) or not isinstance(touches, list):
        raise RestoreError("The backup has no list of contacts or touches.")
    with db.atomic():
        contact_ids, member_ids, touch_ids, later = {}, {}, {}, []
        seen, seen_touches, uuids = set(), set(), set()
        for n, c in enumerate(contacts, 1):
            c = _record(c, f"Contact {n}")
            key = _unique(seen, _key(c.get("id"), f"Contact {n}'s id"), "Two contacts")
            contact = _restore_contact(user.id, n, c, key, member_ids)
            if key is not None:
                contact_ids[key] = contact.id
            later.append((n, c, key, contact))
        for n, t in enumerate(touches, 1):
            t = _record(t, f"Touch {n}")
            people = [contact_ids[i] for i in _list(t.get("contacts"), f"Touch {n}'s contacts")
                      if _key(i, f"Touch {n}'s contact") in contact_ids]
            uuid = _unique(uuids, _text(t.get("uuid"), f"Touch {n}'s uuid", 36) or str(uuidlib.uuid4()), "Two touches", "uuid")
            touch = Touch.create(user=user.id, uuid=uuid, kind=_choice(t.get("kind"), TOUCH_KINDS, "touch kind", "visit"),
                                 happened_at=_moment(t.get("happened_at"), f"Touch {n}'s time", wall_clock)
                                 or datetime.datetime.now(),
                                 note=_text(t.get("note"), f"Touch {n}'s note"), pulse=_choice(t.get("pulse"), PULSES, "pulse"),
                                 give_ask=_choice(t.get("give_ask"), GIVE_ASK, "give/ask"))
            touch_key = _unique(seen_touches, _key(t.get("id"), f"Touch {n}'s id"), "Two touches")
            if touch_key is not None:
                touch_ids[touch_key] = touch.id
            if people:
                touch.set_contacts(people)
        for n, c, key, contact in later:
            _restore_plans(user.id, n, c, key, contact, member_ids, touch_ids)
    return len(later)


def _restore_contact(uid, n, c, key, member_ids):
    """Write contact `n` of the file (its id there: `key`) with its phones, emails, tags, interests, family and dates;
    return it. Its family members' ids go into member_ids by (key, member's id there)."""
    name = _text(c.get("name"), f"Contact {n}'s name", 200)
    if not name.strip():
        raise RestoreError(f"Contact {n} has no name.")
    contact = Contact(user=uid, **{f: _text(c.get(f), f"Contact {n}'s {f}", getattr(Contact, f).max_length)
                                   for f in ("name", "alt_name", "company", "role", "city")},
                      **{f: _text(c.get(f), f"Contact {n}'s {f}") for f in
                         ("how_we_met", "goals", "challenges", "how_to_help", "ideas_to_give", "feel_important")})
    contact.cadence_days = _whole(c.get("cadence_days"), f"Contact {n}'s keep-in-touch days", 1, 3650)
    contact.snoozed_until = _date(c.get("snoozed_until"), f"Contact {n}'s snooze")
    contact.gift_budget = _checked(checks.amount, c.get("gift_budget"), f"Contact {n}'s gift budget")
    contact.gift_budget_currency = _checked(checks.currency, c.get("gift_budget_currency") or "EUR",
                                            f"Contact {n}'s budget currency")
    contact.save()
    for kind, plural in (("phone", "phones"), ("email", "emails")):
        entries = []
        for i, m in enumerate(_list(c.get(plural), f"Contact {n}'s {plural}"), 1):
            m = _record(m, f"Contact {n}'s {kind} {i}")
            entries.append((_text(m.get("label"), f"Contact {n}'s {kind} label", 40),
                            _text(m.get("value"), f"Contact {n}'s {kind}", 254)))
        contact.set_methods(kind, _checked(functools.partial(checks.methods, kind=kind), entries, f"Contact {n}'s {plural}"))
    contact.set_tags(_tag_list(c.get("tags"), f"Contact {n}'s tags"))
    contact.set_interests(_tag_list(c.get("interests"), f"Contact {n}'s interests"))
    seen = set()
    for i, f in enumerate(_list(c.get("family"), f"Contact {n}'s family"), 1):
        f = _record(f, f"Contact {n}'s family member {i}")
        name = _text(f.get("name"), f"Contact {n}'s family member {i}'s name", 200)
        if not name.strip():
            raise RestoreError(f"Contact {n}'s family member {i} has no name.")
        member_key = _unique(seen, _key(f.get("id"), f"Contact {n}'s family member {i}'s id"),
                             f"Two family members of contact {n}")
        member = FamilyMember.create(user=uid, contact=contact, name=name,
                                     relation=_choice(f.get("relation"), RELATIONS, "relation", "other"),
                                     notes=_text(f.get("notes"), f"Contact {n}'s family member {i}'s notes"))
        if member_key is not None:
            member_ids[(key, member_key)] = member.id
        contact.set_interests(_tag_list(f.get("interests"), f"Contact {n}'s family member {i}'s interests"),
                              family_member=member)
        if f.get("birthday"):
            _add_date(uid, contact.id, member.id, f["birthday"], f"Contact {n}'s family member {i}'s birthday")
    for d in _list(c.get("dates"), f"Contact {n}'s dates"):
        _add_date(uid, contact.id, None, d, f"Contact {n}'s date")
    return contact


def _tag_list(value, what):
    """Tags or interests as the forms take them: a list of short texts, at most checks.MAX_TAGS."""
    return _checked(checks.tags, [_text(t, what, checks.MAX_TAG_LENGTH) for t in _list(value, what)], what)


def _restore_plans(uid, n, c, key, contact, member_ids, touch_ids):
    """Write contact `n`'s promises, gifts, gestures and planned visits (after the touches they may point to)."""
    def touch(value, what):
        """The restored touch an item points to, or None."""
        return touch_ids.get(_key(value, what))

    for p in _list(c.get("promises"), f"Contact {n}'s promises"):
        p = _record(p, f"A promise of contact {n}")
        Promise.create(user=uid, contact=contact, touch=touch(p.get("touch"), "A promise's touch"),
                       text=_text(p.get("text"), "promise", 500),
                       due_on=_date(p.get("due_on"), "due date") or datetime.date.today(),
                       done_at=_moment(p.get("done_at"), "A promise's done time", naive_utc))
    for g in _list(c.get("gifts"), f"Contact {n}'s gifts"):
        g = _record(g, f"A gift of contact {n}")
        Gift.create(user=uid, contact=contact, family_member=member_ids.get((key, _key(g.get("for"), "A gift's recipient"))),
                    description=_text(g.get("description"), "gift", 300),
                    status=_choice(g.get("status"), GIFT_STATUSES, "gift status", "idea"),
                    occasion=_choice(g.get("occasion"), GIFT_OCCASIONS, "occasion", "other"),
                    price=_checked(checks.amount, g.get("price"), "A gift's price"),
                    currency=_checked(checks.currency, g.get("currency") or "EUR", "A gift's currency"),
                    link=_checked(checks.link, _text(g.get("link"), "A gift's link", 1000), "A gift's link"),
                    notes=_text(g.get("notes"), "notes"), date=_date(g.get("date"), "gift date"))
    for g in _list(c.get("gestures"), f"Contact {n}'s gestures"):
        g = _record(g, f"A gesture of contact {n}")
        Gesture.create(user=uid, contact=contact, text=_text(g.get("text"), "gesture", 1000),
                       due_on=_date(g.get("due_on"), "gesture date") or datetime.date.today(),
                       status=_choice(g.get("status"), GESTURE_STATUSES, "gesture status", "planned"),
                       outcome=_text(g.get("outcome"), "outcome"),
                       done_at=_moment(g.get("done_at"), "A gesture's done time", naive_utc),
                       touch=touch(g.get("touch"), "A gesture's touch"))
    for v in _list(c.get("planned_visits"), f"Contact {n}'s planned visits"):
        v = _record(v, f"A planned visit of contact {n}")
        on = _date(v.get("on"), f"A planned visit's day (contact {n})")
        if on is None:
            raise RestoreError(f"A planned visit of contact {n} has no day.")
        PlannedVisit.create(user=uid, contact=contact, on=on, at=_time(v.get("at"), "A planned visit's time"),
                            note=_text(v.get("note"), "A planned visit's note", VISIT_NOTE_LENGTH),
                            source_touch=touch(v.get("source_touch"), "A planned visit's touch"),
                            done_touch=touch(v.get("done_touch"), "A planned visit's touch"),
                            done_at=_moment(v.get("done_at"), "A planned visit's done time", naive_utc))


def _add_date(uid, contact_id, member_id, d, what):
    """Restore one important date, checked as the forms check it (dates.partial_date)."""
    d = _record(d, what)
    partial = _checked(lambda parts: partial_date(*parts, approximate=bool(d.get("approximate"))),
                       (d.get("day"), d.get("month"), d.get("year")), what)
    ImportantDate.create(user=uid, contact=contact_id, family_member=member_id,
                         kind=_choice(d.get("kind"), DATE_KINDS, "date kind", "custom"), label=_text(d.get("label"), "label", 120),
                         year=partial.year, month=partial.month, day=partial.day, year_approximate=partial.approximate)


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
                count = restore(current_user, read_backup(upload.read()))
            except RestoreError as problem:
                error = str(problem)
            except (LookupError, TypeError, AttributeError, ValueError, ArithmeticError, RecursionError, IntegrityError,
                    DataError):
                # restore() names every problem it knows; anything else is a gap in its checks, logged to be closed.
                current_app.logger.exception("restore: a damaged backup was not named")
                error = "The backup is damaged: nothing was restored."
            else:
                audit("restore", detail=f"{count} contacts")
                flash(f"Restored {count} people with their history.", "success")
                return redirect(url_for("people.index"))
    return render("exports/restore.html", section="people", error=error, status=422 if error else 200)
