"""Numbered schema migrations (playhouse.migrations) and the `flask db` commands."""
import contextlib
import datetime
import os
import sqlite3
import subprocess
import time

import click
from flask import current_app
from flask.cli import AppGroup
from peewee import InterfaceError, OperationalError
from playhouse.migrations import Runner

from .db import LOCKED, MIGRATION_TABLE, SQLITE_PRAGMAS, db, is_sqlite, outage

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")

db_cli = AppGroup("db", help="Database schema commands.")

# PostgreSQL's advisory-lock key for `db upgrade`: any fixed 64-bit number, the same in every process ("rapport").
UPGRADE_LOCK_KEY = int.from_bytes(b"rapport", "big")

# How long a second `db upgrade` waits for the first one (its backup and migrations) by default, in seconds.
UPGRADE_WAIT = 600


def runner(directory=MIGRATIONS_DIR):
    """A migration runner for the bound database."""
    return Runner(db.obj, directory=directory, table_name=MIGRATION_TABLE)


def pending(directory=MIGRATIONS_DIR):
    """Names of migrations not yet applied."""
    return [m.name for m in runner(directory).status() if m.path and not m.applied]


class BackupError(RuntimeError):
    """A backup could not be taken; the message says why."""


def backup_before(backup_dir, label):
    """Back the live database up to backup_dir before migration `label`; return the file's path."""
    os.makedirs(backup_dir, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = os.path.join(backup_dir, f"rapport-{stamp}-before-{label}.{'sqlite3' if is_sqlite() else 'dump'}")
    backup_to(path)
    return path


def backup_to(path):
    """A consistent copy of the whole live database at `path`: SQLite's backup API, or pg_dump's custom format."""
    if is_sqlite():
        copy_sqlite_to(path)
    else:
        dump_postgresql_to(path)


def copy_sqlite_to(path):
    """A consistent copy of the live SQLite database (online backup API: writers may go on meanwhile)."""
    # Read through a connection of its own: the backup API answers "busy" for ever (and Python retries for ever)
    # on a source connection in a write transaction, which `db upgrade`'s is while it holds the lock.
    source = sqlite3.connect(db.obj.database)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def libpq_target(database):
    """(connection string without the password, environment with PGPASSWORD) for pg_dump and pg_restore.

    The password travels in the environment, not on the command line, where `ps` would show it.
    """
    from psycopg.conninfo import make_conninfo

    params = {k: v for k, v in database.connect_params.items() if v is not None}
    env = dict(os.environ)
    password = params.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(dbname=database.database, **params), env


def dump_postgresql_to(path):
    """pg_dump --format=custom of the bound PostgreSQL database (one consistent snapshot; the app may keep writing)."""
    conninfo, env = libpq_target(db.obj)
    try:
        result = subprocess.run(["pg_dump", "--format=custom", "--file", path, "--dbname", conninfo],
                                capture_output=True, text=True, env=env)
    except FileNotFoundError:
        raise BackupError("pg_dump is not installed: install the PostgreSQL client tools (postgresql-client), "
                          "of the server's major version or newer")
    if result.returncode != 0:
        if os.path.exists(path):
            os.remove(path)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


class LockTimeout(RuntimeError):
    """Another upgrade held the database's upgrade lock for longer than we would wait."""


def upgrade(target=None, directory=MIGRATIONS_DIR, backup_dir=None, backup=True, wait=UPGRADE_WAIT):
    """Apply pending migrations in order, backing the database up first when it already holds tables.

    The whole run holds the upgrade lock (upgrade_lock): a second upgrade started meanwhile waits up to `wait`
    seconds, then finds nothing pending.
    """
    with upgrade_lock(wait):
        todo = pending(directory)
        if not todo:
            return [], None
        path = None
        if backup and db.get_tables():
            path = backup_before(backup_dir or os.path.join(current_app.instance_path, "backups"), todo[0])
        applied = runner(directory).up(target)
        analyze()
        return applied, path


@contextlib.contextmanager
def upgrade_lock(wait):
    """Hold the database's upgrade lock while the block runs; LockTimeout after `wait` seconds without it.

    SQLite: one IMMEDIATE transaction (its write lock) around the block, which then commits or rolls back as a
    whole; the backup reads meanwhile through a connection of its own (WAL readers never wait for the writer, and
    nothing is written before the backup is taken). PostgreSQL: a session-level advisory lock, which
    leaves each migration its own transaction and is no obstacle to pg_dump (another process, which only reads).
    """
    if is_sqlite():
        with _sqlite_write_lock(wait):
            yield
        return
    try:
        # lock_timeout bounds the wait for the advisory lock too; the migrations themselves run without it.
        db.execute_sql("SELECT set_config('lock_timeout', %s, false)", (f"{int(wait * 1000)}ms",))
        db.execute_sql("SELECT pg_advisory_lock(%s)", (UPGRADE_LOCK_KEY,))
    except OperationalError as error:
        if outage(error) == LOCKED:
            raise LockTimeout(_waited(wait)) from error
        raise
    finally:
        db.execute_sql("RESET lock_timeout")
    try:
        yield
    finally:
        # A lost connection has freed the lock already: its error, not the unlock's, is the one to see.
        with contextlib.suppress(InterfaceError, OperationalError):
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (UPGRADE_LOCK_KEY,))


