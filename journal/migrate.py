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


def backup_sqlite(backup_dir, label):
    """Copy the live SQLite database to backup_dir with the online backup API; return its path."""
    os.makedirs(backup_dir, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = os.path.join(backup_dir, f"rapport-{stamp}-before-{label}.sqlite3")
    copy_sqlite_to(path)
    return path


def copy_sqlite_to(path):
    """A consistent copy of the live SQLite database (online backup API: writers may go on meanwhile)."""
    target = sqlite3.connect(path)
    try:
        db.connection().backup(target)
    finally:
        target.close()


def upgrade(target=None, directory=MIGRATIONS_DIR, backup_dir=None):
    """Apply pending migrations in order, backing SQLite up first when it already holds data."""
    todo = pending(directory)
    if not todo:
        return [], None
    backup = None
    if is_sqlite() and db.get_tables():
        backup = backup_sqlite(backup_dir or os.path.join(current_app.instance_path, "backups"), todo[0])
    applied = runner(directory).up(target)
    analyze()
    return applied, backup


def analyze():
    """Refresh the query planner's statistics (SQLite)."""
    if is_sqlite():
        db.execute_sql("ANALYZE")


@db_cli.command("upgrade")
@click.option("--target", default=None, help="Stop after this migration name.")
def upgrade_command(target):
    """Apply pending migrations (a backup of an existing SQLite database is taken first)."""
    applied, backup = upgrade(target)
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
    if is_sqlite():
        copy_sqlite_to(path)
    else:
        url = current_app.config["DATABASE_URL"].replace("postgresql+pool://", "postgresql://")
        result = subprocess.run(["pg_dump", "--format=custom", "--file", path, url], capture_output=True, text=True)
        if result.returncode != 0:
            raise click.ClickException(f"pg_dump failed: {result.stderr.strip()}")
    click.echo(f"Backup written to {path} ({os.path.getsize(path)} bytes).")


def init_app(app):
    """Register the `flask db` command group and `flask backup`."""
    app.cli.add_command(db_cli)
    app.cli.add_command(backup_command)
