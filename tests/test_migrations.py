"""Numbered migrations: applied in order, recorded, and safe on a database that already holds rows."""
import os

from journal import create_app, migrate
from journal.db import db


def test_fresh_database_gets_every_migration(app):
    with app.app_context():
        names = [m.name for m in migrate.runner().status() if m.applied]
        assert names[:2] == ["0001_users", "0002_people"]
        assert migrate.pending() == []
        assert {"user", "contact", "family_member", "important_date"} <= set(db.get_tables())


def test_upgrade_keeps_existing_rows_and_backs_up_first(tmp_path, runner):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/old.sqlite3"})
    backups = tmp_path / "backups"
    with app.app_context():
        applied, backup = migrate.upgrade(target="0001_users", backup_dir=str(backups))
        assert applied == ["0001_users"] and backup is None  # nothing to back up yet
        db.execute_sql("""INSERT INTO "user" (email, password_hash, session_token, created_at) VALUES ('old@example.com', 'h', 't', '2026-01-01')""")
        assert "contact" not in db.get_tables()

        applied, backup = migrate.upgrade(backup_dir=str(backups))
        assert "0002_people" in applied
        assert backup and os.path.exists(backup)
        rows = db.execute_sql('SELECT email FROM "user"').fetchall()
        assert rows == [("old@example.com",)]
        assert "contact" in db.get_tables()
        # The backup holds the database as it was before the migration.
        import sqlite3

        copy = sqlite3.connect(backup)
        assert copy.execute('SELECT email FROM "user"').fetchall() == [("old@example.com",)]
        assert "contact" not in {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        copy.close()
        assert migrate.upgrade(backup_dir=str(backups)) == ([], None)  # idempotent


def test_db_upgrade_command(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Applied 0001_users" in result.output
    again = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert "up to date" in again.output
    status = app.test_cli_runner().invoke(args=["db", "status"])
    assert "applied  0002_people" in status.output


def test_no_code_creates_tables_outside_migrations():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder, _, files in os.walk(os.path.join(root, "journal")):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    assert "create_tables" not in fh.read(), name


def test_pulse_columns_are_filled_from_existing_touches(tmp_path):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"})
    with app.app_context():
        migrate.upgrade(target="0003_touches", backup_dir=str(tmp_path / "b"))
        sql = db.execute_sql
        sql("""INSERT INTO "user" (id, email, password_hash, session_token, created_at) VALUES (1, 'a@example.com', 'h', 't', '2026-01-01')""")
        sql("""INSERT INTO contact (id, user_id, name, sort_name, company, role, city, how_we_met, goals, challenges, how_to_help,
               ideas_to_give, feel_important, created_at, updated_at) VALUES (1, 1, 'Zoë', 'zoe', '', '', '', '', '', '', '', '', '', '2026-01-01', '2026-01-01')""")
        for tid, when, pulse in [(1, "2026-10-01 10:00:00", 5), (2, "2026-10-05 10:00:00", None), (3, "2026-10-09 10:00:00", 2)]:
            sql("INSERT INTO touch (id, user_id, uuid, kind, happened_at, note, pulse, created_at) VALUES (?, 1, ?, 'visit', ?, '', ?, ?)",
                (tid, f"00000000-0000-4000-8000-00000000000{tid}", when, pulse, when))
            sql("INSERT INTO touch_contact (user_id, touch_id, contact_id, happened_at) VALUES (1, ?, 1, ?)", (tid, when))
        migrate.upgrade(backup_dir=str(tmp_path / "b"))
        row = sql('SELECT last_pulse, previous_pulse, last_pulse_at, name FROM contact').fetchone()
        assert row[:2] == (2, 5) and str(row[2]).startswith("2026-10-09") and row[3] == "Zoë"


def test_backup_command_and_restore_drill(tmp_path, monkeypatch):
    """flask backup PATH copies the live database; the drill (serve the copy) finds every row."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/live.sqlite3"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo-data", "--email", "d@example.com", "--password", "rapport demo 2026",
                               "--contacts", "20", "--seed", "3"]).exit_code == 0
    target = tmp_path / "backup.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0 and "Backup written" in result.output
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output
    # The drill: point an app at the copy, check it, and log in.
    restored = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{target}"})
    with restored.app_context():
        assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        from journal.models import Contact, User

        assert Contact.select().count() == 20
        assert User.authenticate("d@example.com", "rapport demo 2026") is not None
        assert migrate.pending() == []
