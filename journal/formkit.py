"""Small helpers shared by every form module."""
import re

from wtforms.validators import ValidationError
from wtforms.fields.choices import SelectChoice

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


def currency(form, field):
    """Validator: a three-letter ISO 4217 code, upper-cased."""
    code = (field.data or "").strip().upper()
    if not re.match(r"^[A-Z]{3}$", code):
        raise ValidationError("Use a three-letter currency code, e.g. EUR.")  # the typed value stays as it was
    field.data = code


def int_or_none(value):
    """Coerce a select or radio value to int, or None when blank, not a number, or too large to store."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if abs(number) <= MAX_ID else None


