"""Forms for gifts and gestures."""
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from . import checks
from .formkit import amount, choices, currency, strip, validator
from .models import GIFT_OCCASIONS, GIFT_STATUSES

def recipient_choices(contact, family):
    """The recipients a gift can have: the contact, or one of their family members."""
    options = [("", f"{contact.name}")]
    options += [(str(m.id), f"{m.name} ({m.relation_label.lower()})") for m in family]
    return choices(options)


class GiftIdeaForm(FlaskForm):
    """One-step gift idea: what, and for whom."""

    recipient = SelectField("For", validate_choice=False)
    description = StringField("Gift idea", filters=[strip], validators=[DataRequired("What is the idea?"), Length(max=300)])


class GiftForm(GiftIdeaForm):
    """The full gift record."""

    status = SelectField("Status", choices=choices(GIFT_STATUSES), default="idea")
    occasion = SelectField("Occasion", choices=choices(GIFT_OCCASIONS), default="other")
    price = DecimalField("Price", places=2, validators=[Optional(), amount])
    currency = StringField("Currency", default="EUR", validators=[currency])
    link = StringField("Link", validators=[Length(max=1000), validator(checks.link)])
    date = DateField("Date given, bought or received", validators=[Optional()])
    notes = TextAreaField("Notes", filters=[strip], validators=[Length(max=2000)])


class GestureForm(FlaskForm):
    """A planned extra-mile act."""

    text = TextAreaField("What will you do?", filters=[strip], validators=[DataRequired("What will you do?"), Length(max=1000)])
    due_on = DateField("By", validators=[DataRequired("When will you do it?")])


class GestureDoneForm(FlaskForm):
    """Closing a gesture: how did it go?"""

    outcome = TextAreaField("How did it go?", filters=[strip], validators=[Length(max=2000)])


def gesture_prompts(contact):
    """The questions that turn thinking towards the customer, with their names filled in."""
    name = contact.name.split()[0] if contact.name.split() else contact.name
    prompts = [
        f"How can I help {name} sell more?",
        f"What would make {name} more efficient?",
        f"What would make {name} feel important?",
        f"What new idea can I give {name}?",
        f"What would be a great gift for {name}'s family?",
    ]
    return prompts
