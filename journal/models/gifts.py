"""Gifts: ideas, plans, what was bought and given (to a contact or one of their family), and gifts received."""
import datetime
from decimal import Decimal

from peewee import CharField, DateField, DateTimeField, DecimalField, ForeignKeyField, TextField, fn

from ..prepared import prepared
from ..text import significant_words
from .base import utcnow
from .owned import OwnedModel
from .people import Contact, FamilyMember


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

    @prepared
    def of_contact(user, contact_id):
        """All gifts for a contact and their family, newest first (undated last)."""
        return (Gift.for_user(user).where(Gift.contact == contact_id)
                .order_by(Gift.date.desc(nulls="LAST"), Gift.id.desc()))

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
        query = (
            cls.for_user(user, cls.currency, fn.SUM(cls.price))
            .where(cls.status.in_(SPENT) & cls.price.is_null(False)
                   & (cls.date >= datetime.date(year, 1, 1)) & (cls.date <= datetime.date(year, 12, 31)))
            .group_by(cls.currency)
        )
        if contact is not None:
            query = query.where(cls.contact == contact)
        if exclude is not None:
            query = query.where(cls.id != exclude)
        return {currency: _money(total) for currency, total in query.tuples()}

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


def _money(total):
    """A SQL sum as an exact amount (SQLite sums decimals as floats)."""
    return Decimal(str(total)).quantize(Decimal("0.01")) if total is not None else Decimal(0)
