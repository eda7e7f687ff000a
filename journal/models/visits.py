"""Planned visits: a meeting with a contact on a day (and maybe at a time), until a touch marks it done.

A model of its own rather than a touch with a status, so that no count of touches, cadence, "last touch" or
give/ask balance ever sees a visit that has not happened.
"""
from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TimeField

from .. import clock
from ..db import db
from ..prepared import prepared
from .base import utcnow
from .owned import OwnedModel
from .people import Contact
from .touches import Touch

NOTE_LENGTH = 200


class PlannedVisit(OwnedModel):
    """A visit planned with a contact on a day, at an optional time; open until done or cancelled (deleted)."""

    contact = ForeignKeyField(Contact, backref="planned_visits", on_delete="CASCADE")
    on = DateField()
    at = TimeField(null=True)
    note = CharField(max_length=NOTE_LENGTH, default="")
    source_touch = ForeignKeyField(Touch, null=True, backref="visits_read", on_delete="SET NULL")
    done_touch = ForeignKeyField(Touch, null=True, backref="visits_done", on_delete="SET NULL")
    done_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "planned_visit"
        indexes = ((("user", "on"), False), (("contact", "on"), False))

    @property
    def is_open(self):
        """True until a touch marks it done."""
        return self.done_at is None

    @classmethod
    def open_for(cls, user):
        """The user's open planned visits, soonest first (untimed ones first on their day)."""
        return (cls.for_user(user).where(cls.done_at.is_null())
                .order_by(cls.on, cls.at.is_null(False), cls.at, cls.id))

    @classmethod
    def plan(cls, contact, on, at=None, note="", source_touch=None):
        """Plan a visit with `contact` on day `on` (at time `at`); return it.

        If the contact already has an open planned visit that day, that one is kept: its time is updated (when
        `at` is given), and its note filled in when it had none, rather than a second visit being added.
        """
        note = (note or "").strip()[:NOTE_LENGTH]
        with db.atomic():
            same_day = (cls.for_user(contact.user_id)
                        .where((cls.contact == contact) & (cls.on == on) & cls.done_at.is_null())
                        .order_by(cls.id).first())
            if same_day is None:
                return cls.create(user=contact.user_id, contact=contact, on=on, at=at, note=note,
                                  source_touch=source_touch)
            changes = {}
            if at is not None and at != same_day.at:
                changes["at"] = at
            if note and not same_day.note:
                changes["note"] = note
            if source_touch is not None and same_day.source_touch_id is None:
                changes["source_touch"] = source_touch
            if changes:
                cls.update(**changes).where(cls.id == same_day.id).execute()
                for name, value in changes.items():
                    setattr(same_day, name, value)
            return same_day

    @classmethod
    def open_with(cls, contact):
        """The contact's open planned visits, soonest first (the brief's one query)."""
        return list(cls.open_for(contact.user_id).where(cls.contact == contact))

    @classmethod
    def next_for(cls, contact, today=None):
        """The contact's next open planned visit today (the user's) or later, or None (for the brief)."""
        today = today or clock.today()
        return (cls.open_for(contact.user_id)
                .where((cls.contact == contact) & (cls.on >= today)).first())

    @classmethod
    def past_open_for(cls, contact, today):
        """The contact's open planned visits whose day has passed, oldest first (the brief asks: done?)."""
        return list(cls.open_for(contact.user_id).where((cls.contact == contact) & (cls.on < today)))

    @prepared
    def on_day(cls, user, day):
        """The user's open planned visits on `day`, with their contacts, by time (Today: prepared, as Today's lists)."""
        return cls.open_for(user).select(cls, Contact).join(Contact).where(cls.on == day)

    @classmethod
    def open_due_for(cls, user, contact_ids, day):
        """The user's open planned visits with these people on or before `day`, oldest first (the capture offer)."""
        if not contact_ids:
            return []
        return list(cls.open_for(user).where(cls.contact.in_(list(contact_ids)) & (cls.on <= day)))

    def mark_done(self, touch=None):
        """Mark this visit done, by `touch` (a touch with the same contact) when one is named; False when it was
        already done."""
        when = utcnow()
        claimed = (PlannedVisit.update(done_touch=touch, done_at=when)
                   .where((PlannedVisit.id == self.id) & PlannedVisit.done_at.is_null()).execute())
        if claimed:
            self.done_touch, self.done_at = touch, when
        return bool(claimed)
