"""Smart capture: what a free visit note says (my promises, family, interests, gift ideas, the next meeting),
read offline in English and German, with dates resolved against the day of the visit.

Rules, not a model: a note is cut into sentences and clauses; a clause with my commitment ("I'll", "promised",
"need to", "ich schicke", "versprochen", a bare "Send …" to-do) is a promise unless its subject is someone else
or it lies in the past; a meeting's words with a future date make the next meeting; family, interests and gift
ideas are read from their usual shapes ("daughter Léa, 8", "Tochter Mia (6)", "sails every weekend",
"Geschenkidee: …"). The words live in journal/note_words.py, the dates in journal/when.py."""
import datetime
import json
import re
import sys
from dataclasses import dataclass, field

import click

from . import clock
from . import note_words as words
from .text import fold
from .when import find_times, find_when

LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class FoundPromise:
    """Something I promised, due on `due`."""

    text: str
    due: datetime.date
    sentence: str = ""  # the sentence of the note it was read from
    about: str | None = None  # a name the sentence gives it to ("Tom's …"), when it names one


@dataclass(frozen=True)
class FoundFamily:
    """A family member: relation (child|partner|parent|sibling|other), name, age when said, their interests."""

    relation: str
    name: str
    age: int | None = None
    interests: tuple = ()
    sentence: str = ""
    about: str | None = None  # whose family ("Tom's wife Maria" → "Tom")


@dataclass(frozen=True)
class FoundMeeting:
    """The next meeting: a date and an optional time."""

    date: datetime.date
    time: datetime.time | None = None
    sentence: str = ""
    about: str | None = None


@dataclass(frozen=True)
class FoundItem:
    """An interest or a gift idea of the customer."""

    text: str
    sentence: str = ""
    about: str | None = None


@dataclass
class Extraction:
    """Everything found in one note."""

    promises: list = field(default_factory=list)
    family: list = field(default_factory=list)
    interests: list = field(default_factory=list)  # FoundItem
    gifts: list = field(default_factory=list)  # FoundItem
    meetings: list = field(default_factory=list)

    def is_empty(self):
        """True when the note said nothing to keep."""
        return not (self.promises or self.family or self.interests or self.gifts or self.meetings)

    def as_json(self):
        """The command's JSON shape: dates as YYYY-MM-DD, times as HH:MM."""
        return {
            "promises": [{"text": p.text, "due": p.due.isoformat()} for p in self.promises],
            "family": [{"relation": f.relation, "name": f.name, "age": f.age} for f in self.family],
            "interests": [i.text for i in self.interests],
            "gifts": [g.text for g in self.gifts],
            "meetings": [{"date": m.date.isoformat(), "time": m.time.strftime("%H:%M") if m.time else None}
                         for m in self.meetings],
        }



_GIFT_AFTER_DASH = re.compile(r"\s*[-–—(]+\s*(?:gift|present|geschenk)", re.IGNORECASE)
DEFAULT_DUE_DAYS = 7  # a promise that names no day is due in a week, as the promise form proposes


def extract(note, today, languages=LANGUAGES):
    """What `note`, written on `today` (the visit's date), says; `languages` are fixed, never detected."""
    found = Extraction()
    for sentence in sentences(note or ""):
        family = _family(sentence)
        found.family.extend(family)
        gifts = _gifts(sentence)
        found.gifts.extend(gifts)
        parts = clauses(sentence)
        # A sentence that opens with a gift idea is about the gift; "loves red wine - gift idea: …" too.
        about_gifts = bool(words.GIFT_MARK.match(sentence))
        for clause in parts:
            # A shared meeting first ("I'll visit again Tuesday"), then my commitment ("need to prepare for the
            # meeting on Friday"), then any meeting a clause dates.
            meeting = _meeting(clause, today, mutual_only=True)
            promise = None if meeting else _promise(clause, today)
            meeting = meeting or (None if promise else _meeting(clause, today))
            if meeting is not None:
                found.meetings.append(meeting)
                continue
            if promise is not None:
                found.promises.append(promise)
                continue
            after = sentence[sentence.find(clause) + len(clause):]
            gift_next = _GIFT_AFTER_DASH.match(after)
            if not (about_gifts or gift_next or words.gifts_in(clause)):
                found.interests.extend(_interests(clause, sentence[:sentence.find(clause)]))
    found.family = _merged_family(found.family)
    found.interests = _unique(found.interests)
    found.gifts = _unique(found.gifts)
    found.meetings = found.meetings[:1]  # the next meeting: the first one the note names
    return found


