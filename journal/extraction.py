"""Smart capture: what a free visit note says (my promises, family, interests, gift ideas, the next meeting),
read offline in English and German, with dates resolved against the day of the visit."""
import datetime
from dataclasses import dataclass, field

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


def extract(note, today, languages=LANGUAGES):
    """What `note`, written on `today` (the visit's date), says; `languages` are fixed, never detected."""
    # Provisional: only the old quick-fact phrasing, until the rules land.
    from .facts import parse_fact
    found = Extraction()
    for line in (note or "").splitlines():
        try:
            fact = parse_fact(line)
        except ValueError:
            continue
        if fact.relation:
            found.family.append(FoundFamily(fact.relation, fact.name, fact.age, tuple(fact.interests), line))
        else:
            found.interests.extend(FoundItem(i, line) for i in fact.interests)
    return found
