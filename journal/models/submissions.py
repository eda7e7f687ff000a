"""Form submissions remembered for a day, so that a form sent twice creates its row once (journal/once.py)."""
import datetime

from peewee import CharField, DateTimeField, IntegerField

from .base import utcnow
from .owned import OwnedModel


class FormSubmission(OwnedModel):
    """What the first submit of one rendered form created (journal/once.py), so that a repeat (a double tap, a
    request sent again) answers with the same result instead of creating it twice. Kept for a day."""

    KEEP = datetime.timedelta(days=1)
    key = CharField(max_length=36)  # made when the form was rendered
    fingerprint = CharField(max_length=64)  # the SHA-256 of what was submitted: the same key with other content is new
    created_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "form_submission"
        indexes = ((("user", "key", "fingerprint"), True), (("user", "created_at"), False))

    @classmethod
    def first(cls, user, key, fingerprint):
        """The earlier submit of this form with this content, or None."""
        return cls.get_or_none((cls.user == user.id) & (cls.key == key) & (cls.fingerprint == fingerprint))

    @classmethod
    def remember(cls, user, key, fingerprint, created_id):
        """Record a first submit (IntegrityError when another one got there first); forget the user's old ones."""
        cls.delete().where((cls.user == user.id) & (cls.created_at < utcnow() - cls.KEEP)).execute()
        cls.create(user=user.id, key=key, fingerprint=fingerprint, created_id=created_id)
