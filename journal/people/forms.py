"""Forms for people: the contact card, their world, family members and important dates."""
import functools

from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import checks, clock
from ..dates import MONTHS, DateProblem, PartialDate, occurrence_in, partial_date
from ..formkit import choices as _choices
from ..formkit import amount as _amount
from ..formkit import currency as _currency
from ..formkit import int_or_none as _int_or_none
from ..formkit import strip as _strip
from ..formkit import validator
from ..models import DATE_KINDS, RELATIONS
from ..text import split_list



def parse_methods(text):
    """Split lines like "mobile: +33 6 12 34 56 78" into (label, value) pairs."""
    entries = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        label, sep, value = line.partition(":")
        if sep and value.strip() and not label.strip().startswith("+") and "@" not in label:
            entries.append((label.strip()[:40], value.strip()))
        else:
            entries.append(("", line))
    return entries


def format_methods(methods):
    """The inverse of parse_methods, to fill the form from stored rows."""
    return "\n".join(f"{m.label}: {m.value}" if m.label else m.value for m in methods)


_tag_list = validator(checks.tags, read=split_list)  # a comma list: item count and length


class ContactForm(FlaskForm):
    """Who the contact is and how to reach them."""

    name = StringField("Name", filters=[_strip], validators=[DataRequired("Enter a name."), Length(max=200)])
    alt_name = StringField("Also known as", filters=[_strip], validators=[Length(max=200)])
    company = StringField("Company", filters=[_strip], validators=[Length(max=200)])
    role = StringField("Role", filters=[_strip], validators=[Length(max=200)])
    city = StringField("City", filters=[_strip], validators=[Length(max=200)])
    phones = TextAreaField("Phones", validators=[Length(max=2000)])
    emails = TextAreaField("Emails", validators=[Length(max=3000)])
    tags = StringField("Tags", filters=[_strip], validators=[Length(max=2000), _tag_list])
    interests = StringField("Interests", filters=[_strip], validators=[Length(max=2000), _tag_list])
    how_we_met = TextAreaField("How we met", filters=[_strip], validators=[Length(max=2000)])
    cadence_days = IntegerField(
        "Keep in touch every … days",
        validators=[Optional(), NumberRange(1, 3650, "Use a number of days between 1 and 3650.")],
    )
    gift_budget = DecimalField("Yearly gift budget", places=2, validators=[Optional(), _amount])
    gift_budget_currency = StringField("Budget currency", default="EUR", validators=[_currency])

    validate_phones = validator(functools.partial(checks.methods, kind="phone"), read=parse_methods)
    validate_emails = validator(functools.partial(checks.methods, kind="email"), read=parse_methods)

    SIMPLE_FIELDS = ("name", "alt_name", "company", "role", "city", "how_we_met", "cadence_days", "gift_budget",
                     "gift_budget_currency")

    def fill_from(self, contact, related):
        """Fill the form from a stored contact (for editing)."""
        for name in self.SIMPLE_FIELDS:
            getattr(self, name).data = getattr(contact, name)
        self.phones.data = format_methods(contact.phones(related["methods"]))
        self.emails.data = format_methods(contact.emails(related["methods"]))
        self.tags.data = ", ".join(t.name for t in related["tags"])
        self.interests.data = ", ".join(i.name for i in related["interests"] if not i.family_member_id)

    def apply_to(self, contact):
        """Copy the simple fields onto a contact."""
        for name in self.SIMPLE_FIELDS:
            setattr(contact, name, getattr(self, name).data)


WORLD_QUESTIONS = [
    ("goals", "What are their goals?"),
    ("challenges", "What are their current challenges?"),
    ("how_to_help", "How can I help them succeed?"),
    ("ideas_to_give", "What ideas can I give them?"),
    ("feel_important", "What makes them feel important?"),
]


