"""The brief's "Ask about": one to three openers for the next call, each with where it came from.

Built from what is already loaded for the brief (no query of its own): a mood that dropped, an event or a worry
written in a recent note ("Daughter has exams next month"), a family birthday just passed, a challenge noted in
"their world", and interests (those a recent note names, the family's, the contact's). Ranked in that order; at
most one opener about an interest, so the three are not all hobbies.
"""
import datetime
import re
from dataclasses import dataclass

from . import note_words as words
from .templating import short_day
from .extraction import sentences
from .models import PULSES
from .when import find_when

MOST = 3
RECENT_NOTE_DAYS = 120  # older notes are history, not news
MOOD_DAYS = 180
BIRTHDAY_JUST_PASSED_DAYS = 14
QUOTE = 90  # characters of a note's sentence quoted as the source

# Events a customer is glad to be asked about afterwards (English and German, as the smart capture reads).
_EVENT = re.compile(
    r"\b(?P<event>exams?|finals|driving test|recital|concert|audition|tournament|marathon|championship|surgery|"
    r"wedding|trip|holidays?|vacation|house move|graduation|job interview|christening|baptism|trade fair|trade show|"
    r"board meeting|product launch|audit|exhibition|conference|renovation|"
    r"(?P<german>prüfungen|prüfung|abitur|hochzeit|urlaub|reise|umzug|turnier|konzert|messe|taufe|einschulung)|"
    r"(?P<start>university|college|school|kindergarten|new job|(?P<german_start>uni|schule|kita)))\b", re.IGNORECASE)
_WORRY = re.compile(r"\b(?:stressed|worried|anxious|sick|ill|in hospital|unwell|struggling|upset|exhausted|"
                    r"gestresst|besorgt|krank|im krankenhaus|sorgen)\b", re.IGNORECASE)
# "photos from the holiday", "back from their trip": the event is over, though the note gives no day.
_BACK_FROM = re.compile(r"\b(?:from|after|since|nach|von)\s+(?:the|their|his|her|dem|der|ihrem|seinem)?\s*(?:\w+\s+)?$",
                        re.IGNORECASE)
_VAGUE = re.compile(r"month|monat|week|woche|anfang|mitte|ende|end of|early|mid|late|spring|summer|autumn|fall|winter|"
                    r"frühling|sommer|herbst", re.IGNORECASE)
# Words before an event that belong to it ("violin exam", "driving test"), not to the sentence around it.
_FUNCTION = frozenset("a an the his her their its my our has have had is are was were will for of to at in on with "
                      "about from and or but starts start started begins sein seine ihr ihre die der das den dem "
                      "ein eine einen hat haben ist".split())
_ENGLISH_RELATION = {"tochter": "daughter", "töchter": "daughters", "sohn": "son", "söhne": "sons", "kind": "child",
                     "kinder": "children", "frau": "wife", "ehefrau": "wife", "mann": "husband", "ehemann": "husband",
                     "mutter": "mother", "vater": "father", "bruder": "brother", "schwester": "sister"}


@dataclass(frozen=True)
class Opener:
    """Something to ask, and where it came from."""

    text: str
    source: str
    kind: str  # mood | note | birthday | world | interest


def openers(brief, most=MOST):
    """Up to `most` openers for the brief's contact, most telling first."""
    found, interest_seen = [], False
    for opener in _candidates(brief):
        if opener.kind == "interest":
            if interest_seen:
                continue
            interest_seen = True
        if opener.text not in {o.text for o in found}:
            found.append(opener)
        if len(found) == most:
            break
    return found


def _candidates(brief):
    """Every opener, in rank order (a generator: the cheap ones stop it early)."""
    yield from _mood(brief.contact, brief.today)
    family_names = {e.member.name.casefold(): e.member.name for e in brief.family if e.member.name}
    recent = [t for t in brief.touches if t.note and (brief.today - t.happened_at.date()).days <= RECENT_NOTE_DAYS]
    for touch in recent:
        yield from _from_note(touch, family_names, brief.today)
    yield from _birthdays_passed(brief)
    if brief.contact.challenges:
        yield Opener(f"Any progress on {_lead_lower(_first_line(brief.contact.challenges))}?",
                     "Their world: current challenges", "world")
    for touch in recent:
        for sentence in sentences(touch.note):
            for interest in words.interests_in(sentence, ""):
                yield Opener(f"Talk about {interest}", _note_source(touch, sentence, brief.today), "interest")
    for entry in brief.family:
        for interest in entry.interests:
            yield Opener(f"How is {entry.member.name} getting on with {interest.name}?",
                         f"{entry.member.name}'s interests", "interest")
    for interest in brief.interests:
        yield Opener(f"Talk about {interest.name}", "Interests", "interest")


def _mood(contact, today):
    """A mood that dropped (or is low) at the last touch with a pulse, within half a year."""
    if contact.last_pulse is None or contact.last_pulse_at is None:
        return
    when = contact.last_pulse_at.date()
    if (today - when).days > MOOD_DAYS:
        return
    dropped = contact.previous_pulse is not None and contact.last_pulse < contact.previous_pulse
    if dropped or contact.last_pulse <= 2:
        label = dict(PULSES)[contact.last_pulse].lower()
        yield Opener(f"They seemed {label} last time: ask how things are going.",
                     f"Mood, {short_day(when, today)}" + (f" (was {dict(PULSES)[contact.previous_pulse].lower()})"
                                                          if dropped else ""), "mood")


