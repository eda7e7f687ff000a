"""Quick facts typed after a visit: "daughter Léa, 8, plays violin" or "likes sailing"."""
import re
from dataclasses import dataclass, field

from .text import fold

RELATION_WORDS = {
    "daughter": "child", "son": "child", "child": "child", "kid": "child", "baby": "child",
    "stepdaughter": "child", "stepson": "child",
    "wife": "partner", "husband": "partner", "partner": "partner", "spouse": "partner",
    "girlfriend": "partner", "boyfriend": "partner", "fiancee": "partner", "fiance": "partner",
    "mother": "parent", "father": "parent", "mum": "parent", "mom": "parent", "dad": "parent", "parent": "parent",
    "brother": "sibling", "sister": "sibling", "sibling": "sibling",
}
INTEREST_LEADS = ("plays ", "likes ", "loves ", "into ", "enjoys ", "does ", "fan of ", "supports ", "collects ")
_AGE = re.compile(r"^(?:about |around |~)?(\d{1,3})(?:\s*(?:y|yo|yrs?|years?)(?: old)?)?$", re.IGNORECASE)
HELP = "Start with who it is about (“daughter Léa, 8, plays violin”) or with “likes …” (“likes sailing”)."


@dataclass
class Fact:
    """A parsed fact: about a family member (relation and name) or about the contact (no name)."""

    relation: str | None = None
    name: str = ""
    age: int | None = None
    interests: list = field(default_factory=list)


def _interests(part):
    """Interests in a phrase like "plays violin and chess"."""
    lowered = part.lower()
    for lead in INTEREST_LEADS:
        if lowered.startswith(lead):
            part = part[len(lead):]
            break
    return [p.strip() for p in re.split(r"\s+and\s+|\s*&\s*", part) if p.strip()]


def parse_fact(text):
    """Parse a fact, or raise ValueError with a message for the user."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not parts:
        raise ValueError(HELP)
    head = parts[0]
    first, _, rest = head.partition(" ")
    fact = Fact()
    if fold(first) in RELATION_WORDS:
        fact.relation = RELATION_WORDS[fold(first)]
        fact.name = rest.strip()
        if not fact.name:
            raise ValueError(f"Add their name after “{first}”, e.g. “{first} Sam, 8”.")
        if len(fact.name) > 200:
            raise ValueError("That name is too long.")
        tail = parts[1:]
    elif any(head.lower().startswith(lead) for lead in INTEREST_LEADS):
        tail = parts
    else:
        raise ValueError(HELP)
    for part in tail:
        match = _AGE.match(part)
        if match and fact.relation:
            age = int(match.group(1))
            if age > 120:
                raise ValueError("Use an age between 0 and 120.")
            fact.age = age
        else:
            fact.interests.extend(_interests(part))
    if any(len(i) > 60 for i in fact.interests):
        raise ValueError("Keep each interest under 60 characters.")
    if not fact.relation and not fact.interests:
        raise ValueError(HELP)
    return fact
