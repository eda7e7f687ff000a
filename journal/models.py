"""peewee models. Every row belongs to one user; queries live here as model methods."""
import calendar
import datetime
import hashlib
import secrets
import uuid as uuidlib
from decimal import Decimal

from flask_login import UserMixin
from peewee import JOIN, SQL, BooleanField, Case, CharField, DateField, DateTimeField, DecimalField, ForeignKeyField, IntegerField, Model, TextField, fn

from . import passwords
from .dates import PartialDate
from .db import db, days_from, is_sqlite
from .prepared import prepared
from .text import digits, fold, only_digits, significant_words


def folded_key(text, field):
    """The folded `text` as a key column stores it: cut to the column's length, which PostgreSQL enforces
    (folding can lengthen text: "ß" becomes "ss"). Store and look up keys through this, never fold() alone."""
    return fold(text)[: field.max_length]


def too_long(field, value):
    """True when `value` does not fit the CharField `field` (SQLite would keep it; PostgreSQL refuses it)."""
    return len(value or "") > field.max_length


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
    # Unused since migration 0009: each signed-in browser is a UserSession row (kept, never drop data).
    session_token = CharField(max_length=64, default=lambda: secrets.token_hex(16))
    created_at = DateTimeField(default=utcnow)
    calendar_token = CharField(max_length=64, null=True, unique=True)  # the ICS feed's secret, None when off

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

    @staticmethod
    def digest(token):
        """The stored form of a session token."""
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def start(cls, user, agent=""):
        """Open a session for `user`; returns its token (the only copy). Idle sessions of the user end."""
        token = secrets.token_urlsafe(32)
        with db.atomic():
            cutoff = utcnow() - datetime.timedelta(days=cls.IDLE_DAYS)
            cls.delete().where((cls.user == user.id) & (cls.last_seen_at < cutoff)).execute()
            cls.create(user=user.id, token_hash=cls.digest(token), agent=(agent or "")[:200])
        return token

    @classmethod
    def find(cls, user_id, token):
        """The live session with this token for this user (its user joined), or None."""
        cutoff = utcnow() - datetime.timedelta(days=cls.IDLE_DAYS)
        session = _live_session.first(cls.digest(token), user_id, cutoff)
        if session is not None and session.last_seen_at < utcnow() - datetime.timedelta(minutes=10):
            # At most one write per session every ten minutes, not one per request.
            cls.update(last_seen_at=utcnow()).where(cls.id == session.id).execute()
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


@prepared
def _live_session(token_hash, user_id, cutoff):
    """The session with this token hash for this user, used since `cutoff`, with its user (every request runs this)."""
    # Only the columns a request needs from the session.
    return (UserSession.select(UserSession.id, UserSession.last_seen_at, User).join(User)
            .where((UserSession.token_hash == token_hash) & (UserSession.user == user_id)
                   & (UserSession.last_seen_at >= cutoff))
            .limit(1))


class OwnedModel(BaseModel):
    """A row that belongs to one user. Fetch rows only through for_user()."""

    user = ForeignKeyField(User, on_delete="CASCADE", index=True)

    @classmethod
    def for_user(cls, user, *fields):
        """The base query for this model, scoped to one user's rows."""
        return cls.select(*fields).where(cls.user == user)

    @classmethod
    def owned(cls, user, pk):
        """The user's row with this id, or None (someone else's row is None too)."""
        return _owned_row.first(cls, user, pk)


@prepared(fixed=("model",))
def _owned_row(model, user, pk):
    """One user's row of `model` with this id."""
    return model.for_user(user).where(model.id == pk).limit(1)


RELATIONS = [
    ("partner", "Spouse / partner"),
    ("child", "Child"),
    ("parent", "Parent"),
    ("sibling", "Sibling"),
    ("other", "Other"),
]
DATE_KINDS = [("birthday", "Birthday"), ("anniversary", "Anniversary"), ("custom", "Other date")]


