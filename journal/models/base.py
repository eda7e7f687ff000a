"""What every model shares: the database binding, the owner scope, and the small helpers of stored keys."""
import datetime
import hashlib

from peewee import Model

from ..db import db
from ..text import fold


def folded_key(text, field):
    """The folded `text` as a key column stores it: cut to the column's length, which PostgreSQL enforces
    (folding can lengthen text: "ß" becomes "ss"). Store and look up keys through this, never fold() alone."""
    return fold(text)[: field.max_length]


def too_long(field, value):
    """True when `value` does not fit the CharField `field` (SQLite would keep it; PostgreSQL refuses it)."""
    return len(value or "") > field.max_length


def digest(secret):
    """The stored form of a secret or of text that must not be stored as typed (a token, a limit's key): its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def utcnow():
    """The current UTC time, naive, as stored in the database."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    """Base for all models: bound to the deferred database."""

    class Meta:
        database = db
        legacy_table_names = False
