"""Shared fixtures (flaskr style): an app on a temporary SQLite file per test, clients, helpers."""
import os
import re

import pytest

os.environ.setdefault("INSTANCE_PATH", os.path.join(os.path.dirname(__file__), ".instance"))

from journal import create_app  # noqa: E402
from journal import migrate  # noqa: E402
from journal.db import db  # noqa: E402
from journal.models import User  # noqa: E402

PASSWORD = "correct horse battery"


@pytest.fixture
def app(tmp_path):
    """An app on a fresh, fully migrated SQLite file."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": False,  # tests log in often; tests/test_throttling.py turns it on
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        }
    )
    with app.app_context():
        migrate.upgrade(backup_dir=str(tmp_path / "backups"))
        db.close()
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


def csrf_from(html):
    """The CSRF token in a rendered page (meta tag or hidden input)."""
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


class Session:
    """A logged-in browser session: a test client plus its CSRF token."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        self.token = csrf_from(client.get("/account").get_data(as_text=True))

    def get(self, url, **kw):
        """GET a page."""
        return self.client.get(url, **kw)

    def post(self, url, data=None, htmx_target=None, **kw):
        """POST a form with the CSRF token, optionally as htmx targeting an element id."""
        headers = kw.pop("headers", {})
        headers["X-CSRFToken"] = self.token
        if htmx_target:
            headers.update({"HX-Request": "true", "HX-Target": htmx_target})
        return self.client.post(url, data=data or {}, headers=headers, **kw)

    def hx(self, url, target, **kw):
        """GET as htmx, targeting an element id."""
        return self.client.get(url, headers={"HX-Request": "true", "HX-Target": target}, **kw)


@pytest.fixture
def make_user(app):
    """Create a user directly in the database."""

    def make(email="ada@example.com", password=PASSWORD):
        with app.app_context():
            return User.register(email, password)

    return make


@pytest.fixture
def login(app, make_user):
    """Log a fresh client in as a new user; returns a Session."""

    def do(email="ada@example.com", password=PASSWORD):
        user = make_user(email, password)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        response = client.post(
            "/login", data={"email": email, "password": password, "csrf_token": csrf_from(page)}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return Session(client, user)

    return do


@pytest.fixture
def ada(login):
    """Ada, logged in."""
    return login("ada@example.com")


@pytest.fixture
def bob(login):
    """Bob, a second user, logged in."""
    return login("bob@example.com")