class Contact(OwnedModel):
    """A customer treated as a friend."""

    name = CharField(max_length=200)
    sort_name = CharField(max_length=200)  # accent-folded name, for alphabetical order
    company = CharField(max_length=200, default="")
    role = CharField(max_length=200, default="")
    city = CharField(max_length=200, default="")
    how_we_met = TextField(default="")
    cadence_days = IntegerField(null=True)
    goals = TextField(default="")
    challenges = TextField(default="")
    how_to_help = TextField(default="")
    ideas_to_give = TextField(default="")
    feel_important = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # Kept in step with the touches (Touch.record / Contact.refresh_last_touch) so Today needs no GROUP BY.
    last_touch_at = DateTimeField(null=True)
    snoozed_until = DateField(null=True)
    # Likewise the last two mood checks, so Today sees a drop without scanning every touch.
    last_pulse = IntegerField(null=True)
    previous_pulse = IntegerField(null=True)
    last_pulse_at = DateTimeField(null=True)
    gift_budget = DecimalField(max_digits=12, decimal_places=2, null=True)  # per calendar year
    gift_budget_currency = CharField(max_length=3, default="EUR")

    class Meta:
        table_name = "contact"
        indexes = ((("user", "sort_name"), False),)

    def save(self, *args, **kwargs):
        """Keep sort_name and updated_at in step with the name."""
        self.sort_name = folded_key(self.name, Contact.sort_name)
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)

    @classmethod
    def matching(cls, user, text, limit=8):
        """Contacts whose name (any word) starts with `text`, accents and case ignored (what a suggestion shows)."""
        key = fold(text)  # peewee escapes LIKE wildcards in startswith/contains
        return (
            cls.for_user(user, cls.id, cls.name, cls.company)
            .where(cls.sort_name.startswith(key) | cls.sort_name.contains(" " + key))
            .order_by(cls.sort_name)
            .limit(limit)
        )

    @classmethod
    def refresh_last_touch(cls, contact_ids):
        """Recompute last_touch_at and the last two pulses of these contacts from their touches."""
        ids = sorted(contact_ids)
        for start in range(0, len(ids), 500):  # stay far below the SQL parameter limit
            _refresh_last_touch(ids[start:start + 500])

    @classmethod
    def owned_many(cls, user, ids):
        """The user's contacts with these ids (others' ids find nothing), by id."""
        return {c.id: c for c in _owned_contacts(user, sorted(set(ids)))} if ids else {}

    @classmethod
    def alphabetical(cls, user, tag=None, *fields):
        """The user's contacts in alphabetical order, optionally only those with a tag (and only `fields`)."""
        return _alphabetical(user, folded_key(tag, ContactTag.key) if tag else None, *fields)

    LISTED = ("id", "name", "role", "company")  # the columns the People list shows

    @classmethod
    def list_page(cls, user, tag, offset, limit):
        """A page of the People list (LISTED columns) and how many people it has in all."""
        return _list_page.first_rows(limit, user, folded_key(tag, ContactTag.key) if tag else None, offset)

    def phones(self, methods):
        """The phone entries among already-loaded contact methods."""
        return [m for m in methods if m.kind == "phone"]

    def emails(self, methods):
        """The email entries among already-loaded contact methods."""
        return [m for m in methods if m.kind == "email"]

    def set_methods(self, kind, entries):
        """Replace this contact's phones or emails with (label, value) pairs."""
        ContactMethod.delete().where((ContactMethod.contact == self) & (ContactMethod.kind == kind)).execute()
        rows = [
            {"user": self.user_id, "contact": self.id, "kind": kind, "label": label, "value": value, "position": i,
             "digits": only_digits(value)[: ContactMethod.digits.max_length] if kind == "phone" else ""}
            for i, (label, value) in enumerate(entries)
        ]
        if rows:
            ContactMethod.insert_many(rows).execute()

    def set_tags(self, names):
        """Replace this contact's tags."""
        ContactTag.delete().where(ContactTag.contact == self).execute()
        rows = [{"user": self.user_id, "contact": self.id, "name": n, "key": folded_key(n, ContactTag.key)} for n in names]
        if rows:
            ContactTag.insert_many(rows).execute()

    def set_interests(self, names, family_member=None):
        """Replace the interests of this contact (or of one of its family members)."""
        member_id = family_member.id if family_member else None
        Interest.delete().where(
            (Interest.contact == self)
            & (Interest.family_member.is_null() if member_id is None else Interest.family_member == member_id)
        ).execute()
        rows = [
            {"user": self.user_id, "contact": self.id, "family_member": member_id, "name": n,
             "key": folded_key(n, Interest.key)}
            for n in names
        ]
        if rows:
            Interest.insert_many(rows).execute()


    def own_touches(self):
        """Touches with this contact and nobody else (they go when the contact goes)."""
        shared = TouchContact.select(TouchContact.touch).where(TouchContact.contact != self)
        return (
            Touch.select(Touch.id)
            .join(TouchContact)
            .where((TouchContact.contact == self) & Touch.id.not_in(shared))
        )

    def delete_with_history(self):
        """Delete the contact, its touches with nobody else, and (by cascade) everything hanging off it."""
        own = [t.id for t in self.own_touches()]
        with db.atomic():
            for start in range(0, len(own), 500):
                Touch.delete().where(Touch.id.in_(own[start:start + 500])).execute()
            self.delete_instance()

    def add_fact(self, fact, today):
        """Store a parsed Fact: merge into the family member of that name (or a new one), or into interests."""
        if fact.relation is None:
            current = [i.name for i in self.interests.where(Interest.family_member.is_null())]
            self.set_interests(_merged(current, fact.interests))
            return None
        member = next((m for m in self.family if fold(m.name) == fold(fact.name)), None)
        if member is None:
            member = FamilyMember.create(user=self.user_id, contact=self, relation=fact.relation, name=fact.name)
        current = [i.name for i in member.interests]
        self.set_interests(_merged(current, fact.interests), family_member=member)
        has_birthday = ImportantDate.select().where(
            (ImportantDate.family_member == member) & (ImportantDate.kind == "birthday")
        ).exists()
        if fact.age is not None and not has_birthday:
            ImportantDate.create(user=self.user_id, contact=self, family_member=member, kind="birthday",
                                 year=today.year - fact.age, year_approximate=True)
        return member


