"""Today's "Next up": the three most urgent actions across Today's lists, ranked by one rule (README, "Today"):
overdue promises first, most days overdue first; then what is today (planned visits by time, promises due today,
dates today); then people overdue for a touch, most days over first. Read from the lists Today already loaded: no
query of its own."""
import datetime
from dataclasses import dataclass

from flask import url_for

MOST = 3


@dataclass(frozen=True)
class Action:
    """One thing to do: what, for whom, why now, and where a tap leads."""

    rank: tuple
    text: str
    why: str
    url: str


def _whose(date_row):
    """The person a date is about: the family member, or the contact."""
    return date_row.member.name if date_row.family_member_id else date_row.contact.name


def actions(today, promises=(), visits=(), dates=(), due=(), **_):
    """The most urgent actions, at most three, ranked by the rule above."""
    found = []
    for p in promises:
        late = (today - p.due_on).days
        brief = url_for("people.brief", contact_id=p.contact.id)
        if late > 0:
            found.append(Action((0, -late, p.id), f"{p.text} · {p.contact.name}",
                                f"Promise overdue by {late} day{'s' if late != 1 else ''}", brief))
        else:
            found.append(Action((1, 1, p.id), f"{p.text} · {p.contact.name}", "Promise due today", brief))
    for v in visits:
        clock = v.at or datetime.time(0, 0)
        found.append(Action((1, 0, clock.hour * 60 + clock.minute, v.id), f"Visit {v.contact.name}",
                            "Planned today" + (f" at {v.at.strftime('%H:%M')}" if v.at else ""),
                            url_for("capture.index", contact=v.contact.id)))
    for next_on, d in dates:
        if next_on == today:
            label = f"{_whose(d)}'s birthday" if d.kind == "birthday" else (d.label or "Anniversary")
            found.append(Action((1, 2, d.id), label + ("" if d.kind == "birthday" and not d.family_member_id
                                                       else f" · {d.contact.name}"),
                                "Today", url_for("people.brief", contact_id=d.contact.id)))
    for c in due:
        over = getattr(c, "overdue", 0) or 0
        found.append(Action((2, -over, c.id), f"Get in touch with {c.name}",
                            f"{over} day{'s' if over != 1 else ''} past their every {c.cadence_days} days" if over
                            else f"Due today (every {c.cadence_days} days)",
                            url_for("capture.index", contact=c.id)))
    return sorted(found, key=lambda a: a.rank)[:MOST]
