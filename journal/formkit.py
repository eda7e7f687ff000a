"""Small helpers shared by every form module."""
import re

import wtforms.widgets
import wtforms.widgets.core
from markupsafe import Markup, escape
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


WTFORMS_HTML_PARAMS = wtforms.widgets.core.html_params  # the original, which html_params() must match
_QUOTE, _ENTITY = Markup('"'), Markup("&quot;")


def html_params(**kwargs):
    """WTForms' html_params(), three times as fast: the same attributes, without a Markup.format() for each.

    Every field a page shows goes through it, a brief's forms about 60 attributes; WTForms' own took a
    fifth of the capture page's CPU. tests/test_form_fuzz.py compares the two.
    """
    params = []
    for key, value in sorted(kwargs.items()):
        key = escape(wtforms.widgets.core.clean_key(key))
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{escape(value).replace(_QUOTE, _ENTITY)}"')
    return Markup(" ".join(params))


def install_html_params():
    """Make WTForms' widgets and labels render their attributes with html_params() (idempotent)."""
    core = wtforms.widgets.core
    core.html_params = wtforms.widgets.html_params = html_params  # widgets and Label call it by module name
    for widget in vars(core).values():
        if isinstance(widget, type) and "html_params" in vars(widget):  # Input and Button keep their own copy
            widget.html_params = staticmethod(html_params)
