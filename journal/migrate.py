"""Numbered schema migrations (playhouse.migrations) and the `flask db` commands."""
import datetime
import os
import sqlite3
import subprocess

import click
from flask import current_app
from flask.cli import AppGroup
from playhouse.migrations import Runner

from .db import db, is_sqlite

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")

db_cli = AppGroup("db", help="Database schema commands.")


def runner(directory=MIGRATIONS_DIR):
    """A migration runner for the bound database."""
    return Runner(db.obj, directory=directory)


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
    target = sqlite3.connect(path)
    try:
        db.connection().backup(target)
    finally:
        target.close()


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


def upgrade(target=None, directory=MIGRATIONS_DIR, backup_dir=None, backup=True):
    """Apply pending migrations in order, backing the database up first when it already holds tables."""
    todo = pending(directory)
    if not todo:
        return [], None
    path = None
    if backup and db.get_tables():
        path = backup_before(backup_dir or os.path.join(current_app.instance_path, "backups"), todo[0])
    applied = runner(directory).up(target)
    analyze()
    return applied, path


def analyze():
    """Refresh the query planner's statistics (SQLite)."""
    if is_sqlite():
        db.execute_sql("ANALYZE")


@db_cli.command("upgrade")
@click.option("--target", default=None, help="Stop after this migration name.")
@click.option("--no-backup", is_flag=True, help="Skip the automatic backup (only when you have just taken one).")
def upgrade_command(target, no_backup):
    """Apply pending migrations (a backup of an existing database is taken first, into instance/backups/)."""
    try:
        applied, backup = upgrade(target, backup=not no_backup)
    except BackupError as problem:
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
