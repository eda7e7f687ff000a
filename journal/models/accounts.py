"""Accounts: users, their signed-in browsers, and the audit log of what happened to them."""
import datetime
import secrets

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField

from .. import clock, passwords
from ..db import OUTAGE_ERRORS, db, is_sqlite, outage
from ..prepared import prepared
from .base import BaseModel, digest, utcnow


class User(UserMixin, BaseModel):
    """An account. Emails are stored lower-cased."""

    email = CharField(max_length=254, unique=True)
    password_hash = CharField(max_length=255)
    # Unused since migration 0009: each signed-in browser is a UserSession row (kept, never drop data).
    session_token = CharField(max_length=64, default=lambda: secrets.token_hex(16))
    created_at = DateTimeField(default=utcnow)
    calendar_token = CharField(max_length=64, null=True, unique=True)  # the ICS feed's secret, None when off
    time_zone = CharField(max_length=64, default=clock.server_zone_name)  # IANA name: "today" and "now" follow it
    time_zone_fixed = BooleanField(default=False)  # chosen by hand in Account: a login no longer follows the browser

    class Meta:
        table_name = "user"

    def get_id(self):
        """flask-login id: the row id plus this browser's session token (a UserSession row)."""
        return f"{self.id}:{self.login_token}"

    def start_session(self, agent=""):
        """Sign a browser in: a new UserSession row whose token goes into the cookie (and get_id)."""
        self.login_token = UserSession.start(self, agent)
        return self

    @classmethod
    def from_login_id(cls, login_id):
        """The user a session or remember cookie names, or None when that session was ended on the server."""
        user_id, _, token = (login_id or "").partition(":")
        if not user_id.isdigit() or not token or len(token) > 100:
            return None
        session = UserSession.find(int(user_id), token)
        if session is None:
            return None
        user = session.user
        user.login_token = token
        return user

    @classmethod
    def by_email(cls, email):
        """The user with this email (case-insensitive), or None."""
        return cls.get_or_none(cls.email == email.strip().lower())

    @classmethod
    def register(cls, email, password, time_zone=None):
        """Create a user with a hashed password, in `time_zone` (an IANA name; the server's zone when None)."""
        zone = {"time_zone": time_zone} if time_zone is not None else {}
        with db.atomic():
            return cls.create(email=email.strip().lower(), password_hash=passwords.hash_password(password), **zone)

    def choose_time_zone(self, name):
        """Set the time zone by hand (Account): from now on a login keeps it, whatever the browser says."""
        self.time_zone, self.time_zone_fixed = name, True
        self.save(only=[User.time_zone, User.time_zone_fixed])

    def follow_browser_zone(self, name):
        """At login, take the browser's zone when it is a valid one, differs, and the user has not chosen one by hand
        (a trip abroad follows the phone; a deliberate choice sticks). True when it changed."""
        if self.time_zone_fixed or not clock.valid_zone(name) or name == self.time_zone:
            return False
        self.time_zone = name
        self.save(only=[User.time_zone])
        return True

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

    @classmethod
    def by_calendar_token(cls, token):
        """The user whose calendar feed this token opens, or None."""
        if not token or len(token) > 64:
            return None
        return cls.get_or_none(cls.calendar_token == token)

    def new_calendar_token(self):
        """Turn the calendar feed on, or replace its link (the old one stops working)."""
        self.calendar_token = secrets.token_urlsafe(32)
        self.save(only=[User.calendar_token])

    def stop_calendar(self):
        """Turn the calendar feed off."""
        self.calendar_token = None
        self.save(only=[User.calendar_token])

    def delete_everything(self):
        """Delete the account and every row it owns (cascades), overwriting freed SQLite pages."""
        secure = is_sqlite()
        if secure:
            db.execute_sql("PRAGMA secure_delete = ON")
        try:
            with db.atomic():
                # The audit log keeps that something happened, not who it was.
                AuditEvent.update(email="").where(AuditEvent.user == self).execute()
                self.delete_instance()
        finally:
            if secure:
                db.execute_sql("PRAGMA secure_delete = OFF")

    def set_password(self, password):
        """Store a new password and end every other session (this browser stays signed in)."""
        self.password_hash = passwords.hash_password(password)
        self.save(only=[User.password_hash])
        UserSession.end_all(self, keep=getattr(self, "login_token", None))


