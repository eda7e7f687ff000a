"""People: contacts, their phones and emails, tags, family, interests and important dates."""
from peewee import JOIN, BooleanField, CharField, DateField, DateTimeField, DecimalField, ForeignKeyField, IntegerField, TextField, fn

from ..dates import PartialDate
from ..db import counted, totalled
from ..prepared import prepared
from ..text import digits, fold, only_digits
from .base import folded_key, utcnow
from .owned import OwnedModel


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
    alt_name = CharField(max_length=200, default="")  # the name in another script (山田太郎 beside "Yamada Taro")
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
    # Kept in step with the touches (Touch.refresh_last_touch) so Today needs no GROUP BY.
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
        # As created by migration 0022 ("contact_listed"): the People list reads its page from the index alone.
        indexes = ((("user", "sort_name", "id", "name", "role", "company"), False),)

    def save(self, *args, **kwargs):
        """Keep sort_name and updated_at in step with the name."""
        self.sort_name = folded_key(self.name, Contact.sort_name)
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)

    @classmethod
    def matching(cls, user, text, limit=8):
        """Contacts whose name or alternative name (any word) starts with `text`, accents and case ignored (what a
        suggestion shows)."""
        return cls.for_user(user, cls.id, cls.name, cls.company).where(cls.named(text)).order_by(cls.sort_name).limit(limit)

    @classmethod
    def named(cls, text):
        """The condition: the name or the alternative name has a word starting with `text`, accents and case ignored."""
        key = fold(text)  # peewee escapes LIKE wildcards in startswith/contains
        # rapport_fold is text.fold on both backends (registered on SQLite, migration 0015 on PostgreSQL).
        alt = fn.rapport_fold(cls.alt_name)
        return (cls.sort_name.startswith(key) | cls.sort_name.contains(" " + key)
                | ((cls.alt_name != "") & (alt.startswith(key) | alt.contains(" " + key))))

    @classmethod
    def owned_many(cls, user, ids):
        """The user's contacts with these ids (others' ids find nothing), by id."""
        return {c.id: c for c in cls.for_user(user).where(cls.id.in_(sorted(set(ids))))} if ids else {}

    @classmethod
    def alphabetical(cls, user, tag=None, *fields):
        """The user's contacts in alphabetical order, optionally only those with a tag (and only `fields`)."""
        query = cls.for_user(user, *fields).order_by(cls.sort_name, cls.id)
        if tag:
            query = query.where(cls.tagged(user, tag))
        return query

    @classmethod
    def tagged(cls, user, tag):
        """The condition: the contact carries the user's tag `tag` (case and accents aside)."""
        return cls.id.in_(ContactTag.for_user(user, ContactTag.contact).where(ContactTag.key == folded_key(tag, ContactTag.key)))

    LISTED = ("id", "name", "role", "company")  # the columns the People list shows

    @classmethod
    def list_page(cls, user, tag, offset, limit):
        """A page of the People list (LISTED columns) and how many people it has in all."""
        listed = (getattr(cls, name) for name in cls.LISTED)
        return totalled(counted(cls.alphabetical(user, tag, *listed).offset(offset), limit))

    @prepared(fixed=("kind",))
    def related_rows(kind, contact_id):
        """One kind of RELATED rows of a contact, in its order."""
        model, order = RELATED[kind]
        return model.select().where(model.contact == contact_id).order_by(*order)

    def related(self):
        """Everything a brief shows about the contact besides its row, in a fixed number of queries (five)."""
        return {kind: Contact.related_rows(kind, self.id) for kind in RELATED}

    @classmethod
    def summaries(cls, user, ids):
        """What a search result shows of these contacts of the user."""
        return cls.for_user(user, cls.id, cls.name, cls.alt_name, cls.role, cls.company, cls.city).where(cls.id.in_(ids))

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
        """Replace this contact's tags; repeats (case and accents aside) are merged, keeping the first spelling."""
        ContactTag.delete().where(ContactTag.contact == self).execute()
        rows = [{"user": self.user_id, "contact": self.id, "name": n, "key": key}
                for key, n in _by_key(names, ContactTag.key).items()]
        if rows:
            ContactTag.insert_many(rows).execute()

    def set_interests(self, names, family_member=None):
        """Replace the interests of this contact (or of one of its family members); repeats (case and accents aside)
        are merged, keeping the first spelling."""
        member_id = family_member.id if family_member else None
        Interest.delete().where(
            (Interest.contact == self)
            & (Interest.family_member.is_null() if member_id is None else Interest.family_member == member_id)
        ).execute()
        rows = [
            {"user": self.user_id, "contact": self.id, "family_member": member_id, "name": n, "key": key}
            for key, n in _by_key(names, Interest.key).items()
        ]
        if rows:
            Interest.insert_many(rows).execute()


    def add_interests(self, names):
        """Merge interests into this contact's own, keeping those it has."""
        current = [i.name for i in self.interests.where(Interest.family_member.is_null())]
        self.set_interests(_merged(current, names))

    def add_fact(self, fact, today):
        """Store a fact (relation, name, age, interests): merge into the family member of that name (or a new one),
        or, without a relation, into interests. An age sets the approximate birth year unless the birthday's year
        is known exactly."""
        if fact.relation is None:
            self.add_interests(fact.interests)
            return None
        member = next((m for m in self.family if fold(m.name) == fold(fact.name)), None)
        if member is None:
            member = FamilyMember.create(user=self.user_id, contact=self, relation=fact.relation, name=fact.name)
        current = [i.name for i in member.interests]
        self.set_interests(_merged(current, fact.interests), family_member=member)
        if fact.age is None:
            return member
        birthday = ImportantDate.select().where(
            (ImportantDate.family_member == member) & (ImportantDate.kind == "birthday")).first()
        if birthday is None:
            ImportantDate.create(user=self.user_id, contact=self, family_member=member, kind="birthday",
                                 year=today.year - fact.age, year_approximate=True)
        elif birthday.year is None or birthday.year_approximate:
            year = today.year - fact.age
            if birthday.month and birthday.day and (birthday.month, birthday.day) > (today.month, today.day):
                year -= 1  # the birthday of this year is still to come
            if year != birthday.year:
                birthday.year, birthday.year_approximate = year, True
                birthday.save(only=[ImportantDate.year, ImportantDate.year_approximate])
        return member


