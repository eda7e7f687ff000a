"""The pre-call brief: a contact and their world on one screen, and each of its sections on its own.

Each htmx target of the brief (BRIEF_PARTIALS) is one partial. A Brief loads nothing up front: each of its
properties runs its own queries the first time a template reads it, so a section's fragment costs only the
statements of what that section shows (tests/test_brief_sections.py counts them). A change that alters
another section too sends that one in the same response, out of band (hx-swap-oob), not via a second GET.
"""
import datetime
from dataclasses import dataclass, field
from functools import cached_property

from flask import flash, redirect, render_template, request, url_for

from .. import ask_about, clock
from ..extensions import htmx
from ..gift_forms import GestureDoneForm, GestureForm, GiftIdeaForm, gesture_prompts, recipient_choices
from .. import visit_offers
from ..models import RELATIONS, Gesture, Gift, PlannedVisit, Promise, Touch
from ..touch_forms import PromiseForm
from ..visit_forms import VisitForm
from ..web import render
from .forms import WORLD_QUESTIONS

# The brief's sections: each element id and the partial that fills it.
BRIEF_PARTIALS = {
    "contact-card": "people/_card.html",
    "contact-summary": "people/_summary.html",
    "contact-details": "people/_details.html",
    "contact-visits": "people/_visits.html",
    "contact-dates": "people/_dates.html",
    "contact-family": "people/_family.html",
    "contact-world": "people/_world.html",
    "contact-touches": "people/_touches.html",
    "contact-promises": "people/_promises.html",
    "contact-gifts": "people/_gifts.html",
    "contact-gestures": "people/_gestures.html",
}

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


class Brief:
    """What the brief shows about one contact, each part loaded when first read."""

    LATEST = 3  # touches shown

    def __init__(self, contact, today):
        self.contact, self.today = contact, today

    @cached_property
    def _related(self):
        """The contact's phones and emails, tags, family, interests and dates, by kind (five queries)."""
        return self.contact.related()

    @property
    def phones(self):
        """The contact's phone entries."""
        return self.contact.phones(self._related["methods"])

    @property
    def emails(self):
        """The contact's email entries."""
        return self.contact.emails(self._related["methods"])

    @property
    def tags(self):
        """The contact's tags."""
        return self._related["tags"]

    @cached_property
    def _people(self):
        """(the contact's own interests, their birthday, {member id: FamilyEntry}) from the related rows."""
        entries = {m.id: FamilyEntry(member=m) for m in self._related["family"]}
        interests, birthday = [], None
        for interest in self._related["interests"]:
            if interest.family_member_id:
                entries[interest.family_member_id].interests.append(interest)
            else:
                interests.append(interest)
        for d in self._related["dates"]:
            if d.kind == "birthday":
                if d.family_member_id:
                    entries[d.family_member_id].birthday = d
                    entries[d.family_member_id].age = d.partial.age_label(self.today)
                else:
                    birthday = d
        return interests, birthday, entries

    @property
    def interests(self):
        """The contact's own interests (not their family's)."""
        return self._people[0]

    @property
    def birthday(self):
        """The contact's own birthday, or None."""
        return self._people[1]

    @property
    def age(self):
        """The contact's age as the brief says it, or ''."""
        return self.birthday.partial.age_label(self.today) if self.birthday else ""

    @cached_property
    def family(self):
        """The family, partners first, each with their birthday, age and interests."""
        entries = self._people[2].values()
        return sorted(entries, key=lambda e: (_RELATION_ORDER.get(e.member.relation, 99), e.member.id))

    @cached_property
    def dates(self):
        """The important dates that recur, soonest first."""
        family_by_id = {m.id: m for m in self._related["family"]}
        dates = []
        for d in self._related["dates"]:
            next_on = d.partial.next_occurrence(self.today)
            if next_on is None:
                continue  # a birth year alone never recurs: it shows as an age, not as a date
            dates.append(DateEntry(date=d, title=d.title(family_by_id, self.contact), next_on=next_on,
                                   years=d.partial.years_at(next_on), days_away=(next_on - self.today).days))
        dates.sort(key=lambda e: (e.next_on, e.title))
        return dates

    @property
    def next_date(self):
        """The soonest upcoming important date, or None."""
        return self.dates[0] if self.dates else None

    @cached_property
    def touches(self):
        """The latest touches with the contact."""
        return Touch.latest_for(self.contact.id, self.LATEST)

    @cached_property
    def touch_people(self):
        """{touch id: [contacts]} of the latest touches."""
        return Touch.contacts_of(self.touches)

    @cached_property
    def balance(self):
        """Give and ask touches in the last year, and all purchases."""
        year_ago = datetime.datetime.combine(self.today - datetime.timedelta(days=365), datetime.time())
        counts = Touch.balance(self.contact.id, year_ago) or ()
        return {key: n or 0 for key, n in zip(("give", "ask", "purchases"), counts)}

    @property
    def repeat_customer(self):
        """True once two purchases are logged."""
        return self.balance.get("purchases", 0) >= 2

    @cached_property
    def promises(self):
        """The open promises to the contact, soonest due first."""
        return Promise.open_with(self.contact.user_id, self.contact.id)

    @cached_property
    def kept(self):
        """(percent or None, on time, counted) of the promises to the contact."""
        return Promise.kept_rate(self.contact.user_id, self.today, contact=self.contact.id)

    @cached_property
    def _gifts(self):
        """All the contact's gifts, newest first."""
        return Gift.of_contact(self.contact.user_id, self.contact.id)

    @property
    def gift_ideas(self):
        """Gifts not given yet: bought first, then planned, then ideas; newest first within each."""
        order = {"bought": 0, "planned": 1, "idea": 2}
        return sorted((g for g in self._gifts if g.status in order), key=lambda g: (order[g.status], -g.id))

    @property
    def last_given(self):
        """[(family member or None for the contact, the last gift given them)]."""
        members = {e.member.id: e.member for e in self.family}
        last = {}
        for g in self._gifts:  # newest first, so the first seen per recipient is the last given
            if g.status == "given":
                last.setdefault(g.family_member_id, g)
        return [(members[mid] if mid else None, g) for mid, g in last.items() if mid is None or mid in members]

    @cached_property
    def spend(self):
        """This year's spend on the contact, by currency."""
        return Gift.spend(self.contact.user_id, self.today.year, contact=self.contact.id)

    @cached_property
    def planned_visits(self):
        """The open planned visits with the contact, soonest first."""
        return PlannedVisit.open_with(self.contact)

    @cached_property
    def visit_offers(self):
        """{planned visit id: touch id}: the visits a capture in this session offered to mark done with its touch."""
        return visit_offers.offers()

    @property
    def next_visit(self):
        """The next open planned visit today or later (one waiting for a "done?" after a capture aside), or None."""
        return next((v for v in self.planned_visits if v.on >= self.today and v.id not in self.visit_offers), None)

    @property
    def later_visits(self):
        """The open planned visits after the next one."""
        upcoming = [v for v in self.planned_visits if v.on >= self.today and v.id not in self.visit_offers]
        return upcoming[1:]

    @property
    def visits_to_close(self):
        """Open planned visits offered after a capture, or whose day has passed: each asks "done?"."""
        return [v for v in self.planned_visits if v.id in self.visit_offers or v.on < self.today]

    @property
    def family_line(self):
        """The family as the summary says it: "Anne · Léa, 10 · Max, 12" (partners first, ages now)."""
        return " · ".join(f"{e.member.name}, {e.age}" if e.age else e.member.name for e in self.family)

    @property
    def last_touch(self):
        """The latest touch, or None."""
        return self.touches[0] if self.touches else None

    @cached_property
    def ask_about(self):
        """One to three openers for the call, each with its source (journal/ask_about.py)."""
        return ask_about.openers(self)

    @cached_property
    def gestures(self):
        """The planned gestures for the contact, soonest due first."""
        return Gesture.planned_for(self.contact.user_id, self.contact.id)


