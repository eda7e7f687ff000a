"""Request helpers shared by every blueprint: fragment-or-page rendering, owner checks, redirects."""
from urllib.parse import urlsplit

from flask import abort, make_response, render_template, request
from flask_login import current_user

from .extensions import htmx


def render(template, partials=None, status=200, **context):
    """Render the full page, or the partial whose element id the htmx request targets.

    `partials` maps an element id to the partial template that fills it. A boosted link or a
    history restore is an htmx request too, so the choice goes by HX-Target, not by HX-Request.
    """
    chosen = template
    if htmx and partials and htmx.target in partials:
        chosen = partials[htmx.target]
    response = make_response(render_template(chosen, **context), status)
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response


# The largest integer SQLite stores (PostgreSQL's bigint too): a larger id cannot even be looked up.
MAX_ID = 2 ** 63 - 1


def as_id(value):
    """An id from a URL or a form as an int, or None when it is not a positive integer the database can hold."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def get_owned_or_404(model, pk, query=None):
    """The current user's row of `model` with this id; 404 when it is missing or someone else's."""
    pk = as_id(pk)
    if pk is None:
        abort(404)
    obj = model.owned(current_user, pk) if query is None else query.where(model.id == pk).first()
    if obj is None:
        abort(404)
    return obj


def safe_next(target, default):
    """`target` when it is a path on this site, else `default` (no open redirects)."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def from_outbox():
    """True for a request replayed by the offline outbox (static/js/outbox.js), which reads JSON, not pages."""
    return request.headers.get("X-Rapport-Outbox") == "1"