def _by_key(names, field):
    """{stored key: first spelling} of these names in their order, blank ones left out."""
    found = {}
    for name in names:
        key = folded_key(name, field)
        if key:
            found.setdefault(key, name)
    return found


def _merged(current, new):
    """Current items followed by the new ones, without case- or accent-insensitive repeats."""
    seen, items = set(), []
    for item in list(current) + list(new):
        if fold(item) not in seen:
            seen.add(fold(item))
            items.append(item)
    return items


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
        # The phone digits a search looks into, read from the index alone (migration 0022, "contact_method_phone_digits").
        indexes = ((("user", "kind", "contact", "digits"), False),)

    @classmethod
    def firsts(cls, contact_ids):
        """The first phone and the first email of each contact, as two dicts by contact id (one query)."""
        phones, emails = {}, {}
        if contact_ids:
            methods = (cls.select(cls.contact, cls.kind, cls.value)
                       .where(cls.contact.in_(list(contact_ids))).order_by(cls.position, cls.id))
            for m in methods:
                (phones if m.kind == "phone" else emails).setdefault(m.contact_id, m)
        return phones, emails

    @classmethod
    def contacts_with_phone_digits(cls, user, digits, limit):
        """Ids of the user's contacts with a phone whose digits contain `digits`."""
        query = (cls.for_user(user, cls.contact).where((cls.kind == "phone") & cls.digits.contains(digits))
                 .distinct().limit(limit))
        return [row.contact_id for row in query]

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
        # (user, key, name, id): the tag counts read from the index alone (migration 0022, "contact_tag_counted").
        indexes = ((("user", "key", "name", "id"), False), (("contact", "key"), True))

    @classmethod
    def counts(cls, user):
        """The user's tags with how many contacts carry each, most used first."""
        return list(
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

    @classmethod
    def of_contact(cls, user, contact):
        """The user's family members of one contact, oldest entry first."""
        return cls.for_user(user).where(cls.contact == contact).order_by(cls.id)

    @property
    def relation_label(self):
        """Human label of the relation."""
        return dict(RELATIONS).get(self.relation, "Family")

    @classmethod
    def with_ages(cls, user, contact_ids, today):
        """{(contact id, folded name): (name, age or None)} of these contacts' family members (one query)."""
        birthday = (ImportantDate.family_member == cls.id) & (ImportantDate.kind == "birthday")
        rows = (cls.for_user(user, cls.contact, cls.name, ImportantDate.year, ImportantDate.month, ImportantDate.day,
                             ImportantDate.year_approximate)
                .join(ImportantDate, JOIN.LEFT_OUTER, on=birthday)
                .where(cls.contact.in_(list(contact_ids))).order_by(cls.id).namedtuples())
        found = {}
        for row in rows:
            age = PartialDate.of(row).age_on(today) if row.year is not None else None
            found.setdefault((row.contact, fold(row.name)), (row.name, age))
        return found


class Interest(OwnedModel):
    """A short interest tag on a contact, or on one of its family members."""

    contact = ForeignKeyField(Contact, backref="interests", on_delete="CASCADE")
    family_member = ForeignKeyField(FamilyMember, null=True, backref="interests", on_delete="CASCADE")
    name = CharField(max_length=60)
    key = CharField(max_length=60)

    class Meta:
        table_name = "interest"
        indexes = ((("contact", "family_member"), False), (("user", "key"), False))

    @classmethod
    def owners(cls, user, ids):
        """(interest id, family member's name, relation) of these interests; no name for the contact's own."""
        return (cls.for_user(user, cls.id, FamilyMember.name, FamilyMember.relation)
                .join(FamilyMember, JOIN.LEFT_OUTER).where(cls.id.in_(ids)).tuples())


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
    corrected = CharField(max_length=120, default="")  # what a repair changed (migration 0012), until saved again

    class Meta:
        table_name = "important_date"
        indexes = ((("contact", "family_member"), False), (("user", "month", "day"), False))

    @property
    def partial(self):
        """The date as a PartialDate (an impossible stored day reads as its month's last day)."""
        return PartialDate.of(self)

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


