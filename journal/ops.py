"""Operations: liveness and readiness checks, error pages and security headers."""
import time

from flask import Blueprint, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from .db import outage, try_a_write
from .extensions import htmx, login_manager

bp = Blueprint("ops", __name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'"
)


# Static files that are only ever loaded by a page, never opened as one (an SVG can be: it keeps the CSP).
SUBRESOURCE_TYPES = {"text/javascript", "application/javascript", "text/css"}


PROBE_HEADERS = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

# A client may try again after this many seconds when the database could not save (503).
RETRY_AFTER = "30"


@bp.route("/healthz")
def healthz():
    """Liveness probe: answers without touching the database."""
    return "ok", 200, PROBE_HEADERS


@bp.route("/readyz")
def readyz():
    """Readiness probe: can the database take a write now? "ready", or 503 and what stops it."""
    try:
        try_a_write()
    except Exception as error:  # noqa: BLE001 - whatever stops the probe, this instance cannot serve writes
        reason = outage(error)
        # An error outside the known outages is logged whole for the operator; the answer never shows it.
        current_app.logger.error("Not ready: %s", reason or error, exc_info=reason is None)
        return f"not ready: {reason or 'database error (see the log)'}", 503, PROBE_HEADERS
    return "ready", 200, PROBE_HEADERS


def _error_page(status, title, message):
    """Render the error page in the app's style (a small fragment for htmx)."""
    template = "errors/_error.html" if htmx else "errors/error.html"
    return render_template(template, status=status, title=title, message=message), status


def _database_unavailable(reason):
    """503 for a request the database could not serve now (read-only, full, locked, unreachable): say that saving
    is not possible right now and that nothing changed; the capture's outbox keeps a note for later on a 503."""
    current_app.logger.error("Answered 503, %s: %s %s", reason, request.method, request.path)
    if "_login_user" not in g:
        # Loading the signed-in user is what failed (no database): the page is drawn for nobody, not asked for again.
        login_manager._update_request_context_with_user()
    if request.method in ("GET", "HEAD", "OPTIONS"):
        title, message = "Not available right now", "Rapport cannot reach your journal now. Please try again in a few minutes."
    elif htmx:
        title, message = ("Saving is not possible right now",
                          "Nothing was changed, and what you typed is still in the form: save it again in a few minutes.")
    else:
        title, message = ("Saving is not possible right now",
                          "Nothing was changed. Go back: what you typed is still in the form; save it again in a few minutes.")
    return (*_error_page(503, title, message), {"Retry-After": RETRY_AFTER})


def init_app(app):
    """Trust the configured reverse proxies; register error handlers and response headers."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # The client's address (rate limits, audit log) and scheme (https links) as the proxy saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.errorhandler(404)
    def not_found(error):
        """Page not found (also another user's ids)."""
        return _error_page(404, "Not found", "There is nothing here. It may have been deleted, or the link is wrong.")

    @app.errorhandler(405)
    def not_allowed(error):
        """Method not allowed."""
        return _error_page(405, "Not allowed", "That action is not available here.")

    @app.errorhandler(413)
    def too_large(error):
        """Upload over MAX_CONTENT_LENGTH."""
        return _error_page(413, "Too large", "That upload is larger than Rapport accepts.")

    @app.errorhandler(429)
    def too_many(error):
        """Over a rate limit (login and sign-up attempts)."""
        return _error_page(429, "Too many attempts", "For your account's safety, wait a minute before you try again.")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        """A state change without a valid CSRF token."""
        return _error_page(
            400,
            "Please try again",
            "Your session changed before this form was sent. Go back: your text is still in the form; send it again.",
        )

    @app.errorhandler(500)
    def server_error(error):
        """Unexpected error: a friendly page, never a traceback; 503 when the database cannot save now."""
        # Flask has logged the error with its traceback; the database's own words decide between 500 and 503.
        reason = outage(getattr(error, "original_exception", None))
        if reason:
            return _database_unavailable(reason)
        return _error_page(500, "Something went wrong", "Rapport hit an error. Nothing you saved before is lost; please try again.")

    @app.before_request
    def start_timer():
        """Note when the request started, for the Server-Timing header."""
        g.started = time.perf_counter()

    @app.after_request
    def security_headers(response):
        """Strict CSP and friends on every response; no caching of pages holding customer data."""
        if "started" in g:
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.started) * 1000:.2f}"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.endpoint == "static" and response.mimetype in SUBRESOURCE_TYPES:
            # A script or a style sheet is never a document: a document's policies would only weigh on the wire
            # (about 400 bytes on each of a first page's dozen files).
            return response
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
