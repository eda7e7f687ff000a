"""The Contacts sheet's cells that hold several things, family and dates: one per line, written for people to read
("Léa (child, born 2017-12-03)", "anniversary 2010-06-12") and read back exactly by the CSV import."""
import re

from . import clock
from .dates import ISO_PATTERN, DateProblem, partial_date, partial_date_from_iso
from .models import DATE_KINDS, RELATIONS, ImportantDate, too_long

RELATION_BY_LABEL = {label.lower(): key for key, label in RELATIONS} | {key: key for key, _ in RELATIONS}
KIND_BY_WORD = {label.lower(): kind for kind, label in DATE_KINDS}  # birthday, anniversary, other date
WORD_OF_KIND = {kind: word for word, kind in KIND_BY_WORD.items()}
_MEMBER = re.compile(r"(?P<name>.*\S)\s*\((?P<inside>[^()]*)\)")  # the name runs to the last parentheses
_OLD_MEMBER = re.compile(r"([^,()]+?)\s*\(([^)]*)\)")  # before one a line: "Marc (spouse / partner), Léa (child, 9)"
_AGE = re.compile(r"(?:about\s+)?(\d+)", re.IGNORECASE)
# Lazy: the date takes all it can, so "Launch about 2019" is a Launch in about 2019.
_DATE_LINE = re.compile(rf"(?:(?P<what>.*?)\s+)?(?P<date>{ISO_PATTERN})", re.IGNORECASE)
_KIND = re.compile(r"(?P<word>{})\s*(?::\s*(?P<label>.*))?".format("|".join(KIND_BY_WORD)), re.IGNORECASE)
# Labels that would not read back as they are: ending in "about" (the date's), or in spaces; quotes are taken off.
_AMBIGUOUS = re.compile(r"(?:^|\s)about$|^\s|\s$", re.IGNORECASE)
_QUOTED = re.compile(r"“(?P<label>.*)”", re.DOTALL)
MAX_AGE = 120  # as the family form accepts


def family_cell(members):
    """(name, relation label, birthday PartialDate or None) of each member, one a line: 'Marc (spouse / partner,
    born --04-14)', 'Léa (child, born 2017-12-03)', 'Tom (child, born about 2017)', 'Ann (parent)'."""
    lines = []
    for name, relation, born in members:
        when = born.iso() if born else ""
        lines.append(f"{name} ({relation.lower()}, born {when})" if when else f"{name} ({relation.lower()})")
    return "\n".join(lines)


def read_family(text, problems, one_a_line=True, today=None):
    """[(relation, name, birthday PartialDate or None)] of a family cell; what cannot be read goes to `problems`.

    `one_a_line` is False for files from before the "dates" column, whose members were comma-separated and whose
    birthdays were ages ("Léa (child, 9)", "Tom (child, about 9)"), read as approximate birth years."""
    today = today or clock.today()
    if not one_a_line:
        parts = [(name.strip(), inside) for name, inside in _OLD_MEMBER.findall(text or "") if name.strip()]
    else:
        parts = []
        for line in filter(None, map(str.strip, (text or "").split("\n"))):
            match = _MEMBER.fullmatch(line)
            if match:
                parts.append((match.group("name"), match.group("inside")))
            else:
                problems.append(f"“{line[:60]}” in family is not “Name (relation)” "
                                "or “Name (relation, born 2017-12-03)”.")
    family = []
    for name, inside in parts:
        relation, born = "other", None
        for bit in filter(None, (b.strip() for b in inside.split(","))):
            age = _AGE.fullmatch(bit)
            if bit.lower() in RELATION_BY_LABEL:
                relation = RELATION_BY_LABEL[bit.lower()]
            elif bit.lower().startswith("born "):
                try:
                    born = partial_date_from_iso(bit[5:], today=today)
                except DateProblem as problem:
                    problems.append(f"{problem} ({name})")
            elif age and len(age.group(1)) <= 3 and int(age.group(1)) <= MAX_AGE:
                born = partial_date(year=today.year - int(age.group(1)), approximate=True, today=today)
            elif age:
                problems.append(f"“{bit}” is not an age between 0 and {MAX_AGE} ({name}).")
            else:
                problems.append(f"“{bit}” is not a relation ({', '.join(label.lower() for _, label in RELATIONS)}), "
                                f"a birthday or an age ({name}).")
        family.append((relation, name, born))
    return family


def dates_cell(dates):
    """(kind, label, PartialDate) of each date, one a line: 'birthday 1980-02-14', 'anniversary: Wedding --09-20',
    'Company founded --03-01' (a custom date is its label, or 'other date: …' where the label reads as a kind)."""
    return "\n".join(f"{_what(kind, label)} {when.iso()}" for kind, label, when in dates if when.iso())


def _what(kind, label):
    """What a date is, as its line starts: the kind's word, with the label after a colon; a custom date's label alone."""
    if _AMBIGUOUS.search(label) or _QUOTED.fullmatch(label):
        label = f"“{label}”"  # read back without its quotes
    if kind == "custom" and label and not _KIND.fullmatch(label):
        return label
    word = WORD_OF_KIND.get(kind, kind)
    return f"{word}: {label}" if label else word


def read_dates(text, problems, today=None):
    """[(kind, label, PartialDate)] of a dates cell; what cannot be read goes to `problems`."""
    dates = []
    for line in filter(None, map(str.strip, (text or "").split("\n"))):
        match = _DATE_LINE.fullmatch(line)
        if not match or not match.group("what"):
            problems.append(f"“{line[:60]}” in dates is not “what date”, such as “anniversary 2010-06-12”.")
            continue
        what = match.group("what")
        kind_match = _KIND.fullmatch(what)
        kind, label = ((KIND_BY_WORD[kind_match.group("word").lower()], (kind_match.group("label") or "").strip())
                       if kind_match else ("custom", what))
        quoted = _QUOTED.fullmatch(label)
        label = quoted.group("label") if quoted else label
        try:
            when = partial_date_from_iso(match.group("date"), today=today)
        except DateProblem as problem:
            problems.append(f"{problem} ({what[:60]})")
            continue
        if too_long(ImportantDate.label, label):
            problems.append(f"The date label “{label[:40]}…” is longer than "
                            f"{ImportantDate.label.max_length} characters.")
        elif kind == "birthday" and any(k == "birthday" for k, _, _ in dates):
            problems.append("Two birthdays: a person has one.")
        else:
            dates.append((kind, label, when))
    return dates
