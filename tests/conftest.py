"""Shared fixtures (flaskr style): an app on a fresh database per test, clients, helpers.

The database is a temporary SQLite file, or, when TEST_DATABASE_URL names a PostgreSQL database the
tests may wipe, that database with its public schema dropped and re-created before each test.
"""
import contextlib
import os
import re

import pytest

os.environ.setdefault("INSTANCE_PATH", os.path.join(os.path.dirname(__file__), ".instance"))

from journal import create_app  # noqa: E402
from journal import migrate  # noqa: E402
from journal.db import db, open_database  # noqa: E402
from journal.models import User  # noqa: E402

PASSWORD = "correct horse battery"

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
ON_POSTGRESQL = PG_URL.startswith("postgres")

# For tests of something only SQLite has (pragmas, its backup API, its file); each says what covers PostgreSQL.
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite only (TEST_DATABASE_URL runs the suite on PostgreSQL)")


def pytest_configure(config):
    """Refuse a TEST_DATABASE_URL that is not PostgreSQL, and say which database the suite runs on."""
    if PG_URL and not ON_POSTGRESQL:
        raise pytest.UsageError(f"TEST_DATABASE_URL must be postgresql://...; got {PG_URL.split(':')[0]}://...")


def pytest_report_header(config):
    """One line at the top of the run: SQLite or PostgreSQL."""
    if ON_POSTGRESQL:
        return "database: PostgreSQL (TEST_DATABASE_URL; its public schema is wiped for each test)"
    return "database: SQLite, a temporary file per test (set TEST_DATABASE_URL to run on PostgreSQL)"


def wipe_postgresql(url=None):
    """Drop and re-create the public schema of TEST_DATABASE_URL: no tables, triggers, functions or extensions."""
    import psycopg

    conninfo, env = migrate.libpq_target(open_database(url or PG_URL))  # the app's reading of the URL, pool options aside
    with psycopg.connect(conninfo, password=env.get("PGPASSWORD"), autocommit=True) as conn:
        conn.execute("SET lock_timeout = '10s'")  # a connection a test left in a transaction fails the wipe, not hangs it
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture
def database_url(tmp_path):
    """The URL of an empty database: a new SQLite file, or the wiped PostgreSQL test database."""
    if ON_POSTGRESQL:
        wipe_postgresql()
        return PG_URL
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def close_app_database(app):
    """Close this app's connections (the global proxy may point at another app's database by now).

    A pool (SQLite files always; postgresql+pool:// URLs) keeps its connections open after close(): close them all,
    or every test would leave some behind.
    """
    for database in (app.extensions["peewee"], db):
        if not database.is_closed():
            database.close()
        if hasattr(database, "close_all"):
            database.close_all()


@pytest.fixture
def app(tmp_path, database_url):
    """An app on a fresh, fully migrated database."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": False,  # tests log in often; tests/test_throttling.py turns it on
            "PASSWORD_HASH_FOR_TESTS": True,  # Argon2id at its smallest cost (journal/passwords.py)
            "DATABASE_URL": database_url,
        }
    )
    with app.app_context():
        migrate.upgrade(backup_dir=str(tmp_path / "backups"))
        db.close()
    yield app
    close_app_database(app)


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


@contextlib.contextmanager
def appended_to_static(app, filename, text):
    """A static file with `text` appended while the block runs (a new version of it), then restored."""
    path = os.path.join(app.static_folder, filename)
    with open(path, "rb") as handle:
        original = handle.read()
    try:
        with open(path, "ab") as handle:
            handle.write(text.encode())
        yield path
    finally:
        with open(path, "wb") as handle:
            handle.write(original)
