"""Small helpers shared by every form module."""
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from . import checks
from .dates import wall_clock
from .web import MAX_ID


def strip(value):
    """Trim surrounding whitespace from text input, with line breaks as one "\n" (a plain form sends CR LF, htmx and
    the outbox send LF: a note's length must not depend on the way it came); a field missing from the form becomes ""."""
    if value is None:
        return ""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def choices(pairs):
    """(value, label) pairs as WTForms SelectChoice objects."""
    return [SelectChoice(value, label) for value, label in pairs]


def validator(check, read=None):
    """A WTForms validator running `check` (from checks.py) on the field's data, or on `read(data)`: its ValueError
    becomes the field's error (the typed value stays as it was); without `read`, the checked value is kept."""
    def validate(form, field):
        """Run the check on the field."""
        try:
            value = check(field.data if read is None else read(field.data))
        except ValueError as problem:
            raise ValidationError(str(problem))
        if read is None:
            field.data = value
    return validate


currency = validator(checks.currency)  # a three-letter ISO 4217 code, upper-cased
amount = validator(checks.amount)  # money from 0 to 10^9, to the cent


class WallClockField(DateTimeLocalField):
    """A touch's time: what the browser's datetime-local input sends, or ISO text with seconds or an offset (the
    outbox, another client), read through dates.wall_clock so every entry path stores it the same way."""

    def process_formdata(self, valuelist):
        """Read the sent text as a wall-clock time."""
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        if not text:
            self.data = None
            return
        try:
            self.data = wall_clock(text)
        except ValueError:
            self.data = None
            raise ValueError(self.gettext("Not a valid datetime value."))


def int_or_none(value):
    """Coerce a select or radio value to int, or None when blank, not a number, or too large to store."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if abs(number) <= MAX_ID else None


