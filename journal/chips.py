"""Smart capture chips: what a note says (journal/extraction.py) as chips under the note, each on or off, movable to
another chosen person and editable; read back from the capture form, checked, and stored (at Save, or by Keep on
Today, through the one `store`)."""
import calendar
import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from . import extraction
from .note_words import RELATIONS as RELATION_WORDS  # the words a note uses for a relation: "daughter" → child
from .dates import MONTHS_SHORT
from .models import RELATIONS, Contact, FamilyMember, Gift, PlannedVisit, Promise
from .text import fold, split_list
from .touch_forms import NOTE_MAX

KINDS = ("promise", "family", "interest", "gift", "meeting")
# Each kind's values, as the chip's inputs hold them (text).
FIELDS = {
    "promise": ("text", "date"),
    "family": ("name", "relation", "age", "interests", "word"),
    "interest": ("text",),
    "gift": ("text",),
    "meeting": ("date", "time"),
}
TEXT_LIMITS = {"promise": 500, "interest": 60, "gift": 300}  # as the fields of the same things elsewhere
NAME_LIMIT = 200
INTEREST_LIMIT = 60
MOST = 40  # chips read from one form, at most
_CHIP_KEY = re.compile(r"^chip-(\d{1,3})-key$")
_AGE = re.compile(r"\d{1,3}", re.ASCII)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$", re.ASCII)


def digest(note):
    """The fingerprint of a note's text: the chips say which note they were read from (`found_for`)."""
    return hashlib.sha256((note or "").encode()).hexdigest()[:32]


@dataclass
class Owner:
    """A person chosen on the capture form: `value` is "c:<contact id>" or "n:<position among the new names>"."""

    value: str
    name: str
    contact: Contact | None = None


def owners_of(known, new):
    """The chosen people, in order: the user's contacts, then the new names (named by their folded name, so that a
    chip stays with its person when another new name is taken away; a repeated name by its position too)."""
    owners, seen = [Owner(f"c:{c.id}", c.name, c) for c in known], set()
    for i, name in enumerate(new):
        value = "n:" + fold(name)[:200]
        owners.append(Owner(value if value not in seen else f"{value}#{i}", name))
        seen.add(value)
    return owners


def _words(text):
    """Folded words of `text`, space-separated and padded, for whole-word matching."""
    return " " + " ".join(re.findall(r"\w+", fold(text or ""))) + " "


def owner_for(owners, about, sentence, leave_out=""):
    """Whose an item is: the chosen person `about` names, else the first one the sentence names (by full or first
    name, accents and case aside), else the first chosen person."""
    if not owners:
        return ""

    def named(text):
        words = _words(text)
        for owner in owners:
            full = _words(owner.name)
            first = " " + full.split()[0] + " " if full.strip() else None
            if full.strip() and (full in words or first in words):
                return owner.value
        return None

    sentence = sentence or ""
    if leave_out:
        sentence = re.sub(re.escape(leave_out), " ", sentence, flags=re.IGNORECASE)
    return (about and named(about)) or named(sentence) or owners[0].value


@dataclass
class Chip:
    """One found item under the note; `values` are its inputs' text, `found` what the note gave them."""

    kind: str
    key: str
    values: dict
    found: dict
    owner: str
    on: bool = True
    seen: bool = False  # it came back from the form: the user saw it
    errors: dict = field(default_factory=dict)
    known: tuple | None = None  # family: (name, age or None) of the member the owner already has

    @property
    def edited(self):
        """True when the user changed what the note gave."""
        return self.values != self.found

    def describe(self, today=None):
        """The chip's label."""
        return label(self.kind, self.values, self.known, today)


def _key(kind, text):
    """A chip's key: its kind and its folded text (or name, or date)."""
    return f"{kind}:{fold(text)[:200]}"


def _fresh(kind, values, owner):
    """A chip as the note gives it."""
    main = values.get("text") or values.get("name") or values.get("date") or ""
    return Chip(kind, _key(kind, main), dict(values), dict(values), owner)


def read(found, owners):
    """The chips of an Extraction, each for its owner, the first of each key only."""
    chips, keys = [], set()

    def add(kind, values, item, leave_out=""):
        chip = _fresh(kind, values, owner_for(owners, item.about, item.sentence, leave_out))
        if chip.key not in keys and len(chips) < MOST:  # no more than a form sends back (`submitted`)
            keys.add(chip.key)
            chips.append(chip)

    for p in found.promises:
        add("promise", {"text": p.text, "date": p.due.isoformat()}, p)
    for f in found.family:
        add("family", {"name": f.name, "relation": f.relation, "age": "" if f.age is None else str(f.age),
                       "interests": ", ".join(f.interests), "word": relation_word(f.relation, f.sentence)}, f, f.name)
    for i in found.interests:
        add("interest", {"text": i.text}, i)
    for g in found.gifts:
        add("gift", {"text": g.text}, g)
    for m in found.meetings:
        add("meeting", {"date": m.date.isoformat(), "time": m.time.strftime("%H:%M") if m.time else ""}, m)
    return chips


