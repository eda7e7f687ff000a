"""Gestures: planned extra-mile acts for a contact; once done, each is logged as a touch."""
import uuid as uuidlib

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TextField

from ..db import db
from ..prepared import prepared
from .base import utcnow
from .owned import OwnedModel
from .people import Contact
from .touches import Touch




GESTURE_STATUSES = [("planned", "Planned"), ("done", "Done"), ("dropped", "Dropped")]


class Gesture(OwnedModel):
    """A planned extra-mile act for a contact; once done it is logged as a touch of kind gesture."""

    contact = ForeignKeyField(Contact, backref="gestures", on_delete="CASCADE")
    text = TextField()
    due_on = DateField()
    status = CharField(max_length=10, default="planned")
    outcome = TextField(default="")
    done_at = DateTimeField(null=True)
    touch = ForeignKeyField(Touch, null=True, backref="gestures", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "gesture"
        indexes = ((("user", "status", "due_on"), False),)

    def complete(self, outcome, when):
        """Mark done and log it as a touch of kind gesture with the contact; None when it was no longer planned.

        The status changes first, guarded by its old value, so that two "Done" taps at once log one touch.
        """
        with db.atomic():
            claimed = Gesture.update(status="done", outcome=outcome, done_at=when).where(
                (Gesture.id == self.id) & (Gesture.status == "planned")).execute()
            if not claimed:
                return None
            touch = Touch.create(
                user=self.user_id, uuid=str(uuidlib.uuid4()), kind="gesture", happened_at=when,
                note=self.text + (f"\n\nOutcome: {outcome}" if outcome else ""), give_ask="give",
            )
            touch.set_contacts([self.contact_id])
            Gesture.update(touch=touch).where(Gesture.id == self.id).execute()
            self.status, self.outcome, self.done_at, self.touch = "done", outcome, when, touch
        return touch

    @prepared
    def planned_for(user, contact_id):
        """The planned gestures for one contact, soonest due first."""
        return (Gesture.for_user(user).where((Gesture.contact == contact_id) & (Gesture.status == "planned"))
                .order_by(Gesture.due_on))
