"""Rate-limit counts (login and sign-up attempts) kept in the app's database, where every process sees them."""
import time

from peewee import Case, CharField, DoubleField, IntegerField

from .base import BaseModel, digest


class RateLimit(BaseModel):
    """One fixed window of one limit for one key (an address, an account): how many hits, and when it ends.

    The limit's key is stored as its SHA-256: it holds whatever email a form was sent with, of any length.
    """

    key = CharField(max_length=64, primary_key=True)
    count = IntegerField(default=0)
    # Seconds since the epoch, as the `limits` library counts time; double precision (a 4-byte REAL on PostgreSQL
    # rounds them to minutes).
    expires_at = DoubleField(index=True)

    class Meta:
        table_name = "rate_limit"

    digest = staticmethod(digest)  # the stored form of a key: it holds the email typed (models/base.py)

    @classmethod
    def add(cls, key, amount, seconds):
        """Add `amount` to the key's window (a new window of `seconds` when there is none); return the new count.

        One statement (an upsert), so workers and hosts adding at the same moment each get a different count.
        """
        now = time.time()
        expired = cls.expires_at <= now
        fresh = max(amount, 0)  # giving a hit back to a window that has ended leaves nothing to give back
        query = (cls.insert(key=cls.digest(key), count=fresh, expires_at=now + seconds)
                 .on_conflict(conflict_target=[cls.key],
                              update={cls.count: Case(None, [(expired, fresh)], cls.count + amount),
                                      cls.expires_at: Case(None, [(expired, now + seconds)], cls.expires_at)})
                 .returning(cls.count))
        count = query.execute()[0].count
        if count == fresh:
            cls.delete().where(cls.expires_at <= now).execute()  # a new window: sweep the ended ones
        return count

    @classmethod
    def window(cls, key):
        """(count, end) of the key's current window; (0, now) when there is none."""
        now = time.time()
        row = cls.get_or_none((cls.key == cls.digest(key)) & (cls.expires_at > now))
        return (row.count, row.expires_at) if row else (0, now)

    @classmethod
    def forget(cls, key=None):
        """End one key's window, or every window when `key` is None; return how many ended."""
        query = cls.delete()
        if key is not None:
            query = query.where(cls.key == cls.digest(key))
        return query.execute()
