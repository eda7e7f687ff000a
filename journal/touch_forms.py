"""Forms for moments of touch and promises."""
import datetime
import uuid as uuidlib

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from . import clock
from .models import GIVE_ASK, PULSES, TOUCH_KINDS
from .formkit import WallClockField
from .formkit import choices as _choices
from .formkit import int_or_none
from .formkit import strip as _strip


# A note is what an import wrote down about someone (an address book's note), not a moment to capture: the capture
# screen offers the moments only, and the edit form keeps a note's kind.
MOMENTS = [(key, label) for key, label in TOUCH_KINDS if key != "note"]
NOTE_MAX = 20000  # characters of a note (an imported one too; the capture reads no longer a note for chips)


def _optional_str(value):
    """Blank radio values become None."""
    return value or None


def _uuid(form, field):
    """A canonical UUID, as the browser generates them."""
    try:
        field.data = str(uuidlib.UUID(field.data or ""))
    except ValueError:
        raise ValidationError("This form is out of date: reload the page and try again.")


class TouchFields(FlaskForm):
    """What every touch has: kind, time, note, pulse and the give/ask flag."""

    kind = RadioField("Kind", choices=_choices(MOMENTS), default="visit", validators=[DataRequired("Choose a kind.")])
    note = TextAreaField("Note", filters=[_strip], validators=[Length(max=NOTE_MAX)])
    happened_at = WallClockField("When", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], validators=[Optional()])
    pulse = RadioField("How did they seem?", choices=_choices([("", "Not noted")] + [(str(v), label) for v, label in PULSES]),
                       coerce=int_or_none, default="", validate_choice=False)
    give_ask = RadioField("This touch was", choices=_choices([("", "Not noted")] + GIVE_ASK), coerce=_optional_str,
                          default="", validate_choice=False)

    def validate_happened_at(self, field):
        """No touches in the far future."""
        if field.data and field.data > clock.now() + datetime.timedelta(days=1):
            raise ValidationError("That time is in the future.")

    def validate_pulse(self, field):
        """One of the five levels, or nothing."""
        if field.data is not None and field.data not in dict(PULSES):
            raise ValidationError("Choose one of the five levels.")

    def validate_give_ask(self, field):
        """Give, ask, or nothing."""
        if field.data is not None and field.data not in dict(GIVE_ASK):
            raise ValidationError("Choose “About them” or “About me”.")


class CaptureForm(TouchFields):
    """Quick capture: who, what happened, and optionally a promise and a gift idea (the note's chips are read
    apart, by journal/chips.py)."""

    uuid = HiddenField(validators=[_uuid])
    contact_ids = SelectMultipleField("Who", coerce=int, validate_choice=False)
    new_contacts = SelectMultipleField("New people", validate_choice=False)
    promise_text = StringField("I promised to", filters=[_strip], validators=[Length(max=500)])
    promise_due = DateField("By", validators=[Optional()])
    gift_idea = StringField("Gift idea", filters=[_strip], validators=[Length(max=300)])

    def validate_note(self, field):
        """A touch needs a note unless it only records a promise or a gift idea."""
        if not field.data and not self.promise_text.data and not self.gift_idea.data:
            raise ValidationError("Write a few words about what happened.")

    def validate_new_contacts(self, field):
        """New names are trimmed and sensible."""
        names = [" ".join((n or "").split()) for n in field.data or []]
        if any(len(n) > 200 for n in names):
            raise ValidationError("That name is too long.")
        field.data = [n for n in names if n]

    def validate(self, extra_validators=None):
        """Field checks, then: a promise needs a date (Optional() stops the date's own chain when empty).

        The date alone (it is prefilled with next week) is ignored when no promise is written.
        """
        ok = super().validate(extra_validators)
        if self.promise_text.data and not self.promise_due.data and not self.promise_due.errors:
            self.promise_due.errors.append("When will you do it?")
            ok = False
        return ok


class TouchForm(TouchFields):
    """Editing a touch after the fact."""

    happened_at = WallClockField("When", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                 validators=[DataRequired("When did it happen?")])

    def __init__(self, *args, **kwargs):
        """The form of one touch (`obj`): an imported note may stay a note."""
        super().__init__(*args, **kwargs)
        touch = kwargs.get("obj")
        if touch is not None and touch.kind == "note":
            self.kind.choices = _choices(TOUCH_KINDS)

    def validate_note(self, field):
        """A touch keeps a note."""
        if not field.data:
            raise ValidationError("Write a few words about what happened.")


class PromiseForm(FlaskForm):
    """A promise made to a contact."""

    text = StringField("I promised to", filters=[_strip], validators=[DataRequired("What did you promise?"), Length(max=500)])
    due_on = DateField("By", validators=[DataRequired("When will you do it?")])
