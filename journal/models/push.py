"""Web Push: each phone's subscription, each user's reminder settings, and a row per message sent."""
import datetime

from peewee import (BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, IntegrityError, TextField,
                    TimeField)

from ..db import db
from .accounts import User, UserSession
from .base import BaseModel, utcnow
from .owned import OwnedModel

DIGEST_AT = datetime.time(8, 0)
VISIT_MINUTES = 60
ATTEMPTS = 3  # a failed send is tried this many times in all
RETRY_AFTER = datetime.timedelta(minutes=5)
STALE_AFTER = datetime.timedelta(minutes=5)  # a row still "sending" this long after its claim: its sender died
KEEP = datetime.timedelta(days=3)  # sent rows older than this are only history: the sweep removes them


class PushSettings(OwnedModel):
    """When reminders come: the digest's time (None: no digest), minutes before a visit (0: none); names only."""

    user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
    digest_at = TimeField(null=True, default=DIGEST_AT)
    visit_minutes = IntegerField(default=VISIT_MINUTES)
    names_only = BooleanField(default=False)

    class Meta:
        table_name = "push_settings"

    @classmethod
    def of(cls, user):
        """The user's settings (the defaults, unsaved, until they change them)."""
        return cls.for_user(user).first() or cls(user=user.id)

    @classmethod
    def of_users(cls, user_ids):
        """{user id: settings} for these users, the defaults where none are saved."""
        saved = {s.user_id: s for s in cls.select().where(cls.user.in_(list(user_ids)))} if user_ids else {}
        return {uid: saved.get(uid) or cls(user=uid) for uid in user_ids}

    def change(self, digest_at, visit_minutes, names_only):
        """Save new settings (one row per user, whoever saves first)."""
        values = {"digest_at": digest_at, "visit_minutes": visit_minutes, "names_only": names_only}
        with db.atomic():
            if not PushSettings.update(**values).where(PushSettings.user == self.user_id).execute():
                PushSettings.create(user=self.user_id, **values)


class PushSubscription(OwnedModel):
    """One phone's push subscription, made in one signed-in session: ending that session (logout, log out everywhere,
    a password change, deleting the account) deletes it (ON DELETE CASCADE); an idle session's goes at the next send."""

    session = ForeignKeyField(UserSession, on_delete="CASCADE", index=True)
    endpoint = CharField(max_length=1000, unique=True)  # one browser: it gets the reminders of one user at most
    p256dh = CharField(max_length=200)
    auth = CharField(max_length=100)
    label = CharField(max_length=100, default="")
    origin = CharField(max_length=300, default="")  # the app's address as the phone saw it: the tap opens it
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "push_subscription"

    @property
    def info(self):
        """The subscription as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    @classmethod
    def subscribe(cls, user, endpoint, p256dh, auth, label="", origin=""):
        """Store this phone's subscription for the signed-in session of `user` (a phone subscribing again replaces
        its keys and moves to this session; another user's row for this browser goes, so that the phone gets no one
        else's reminders); None when that session has ended meanwhile."""
        session = UserSession.get_or_none((UserSession.user == user.id)
                                          & (UserSession.token_hash == UserSession.digest(user.login_token or "")))
        if session is None:
            return None
        values = {"session": session.id, "p256dh": p256dh, "auth": auth, "label": label[:100], "origin": origin[:300]}
        with db.atomic():
            cls.delete().where((cls.endpoint == endpoint) & (cls.user != user.id)).execute()
            if cls.update(**values).where((cls.user == user.id) & (cls.endpoint == endpoint)).execute():
                return cls.get((cls.user == user.id) & (cls.endpoint == endpoint))
            return cls.create(user=user.id, endpoint=endpoint, **values)

    @classmethod
    def of_user(cls, user):
        """The user's phones, newest first."""
        return cls.for_user(user).order_by(cls.created_at.desc(), cls.id.desc())

    @classmethod
    def remove_endpoint(cls, user, endpoint):
        """Forget the user's subscription at `endpoint` (logout on that phone); how many went."""
        if not endpoint:
            return 0
        return cls.delete().where((cls.user == user.id) & (cls.endpoint == endpoint[:1000])).execute()

    @classmethod
    def live(cls):
        """Every subscription whose session is still live, with its user (who is due something is asked next)."""
        cutoff = utcnow() - datetime.timedelta(days=UserSession.IDLE_DAYS)
        return (cls.select(cls, User).join_from(cls, User).join_from(cls, UserSession)
                .where(UserSession.last_seen_at >= cutoff).order_by(cls.user, cls.id))

    @classmethod
    def remove_expired(cls):
        """Delete the subscriptions of sessions unused for UserSession.IDLE_DAYS (an expired session ends them)."""
        cutoff = utcnow() - datetime.timedelta(days=UserSession.IDLE_DAYS)
        idle = UserSession.select(UserSession.id).where(UserSession.last_seen_at < cutoff)
        return cls.delete().where(cls.session.in_(idle)).execute()


