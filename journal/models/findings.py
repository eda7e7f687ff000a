"""Findings: what the smart capture read in a note nobody saw the chips of (saved offline), waiting on Today."""
import json

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from ..prepared import prepared
from .base import utcnow
from .owned import OwnedModel
from .people import Contact
from .touches import Touch

FINDING_KINDS = ("promise", "family", "interest", "gift", "meeting")


class Finding(OwnedModel):
    """One item read from a touch's note (a promise, a family member...), for one of its people, until kept or
    dismissed. Derived data: deleting the touch or the person deletes it, and backups leave it out."""

    touch = ForeignKeyField(Touch, backref="findings", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, backref="findings", on_delete="CASCADE")
    kind = CharField(max_length=20)
    payload = TextField()  # JSON: the item's values, as journal/chips.py cleans them
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "finding"
        indexes = ((("user", "created_at"), False),)

    @property
    def values(self):
        """The payload as a dict."""
        return json.loads(self.payload)

    @classmethod
    def add(cls, user, touch, contact, kind, values):
        """Store one finding."""
        return cls.create(user=user.id if hasattr(user, "id") else user, touch=touch, contact=contact, kind=kind,
                          payload=json.dumps(values, sort_keys=True))

    @prepared
    def waiting(cls, user, limit):
        """The user's findings with their person and touch, oldest first (one query, prepared: Today runs it)."""
        return (cls.select(cls, Contact.id, Contact.name, Touch.id, Touch.happened_at)
                .join(Contact).switch(cls).join(Touch)
                .where(cls.user == user).order_by(cls.created_at, cls.id).limit(limit))