def _merged(current, new):
    """Current items followed by the new ones, without case- or accent-insensitive repeats."""
    seen, items = set(), []
    for item in list(current) + list(new):
        if fold(item) not in seen:
            seen.add(fold(item))
            items.append(item)
    return items


@prepared
def _refresh_last_touch(contact_ids):
    """UPDATE these contacts' last touch time and last two pulses from their touches."""
    latest = TouchContact.select(fn.MAX(TouchContact.happened_at)).where(TouchContact.contact == Contact.id)

    def pulse(column, offset):
        return (
            Touch.select(column)
            .join(TouchContact)
            .where((TouchContact.contact == Contact.id) & Touch.pulse.is_null(False))
            .order_by(TouchContact.happened_at.desc(), Touch.id.desc())
            .limit(1)
            .offset(offset)
        )

    return Contact.update(
        last_touch_at=latest,
        last_pulse=pulse(Touch.pulse, 0),
        previous_pulse=pulse(Touch.pulse, 1),
        last_pulse_at=pulse(TouchContact.happened_at, 0),
    ).where(Contact.id.in_(contact_ids))


@prepared
def _owned_contacts(user, ids):
    """The user's contacts with these ids."""
    return Contact.for_user(user).where(Contact.id.in_(ids))


def _alphabetical(user, tag_key, *fields):
    """The user's contacts (these `fields`) in alphabetical order; with a tag's key, only those with that tag."""
    query = Contact.for_user(user, *fields).order_by(Contact.sort_name, Contact.id)
    if tag_key is not None:
        query = query.where(Contact.id.in_(ContactTag.for_user(user, ContactTag.contact).where(ContactTag.key == tag_key)))
    return query


@prepared
def _list_page(user, tag_key, offset):
    """The People list from `offset` on."""
    return _alphabetical(user, tag_key, *(getattr(Contact, name) for name in Contact.LISTED)).offset(offset)


class ContactMethod(OwnedModel):
    """A phone number or email address of a contact."""

    contact = ForeignKeyField(Contact, backref="methods", on_delete="CASCADE")
    kind = CharField(max_length=8)  # phone | email
    label = CharField(max_length=40, default="")
    value = CharField(max_length=254)
    position = IntegerField(default=0)
    digits = CharField(max_length=40, default="")  # a phone's digits only, so "5551234" finds "+1 (555) 123-4"

    class Meta:
        table_name = "contact_method"

    @classmethod
    def firsts(cls, contact_ids):
        """The first phone and the first email of each contact, as two dicts by contact id (one query)."""
        phones, emails = {}, {}
        if contact_ids:
            for m in _methods_of(list(contact_ids)):
                (phones if m.kind == "phone" else emails).setdefault(m.contact_id, m)
        return phones, emails

    @property
    def tel(self):
        """The number as dialled in a tel:/sms: link."""
        return digits(self.value)


@prepared
def _methods_of(contact_ids):
    """The phones and emails of these contacts, in their order."""
    return (ContactMethod.select(ContactMethod.contact, ContactMethod.kind, ContactMethod.value)
            .where(ContactMethod.contact.in_(contact_ids)).order_by(ContactMethod.position, ContactMethod.id))