@contextlib.contextmanager
def _sqlite_write_lock(wait):
    """SQLite's write lock around the block, waiting up to `wait` seconds for it; foreign keys off meanwhile."""
    _connect_waiting(wait)
    # PRAGMA foreign_keys is ignored inside a transaction, where the migrator turns it off for each migration: a table
    # it rebuilt would cascade deletes into its children. So off before BEGIN, as each migration has always run.
    foreign_keys = db.pragma("foreign_keys")
    db.pragma("foreign_keys", 0)
    db.pragma("busy_timeout", int(wait * 1000))
    try:
        with db.atomic():  # BEGIN IMMEDIATE (journal/db.py's lock_type) waits for the write lock
            yield
    except OperationalError as error:
        if outage(error) == LOCKED:
            raise LockTimeout(_waited(wait)) from error
        raise
    finally:
        db.pragma("busy_timeout", SQLITE_PRAGMAS["busy_timeout"])
        db.pragma("foreign_keys", foreign_keys)


def _connect_waiting(wait):
    """Open the connection, trying again for up to `wait` seconds while the database is locked: opening sets the
    pragmas, and a new file's switch to WAL needs a moment alone (two upgrades on a new database, under load, once
    failed there, before any lock of ours)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            db.connect(reuse_if_open=True)
            return
        except OperationalError as error:
            if outage(error) != LOCKED or time.monotonic() >= deadline:
                raise
            time.sleep(0.1)


def _waited(wait):
    """The message of a LockTimeout after `wait` seconds."""
    return (f"Another `flask db upgrade` (or a long write) held the database for {wait:g} s, longer than --wait: "
            "run it again when that has finished")


def analyze():
    """Refresh the query planner's statistics (SQLite)."""
    if is_sqlite():
        db.execute_sql("ANALYZE")


@db_cli.command("upgrade")
@click.option("--target", default=None, help="Stop after this migration name.")
@click.option("--no-backup", is_flag=True, help="Skip the automatic backup (only when you have just taken one).")
@click.option("--wait", type=click.FloatRange(min=0), default=UPGRADE_WAIT, show_default=True,
              help="Seconds to wait for another upgrade of the same database to finish.")
def upgrade_command(target, no_backup, wait):
    """Apply pending migrations (a backup of an existing database is taken first, into instance/backups/).

    One upgrade at a time: a second one waits for the first, then finds nothing to do.
    """
    try:
        applied, backup = upgrade(target, backup=not no_backup, wait=wait)
    except (BackupError, LockTimeout) as problem:
        raise click.ClickException(f"{problem}. Nothing was migrated.")
    if backup:
        click.echo(f"Backup written to {backup}")
    for name in applied:
        click.echo(f"Applied {name}")
    if not applied:
        click.echo("Database is up to date.")


@db_cli.command("status")
def status_command():
    """List migrations and whether each is applied."""
    for m in runner().status():
        click.echo(f"{'applied' if m.applied else 'pending'}  {m.name}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path):
    """Back the whole database up to PATH (SQLite: online backup API; PostgreSQL: pg_dump custom format)."""
    if os.path.exists(path):
        raise click.ClickException(f"{path} exists already: choose a new file name.")
    try:
        backup_to(path)
    except BackupError as problem:
        raise click.ClickException(str(problem))
    click.echo(f"Backup written to {path} ({os.path.getsize(path)} bytes).")


def init_app(app):
    """Register the `flask db` command group and `flask backup`."""
    app.cli.add_command(db_cli)
    app.cli.add_command(backup_command)
