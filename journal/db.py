"""The deferred peewee database, bound to DATABASE_URL when the app is created."""
import itertools

from peewee import SQL, DatabaseProxy, SqliteDatabase, fn
from playhouse.db_url import connect

from .text import fold

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 5000,
}


def open_database(url):
    """Create a peewee database for a URL; SQLite gets WAL, FKs and IMMEDIATE write transactions."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        # A pool keeps connections (and their pragmas and parsed schema) between requests: opening
        # one costs about 1 ms, a tenth of a search. close() in teardown hands it back.
        url = "sqlite+pool:///" + url[len("sqlite:///"):]
        # check_same_thread off: a pooled connection serves one thread at a time, but not always the same one.
        return with_functions(connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=5,
                                      max_connections=32, stale_timeout=600, check_same_thread=False))
    if url.startswith("sqlite"):
        # IMMEDIATE takes the write lock at BEGIN: a deferred read-then-write fails with
        # "database is locked" under concurrent load instead of waiting its turn.
        return with_functions(connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=5))
    # A password or user name with URL-special characters is percent-encoded in the URL ("p%40ss" for "p@ss"),
    # as libpq (psql, pg_dump) reads it too.
    return connect(url, unquote_password=True, unquote_user=True)


def with_functions(database):
    """`database` (SQLite) with the SQL functions its schema calls on every connection it opens.

    rapport_fold is the app's own folding (journal/text.py): the search index's triggers (migration 0015) fold with
    it, so the index and the typed query always agree. A connection without it (the sqlite3 shell, a script's own
    sqlite3.connect) can read everything but cannot write an indexed row ("no such function: rapport_fold").
    """
    database.register_function(fold, "rapport_fold", 1, deterministic=True)
    return database


def init_app(app):
    """Bind the proxy to the configured database and close the connection after each request."""
    database = open_database(app.config["DATABASE_URL"])
    db.initialize(database)
    app.extensions["peewee"] = database

    # peewee opens the connection on the first query of a request (so /healthz never touches
    # the database) and teardown closes it, whatever happened in the view.
    requests = itertools.count()

    @app.teardown_appcontext
    def close_db(exc):
        """Close this request's database connection (SQLite refreshes planner statistics now and then)."""
        if not db.is_closed():
            if is_sqlite() and not db.in_transaction() and next(requests) % 200 == 0:
                # Cheap when there is nothing to do; without statistics SQLite picks (user_id, ...)
                # indexes over contact_id ones and a brief's queries scan a user's whole table.
                try:
                    db.execute_sql("PRAGMA optimize")
                except Exception:  # noqa: BLE001 - statistics are an optimisation, never a failure
                    pass
            db.close()


def is_sqlite():
    """True when the bound database is SQLite."""
    return isinstance(db.obj, SqliteDatabase)


def days_from(start, today):
    """SQL expression: whole days from a date/datetime column to `today` (SQLite or PostgreSQL)."""
    if is_sqlite():
        return fn.julianday(today) - fn.julianday(fn.DATE(start))
    return fn.DATE(today) - fn.DATE(start)  # PostgreSQL: date - date is a whole number of days


def counted(query, limit):
    """`query` limited to `limit` rows, each row carrying how many rows there are in all (`rows_in_all`).

    COUNT(*) OVER () counts in the same statement: a separate COUNT would wrap the whole query again.
    """
    return query.select_extend(fn.COUNT(SQL("*")).over().alias("rows_in_all")).limit(limit)


def totalled(rows):
    """(rows, how many in all) from the rows of a counted() query."""
    rows = list(rows)
    return rows, (rows[0].rows_in_all if rows else 0)

