"""One result per rendered form: a repeated submit (a double tap, a request sent again) answers with what the first
one created, instead of creating it twice. Each form that creates something carries a key made when it is rendered
(the `form_key()` macro in templates/_form.html); nothing is ever matched by name, since two customers can share one."""
import hashlib
import json
import uuid

from flask import request
from flask_login import current_user
from peewee import IntegrityError

from .db import db
from .models import FormSubmission

FIELD = "form_key"


def new_key():
    """A fresh key for a form being rendered (the template global `new_form_key`)."""
    return str(uuid.uuid4())


def _submitted():
    """(key, fingerprint) of this request's form, or None when it carries no valid key."""
    try:
        key = str(uuid.UUID(request.form.get(FIELD, "")))
    except ValueError:
        return None
    content = sorted([name, value] for name, value in request.form.items(multi=True) if name not in (FIELD, "csrf_token"))
    return key, hashlib.sha256(json.dumps(content).encode()).hexdigest()


def earlier_result():
    """The id that an earlier submit of this very form (same key, same content) created, or None.

    Views ask before validating, so that a repeat is not refused by a check the first submit made true
    (a second birthday, say). The same key with other content is a new submit: a form the browser kept.
    """
    found = _submitted()
    if found is None:
        return None
    row = FormSubmission.first(current_user, *found)
    return None if row is None else row.created_id


def create_once(create):
    """Run `create()` (it returns the new row's id) in one transaction, at most once per submitted form.

    Returns (id, created). Two submits of one form at the same moment may both get here: the unique key lets one
    commit, and the other's work is rolled back; it answers with the first one's id.
    """
    found = _submitted()
    if found is None:
        with db.atomic():
            return create(), True
    try:
        with db.atomic():
            new_id = create()
            FormSubmission.remember(current_user, *found, new_id)
        return new_id, True
    except IntegrityError:
        row = FormSubmission.first(current_user, *found)
        if row is None:
            raise
        return row.created_id, False