class ContactTag(OwnedModel):
    """A tag on a contact (key account, Lyon, met at trade fair)."""

    contact = ForeignKeyField(Contact, backref="tags", on_delete="CASCADE")
    name = CharField(max_length=60)
    key = CharField(max_length=60)  # folded name, to filter and group regardless of case and accents

    class Meta:
        table_name = "contact_tag"
        indexes = ((("user", "key"), False), (("contact", "key"), True))

    @classmethod
    def counts(cls, user):
        """The user's tags with how many contacts carry each, most used first."""
        return list(_tag_counts(user))


@prepared
def _tag_counts(user):
    """The user's tags (a name and the key) with how many contacts carry each, most used first."""
    return (
        ContactTag.for_user(user, fn.MIN(ContactTag.name).alias("name"), ContactTag.key, fn.COUNT(ContactTag.id).alias("count"))
        .group_by(ContactTag.key)
        .order_by(fn.COUNT(ContactTag.id).desc(), ContactTag.key)
    )


class FamilyMember(OwnedModel):
    """A member of a contact's family."""

    contact = ForeignKeyField(Contact, backref="family", on_delete="CASCADE")
    relation = CharField(max_length=20, default="other")
    name = CharField(max_length=200)
    notes = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "family_member"

    @classmethod
    def of_contact(cls, user, contact):
        """The user's family members of one contact, oldest entry first."""
        return cls.for_user(user).where(cls.contact == contact).order_by(cls.id)

    @property
    def relation_label(self):
        """Human label of the relation."""
        return dict(RELATIONS).get(self.relation, "Family")


class Interest(OwnedModel):
    """A short interest tag on a contact, or on one of its family members."""

    contact = ForeignKeyField(Contact, backref="interests", on_delete="CASCADE")
    family_member = ForeignKeyField(FamilyMember, null=True, backref="interests", on_delete="CASCADE")
    name = CharField(max_length=60)
    key = CharField(max_length=60)

    class Meta:
        table_name = "interest"
        indexes = ((("contact", "family_member"), False), (("user", "key"), False))


class ImportantDate(OwnedModel):
    """A birthday, anniversary or custom date of a contact or of one of its family members."""

    contact = ForeignKeyField(Contact, backref="dates", on_delete="CASCADE")
    family_member = ForeignKeyField(FamilyMember, null=True, backref="dates", on_delete="CASCADE")
    kind = CharField(max_length=20, default="custom")
    label = CharField(max_length=120, default="")
    year = IntegerField(null=True)
    month = IntegerField(null=True)
    day = IntegerField(null=True)
    year_approximate = BooleanField(default=False)

    class Meta:
        table_name = "important_date"
        indexes = ((("contact", "family_member"), False), (("user", "month", "day"), False))

    @property
    def partial(self):
        """The date as a PartialDate."""
        return PartialDate(self.year, self.month, self.day, self.year_approximate)

    def title(self, family_by_id, contact):
        """What the date is: "Léa's birthday", "Anniversary", "Company founded"."""
        if self.kind == "custom":
            return self.label or "Date"
        whose = family_by_id[self.family_member_id].name if self.family_member_id else contact.name
        if self.kind == "birthday":
            return f"{whose}'s birthday"
        return self.label or "Anniversary"


# What a brief shows about a contact besides the contact row: each kind of row and its order.
RELATED = {
    "methods": (ContactMethod, (ContactMethod.kind.desc(), ContactMethod.position)),
    "tags": (ContactTag, (ContactTag.key,)),
    "family": (FamilyMember, (FamilyMember.id,)),
    "interests": (Interest, (Interest.id,)),
    "dates": (ImportantDate, (ImportantDate.id,)),
}


@prepared(fixed=("kind",))
def _related_rows(kind, contact_id):
    """One kind of RELATED rows of a contact, in its order."""
    model, order = RELATED[kind]
    return model.select().where(model.contact == contact_id).order_by(*order)


def contact_related(contact):
    """Everything a brief shows about a contact, loaded in a fixed number of queries (five)."""
    return {kind: list(_related_rows(kind, contact.id)) for kind in RELATED}


TOUCH_KINDS = [
    ("visit", "Visit"),
    ("call", "Call"),
    ("email", "Email"),
    ("message", "Message"),
    ("meeting", "Meeting"),
    ("gesture", "Gesture"),
    ("purchase", "Purchase"),
]
PULSES = [(1, "Upset"), (2, "Unhappy"), (3, "Neutral"), (4, "Happy"), (5, "Delighted")]
GIVE_ASK = [("give", "About them"), ("ask", "About me")]


