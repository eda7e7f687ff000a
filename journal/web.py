"""Request helpers shared by every blueprint: fragment-or-page rendering, owner checks, redirects."""
from urllib.parse import urlsplit

from flask import Request, abort, make_response, render_template, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import BaseConverter

from .extensions import htmx
from .text import typed, without_controls


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


class TypedParameters(ImmutableMultiDict):
    """Query-string and form parameters in NFC without control characters: every route reads text as it is stored."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            pairs = [(k, v) for k, vs in mapping.items() for v in (vs if isinstance(vs, (list, tuple)) else [vs])]
        else:
            pairs = mapping
        super().__init__([(_typed(k), _typed(v)) for k, v in pairs])


def _typed(value):
    """A parameter's text as stored (text.typed: NFC, no control characters); uploads (FileStorage) as they are."""
    return typed(value) if isinstance(value, str) else value


class TypedRequest(Request):
    """Flask's request, with its args and form as TypedParameters (Werkzeug's parameter_storage_class)."""

    parameter_storage_class = TypedParameters


class TypedSegment(BaseConverter):
    """The default URL segment converter, refusing control characters: such a URL is no page of ours (404)."""

    regex = r"[^/\x00-\x1f\x7f-\x9f]+"


# The largest integer SQLite stores (PostgreSQL's bigint too): a larger id cannot even be looked up.
MAX_ID = 2 ** 63 - 1


def as_id(value):
    """An id from a URL or a form as an int, or None when it is not a positive integer the database can hold."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


MAX_PAGE = 10 ** 6  # far past any real list; a larger page number would overflow the query's OFFSET


def page_number():
    """The requested page number (`?page=`, 1-based), never below 1 nor past what the database can skip to."""
    return min(as_id(request.args.get("page", 1)) or 1, MAX_PAGE)


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
    if target != without_controls(target) or any(ch in target for ch in "\t\r\n"):
        return default  # a header-splitting attempt, never a page of ours
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def from_outbox():
    """True for a request replayed by the offline outbox (static/js/outbox.js), which reads JSON, not pages."""
    return request.headers.get("X-Rapport-Outbox") == "1"