def relation_word(relation, sentence):
    """The word the sentence uses for this relation ("daughter"), or ""."""
    for word in re.findall(r"[\w-]+", (sentence or "").lower()):
        if RELATION_WORDS.get(word) == relation:
            return word
    return ""


def submitted(form):
    """The chips a capture form sent back (chip-<n>-key, -on, -owner and the kind's values), in their order."""
    numbers = sorted(int(m.group(1)) for m in map(_CHIP_KEY.match, form.keys()) if m)[:MOST]
    chips = []
    for n in numbers:
        prefix = f"chip-{n}-"
        key = form.get(prefix + "key", "")
        kind = key.partition(":")[0]
        if kind not in FIELDS:
            continue
        values = {name: (form.get(prefix + name) or "").strip() for name in FIELDS[kind]}
        try:
            found = json.loads(form.get(prefix + "found") or "{}")
        except (ValueError, RecursionError):  # a tampered "[[[[…" is as good as nothing
            found = {}
        if not isinstance(found, dict):
            found = {}
        found = {name: str(found.get(name, "")) for name in FIELDS[kind]}
        chips.append(Chip(kind, key[:260], values, found, form.get(prefix + "owner", ""),
                          on=form.get(prefix + "on") == "1", seen=True))
    return chips


def merged(fresh, sent, owners):
    """The note's chips, each keeping what the user did to the chip of the same key they sent back (off, moved,
    edited); a chip sent back whose key the note no longer gives is gone."""
    by_key = {c.key: c for c in sent}
    valid = {o.value for o in owners}
    for chip in fresh:
        old = by_key.get(chip.key)
        if old is None:
            continue
        chip.on, chip.seen = old.on, True
        if old.owner in valid:
            chip.owner = old.owner
        if old.edited:
            chip.values, chip.found = old.values, old.found
    return fresh


def chips_for(user, note, day, owners, sent=()):
    """The chips of `note` (written on `day`) for these owners, keeping the state of the chips `sent` back."""
    # A note over the field's limit is refused at Save anyway: not read (about 9 µs a character).
    found = extraction.extract(note, today=day) if len(note) <= NOTE_MAX else extraction.Extraction()
    chips = merged(read(found, owners), list(sent), owners)
    mark_known(user, chips, owners, day)
    return chips


def mark_known(user, chips, owners, day):
    """Tell each family chip about the member of that name its owner already has (one query for all owners)."""
    ids = {o.value: o.contact.id for o in owners if o.contact is not None}
    wanted = [c for c in chips if c.kind == "family" and c.owner in ids]
    if not wanted:
        return
    members = FamilyMember.with_ages(user, {ids[c.owner] for c in wanted}, day)
    for chip in wanted:
        chip.known = members.get((ids[chip.owner], fold(chip.values.get("name", ""))))


# --- checking and storing -------------------------------------------------------------------------------------


def _day(text):
    """A date from YYYY-MM-DD, or None."""
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


def clean(chip, owners):
    """The chip's values as stored (a JSON-able dict), or None with `chip.errors` filled in."""
    values, errors = chip.values, {}
    if chip.owner not in {o.value for o in owners}:
        errors["owner"] = "Choose one of the people of this note."
    payload = {}
    if chip.kind in TEXT_LIMITS:
        text = " ".join(values.get("text", "").split())
        if not text:
            errors["text"] = "Write what it is, or turn it off."
        elif len(text) > TEXT_LIMITS[chip.kind]:
            errors["text"] = f"Keep it under {TEXT_LIMITS[chip.kind]} characters."
        payload["text"] = text
    if chip.kind in ("promise", "meeting"):
        day = _day(values.get("date"))
        if day is None:
            errors["date"] = "Choose a date."
        payload["date"] = day.isoformat() if day else ""
    if chip.kind == "meeting":
        time = values.get("time", "")
        match = _TIME.match(time)
        if time and not match:
            errors["time"] = "Use a time like 10:30."
        payload["time"] = f"{int(match.group(1)):02d}:{match.group(2)}" if match else None  # "9:30" -> "09:30"
    if chip.kind == "family":
        name = " ".join(values.get("name", "").split())
        if not name:
            errors["name"] = "Write their name, or turn it off."
        elif len(name) > NAME_LIMIT:
            errors["name"] = "That name is too long."
        relation = values.get("relation", "")
        if relation not in dict(RELATIONS):
            errors["relation"] = "Choose a relation."
        age = values.get("age", "")
        whole = bool(_AGE.fullmatch(age))  # ASCII digits only: "²" is a digit to str.isdigit()
        if age and not (whole and int(age) <= 120):
            errors["age"] = "Use an age between 0 and 120."
        interests = split_list(values.get("interests", ""))
        if any(len(i) > INTEREST_LIMIT for i in interests):
            errors["interests"] = f"Keep each interest under {INTEREST_LIMIT} characters."
        word = values.get("word", "")
        payload.update(name=name, relation=relation, age=int(age) if whole else None, interests=interests,
                       word=word if RELATION_WORDS.get(word) == relation else "")
    chip.errors = errors
    return None if errors else payload