def _from_note(touch, family_names, today):
    """Openers from one note: an event of theirs or their family's, or a worry."""
    written = touch.happened_at.date()
    for sentence in sentences(touch.note):
        whose = _whose(sentence, family_names)
        event = _EVENT.search(sentence)
        if event:
            what = _event_phrase(sentence, event)
            subject = f"{whose}'s {what}" if whose else f"the {what}"
            dated = [w for w in find_when(sentence, written) if not w.past]
            if event.group("start"):
                if not whose:
                    continue  # "they supply the school canteen" is nobody's first day
                text = f"How is {whose} finding {what}?"
            elif dated and _ahead(dated[0], sentence, today):
                # "next month" names no day: saying "(1 Dec)" would be made up.
                day = "" if _vague(dated[0], sentence) else f" ({short_day(dated[0].date, today)})"
                text = f"{_capital(subject)} {'are' if what.endswith('s') else 'is'} coming up{day}: wish them luck."
            elif dated or _BACK_FROM.search(sentence[:event.start()]):
                text = f"How did {subject} go?"
            else:
                text = f"Any news on {subject}?"
            yield Opener(text, _note_source(touch, sentence, today), "note")
        elif _WORRY.search(sentence):
            yield Opener(f"How is {whose} doing?" if whose else "Ask how they are doing.",
                         _note_source(touch, sentence, today), "note")


_RELATION = re.compile(rf"\b({'|'.join(sorted(map(re.escape, words.RELATIONS), key=len, reverse=True))})\b",
                       re.IGNORECASE)


def _vague(when, sentence):
    """True when the date phrase names a week, a month or a season, not a day."""
    return bool(_VAGUE.search(sentence[when.start:when.end]))


def _ahead(when, sentence, today):
    """True when the event is still to come; a vague "next week" counts as ahead for its first week."""
    return when.date > today or (_vague(when, sentence) and (today - when.date).days < 7)


def _whose(sentence, family_names):
    """Whom a sentence is about: a family member it names ("Léa"), a relation it names ("your daughter"), or None."""
    for token in re.findall(r"[^\W\d_][\w'’-]*", sentence):
        if not token[0].isupper():
            continue  # "max 10 pallets" is not Max
        name = family_names.get(token.casefold().removesuffix("'s").removesuffix("’s"))
        if name:
            return name
    m = _RELATION.search(sentence)
    if m and m.group(1).casefold() not in words.NEEDS_POSSESSIVE:
        relation = m.group(1).casefold()
        return "your " + _ENGLISH_RELATION.get(relation, relation)
    return None


def _event_phrase(sentence, event):
    """The event with the words that qualify it: "violin exam", "exams", "board meeting"."""
    before = re.findall(r"[\w'’-]+", sentence[:event.start()])
    kept = []
    for word in reversed(before[-2:]):
        if word.casefold() in _FUNCTION or word[:1].isupper() or word.endswith(("'s", "’s")):
            break
        kept.insert(0, word)
    word = event.group("event")
    # German nouns keep their capital ("Léa's Abitur"); English ones lose a sentence's ("Exams next week").
    word = word[:1].upper() + word[1:].lower() if event.group("german") or event.group("german_start") else word.lower()
    return " ".join(kept + [word])


def _birthdays_passed(brief):
    """A family member's birthday in the last two weeks: "How was Léa's birthday?"."""
    for entry in brief.family:
        d = entry.birthday
        if d is None or not d.partial.has_day:
            continue
        last = d.partial.next_occurrence(brief.today - datetime.timedelta(days=BIRTHDAY_JUST_PASSED_DAYS))
        if last is not None and last < brief.today:
            yield Opener(f"How was {entry.member.name}'s birthday?", f"Birthday, {short_day(last, brief.today)}",
                         "birthday")


def _note_source(touch, sentence, today):
    """Where a note's opener came from: its day and the sentence, shortened."""
    quoted = sentence if len(sentence) <= QUOTE else sentence[:QUOTE - 1].rstrip() + "…"
    return f"Note, {short_day(touch.happened_at.date(), today)}: “{quoted}”"


def _first_line(text):
    """The first line of a text, without its full stop."""
    return text.strip().splitlines()[0].strip().rstrip(".")


def _lead_lower(text):
    """'Staff shortages' → 'staff shortages', but 'ERP rollout' and 'Lyon' stay as written."""
    if len(text) > 1 and text[0].isupper() and text[1].islower() and text.split()[0].casefold() in _COMMON_LEADS:
        return text[0].lower() + text[1:]
    return text


def _capital(text):
    """The text with its first letter upper case."""
    return text[:1].upper() + text[1:]


# Sentence-initial words worth lower-casing inside a question (others may be names: "Lyon", "Kowalski").
_COMMON_LEADS = frozenset("a an the staff slow rising moving new high low late their our cash hiring finding "
                          "supply delivery delays costs prices competition staffing".split())
