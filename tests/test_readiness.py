"""When the database cannot save (read-only, locked, unreachable): /healthz stays up, /readyz says what is wrong,
and a save answers 503 "saving is not possible right now" instead of the generic error page, with a line in the log.

Each test runs on the suite's database (SQLite, or PostgreSQL with TEST_DATABASE_URL), made read-only by
helpers.read_only_database.
"""
import datetime
import logging
import sqlite3
import uuid

import pytest
from helpers import (CARD, ON_POSTGRESQL, add_contact, add_family, capture, close_app_database, read_only_database,
                     sqlite_only, text)

from journal import create_app
from journal.db import db
from journal.models import Contact, UserSession

SAVING_IMPOSSIBLE = "Saving is not possible right now"


@pytest.fixture
def outage_app(app):
    """The suite's app answering errors with its error pages, as in production (tests otherwise see the exception)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def row_counts(app):
    """{table: rows} for every table of the app's database."""
    with app.app_context():
        counts = {table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in db.get_tables()}
        db.close()
    return counts


def test_readyz_is_ready_and_writes_nothing(app, ada):
    add_contact(ada)
    before = row_counts(app)
    response = app.test_client().get("/readyz")  # no login needed
    assert response.status_code == 200 and text(response) == "ready"
    assert response.headers["Cache-Control"] == "no-store" and response.mimetype == "text/plain"
    assert row_counts(app) == before


def test_a_read_only_database_keeps_healthz_up_and_readyz_says_why(outage_app, caplog):
    client = outage_app.test_client()
    with read_only_database(outage_app), caplog.at_level(logging.WARNING):
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
    assert response.status_code == 503
    assert text(response) == "not ready: database is read-only"
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers
    assert any(r.levelno >= logging.ERROR and "database is read-only" in r.getMessage() for r in caplog.records)


def test_saving_to_a_read_only_database_says_it_is_not_possible_now(outage_app, ada, caplog):
    """A plain form, an htmx form and a note from the phone's outbox each get a 503 that says saving is not possible
    right now (nothing is written); reading goes on."""
    contact_id = add_contact(ada)
    before = row_counts(outage_app)
    with read_only_database(outage_app), caplog.at_level(logging.WARNING):
        page = ada.post("/people/new", data={**CARD, "name": "Read Only"})
        assert page.status_code == 503, text(page)
        assert SAVING_IMPOSSIBLE in text(page) and "Go back: what you typed is still in the form" in text(page)
        assert "<nav" in text(page) and page.headers["Retry-After"] and page.headers["Cache-Control"] == "no-store"
        for internal in ("readonly", "read-only transaction", "sqlite", "postgres", "/tmp", "Traceback"):
            assert internal not in text(page), internal  # the database's words stay in the log

        fragment = add_family(ada, contact_id, name="Léa")
        assert fragment.status_code == 503 and SAVING_IMPOSSIBLE in text(fragment) and "<nav" not in text(fragment)
        assert "what you typed is still in the form" in text(fragment)

        note = {"uuid": str(uuid.uuid4()), "kind": "visit", "note": "Kept on the phone.", "contact_ids": [str(contact_id)]}
        outbox = ada.post("/touches", data=note, headers={"X-Rapport-Outbox": "1"})
        assert outbox.status_code == 503  # static/js/outbox.js keeps the note, waiting, on anything but 2xx/401/422
        htmx_capture = capture(ada, [contact_id], htmx=True)
        assert htmx_capture.status_code == 503 and SAVING_IMPOSSIBLE in text(htmx_capture)

        assert ada.get(f"/people/{contact_id}").status_code == 200
    assert row_counts(outage_app) == before
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("Answered 503, database is read-only: POST /people/new" in m for m in logged), logged


def test_reading_goes_on_when_the_visit_cannot_be_noted(outage_app, ada):
    """A session's last-seen time is written now and then on a read; a read-only database does not stop the read."""
    contact_id = add_contact(ada)
    with outage_app.app_context():
        UserSession.update(last_seen_at=datetime.datetime.utcnow() - datetime.timedelta(hours=1)).execute()
        db.close()
    with read_only_database(outage_app):
        response = ada.get(f"/people/{contact_id}")
    assert response.status_code == 200 and CARD["name"] in text(response)


def test_a_lost_database_answers_pages_and_saves_with_503(outage_app, ada, tmp_path):
    """The database is gone (a lost server, a missing file) while a user is signed in: their pages and saves get the
    503 page, not a bare error from the error handler asking the database again."""
    add_contact(ada)
    database = outage_app.extensions["peewee"]
    close_app_database(outage_app)
    if ON_POSTGRESQL:
        database.connect_params["port"] = 9  # nothing listens there
    else:
        database.database = str(tmp_path / "gone" / "db.sqlite3")
    page = ada.get("/people/")
    assert page.status_code == 503 and "Rapport cannot reach your journal now" in text(page)
    saved = ada.post("/people/new", data=CARD)
    assert saved.status_code == 503 and SAVING_IMPOSSIBLE in text(saved)


def test_a_bad_query_is_still_an_error_not_an_outage(outage_app):
    """Only the database's own outage answers 503: a bug in a query stays a 500."""

    @outage_app.route("/bad-query")
    def bad_query():
        """A query on a table that does not exist."""
        return str(Contact.raw('SELECT * FROM "no_such_table"').execute())

    response = outage_app.test_client().get("/bad-query")
    assert response.status_code == 500 and "Something went wrong" in text(response)


@pytest.mark.parametrize("url", ["sqlite:///{tmp}/missing/dir/db.sqlite3",
                                 "postgresql://rapport:secret@127.0.0.1:9/rapport?connect_timeout=5"])
def test_readyz_says_the_database_is_unreachable(tmp_path, url, caplog):
    """No database behind the URL (a missing folder; no server on the port): 503, and no path or password shown."""
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": url.format(tmp=tmp_path)})
    with caplog.at_level(logging.WARNING):
        response = app.test_client().get("/readyz")
    assert response.status_code == 503 and text(response) == "not ready: database unreachable"
    assert any("database unreachable" in r.getMessage() for r in caplog.records)


@sqlite_only  # PostgreSQL's row locks never stop an update of no row; its lost connection is the case above
def test_readyz_says_the_database_is_locked(app):
    """Another process holds SQLite's write lock past the busy timeout (5 s)."""
    holder = sqlite3.connect(app.config["DATABASE_URL"][len("sqlite:///"):], isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        response = app.test_client().get("/readyz")
    finally:
        holder.close()
    assert response.status_code == 503 and text(response) == "not ready: database is locked"
    assert app.test_client().get("/readyz").status_code == 200

