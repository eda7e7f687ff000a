"""Rows that belong to one user, and the one way to fetch them."""
from peewee import ForeignKeyField

from ..prepared import prepared
from .accounts import User
from .base import BaseModel


class OwnedModel(BaseModel):
    """A row that belongs to one user. Fetch rows only through for_user()."""

    user = ForeignKeyField(User, on_delete="CASCADE", index=True)

    @classmethod
    def for_user(cls, user, *fields):
        """The base query for this model, scoped to one user's rows."""
        return cls.select(*fields).where(cls.user == user)

    @prepared(one=True)
    def owned(cls, user, pk):
        """The user's row with this id, or None (someone else's row is None too)."""
        return cls.for_user(user).where(cls.id == pk).limit(1)

