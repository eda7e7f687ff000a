"""Plain checks of the values a user gives, the same for the forms, the import and the restore: each returns the
value as it is stored, or raises ValueError with the message to show (the forms wrap them with formkit.validator).

Dates have theirs beside PartialDate (dates.partial_date), and times theirs too (dates.wall_clock, dates.naive_utc).
"""
import re
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email

MAX_TAGS = 30
MAX_TAG_LENGTH = 60
MAX_METHODS = 10
MAX_AMOUNT = 10 ** 9
_PHONE_OK = re.compile(r"^\+?[0-9 ().\-/]{3,30}(\s*(ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)
_LINK_OK = re.compile(r"^https?://[^\s]+$")
_CURRENCY_OK = re.compile(r"^[A-Z]{3}$")


def link(value):
    """An http(s) link, trimmed, or "" for nothing."""
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None or (text and not _LINK_OK.match(text)):
        raise ValueError("Paste a full link starting with https://")
    return text


def email(value):
    """An email address (as typed; its deliverability is not asked)."""
    try:
        validate_email(value, check_deliverability=False)
    except (EmailNotValidError, TypeError):
        raise ValueError(f"“{value}” is not a valid email address.")
    return value


def phone(value):
    """A phone number: digits, spaces and ( ) . - / with an optional + and extension."""
    if not isinstance(value, str) or not _PHONE_OK.match(value):
        raise ValueError(f"“{value}” does not look like a phone number.")
    return value


def methods(entries, kind):
    """(label, value) pairs of one kind ("phone" or "email"), each value checked, at most MAX_METHODS of them."""
    if len(entries) > MAX_METHODS:
        raise ValueError(f"Keep it to {MAX_METHODS} {'numbers' if kind == 'phone' else 'addresses'}.")
    check = phone if kind == "phone" else email
    return [(label, check(value)) for label, value in entries]


def tags(items):
    """A list of tags or interests: at most MAX_TAGS, each under MAX_TAG_LENGTH characters."""
    if len(items) > MAX_TAGS:
        raise ValueError(f"Keep it to {MAX_TAGS} items.")
    too_long = [i for i in items if len(i) > MAX_TAG_LENGTH]
    if too_long:
        raise ValueError(f"“{too_long[0][:20]}…” is too long: keep each item under {MAX_TAG_LENGTH} characters.")
    return items


def currency(value):
    """A three-letter ISO 4217 code, upper-cased."""
    code = (value or "").strip().upper() if isinstance(value, str) or value is None else ""
    if not _CURRENCY_OK.match(code):
        raise ValueError("Use a three-letter currency code, e.g. EUR.")
    return code


def amount(value):
    """An amount of money from 0 to MAX_AMOUNT, to the cent, or None for nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("Use an amount, e.g. 25.50.")
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError("Use an amount, e.g. 25.50.")
    if not number.is_finite():
        raise ValueError("Use an amount, e.g. 25.50.")
    if number < 0:
        raise ValueError("Use a positive amount.")
    if number > MAX_AMOUNT:
        raise ValueError(f"Use an amount up to {MAX_AMOUNT:,}.")
    return number.quantize(Decimal("0.01"))