class Touch(OwnedModel):
    """A moment of touch: a visit, call, message... with one or more contacts."""

    uuid = CharField(max_length=36)  # generated by the browser: a retried POST never duplicates
    kind = CharField(max_length=20, default="visit")
    happened_at = DateTimeField()
    note = TextField(default="")
    pulse = IntegerField(null=True)
    give_ask = CharField(max_length=4, null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "touch"
        indexes = ((("user", "uuid"), True), (("user", "happened_at"), False))

    @property
    def kind_label(self):
        """Human label of the kind."""
        return dict(TOUCH_KINDS).get(self.kind, self.kind.title())

    @property
    def pulse_label(self):
        """Human label of the pulse, or ''."""
        return dict(PULSES).get(self.pulse, "")

    @classmethod
    def by_uuid(cls, user, uuid):
        """The user's touch with this client id, or None."""
        return _touch_by_uuid.first(user, uuid)

    @classmethod
    def for_contact(cls, contact):
        """Touches with this contact, newest first (uses the contact/time index)."""
        return (
            cls.select(cls)
            .join(TouchContact)
            .where(TouchContact.contact == contact)
            .order_by(TouchContact.happened_at.desc(), cls.id.desc())
        )

    def set_contacts(self, contact_ids):
        """Link the touch to these contacts (replacing earlier links) and refresh their last touch."""
        old = [contact_id for contact_id, in _linked_contacts(self.id)]
        _unlink_touch(self.id)
        TouchContact.insert_many(
            [{"user": self.user_id, "touch": self.id, "contact": cid, "happened_at": self.happened_at} for cid in contact_ids]
        ).execute()
        Contact.refresh_last_touch(set(old) | set(contact_ids))

    @classmethod
    def latest_for(cls, contact, limit):
        """The contact's `limit` latest touches."""
        return list(_latest_touches(contact.id, limit))

    @staticmethod
    def contacts_of(touches):
        """{touch id: [contacts]} for already-loaded touches (one query)."""
        ids = [t.id for t in touches]
        result = {i: [] for i in ids}
        if ids:
            for link in _touch_people(ids):
                result[link.touch_id].append(link.contact)
        return result

    @classmethod
    def balance(cls, contact, since):
        """Give and ask touches since a date, and all purchases, for one contact (one query)."""
        row = _balance.first(contact.id, since)
        return {"give": row[0] or 0, "ask": row[1] or 0, "purchases": row[2] or 0}


@prepared
def _touch_by_uuid(user, uuid):
    """The user's touch with this client id."""
    return Touch.for_user(user).where(Touch.uuid == uuid).limit(1)


@prepared
def _linked_contacts(touch_id):
    """(contact id,) of each contact a touch is linked to."""
    return TouchContact.select(TouchContact.contact).where(TouchContact.touch == touch_id).tuples()


@prepared
def _unlink_touch(touch_id):
    """DELETE a touch's links to its contacts."""
    return TouchContact.delete().where(TouchContact.touch == touch_id)


@prepared
def _latest_touches(contact_id, limit):
    """A contact's latest touches."""
    return Touch.for_contact(contact_id).limit(limit)


@prepared
def _touch_people(touch_ids):
    """The contacts (id and name) of these touches, by name."""
    return (TouchContact.select(TouchContact.touch, Contact.id, Contact.name).join(Contact)
            .where(TouchContact.touch.in_(touch_ids)).order_by(Contact.sort_name))


@prepared
def _balance(contact_id, since):
    """(give since, ask since, purchases) of one contact's touches."""
    recent = TouchContact.happened_at >= since
    give = fn.SUM(Case(None, [((Touch.give_ask == "give") & recent, 1)], 0))
    ask = fn.SUM(Case(None, [((Touch.give_ask == "ask") & recent, 1)], 0))
    purchases = fn.SUM(Case(None, [(Touch.kind == "purchase", 1)], 0))
    return Touch.select(give, ask, purchases).join(TouchContact).where(TouchContact.contact == contact_id).tuples()


class TouchContact(OwnedModel):
    """Which contacts a touch was with (the time is copied here to page a contact's timeline fast)."""

    touch = ForeignKeyField(Touch, backref="links", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, backref="touch_links", on_delete="CASCADE", index=False)
    happened_at = DateTimeField()

    class Meta:
        table_name = "touch_contact"
        indexes = ((("touch", "contact"), True), (("contact", "happened_at"), False))


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

    @classmethod
    def open_with(cls, contact):
        """The open promises to one contact, soonest due first."""
        return list(_open_promises_with(contact.user_id, contact.id))

    @classmethod
    def kept_rate(cls, user, today, contact=None):
        """Share of promises kept on time, as (percent or None, on time, counted).

        Counted: every promise done, plus open ones already past due (they can no longer be on time).
        Open promises not yet due are not counted.
        """
        kept, total = _kept_rate.first(user, today, contact)
        kept, total = kept or 0, total or 0
        return (round(100 * kept / total) if total else None), kept, total


@prepared
def _open_promises_with(user, contact_id):
    """The open promises to one contact."""
    return Promise.open_for(user).where(Promise.contact == contact_id)


@prepared
def _kept_rate(user, today, contact):
    """(kept on time, counted) of the user's promises, or of those to one contact."""
    on_time = fn.SUM(Case(None, [((Promise.done_at.is_null(False)) & (fn.DATE(Promise.done_at) <= Promise.due_on), 1)], 0))
    counted = fn.SUM(Case(None, [(Promise.done_at.is_null(False) | (Promise.due_on < today), 1)], 0))
    query = Promise.for_user(user, on_time.alias("on_time"), counted.alias("counted"))
    if contact is not None:
        query = query.where(Promise.contact == contact)
    return query.tuples()


@prepared
def due_promises(user, today):
    """Open promises due today or earlier, oldest first, with their contact (one query)."""
    return (
        Promise.select(Promise.id, Promise.text, Promise.due_on, Contact.id, Contact.name)
        .join(Contact)
        .where((Promise.user == user) & Promise.done_at.is_null() & (Promise.due_on <= today))
        .order_by(Promise.due_on, Promise.id)
    )


@prepared
def due_for_touch(user, today):
    """Contacts with a cadence whose last touch (or creation) plus the cadence has come, most overdue first.

    Only the columns Today shows: peewee's cost of building a query grows with its column count.
    """
    since = days_from(fn.COALESCE(Contact.last_touch_at, Contact.created_at), today)
    overdue = (since - Contact.cadence_days).alias("overdue")
    return (
        Contact.for_user(user, Contact.id, Contact.name, Contact.last_touch_at, Contact.cadence_days, overdue)
        .where(
            Contact.cadence_days.is_null(False)
            & (Contact.snoozed_until.is_null() | (Contact.snoozed_until <= today))
            & (since >= Contact.cadence_days)
        )
        .order_by(SQL("overdue").desc(), Contact.sort_name)
    )


def upcoming_dates(user, today, days=14, limit=None):
    """Important dates recurring within `days` days from today, soonest first (year end and 29 February included).

    Returns [(next occurrence, date)] and how many there are in all; `limit` caps the list, not the count.
    """
    window = [today + datetime.timedelta(days=n) for n in range(days + 1)]
    keys = {d.month * 100 + d.day for d in window}
    if any(d.month == 2 and d.day == 28 and not calendar.isleap(d.year) for d in window):
        keys.add(229)  # 29 February birthdays are kept on 28 February in common years
    start = today.month * 100 + today.day
    if limit is None:
        found = list(_dates_on(user, sorted(keys), start))
        total = len(found)
    else:
        found, total = _dates_on.first_rows(limit, user, sorted(keys), start)
    return [(d.partial.next_occurrence(today), d) for d in found], total


@prepared
def _dates_on(user, keys, start):
    """The user's important dates whose month * 100 + day is one of `keys`, from `start` on, then the rest."""
    key = ImportantDate.month * 100 + ImportantDate.day
    Member = FamilyMember.alias()
    return (
        ImportantDate.select(ImportantDate, Contact.id, Contact.name, Member.id, Member.name)
        .join(Contact, on=(ImportantDate.contact == Contact.id))
        .switch(ImportantDate)
        .join(Member, JOIN.LEFT_OUTER, on=(ImportantDate.family_member == Member.id), attr="member")
        .where((ImportantDate.user == user) & key.in_(keys))
        # This year's remaining days first, then next year's (the window may cross 31 December).
        .order_by(Case(None, [(key >= start, 0)], 1), key, Contact.sort_name, ImportantDate.id)
    )


def needing_attention(user, today, limit):
    """Contacts whose last pulse dropped (within a year), and those touched but not asked how they are in 90 days.

    Each as (the first `limit`, how many in all).
    """
    year_ago = datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time())
    since = datetime.datetime.combine(today - datetime.timedelta(days=90), datetime.time())
    return _pulse_dropped.first_rows(limit, user, year_ago), _not_asked.first_rows(limit, user, since)