# Sentences and clauses

_SENTENCE_BREAK = re.compile(r"[.!?]+[\s]+|\n+|;\s*|\s+[|•]\s+")


def sentences(note):
    """The sentences of a note: split at full stops (not those of "15.04." before a month, "Dr." or "z.B."), line
    breaks and semicolons."""
    result, start = [], 0
    for m in _SENTENCE_BREAK.finditer(note):
        before = note[start:m.start()].split()
        after = note[m.end():m.end() + 12].split()
        last = before[-1].lower().rstrip(".") if before else ""
        # "am 15.04. um 10": a date's closing dot; "am 3. Mai": a German ordinal before its month.
        numeric = last.replace(".", "").isdigit()
        dated = numeric and ("." in last or len(before) > 1 and before[-2].lower() in ("am", "zum", "bis", "den", "vom", "ab"))
        if "\n" not in m.group() and ";" not in m.group() and (
                last in words.ABBREVIATIONS or (numeric and after and after[0].lower().strip(".,") in words.MONTH_WORDS)
                or (dated and after and after[0][:1].islower())):
            continue
        # A date's closing dot stays with it: "Termin am 22.6." needs it to be a date.
        result.append(note[start:m.start() + (1 if m.start() and note[m.start() - 1].isdigit() else 0)])
        start = m.end()
    result.append(note[start:])
    return [_trimmed(s) for s in result if _trimmed(s)]


def _trimmed(sentence):
    """A sentence without the spaces, commas and dashes around it, and its full stop unless a date's."""
    sentence = sentence.strip(" ,-–—\t")
    return sentence if re.search(r"\d\.$", sentence) else sentence.strip(" .,-–—\t")


_CLAUSE_BREAK = re.compile(r",\s*|\s+(?:and|but|und|aber|then|dann|so|also|plus|sowie)\s+|\s+[-–—]+\s+",
                           re.IGNORECASE)


def clauses(sentence):
    """The clauses of a sentence: cut at a comma, "and", "but", "und"... only where a new subject or a new
    commitment starts ("…, he will send the PO", "… and promised to call")."""
    result, start = [], 0
    for m in _CLAUSE_BREAK.finditer(sentence):
        joined = m.group().strip().lower() in ("and", "und")
        if words.starts_a_clause(sentence[m.end():], after_and=joined):
            result.append(sentence[start:m.start()])
            start = m.end()
    result.append(sentence[start:])
    return [c.strip() for c in result if c.strip()]


# Promises and meetings

def _future(clause, today):
    """(the first future When of the clause or None, whether it names only past times)."""
    whens = find_when(clause, today)
    future = next((w for w in whens if w.date is not None and not w.past and w.date >= today), None)
    return future, whens, bool(whens) and future is None


def _meeting(clause, today, mutual_only=False):
    """The meeting a clause plans, or None; with `mutual_only`, only one said to be shared ("next meeting",
    "let's meet", "nächster Termin")."""
    if words.MEETING_CANCELLED.search(clause):
        return None
    cue = words.MEETING_MUTUAL.search(clause)
    moved = words.MEETING_MOVED.search(clause)
    if cue is None and not mutual_only:
        cue = words.MEETING_PLAIN.search(clause)
        if cue and words.subject_of(clause) == "other" and not moved:
            return None
        if cue and words.PAST_TENSE.search(clause) and not moved:
            return None
    if cue is None:
        return None
    ahead = [w for w in find_when(clause, today) if w.date is not None and not w.past and w.date > today]
    if not ahead:
        return None
    # The day said after the meeting's words, else the last one before them ("back on the 22nd, seeing her on the
    # 24th").
    when = next((w for w in ahead if w.start >= cue.start()), ahead[-1])
    time = when.time or next((t for _, _, t in find_times(clause)), None)
    return FoundMeeting(when.date, time, clause, words.possessor(clause))