class WorldForm(FlaskForm):
    """Their world: five questions a good salesperson keeps asking."""

    goals = TextAreaField(WORLD_QUESTIONS[0][1], filters=[_strip], validators=[Length(max=2000)])
    challenges = TextAreaField(WORLD_QUESTIONS[1][1], filters=[_strip], validators=[Length(max=2000)])
    how_to_help = TextAreaField(WORLD_QUESTIONS[2][1], filters=[_strip], validators=[Length(max=2000)])
    ideas_to_give = TextAreaField(WORLD_QUESTIONS[3][1], filters=[_strip], validators=[Length(max=2000)])
    feel_important = TextAreaField(WORLD_QUESTIONS[4][1], filters=[_strip], validators=[Length(max=2000)])


_DAY_CHOICES = _choices([("", "Day")] + [(str(d), str(d)) for d in range(1, 32)])
_MONTH_CHOICES = _choices([("", "Month")] + [(str(i + 1), m) for i, m in enumerate(MONTHS)])


class PartialDateForm(FlaskForm):
    """Day, month and year fields, each optional, checked together."""

    day = SelectField("Day", choices=_DAY_CHOICES, coerce=_int_or_none, validate_choice=False)
    month = SelectField("Month", choices=_MONTH_CHOICES, coerce=_int_or_none, validate_choice=False)
    year = IntegerField("Year", validators=[Optional()])

    def check_partial_date(self, require_day=False):
        """Validate the day/month/year combination (dates.partial_date); return a PartialDate or None (the error
        set on its field)."""
        try:
            return partial_date(self.day.data, self.month.data, self.year.data, require_day=require_day)
        except DateProblem as problem:
            getattr(self, problem.part).errors.append(str(problem))
            return None

    def fill_date(self, date):
        """Fill the fields from a stored ImportantDate."""
        if date is not None:
            self.day.data, self.month.data = date.day, date.month
            if not date.year_approximate:
                self.year.data = date.year


class FamilyForm(PartialDateForm):
    """A family member: relation, name, birthday (or age), interests, notes."""

    relation = SelectField("Relation", choices=_choices(RELATIONS), default="child")
    name = StringField("Name", filters=[_strip], validators=[DataRequired("Enter a name."), Length(max=200)])
    age = IntegerField("Or their age, roughly", validators=[Optional(), NumberRange(0, 120, "Use an age between 0 and 120.")])
    interests = StringField("Interests", filters=[_strip], validators=[Length(max=2000), _tag_list])
    notes = TextAreaField("Notes", filters=[_strip], validators=[Length(max=2000)])

    def birthday(self, today):
        """The birthday as a PartialDate (possibly empty), or None when the fields are invalid."""
        partial = self.check_partial_date()
        if partial is None:
            return None
        if self.age.data is not None:
            if partial.year is not None:
                self.age.errors.append("Give a birth year or an age, not both.")
                return None
            year = today.year - self.age.data
            if partial.has_day and today < occurrence_in(today.year, partial.month, partial.day):
                year -= 1  # this year's birthday is still ahead, so they were born a year earlier
            partial = PartialDate(year, partial.month, partial.day, approximate=True)
        elif partial.year is not None and partial.has_day and occurrence_in(partial.year, partial.month, partial.day) > today:
            self.year.errors.append("That birthday is in the future.")
            return None
        elif partial.year is not None and partial.year > today.year:
            self.year.errors.append("That birth year is in the future.")
            return None
        return partial

    def fill_from(self, member, birthday, interests):
        """Fill the form from a stored family member."""
        self.relation.data = member.relation
        self.name.data = member.name
        self.notes.data = member.notes
        self.interests.data = ", ".join(i.name for i in interests)
        self.fill_date(birthday)
        if birthday is not None and birthday.year_approximate and birthday.year:
            self.age.data = birthday.partial.age_on(clock.today())


class DateForm(PartialDateForm):
    """An important date of the contact: birthday, anniversary or a custom date."""

    kind = SelectField("What", choices=_choices(DATE_KINDS), default="anniversary")
    label = StringField("Label", filters=[_strip], validators=[Length(max=120)])

    def important_date(self):
        """The date as a PartialDate, or None when invalid (errors set on fields)."""
        partial = self.check_partial_date(require_day=True)
        if self.kind.data == "custom" and not self.label.data:
            self.label.errors.append("Say what the date is, e.g. “Company founded”.")
            return None
        return partial
