"""peewee models. Every row belongs to one user; queries live here as model methods."""
import datetime
import secrets

from flask_login import UserMixin
from peewee import CharField, DateTimeField, ForeignKeyField, Model

from . import passwords
from .db import db


def utcnow():
    """The current UTC time, naive, as stored in the database."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    """Base for all models: bound to the deferred database."""

    class Meta:
        database = db
        legacy_table_names = False


class User(UserMixin, BaseModel):
    """An account. Emails are stored lower-cased."""

    email = CharField(max_length=254, unique=True)
    password_hash = CharField(max_length=255)
    # Part of the login id: changing the password rotates it, ending every other session.
    session_token = CharField(max_length=64, default=lambda: secrets.token_hex(16))
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "user"

    def get_id(self):
        """flask-login id: the row id plus the session token."""
        return f"{self.id}:{self.session_token}"

    @classmethod
    def from_login_id(cls, login_id):
        """The user a flask-login id names, or None when it is unknown or its token was rotated."""
        user_id, _, token = (login_id or "").partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = cls.get_or_none(cls.id == int(user_id))
        if user is None or not secrets.compare_digest(user.session_token, token):
            return None
        return user

    @classmethod
    def by_email(cls, email):
        """The user with this email (case-insensitive), or None."""
        return cls.get_or_none(cls.email == email.strip().lower())

    @classmethod
    def register(cls, email, password):
        """Create a user with a hashed password."""
        with db.atomic():
            return cls.create(email=email.strip().lower(), password_hash=passwords.hash_password(password))

    @classmethod
    def authenticate(cls, email, password):
        """The user for these credentials, or None. Rehashes when the parameters changed."""
        user = cls.by_email(email)
        if user is None:
            # Spend the same time as a real check so response time does not reveal accounts.
            passwords.verify_password(passwords.dummy_hash(), password)
            return None
        if not passwords.verify_password(user.password_hash, password):
            return None
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
            user.save(only=[User.password_hash])
        return user

    def set_password(self, password):
        """Store a new password and rotate the session token (other sessions end)."""
        self.password_hash = passwords.hash_password(password)
        self.session_token = secrets.token_hex(16)
        self.save(only=[User.password_hash, User.session_token])


class OwnedModel(BaseModel):
    """A row that belongs to one user. Fetch rows only through for_user()."""

    user = ForeignKeyField(User, on_delete="CASCADE", index=True)

    @classmethod
    def for_user(cls, user, *fields):
        """The base query for this model, scoped to one user's rows."""
        return cls.select(*fields).where(cls.user == user)