class PushMessage(BaseModel):
    """One message to one phone: its key (kind and day or visit) is unique per subscription, so whoever inserts the row
    sends it, and a second consumer (or a second run) finds it taken. A removed phone's rows stay (subscription
    NULL) until the sweep, so that the phone added again is known to have had the day's digest."""

    user = ForeignKeyField(User, on_delete="CASCADE", index=True)
    subscription = ForeignKeyField(PushSubscription, on_delete="SET NULL", null=True)
    key = CharField(max_length=80)
    payload = TextField()
    expires_at = DateTimeField()  # naive UTC: the TTL runs out then; no retry after it
    status = CharField(max_length=10, default="sending")  # sending, sent, retry, failed
    attempts = IntegerField(default=0)
    next_try_at = DateTimeField(null=True)  # retry: when to try again; sending: when the claim counts as abandoned
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "push_message"
        indexes = ((("subscription", "key"), True), (("status", "next_try_at"), False))

    @classmethod
    def claim(cls, subscription, key, payload, expires_at, now):
        """The new row for this message, or None when it was claimed before (sent, being sent, or being retried)."""
        try:
            with db.atomic():
                return cls.create(user=subscription.user_id, subscription=subscription.id, key=key, payload=payload,
                                  expires_at=expires_at, attempts=1, next_try_at=now + STALE_AFTER)
        except IntegrityError:
            return None

    @classmethod
    def sent_before(cls, user_id, key, moment):
        """True when the user's message `key` was claimed for some phone before `moment` (naive UTC)."""
        return cls.select().where((cls.user == user_id) & (cls.key == key) & (cls.created_at < moment)).exists()

    @classmethod
    def claim_retries(cls, now):
        """The messages due another try, each claimed (status sending) by this caller alone: failed sends whose
        time has come, and sends left "sending" by a sender that died (STALE_AFTER after their claim)."""
        due = list(cls.select().where(cls.status.in_(("retry", "sending")) & (cls.next_try_at <= now)
                                      & cls.subscription.is_null(False)).order_by(cls.id))
        claimed = []
        for message in due:
            mine = (cls.id == message.id) & (cls.status == message.status) & (cls.attempts == message.attempts)
            if message.expires_at <= now or message.attempts >= ATTEMPTS:
                cls.update(status="failed", next_try_at=None).where(mine).execute()
                continue
            if cls.update(status="sending", attempts=cls.attempts + 1, next_try_at=now + STALE_AFTER).where(
                    mine).execute():
                message.attempts += 1
                claimed.append(message)
        return claimed

    def outcome(self, sent, now, final=False):
        """Record how the send went: sent, or a retry later (failed for good after ATTEMPTS, or when `final`)."""
        if sent:
            status, next_try = "sent", None
        elif final or self.attempts >= ATTEMPTS:
            status, next_try = "failed", None
        else:
            status, next_try = "retry", now + RETRY_AFTER * self.attempts
        PushMessage.update(status=status, next_try_at=next_try).where(PushMessage.id == self.id).execute()
        self.status, self.next_try_at = status, next_try

    @classmethod
    def remove_old(cls, now):
        """Delete the rows older than KEEP (their day is long past: nobody would send them again)."""
        return cls.delete().where(cls.created_at < now - KEEP).execute()