def store(contact, touch, kind, payload, today):
    """Store one found item for `contact`, from `touch`, as a chip's Save or a finding's Keep do; returns warnings
    for the user (a gift idea like one already given)."""
    if kind == "promise":
        Promise.create(user=contact.user_id, contact=contact, touch=touch, text=payload["text"],
                       due_on=datetime.date.fromisoformat(payload["date"]))
    elif kind == "family":
        contact.add_fact(extraction.FoundFamily(payload["relation"], payload["name"], payload["age"],
                                                tuple(payload["interests"])), today)
    elif kind == "interest":
        contact.add_interests([payload["text"]])
    elif kind == "gift":
        from .gifts import repeat_message

        warnings = [repeat_message(g, contact, None) + " Noted anyway."
                    for g in Gift.repeats(contact.user_id, contact.id, None, payload["text"])]
        Gift.create(user=contact.user_id, contact=contact, description=payload["text"])
        return warnings
    elif kind == "meeting":
        at = datetime.time.fromisoformat(payload["time"]) if payload.get("time") else None
        PlannedVisit.plan(contact, datetime.date.fromisoformat(payload["date"]), at=at, source_touch=touch)
    return []


# --- what a chip says -------------------------------------------------------------------------------------------


def day_label(day, today=None):
    """'Fri 13 Mar', with the year when it is not `today`'s."""
    text = f"{calendar.day_abbr[day.weekday()]} {day.day} {MONTHS_SHORT[day.month - 1]}"
    if today is not None and day.year != today.year:
        text += f" {day.year}"
    return text


def label(kind, values, known=None, today=None):
    """What a chip (or a finding) says: "Promise: send the brochure · Fri 13 Mar", "Léa (daughter), 8",
    "Léa: age 8 → 9", "Interest: sailing", "Gift idea: single malt", "Next visit: Wed 15 Apr, 10:00"."""
    if kind == "promise":
        day = _day(values.get("date"))
        return f"Promise: {values.get('text', '')}" + (f" · {day_label(day, today)}" if day else "")
    if kind == "family":
        name, age, interests = values.get("name", ""), str(values.get("age") or ""), values.get("interests") or ""
        if not isinstance(interests, str):
            interests = ", ".join(interests)
        tail = f" · {interests}" if interests else ""
        if known is not None:
            old = known[1]
            if age and old is not None and str(old) != age:
                return f"{known[0]}: age {old} → {age}{tail}"
            if age and old is None:
                return f"{known[0]}: age {age}{tail}"
            return f"{known[0]}: already in the journal{tail}"
        word = values.get("word") or dict(RELATIONS).get(values.get("relation"), "family").split(" /")[0].lower()
        return f"{name} ({word})" + (f", {age}" if age else "") + tail
    if kind == "interest":
        return f"Interest: {values.get('text', '')}"
    if kind == "gift":
        return f"Gift idea: {values.get('text', '')}"
    if kind == "meeting":
        day = _day(values.get("date"))
        text = f"Next visit: {day_label(day, today)}" if day else "Next visit"
        return text + (f", {values['time']}" if values.get("time") else "")
    return kind


def as_values(kind, payload):
    """A stored payload as a chip's text values (for its label)."""
    values = {name: payload.get(name) for name in FIELDS.get(kind, ())}
    if kind == "family":
        values["age"] = "" if payload.get("age") is None else str(payload["age"])
        values["interests"] = ", ".join(payload.get("interests") or [])
    return {k: "" if v is None else v for k, v in values.items()}
