"""peewee models. Every row belongs to one user; queries live here as model methods."""
import datetime
import secrets

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField, fn

from . import passwords
from .dates import PartialDate
from .db import db
from .text import digits, fold


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

    class Meta:
        table_name = "contact"
        indexes = ((("user", "sort_name"), False),)

    def save(self, *args, **kwargs):
        """Keep sort_name and updated_at in step with the name."""
        self.sort_name = fold(self.name)
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)

    @classmethod
    def alphabetical(cls, user, tag=None):
        """The user's contacts in alphabetical order, optionally only those with a tag."""
        query = cls.for_user(user).order_by(cls.sort_name, cls.id)
        if tag:
            query = query.where(
                cls.id.in_(ContactTag.for_user(user, ContactTag.contact).where(ContactTag.key == fold(tag)))
            )
        return query

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
            {"user": self.user_id, "contact": self.id, "kind": kind, "label": label, "value": value, "position": i}
            for i, (label, value) in enumerate(entries)
        ]
        if rows:
            ContactMethod.insert_many(rows).execute()

    def set_tags(self, names):
        """Replace this contact's tags."""
        ContactTag.delete().where(ContactTag.contact == self).execute()
        rows = [{"user": self.user_id, "contact": self.id, "name": n, "key": fold(n)} for n in names]
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
            {"user": self.user_id, "contact": self.id, "family_member": member_id, "name": n, "key": fold(n)}
            for n in names
        ]
        if rows:
            Interest.insert_many(rows).execute()


class ContactMethod(OwnedModel):
    """A phone number or email address of a contact."""

    contact = ForeignKeyField(Contact, backref="methods", on_delete="CASCADE")
    kind = CharField(max_length=8)  # phone | email
    label = CharField(max_length=40, default="")
    value = CharField(max_length=254)
    position = IntegerField(default=0)

    class Meta:
        table_name = "contact_method"

    @classmethod
    def firsts(cls, contact_ids):
        """The first phone and the first email of each contact, as two dicts by contact id (one query)."""
        phones, emails = {}, {}
        if contact_ids:
            for m in cls.select().where(cls.contact.in_(list(contact_ids))).order_by(cls.position, cls.id):
                (phones if m.kind == "phone" else emails).setdefault(m.contact_id, m)
        return phones, emails

    @property
    def tel(self):
        """The number as dialled in a tel:/sms: link."""
        return digits(self.value)


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
        return (
            cls.for_user(user, fn.MIN(cls.name).alias("name"), cls.key, fn.COUNT(cls.id).alias("count"))
            .group_by(cls.key)
            .order_by(fn.COUNT(cls.id).desc(), cls.key)
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


def contact_related(contact):
    """Everything a brief shows about a contact, loaded in a fixed number of queries (five)."""
    return {
        "methods": list(contact.methods.order_by(ContactMethod.kind.desc(), ContactMethod.position)),
        "tags": list(contact.tags.order_by(ContactTag.key)),
        "family": list(contact.family.order_by(FamilyMember.id)),
        "interests": list(contact.interests.order_by(Interest.id)),
        "dates": list(contact.dates.order_by(ImportantDate.id)),
    }
