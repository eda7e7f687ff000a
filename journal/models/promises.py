"""Promises: what I said I would do for a contact, by a date."""
from peewee import SQL, Case, DateField, DateTimeField, ForeignKeyField, Select, TextField, fn

from ..prepared import prepared
from .base import utcnow
from .owned import OwnedModel
from .people import Contact
from .touches import Touch


class Promise(OwnedModel):
    """Something I said I would do for a contact, by a date."""

    contact = ForeignKeyField(Contact, backref="promises", on_delete="CASCADE")
    touch = ForeignKeyField(Touch, null=True, backref="promises", on_delete="SET NULL")
    text = TextField()
    due_on = DateField()
    done_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "promise"
        indexes = ((("user", "done_at", "due_on"), False),)

    def status(self, today):
        """'open', 'overdue', 'on time' or 'late'."""
        if self.done_at is None:
            return "overdue" if self.due_on < today else "open"
        return "on time" if self.done_at.date() <= self.due_on else "late"

    @classmethod
    def open_for(cls, user):
        """The user's open promises, soonest due first."""
        return cls.for_user(user).where(cls.done_at.is_null()).order_by(cls.due_on, cls.id)

    @prepared
    def open_with(user, contact_id):
        """The open promises to one contact, soonest due first."""
        return Promise.open_for(user).where(Promise.contact == contact_id)

    @classmethod
    def kept_rate(cls, user, today, contact=None):
        """Share of promises kept on time, as (percent or None, on time, counted).

        Counted: every promise done, plus open ones already past due (they can no longer be on time).
        Open promises not yet due are not counted.
        """
        if contact is None:  # every promise of the user: counts along indexes (migration 0019), not a SUM over all
            kept, done, late = cls.kept_counts_of_all(user, today)
            total = done + late
        else:
            kept, total = cls.kept_counts(user, today, contact)
        kept, total = kept or 0, total or 0
        return (round(100 * kept / total) if total else None), kept, total

    @prepared(one=True)
    def kept_counts_of_all(user, today):
        """(done on time, done, open past due) of the user's promises: three counts, each along an index.

        On time compares DATE(done_at) with due_on: migration 0019 indexes that very expression, and SQLite uses such
        an index only when it is compared with true.
        """
        def count(condition):
            return Promise.select(fn.COUNT(SQL("*"))).where((Promise.user == user) & condition)

        on_time = count((fn.DATE(Promise.done_at) <= Promise.due_on) == True)  # noqa: E712 - SQL, not Python
        done = count(Promise.done_at.is_null(False))
        late = count(Promise.done_at.is_null() & (Promise.due_on < today))
        return Select(columns=[on_time.alias("on_time"), done.alias("done"), late.alias("late")]).tuples()

    @prepared(one=True)
    def kept_counts(user, today, contact):
        """(kept on time, counted) of the user's promises, or of those to one contact (see kept_rate)."""
        on_time = fn.SUM(Case(None, [(Promise.done_at.is_null(False) & (fn.DATE(Promise.done_at) <= Promise.due_on), 1)], 0))
        counted = fn.SUM(Case(None, [(Promise.done_at.is_null(False) | (Promise.due_on < today), 1)], 0))
        query = Promise.for_user(user, on_time.alias("on_time"), counted.alias("counted"))
        if contact is not None:
            query = query.where(Promise.contact == contact)
        return query.tuples()
