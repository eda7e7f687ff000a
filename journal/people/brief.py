"""The pre-call brief: a contact and their world, assembled for one screen."""
from dataclasses import dataclass, field

import datetime

from ..models import RELATIONS, Gesture, Gift, Promise, Touch

_RELATION_ORDER = {key: i for i, (key, _) in enumerate(RELATIONS)}


@dataclass
class DateEntry:
    """An important date with its next occurrence and the years it marks."""

    date: object
    title: str
    next_on: object
    years: int | None
    days_away: int | None


@dataclass
class FamilyEntry:
    """A family member with their computed age, birthday and interests."""

    member: object
    birthday: object = None
    interests: list = field(default_factory=list)
    age: str = ""


@dataclass
class Brief:
    """What the brief page shows about one contact."""

    contact: object
    phones: list
    emails: list
    tags: list
    interests: list
    family: list
    dates: list
    birthday: object
    age: str = ""
    touches: list = field(default_factory=list)
    touch_people: dict = field(default_factory=dict)
    promises: list = field(default_factory=list)
    kept: tuple = (None, 0, 0)
    balance: dict = field(default_factory=dict)
    gift_ideas: list = field(default_factory=list)
    last_given: list = field(default_factory=list)
    gestures: list = field(default_factory=list)
    spend: dict = field(default_factory=dict)

    @property
    def repeat_customer(self):
        """True once two purchases are logged."""
        return self.balance.get("purchases", 0) >= 2

    @property
    def next_date(self):
        """The soonest upcoming important date, or None."""
        return self.dates[0] if self.dates else None


def build_brief(contact, today):
    """Load and assemble a contact's brief (a fixed number of queries, whatever the data size)."""
    rel = contact.related()
    family_by_id = {m.id: m for m in rel["family"]}
    entries = {m.id: FamilyEntry(member=m) for m in rel["family"]}
    contact_interests = []
    for interest in rel["interests"]:
        if interest.family_member_id:
            entries[interest.family_member_id].interests.append(interest)
        else:
            contact_interests.append(interest)
    birthday = None
    dates = []
    for d in rel["dates"]:
        if d.kind == "birthday":
            if d.family_member_id:
                entries[d.family_member_id].birthday = d
                entries[d.family_member_id].age = d.partial.age_label(today)
            else:
                birthday = d
        next_on = d.partial.next_occurrence(today)
        if next_on is None:
            continue  # a birth year alone never recurs: it shows as an age, not as a date
        dates.append(
            DateEntry(
                date=d,
                title=d.title(family_by_id, contact),
                next_on=next_on,
                years=d.partial.years_at(next_on),
                days_away=(next_on - today).days if next_on else None,
            )
        )
    dates.sort(key=lambda e: (e.next_on, e.title))
    family = sorted(entries.values(), key=lambda e: (_RELATION_ORDER.get(e.member.relation, 99), e.member.id))
    touches = Touch.latest_for(contact.id, 3)
    gifts = Gift.of_contact(contact.user_id, contact.id)
    open_order = {"bought": 0, "planned": 1, "idea": 2}
    ideas = sorted((g for g in gifts if g.status in open_order), key=lambda g: (open_order[g.status], -g.id))
    last_given = {}
    for g in gifts:  # newest first, so the first seen per recipient is the last given
        if g.status == "given":
            last_given.setdefault(g.family_member_id, g)
    year_ago = datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time())
    return Brief(
        gift_ideas=ideas,
        last_given=[(entries[mid].member if mid else None, g) for mid, g in last_given.items() if mid is None or mid in entries],
        gestures=Gesture.planned_for(contact.user_id, contact.id),
        spend=Gift.spend(contact.user_id, today.year, contact=contact.id),
        touches=touches,
        touch_people=Touch.contacts_of(touches),
        promises=Promise.open_with(contact.user_id, contact.id),
        kept=Promise.kept_rate(contact.user_id, today, contact=contact),
        balance=dict(zip(("give", "ask", "purchases"), (n or 0 for n in Touch.balance(contact.id, year_ago)))),
        contact=contact,
        phones=contact.phones(rel["methods"]),
        emails=contact.emails(rel["methods"]),
        tags=rel["tags"],
        interests=contact_interests,
        family=family,
        dates=dates,
        birthday=birthday,
        age=birthday.partial.age_label(today) if birthday else "",
    )