def render_brief(contact, status=200, edit=None, promise_form=None, gift_form=None, gesture_form=None, also=(), **forms):
    """Render the brief page, or the one section an htmx request targets (with the `also` sections out of band)."""
    today = clock.today()
    brief = Brief(contact, today)
    next_week = today + datetime.timedelta(days=7)
    if gift_form is None:
        gift_form = GiftIdeaForm(formdata=None)
    # A callable: only the gift section, when it is rendered, reads the family for it.
    gift_form.recipient.choices = lambda: recipient_choices(contact, [e.member for e in brief.family])
    context = dict(
        section="people",
        brief=brief,
        contact=contact,
        edit=edit,
        today=today,
        world_questions=WORLD_QUESTIONS,
        promise_form=promise_form or PromiseForm(formdata=None, due_on=next_week),
        gift_form=gift_form,
        gesture_form=gesture_form or GestureForm(formdata=None, due_on=next_week),
        visit_form=forms.pop("visit_form", None) or VisitForm(formdata=None),
        gesture_prompts=gesture_prompts(contact),
        done_form=forms.pop("done_form", None) or GestureDoneForm(formdata=None),
        done_gesture=forms.pop("done_gesture", None),
        **forms,
    )
    response = render("people/brief.html", partials=BRIEF_PARTIALS, status=status, **context)
    if htmx and htmx.target in BRIEF_PARTIALS:
        also = list(also)
        if request.method == "POST" and status < 400:
            # Every saved change may change the summary at the top (issue 19: refreshed in the same response).
            also += ["contact-summary"] + (["contact-details"] if htmx.target == "contact-card" else [])
        extra = [render_template(BRIEF_PARTIALS[key], oob=True, **context)
                 for key in dict.fromkeys(also) if key != htmx.target]
        response.set_data(response.get_data(as_text=True) + "".join(extra))
    return response


def section_done(contact, section_id, message=None, also=()):
    """After a successful change: the refreshed section (and the `also` ones it changed) for htmx, else a
    redirect to the brief at that section with a message."""
    if htmx:
        return render_brief(contact, also=also)
    if message:
        flash(message, "success")
    return redirect(url_for("people.brief", contact_id=contact.id, _anchor=section_id))
