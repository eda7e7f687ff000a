"""Browser-test fixtures: Debian's Chromium, a live server per test, a Pixel 7 context, a signed-in page.

The fixtures from tests/conftest.py (app, make_user, login, ...) still apply here: the live server
serves the same `app` fixture, so a test can set data up through the database and check it there.
"""
import os
import threading
import uuid
from urllib.parse import urlsplit

import pytest
from flask import got_request_exception
from werkzeug.serving import make_server

from .helpers import CHROMIUM, CHROMIUM_ARGS, HERE, PASSWORD, PHONE, sign_up

MISSING = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"


def chromium_available():
    """True when Debian's Chromium is installed and executable."""
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def browser_required():
    """True when browser tests must run (CI sets RAPPORT_REQUIRE_BROWSER=1)."""
    return os.environ.get("RAPPORT_REQUIRE_BROWSER", "").strip() == "1"


def pytest_configure(config):
    """Silence pytest 9's deprecation notice about pytest-playwright's own `base_url` fixture."""
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods are deprecated:pytest.PytestRemovedIn10Warning",
    )


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests where Chromium is missing, unless they are required."""
    if chromium_available() or browser_required():
        return
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if str(item.path).startswith(HERE + os.sep):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    """Fail every browser test loudly when Chromium is required (RAPPORT_REQUIRE_BROWSER=1) but missing."""
    if not chromium_available():
        pytest.fail(f"RAPPORT_REQUIRE_BROWSER=1 but {MISSING}", pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (Playwright cannot download a browser here), headless unless --headed."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


class LiveServer:
    """The app served over HTTP from a thread: `.url` is the base URL, `.app` the Flask app."""

    def __init__(self, app):
        self.app = app
        self.errors = []
        self._busy = 0  # requests being answered
        self._closing = False
        self._idle = threading.Condition()
        self._server = make_server("127.0.0.1", 0, self._counted, threaded=True)
        self.host = "127.0.0.1"
        self.port = self._server.server_port
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def _counted(self, environ, start_response):
        """The app, counting the requests in progress; once stopping, new requests get a 503 at once."""
        with self._idle:
            if self._closing:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"stopping"]
            self._busy += 1
        try:
            answer = self.app(environ, start_response)
            try:
                return list(answer)  # answered whole, so the count is exact
            finally:
                if hasattr(answer, "close"):
                    answer.close()
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def _record(self, sender, exception, **extra):
        """Keep exceptions raised while serving so the test can fail on them."""
        self.errors.append(exception)

    def start(self):
        """Start serving."""
        got_request_exception.connect(self._record, self.app)
        self._thread.start()

    def stop(self):
        """Stop serving and release the port, once the requests in progress are answered.

        The request threads are the server's daemons: a request the browser sent last (a prefetch, an
        htmx poll) may still be reading the database when the app fixture closes its connections, and
        closing a SQLite connection another thread is using crashes the interpreter.
        """
        with self._idle:
            self._closing = True
            self._idle.wait_for(lambda: self._busy == 0, timeout=10)
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
        got_request_exception.disconnect(self._record, self.app)

    def is_local(self, url):
        """True when a URL points at this server (or is a data:/blob:/about: URL)."""
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        return parts.hostname == self.host and parts.port == self.port


@pytest.fixture
def live_server(app):
    """The `app` fixture (fresh, migrated SQLite file) served on 127.0.0.1 at a free port."""
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    if server.errors:
        pytest.fail(f"the live server raised: {server.errors!r}", pytrace=False)


@pytest.fixture
def browser_context_args(browser_context_args, playwright, live_server):
    """A Pixel 7 (touch, mobile viewport) pointed at the live server; --device still wins."""
    return {
        **playwright.devices[PHONE],
        **browser_context_args,
        "base_url": live_server.url,
    }


class Watch:
    """What a page did: every request URL, console errors and CSP violations."""

    def __init__(self, page):
        self.page = page
        self.requests = []
        self.console_errors = []
        self.page_errors = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _console(self, message):
        """Keep console messages of type error."""
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def csp_violations(self):
        """CSP violations reported on the current document (recorded by an init script)."""
        return self.page.evaluate("window.__cspViolations || []")


# Runs before the page's own scripts in every document; init scripts are not subject to the CSP.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watch(page):
    """Record the page's requests, console errors and CSP violations from now on."""
    page.add_init_script(CSP_RECORDER)
    return Watch(page)


@pytest.fixture
def password():
    """The password the browser tests sign up with."""
    return PASSWORD


@pytest.fixture
def new_email():
    """A fresh email address for a user signed up through the UI."""
    return f"user-{uuid.uuid4().hex[:8]}@example.com"


@pytest.fixture
def signed_in_page(page, new_email, password):
    """A page signed up and logged in through the UI as `new_email` / `password`, at "/"."""
    sign_up(page, new_email, password)
    return page