@prepared
def _pulse_dropped(user, year_ago):
    """Contacts whose last pulse is lower than the one before, measured since `year_ago`, latest first."""
    return (
        Contact.for_user(user, Contact.id, Contact.name, Contact.previous_pulse, Contact.last_pulse)
        .where((Contact.last_pulse < Contact.previous_pulse) & (Contact.last_pulse_at >= year_ago))
        .order_by(Contact.last_pulse_at.desc())
    )


@prepared
def _not_asked(user, since):
    """Contacts touched but with no pulse since `since`, latest touched first."""
    return (
        Contact.for_user(user, Contact.id, Contact.name)
        .where(Contact.last_touch_at.is_null(False) & (Contact.last_pulse_at.is_null() | (Contact.last_pulse_at < since)))
        .order_by(Contact.last_touch_at.desc())
    )


GIFT_STATUSES = [("idea", "Idea"), ("planned", "Planned"), ("bought", "Bought"), ("given", "Given"), ("received", "Received")]
GIFT_OCCASIONS = [("birthday", "Birthday"), ("holiday", "Holiday"), ("thank_you", "Thank you"),
                  ("milestone", "Milestone"), ("other", "Other")]
# Where a gift may go next; "received" is recorded directly.
GIFT_NEXT = {"idea": ["planned", "bought", "given"], "planned": ["bought", "given", "idea"], "bought": ["given", "planned"],
             "given": ["bought"], "received": []}