def _promise(clause, today):
    """My promise in a clause, or None."""
    subject = words.subject_of(clause)
    if words.NEGATED.search(clause) or words.OTHERS_PROMISE.search(clause) or words.KEPT.search(clause):
        return None
    strong = words.COMMITMENT.search(clause) or words.ASKED_ME.search(clause)
    when, whens, only_past = _future(clause, today)
    if only_past or when is None and words.SOFT.search(clause):
        return None
    if subject == "other" and not words.ASKED_ME.search(clause):
        return None
    if not strong:
        undated = _without(clause, whens)
        if not (words.imperative(undated, dated=when is not None) or (when and words.german_todo(undated))):
            return None
        if words.PAST_TENSE.search(clause) or when is not None and when.rolled:
            return None
    elif subject != "me" and words.PAST_TENSE.search(clause) and not (words.PROMISED.search(clause)
                                                                      or words.ASKED_ME.search(clause)):
        return None
    text = words.promise_text(clause, [(w.start, w.end) for w in whens])
    if not text:
        return None
    due = when.date if when else today + datetime.timedelta(days=DEFAULT_DUE_DAYS)
    return FoundPromise(text, due, clause, words.possessor(clause))


def _without(clause, whens):
    """The clause without its date phrases (and the colon of "end of October: send …")."""
    for w in sorted(whens, key=lambda w: w.start, reverse=True):
        clause = clause[:w.start] + " " + clause[w.end:]
    return " ".join(clause.split()).strip(" :,-–—")


# Family, interests, gifts

def _family(sentence):
    """The family members a sentence names, with their ages and interests."""
    return [FoundFamily(relation, name, age, tuple(interests), sentence, about)
            for relation, name, age, interests, about in words.family_in(sentence)]


def _interests(clause, before):
    """The customer's interests a clause names (`before`: the sentence before it)."""
    if words.subject_of(clause) == "me":
        return []
    return [FoundItem(text, clause) for text in words.interests_in(clause, before)]


def _gifts(sentence):
    """The gift ideas a sentence names."""
    return [FoundItem(text, sentence) for text in words.gifts_in(sentence)]


def _merged_family(members):
    """One entry per name (the fullest one), in the order of the note."""
    by_name = {}
    for member in members:
        key = fold(member.name)
        kept = by_name.get(key)
        if kept is None:
            by_name[key] = member
        elif kept.age is None and member.age is not None or len(member.interests) > len(kept.interests):
            by_name[key] = FoundFamily(kept.relation, kept.name, kept.age if member.age is None else member.age,
                                       kept.interests or member.interests, kept.sentence, kept.about or member.about)
    return list(by_name.values())


def _unique(items):
    """Items without repeats (case and accents aside)."""
    seen, result = set(), []
    for item in items:
        if fold(item.text) not in seen:
            seen.add(fold(item.text))
            result.append(item)
    return result


@click.command("extract")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="The day of the visit (default: today).")
def extract_command(today_text):
    """Read notes as JSON lines ({"note": "…"}) on stdin; print what each says as one JSON line (no database)."""
    try:
        today = datetime.date.fromisoformat(today_text) if today_text else clock.today()
    except ValueError:
        raise click.BadParameter("use a date as YYYY-MM-DD", param_hint="--today")
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            note = json.loads(line)["note"]
            if not isinstance(note, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            # One line out per line in, so the answers stay beside their notes.
            click.echo(json.dumps({"error": f"line {number}: expected {{\"note\": \"…\"}}"}))
            continue
        click.echo(json.dumps(extract(note, today).as_json(), ensure_ascii=False))


def init_app(app):
    """Register `flask extract`."""
    app.cli.add_command(extract_command)
