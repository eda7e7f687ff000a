"""The deferred peewee database, bound to DATABASE_URL when the app is created."""
import itertools

from peewee import (SQL, DatabaseProxy, InterfaceError, InternalError, OperationalError, PeeweeException,
                    SqliteDatabase, Table, fn)
from playhouse.db_url import connect

from .search_query import scoped_words
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


# The migrations' own table (journal/migrate.py's runner): small, and there in every migrated database.
MIGRATION_TABLE = "schema_migration"

# What stops a database from saving now, as an operator reads it in /readyz and the log (never a path or a host).
READ_ONLY = "database is read-only"
LOCKED = "database is locked"
FULL = "database disk is full"
UNREACHABLE = "database unreachable"

# SQLite result codes (their primary part: SQLITE_IOERR_WRITE is an SQLITE_IOERR) and PostgreSQL SQLSTATEs
# (or their class, the first two characters) that mean the database cannot take a write now.
SQLITE_OUTAGES = {"SQLITE_READONLY": READ_ONLY, "SQLITE_PERM": READ_ONLY, "SQLITE_BUSY": LOCKED, "SQLITE_LOCKED": LOCKED,
                  "SQLITE_FULL": FULL, "SQLITE_IOERR": "database disk error", "SQLITE_CANTOPEN": UNREACHABLE}
POSTGRESQL_OUTAGES = {"25006": READ_ONLY, "55P03": LOCKED, "53100": FULL, "53": "database is out of resources",
                      "28": "database refused the app's login", "08": UNREACHABLE,
                      "57P01": UNREACHABLE, "57P02": UNREACHABLE, "57P03": UNREACHABLE}


# The peewee errors an outage comes as (a constraint or a bad query comes as others).
OUTAGE_ERRORS = (OperationalError, InterfaceError, InternalError)


def outage(error):
    """Why the database cannot save now, in an operator's words (READ_ONLY, LOCKED, ...), when `error` (a peewee
    error) says so; None for any other error (a bug, a broken constraint)."""
    if not isinstance(error, OUTAGE_ERRORS):
        return None
    driver = error
    while isinstance(driver, PeeweeException):
        driver = driver.__context__  # peewee re-raises the driver's error as its own (twice for a failed connect)
    name = getattr(driver, "sqlite_errorname", None)
    if name:
        return SQLITE_OUTAGES.get("_".join(name.split("_")[:2]))
    if not type(driver).__module__.startswith("psycopg"):
        return None
    state = getattr(driver, "sqlstate", None)
    if state is None:
        return UNREACHABLE  # psycopg's own errors: the connection is lost, closed or was never made
    return POSTGRESQL_OUTAGES.get(state) or POSTGRESQL_OUTAGES.get(state[:2])


def try_a_write():
    """Begin a write the database can undo (an update of no row of a small table) and roll it back.

    Raises the database's error when it cannot: read-only, locked past the busy timeout, unreachable. Nothing is
    written, not even a row version (no row matches).
    """
    table = Table(MIGRATION_TABLE, ("id",)).bind(db)
    with db.atomic() as transaction:
        table.update(id=table.id).where(table.id < 0).execute()
        transaction.rollback()


def with_functions(database):
    """`database` (SQLite) with the SQL functions its schema calls on every connection it opens.

    rapport_fold is the app's own folding (journal/text.py): the search index's triggers (migration 0015) fold with
    it, so the index and the typed query always agree. A connection without it (the sqlite3 shell, a script's own
    sqlite3.connect) can read everything but cannot write an indexed row ("no such function: rapport_fold").
    rapport_scoped prefixes each word with its account's and kind's scope (migration 0021, journal/search_query.py).
    """
    database.register_function(fold, "rapport_fold", 1, deterministic=True)
    database.register_function(scoped_words, "rapport_scoped", 2, deterministic=True)
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


def day_number(value):
    """SQL expression: a date/datetime column or a date as a whole day number, to add days to and compare.

    SQLite: julianday(DATE(x)); PostgreSQL: DATE(x) (a date plus an integer is a date, a date less a date is days).
    Migration 0019 indexes a contact's due day written with it: keep the two in step.
    """
    return fn.julianday(fn.DATE(value)) if is_sqlite() else fn.DATE(value)


def counted(query, limit):
    """`query` limited to `limit` rows, each row carrying how many rows there are in all (`rows_in_all`).

    COUNT(*) OVER () counts in the same statement: a separate COUNT would wrap the whole query again.
    """
    return query.select_extend(fn.COUNT(SQL("*")).over().alias("rows_in_all")).limit(limit)


def totalled(rows):
    """(rows, how many in all) from the rows of a counted() query."""
    rows = list(rows)
    return rows, (rows[0].rows_in_all if rows else 0)