SPENT = ("bought", "given")  # statuses whose price counts as money spent


class Gift(OwnedModel):
    """A gift for a contact or one of their family members, from idea to given (or a gift received)."""

    contact = ForeignKeyField(Contact, backref="gifts", on_delete="CASCADE")
    family_member = ForeignKeyField(FamilyMember, null=True, backref="gifts", on_delete="CASCADE")
    description = CharField(max_length=300)
    status = CharField(max_length=10, default="idea")
    occasion = CharField(max_length=20, default="other")
    price = DecimalField(max_digits=12, decimal_places=2, null=True)
    currency = CharField(max_length=3, default="EUR")
    link = CharField(max_length=1000, default="")
    notes = TextField(default="")
    date = DateField(null=True)  # when it was given (or bought, or received)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "gift"
        indexes = ((("user", "status"), False), (("user", "date"), False))

    @property
    def status_label(self):
        """Human label of the status."""
        return dict(GIFT_STATUSES).get(self.status, self.status)

    @property
    def occasion_label(self):
        """Human label of the occasion."""
        return dict(GIFT_OCCASIONS).get(self.occasion, self.occasion)

    def move_to(self, status, today):
        """Change the status along the allowed flow; the date is set when it is bought or given."""
        if status not in GIFT_NEXT.get(self.status, []):
            raise ValueError(f"A gift that is {self.status_label.lower()} cannot become {dict(GIFT_STATUSES)[status].lower()}.")
        self.status = status
        if status in ("bought", "given") and (self.date is None or status == "given"):
            self.date = today
        if status in ("idea", "planned"):
            self.date = None

    @classmethod
    def of_contact(cls, contact):
        """All gifts for a contact and their family, newest first (undated last)."""
        return list(_gifts_of_contact(contact.user_id, contact.id))

    @classmethod
    def same_recipient(cls, user, contact_id, member_id):
        """The user's gifts for exactly this recipient (the contact, or one family member)."""
        query = cls.for_user(user).where(cls.contact == contact_id)
        if member_id:
            return query.where(cls.family_member == member_id)
        return query.where(cls.family_member.is_null())

    @classmethod
    def repeats(cls, user, contact_id, member_id, description, exclude_id=None):
        """Gifts already given to this recipient that share a significant word with `description`."""
        words = significant_words(description)
        if not words:
            return []
        query = cls.same_recipient(user, contact_id, member_id).where(cls.status == "given").order_by(cls.date.desc(nulls="LAST"))
        if exclude_id:
            query = query.where(cls.id != exclude_id)
        return [g for g in query if words & significant_words(g.description)]

    @classmethod
    def spend(cls, user, year, contact=None, exclude=None):
        """Money spent on gifts in a calendar year, as {currency: total} (bought or given, dated that year)."""
        rows = _spend(user, datetime.date(year, 1, 1), datetime.date(year, 12, 31), contact, exclude)
        return {currency: _money(total) for currency, total in rows}

    @classmethod
    def spend_by_contact(cls, user, year):
        """[(contact, {currency: total})] for a year, biggest spend first."""
        rows = (
            cls.select(cls.contact, Contact.name, cls.currency, fn.SUM(cls.price).alias("total"))
            .join(Contact)
            .where((cls.user == user) & cls.status.in_(SPENT) & cls.price.is_null(False)
                   & (cls.date >= datetime.date(year, 1, 1)) & (cls.date <= datetime.date(year, 12, 31)))
            .group_by(cls.contact, Contact.name, cls.currency)
            .tuples()
        )
        by_contact = {}
        for contact_id, name, currency, total in rows:
            by_contact.setdefault((contact_id, name), {})[currency] = _money(total)
        return sorted(by_contact.items(), key=lambda item: -max(item[1].values()))

    def budget_warning(self, today):
        """A warning when this planned or bought gift would take the contact over their yearly budget."""
        contact = self.contact
        if contact.gift_budget is None or self.price is None or self.status not in ("planned", "bought", "given"):
            return None
        if self.currency != contact.gift_budget_currency:
            return None
        year = (self.date or today).year
        # What the database holds for this gift may be stale (it is being changed): leave it out, add it back.
        spent = Gift.spend(self.user_id, year, contact=contact.id, exclude=self.id).get(self.currency, Decimal(0))
        total = spent + Decimal(self.price)
        if total > contact.gift_budget:
            return (f"This gift takes {contact.name} to {total:.2f} {self.currency} in {year}, "
                    f"over the yearly budget of {contact.gift_budget:.2f} {contact.gift_budget_currency}.")
        return None


