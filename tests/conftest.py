"""Shared fixtures (flaskr style): an app on a fresh database per test, clients, logged-in users.

Plain helpers (PASSWORD, csrf_from, add_contact, capture, ...) live in tests/helpers.py: import them from there.

The database is a temporary SQLite file (a copy of one migrated once per session), or, when TEST_DATABASE_URL
names a PostgreSQL database the tests may wipe, that database with its public schema dropped and re-created
before each test. Safe under pytest-xdist (`make test` runs the suite on every core) on SQLite; on PostgreSQL
the workers would share the one database, so that run stays on one process.
"""
import os
import shutil
import subprocess
import time

import pytest

# The app's instance folder (export job files, ...): one per pytest-xdist worker ("gw0", ...), so parallel tests
# never share one.
os.environ.setdefault("INSTANCE_PATH", os.path.join(os.path.dirname(__file__), ".instance",
                                                    os.environ.get("PYTEST_XDIST_WORKER", "main")))

from helpers import ON_POSTGRESQL, PASSWORD, PG_URL, Session, close_app_database, csrf_from, wipe_postgresql  # noqa: E402
from helpers import appended_to_static, sqlite_only  # noqa: E402,F401  (defined here before; `from conftest import` still works)

from journal import create_app  # noqa: E402
from journal import migrate  # noqa: E402
from journal.db import db  # noqa: E402
from journal.models import User  # noqa: E402


def pytest_configure(config):
    """Refuse a TEST_DATABASE_URL that is not PostgreSQL, or that parallel workers (pytest -n) would share."""
    if PG_URL and not ON_POSTGRESQL:
        raise pytest.UsageError(f"TEST_DATABASE_URL must be postgresql://...; got {PG_URL.split(':')[0]}://...")
    if ON_POSTGRESQL and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError("TEST_DATABASE_URL names one database, which every test wipes: run it without -n "
                                "(make test does, when TEST_DATABASE_URL is set)")


def pytest_report_header(config):
    """One line at the top of the run: SQLite or PostgreSQL."""
    if ON_POSTGRESQL:
        return "database: PostgreSQL (TEST_DATABASE_URL; its public schema is wiped for each test)"
    return ("database: SQLite, a temporary file per test, copied from one migrated per session "
            "(set TEST_DATABASE_URL to run on PostgreSQL)")


@pytest.fixture
def database_url(tmp_path):
    """The URL of an empty database: a new SQLite file, or the wiped PostgreSQL test database."""
    if ON_POSTGRESQL:
        wipe_postgresql()
        return PG_URL
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def app_config(database_url):
    """The configuration of the suite's apps."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,  # tests log in often; tests/test_throttling.py turns it on
        "PASSWORD_HASH_FOR_TESTS": True,  # Argon2id at its smallest cost (journal/passwords.py)
        "DATABASE_URL": database_url,
    }


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory):
    """A SQLite file with every migration applied, made once per session (per pytest-xdist worker)."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    app = create_app(app_config(f"sqlite:///{path}"))
    with app.app_context():
        migrate.upgrade(backup_dir=str(path.parent / "backups"))
    close_app_database(app)  # the last connection to close folds the write-ahead log into the file
    assert not os.path.exists(f"{path}-wal") or os.path.getsize(f"{path}-wal") == 0
    return path


@pytest.fixture
def app(request, tmp_path, database_url):
    """An app on a fresh, fully migrated database: on SQLite a copy of the session's migrated file (copying is
    cheaper than migrating again), on PostgreSQL migrated afresh."""
    if not ON_POSTGRESQL:
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), database_url[len("sqlite:///"):])
    app = create_app(app_config(database_url))
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


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A private Redis on a Unix socket (no TCP port), for as long as one module's tests run."""
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed (apt-get install redis-server): the Redis tests are skipped")
    folder = tmp_path_factory.mktemp("redis")
    socket = folder / "redis.sock"
    process = subprocess.Popen([server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no",
                                "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if socket.exists():
            break
        time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield f"redis+unix://{socket}"
    process.terminate()
    process.wait(timeout=10)