class UserSession(BaseModel):
    """One signed-in browser. Its token is in the cookie; only its SHA-256 is stored here, so logout
    (deleting the row) makes a copied cookie worthless, and a database leak yields no usable cookie."""

    IDLE_DAYS = 30  # unused this long, a session ends (the remember-me cookie lasts as long)
    user = ForeignKeyField(User, on_delete="CASCADE", index=True)
    token_hash = CharField(max_length=64, unique=True)
    agent = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "user_session"

    digest = staticmethod(digest)  # the stored form of a token (models/base.py)

    @classmethod
    def start(cls, user, agent=""):
        """Open a session for `user`; returns its token (the only copy). Idle sessions of the user end."""
        token = secrets.token_urlsafe(32)
        with db.atomic():
            cutoff = utcnow() - datetime.timedelta(days=cls.IDLE_DAYS)
            cls.delete().where((cls.user == user.id) & (cls.last_seen_at < cutoff)).execute()
            cls.create(user=user.id, token_hash=cls.digest(token), agent=(agent or "")[:200])
        return token

    @prepared(one=True)
    def live(token_hash, user_id, cutoff):
        """The session with this token hash for this user, used since `cutoff`, with its user (every request runs this)."""
        # Only the columns a request needs from the session.
        return (UserSession.select(UserSession.id, UserSession.last_seen_at, User).join(User)
                .where((UserSession.token_hash == token_hash) & (UserSession.user == user_id)
                       & (UserSession.last_seen_at >= cutoff))
                .limit(1))

    @classmethod
    def find(cls, user_id, token):
        """The live session with this token for this user (its user joined), or None."""
        cutoff = utcnow() - datetime.timedelta(days=cls.IDLE_DAYS)
        session = cls.live(cls.digest(token), user_id, cutoff)
        if session is not None and session.last_seen_at < utcnow() - datetime.timedelta(minutes=10):
            # At most one write per session every ten minutes, not one per request.
            try:
                cls.update(last_seen_at=utcnow()).where(cls.id == session.id).execute()
            except OUTAGE_ERRORS as error:
                # A database that cannot save now (read-only, say) still lets people read; a later request notes the visit.
                if outage(error) is None:
                    raise
        return session

    @classmethod
    def end(cls, token):
        """End one session (logout): its cookie stops working, wherever it was copied."""
        if token:
            cls.delete().where(cls.token_hash == cls.digest(token)).execute()

    @classmethod
    def end_all(cls, user, keep=None):
        """End every session of `user` ("log out everywhere"), except the one whose token is `keep`."""
        query = cls.delete().where(cls.user == user.id)
        if keep:
            query = query.where(cls.token_hash != cls.digest(keep))
        return query.execute()

    @classmethod
    def of_user(cls, user):
        """The user's sessions, most recently used first."""
        return cls.select().where(cls.user == user.id).order_by(cls.last_seen_at.desc(), cls.id.desc())


class AuditEvent(BaseModel):
    """Who did what security-relevant thing, when, from where. Never note text, passwords or tokens."""

    user = ForeignKeyField(User, null=True, on_delete="SET NULL", index=True)
    email = CharField(max_length=254, default="")
    event = CharField(max_length=40)
    detail = CharField(max_length=200, default="")
    ip = CharField(max_length=64, default="")
    at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "audit_event"

    @classmethod
    def record(cls, event, user=None, email="", detail="", ip=""):
        """Add one event (detail is a short fixed description, e.g. a format or a count)."""
        return cls.create(user=user.id if user is not None else None, email=(email or getattr(user, "email", ""))[:254],
                          event=event, detail=str(detail)[:200], ip=(ip or "")[:64])