@prepared
def _gifts_of_contact(user, contact_id):
    """A contact's gifts, newest first."""
    return (Gift.for_user(user).where(Gift.contact == contact_id)
            .order_by(Gift.date.desc(nulls="LAST"), Gift.id.desc()))


@prepared
def _spend(user, first_day, last_day, contact, exclude):
    """(currency, total price) of gifts bought or given between two days, for one contact or all, minus one."""
    query = (
        Gift.for_user(user, Gift.currency, fn.SUM(Gift.price))
        .where(Gift.status.in_(SPENT) & Gift.price.is_null(False) & (Gift.date >= first_day) & (Gift.date <= last_day))
        .group_by(Gift.currency)
    )
    if contact is not None:
        query = query.where(Gift.contact == contact)
    if exclude is not None:
        query = query.where(Gift.id != exclude)
    return query.tuples()


def _money(total):
    """A SQL sum as an exact amount (SQLite sums decimals as floats)."""
    return Decimal(str(total)).quantize(Decimal("0.01")) if total is not None else Decimal(0)


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

    @classmethod
    def planned_for(cls, contact):
        """The planned gestures for one contact, soonest due first."""
        return list(_planned_gestures_for(contact.user_id, contact.id))


@prepared
def planned_gestures_due(user, day):
    """Planned gestures due on or before `day`, soonest first, with their contact."""
    return (
        Gesture.select(Gesture.id, Gesture.text, Gesture.due_on, Contact.id, Contact.name)
        .join(Contact)
        .where((Gesture.user == user) & (Gesture.status == "planned") & (Gesture.due_on <= day))
        .order_by(Gesture.due_on, Gesture.id)
    )


@prepared
def _planned_gestures_for(user, contact_id):
    """One contact's planned gestures, soonest due first."""
    return (Gesture.for_user(user).where((Gesture.contact == contact_id) & (Gesture.status == "planned"))
            .order_by(Gesture.due_on))


@prepared
def _gift_recipients(user, contact_ids, recent):
    """(contact, family member) of these contacts' gifts planned or bought, or given since `recent`."""
    return (
        Gift.for_user(user, Gift.contact, Gift.family_member)
        .where(Gift.contact.in_(contact_ids)
               & (Gift.status.in_(["planned", "bought"]) | ((Gift.status == "given") & (Gift.date >= recent))))
        .tuples()
    )


@prepared
def _planned_gesture_days(user, contact_ids):
    """(contact, due day) of these contacts' planned gestures."""
    return (Gesture.for_user(user, Gesture.contact, Gesture.due_on)
            .where(Gesture.contact.in_(contact_ids) & (Gesture.status == "planned")).tuples())


def uncovered_dates(user, today, dates):
    """Of upcoming (next_on, date) pairs, those with no gift planned for that person and no gesture planned.

    Covered: a gift for the same recipient that is planned or bought, or given in the last 30 days;
    or a planned gesture for the contact due on or before the date.
    """
    if not dates:
        return []
    contact_ids = sorted({d.contact_id for _, d in dates})
    covered = set(_gift_recipients(user, contact_ids, today - datetime.timedelta(days=30)))
    gestures = {}
    for cid, due in _planned_gesture_days(user, contact_ids):
        gestures[cid] = min(due, gestures.get(cid, due))
    return [
        (next_on, d) for next_on, d in dates
        if (d.contact_id, d.family_member_id) not in covered
        and not (d.contact_id in gestures and gestures[d.contact_id] <= next_on)
    ]


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
