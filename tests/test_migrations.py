"""Numbered migrations: applied in order, recorded, and safe on a database that already holds rows.

Each test runs on the suite's database: a SQLite file, or PostgreSQL with TEST_DATABASE_URL (where the
backups are pg_dump archives, read back with pg_restore).
"""
import contextlib
import os
import re
import sqlite3
import subprocess
import sys

import pytest
from helpers import ON_POSTGRESQL, close_app_database, csrf_from, wipe_postgresql

from journal import create_app, migrate
from journal.db import db, open_database


def backup_tables_and_text(path):
    """(table names, all of its text) of a backup: a SQLite copy, or a pg_dump archive turned back into SQL."""
    if ON_POSTGRESQL:
        sql = subprocess.run(["pg_restore", "--file", "-", str(path)], capture_output=True, text=True, check=True).stdout
        tables = {line.split(" TABLE public ")[1].split()[0].strip('"') for line in
                  subprocess.run(["pg_restore", "--list", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
                  if " TABLE public " in line}
        return tables, sql
    import sqlite3

    copy = sqlite3.connect(path)
    try:
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        text = "\n".join(str(row) for row in copy.execute('SELECT email FROM "user"'))
    finally:
        copy.close()
    return tables, text


def test_fresh_database_gets_every_migration(app):
    with app.app_context():
        names = [m.name for m in migrate.runner().status() if m.applied]
        assert names[:2] == ["0001_users", "0002_people"]
        assert migrate.pending() == []
        assert {"user", "contact", "family_member", "important_date"} <= set(db.get_tables())


def test_upgrade_keeps_existing_rows_and_backs_up_first(tmp_path, database_url):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url})
    backups = tmp_path / "backups"
    with app.app_context():
        applied, backup = migrate.upgrade(target="0001_users", backup_dir=str(backups))
        assert applied == ["0001_users"] and backup is None  # nothing to back up yet
        db.execute_sql("""INSERT INTO "user" (email, password_hash, session_token, created_at) VALUES ('old@example.com', 'h', 't', '2026-01-01')""")
        assert "contact" not in db.get_tables()

        applied, backup = migrate.upgrade(backup_dir=str(backups))
        assert "0002_people" in applied
        assert backup and os.path.exists(backup)
        assert backup.endswith(".dump" if ON_POSTGRESQL else ".sqlite3")
        rows = db.execute_sql('SELECT email FROM "user"').fetchall()
        assert rows == [("old@example.com",)]
        assert "contact" in db.get_tables()
        # The backup holds the database as it was before the migration.
        tables, content = backup_tables_and_text(backup)
        assert "user" in tables and "contact" not in tables
        assert "old@example.com" in content
        assert migrate.upgrade(backup_dir=str(backups)) == ([], None)  # idempotent
    db.close()


def test_db_upgrade_command(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url})
    result = app.test_cli_runner().invoke(args=["db", "upgrade", "--target", "0001_users"])
    assert result.exit_code == 0, result.output
    assert "Applied 0001_users" in result.output and "Backup" not in result.output  # an empty database: no backup
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output and "Applied 0002_people" in result.output
    assert len(os.listdir(tmp_path / "backups")) == 1
    again = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert "up to date" in again.output
    status = app.test_cli_runner().invoke(args=["db", "status"])
    assert "applied  0002_people" in status.output


def test_postgresql_url_credentials_are_decoded_and_kept_off_the_command_line():
    """A percent-encoded password reaches the server decoded; pg_dump gets it through PGPASSWORD, not argv."""
    database = open_database("postgresql+pool://rapport:p%40ss%3Aw0rd@db.example:6543/rapport?sslmode=require&max_connections=8")
    assert database.connect_params["password"] == "p@ss:w0rd"
    conninfo, env = migrate.libpq_target(database)
    assert env["PGPASSWORD"] == "p@ss:w0rd" and "w0rd" not in conninfo
    assert {"dbname=rapport", "host=db.example", "port=6543", "user=rapport", "sslmode=require"} <= set(conninfo.split())
    assert "max_connections" not in conninfo  # peewee's pool settings are not libpq's


def test_upgrade_without_a_backup_tool_migrates_nothing(tmp_path, monkeypatch, database_url):
    """No pg_dump, no migration (unless --no-backup says a backup was just taken another way)."""
    if not ON_POSTGRESQL:
        pytest.skip("SQLite backs up through its own API; this is the PostgreSQL path (TEST_DATABASE_URL)")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "--target", "0001_users"]).exit_code == 0
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code != 0
    assert "pg_dump is not installed" in result.output and "Nothing was migrated" in result.output
    with app.app_context():
        assert "0002_people" in migrate.pending()
    result = runner.invoke(args=["db", "upgrade", "--no-backup"])
    assert result.exit_code == 0 and "Applied 0002_people" in result.output and "Backup" not in result.output


def test_no_code_creates_tables_outside_migrations():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder, _, files in os.walk(os.path.join(root, "journal")):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    assert "create_tables" not in fh.read(), name


def test_pulse_columns_are_filled_from_existing_touches(tmp_path, database_url):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url})
    with app.app_context():
        migrate.upgrade(target="0003_touches", backup_dir=str(tmp_path / "b"))
        sql, p = db.execute_sql, db.param
        sql("""INSERT INTO "user" (id, email, password_hash, session_token, created_at) VALUES (1, 'a@example.com', 'h', 't', '2026-01-01')""")
        sql("""INSERT INTO contact (id, user_id, name, sort_name, company, role, city, how_we_met, goals, challenges, how_to_help,
               ideas_to_give, feel_important, created_at, updated_at) VALUES (1, 1, 'Zoë', 'zoe', '', '', '', '', '', '', '', '', '', '2026-01-01', '2026-01-01')""")
        for tid, when, pulse in [(1, "2026-10-01 10:00:00", 5), (2, "2026-10-05 10:00:00", None), (3, "2026-10-09 10:00:00", 2)]:
            sql(f"INSERT INTO touch (id, user_id, uuid, kind, happened_at, note, pulse, created_at) VALUES ({p}, 1, {p}, 'visit', {p}, '', {p}, {p})",
                (tid, f"00000000-0000-4000-8000-00000000000{tid}", when, pulse, when))
            sql(f"INSERT INTO touch_contact (user_id, touch_id, contact_id, happened_at) VALUES (1, {p}, 1, {p})", (tid, when))
        migrate.upgrade(backup_dir=str(tmp_path / "b"))
        row = sql('SELECT last_pulse, previous_pulse, last_pulse_at, name FROM contact').fetchone()
        assert row[:2] == (2, 5) and str(row[2]).startswith("2026-10-09") and row[3] == "Zoë"
    db.close()


def login(app, email, password):
    """A test client logged in to `app`; the response to the login."""
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client, client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_backup_command_and_restore_drill(tmp_path, monkeypatch, database_url):
    """flask backup PATH copies the live database; the drill (serve the restored copy) finds every row."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "TESTING": True, "RATELIMIT_ENABLED": False, "DATABASE_URL": database_url})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo-data", "--email", "d@example.com", "--password", "rapport demo 2026",
                               "--contacts", "20", "--seed", "3"]).exit_code == 0
    target = tmp_path / ("backup.dump" if ON_POSTGRESQL else "backup.sqlite3")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0 and "Backup written" in result.output, result.output
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output

    from journal.models import Contact, User

    if ON_POSTGRESQL:
        # The drill on PostgreSQL: a change after the backup, then pg_restore --clean puts the backup back.
        with app.app_context():
            Contact.delete().where(Contact.id.in_(Contact.select(Contact.id).limit(5))).execute()
            assert Contact.select().count() == 15
            conninfo, env = migrate.libpq_target(db.obj)
            db.close()
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        "--dbname", conninfo, str(target)], env=env, capture_output=True, text=True, check=True)
        restored = app
    else:
        # The drill on SQLite: point an app at the copy.
        restored = create_app({"SECRET_KEY": "x", "TESTING": True, "RATELIMIT_ENABLED": False,
                               "DATABASE_URL": f"sqlite:///{target}"})
    with restored.app_context():
        if not ON_POSTGRESQL:
            assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert Contact.select().count() == 20
        assert User.authenticate("d@example.com", "rapport demo 2026") is not None
        assert migrate.pending() == []
        db.close()
    # The restored database takes new rows (PostgreSQL's sequences came back with the data).
    client, response = login(restored, "d@example.com", "rapport demo 2026")
    assert response.status_code == 302
    token = csrf_from(client.get("/people/new").get_data(as_text=True))
    added = client.post("/people/new", data={"name": "After The Restore", "csrf_token": token})
    assert added.status_code == 302, added.get_data(as_text=True)
    assert "After The Restore" in client.get("/people/").get_data(as_text=True)


def flask_db_upgrade(database_url, instance, *args):
    """Start `flask --app app db upgrade` as its own process on `database_url` (output in a pipe)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade", *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_upgrades_at_once_migrate_once(tmp_path, database_url):
    """Two `db upgrade` runs started together on a new database: the second waits for the first, then finds
    nothing to do; both succeed and each migration is applied once."""
    for trial in range(5):
        url = database_url if ON_POSTGRESQL else f"sqlite:///{tmp_path / f'trial{trial}.sqlite3'}"
        if ON_POSTGRESQL:
            wipe_postgresql()
        runs = [flask_db_upgrade(url, tmp_path / f"instance{trial}-{n}") for n in range(2)]
        outputs = [run.communicate(timeout=300)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], "\n\n".join(output[-3000:] for output in outputs)
        applied = [line for output in outputs for line in output.splitlines() if line.startswith("Applied ")]
        app = create_app({"SECRET_KEY": "x", "DATABASE_URL": url})
        with app.app_context():
            names = [m.name for m in migrate.runner().status()]
            assert sorted(applied) == [f"Applied {name}" for name in names], outputs
            assert migrate.pending() == []
            db.close()
        close_app_database(app)


@contextlib.contextmanager
def upgrade_lock_held(database_url):
    """While the block runs, another connection holds what `db upgrade` locks: SQLite's write lock (on a database
    in WAL mode, as the app leaves it), or PostgreSQL's advisory lock."""
    if ON_POSTGRESQL:
        import psycopg

        conninfo, env = migrate.libpq_target(open_database(database_url))
        with psycopg.connect(conninfo, password=env.get("PGPASSWORD"), autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (migrate.UPGRADE_LOCK_KEY,))
            yield
        return
    conn = sqlite3.connect(database_url[len("sqlite:///"):], isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=wal")
        conn.execute("BEGIN IMMEDIATE")
        yield
    finally:
        conn.close()


def test_an_upgrade_that_cannot_get_the_lock_says_so(tmp_path, monkeypatch, database_url):
    """A second upgrade waits --wait seconds for the lock at most, then stops with a clear message, migrating nothing."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url})
    runner = app.test_cli_runner()
    with upgrade_lock_held(database_url):
        result = runner.invoke(args=["db", "upgrade", "--wait", "1"])
    assert result.exit_code == 1, result.output
    assert "Another `flask db upgrade` (or a long write) held the database for 1 s" in result.output
    assert "Nothing was migrated" in result.output and "Traceback" not in result.output
    with app.app_context():
        assert "0001_users" in migrate.pending()
        db.close()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "Applied 0011_jobs" in result.output, result.output
    close_app_database(app)


def test_rows_written_before_the_one_folding_are_found_as_typed(tmp_path, database_url):
    """Migration 0015: the index, sort names and tag keys of existing rows follow the app's folding (й stays й)."""
    app = create_app({"SECRET_KEY": "x", "TESTING": True, "RATELIMIT_ENABLED": False, "DATABASE_URL": database_url})
    with app.app_context():
        migrate.upgrade(target="0012_repair_dates", backup_dir=str(tmp_path / "b"))
        from journal.passwords import hash_password

        sql, p = db.execute_sql, db.param
        # The user row as the schema of 0012 has it (User.register would write columns added later).
        sql(f"""INSERT INTO "user" (email, password_hash, session_token, created_at)
               VALUES ('old@example.com', {p}, 't', '2026-01-01')""", (hash_password("old password 2026"),))
        uid = sql("""SELECT id FROM "user" WHERE email = 'old@example.com'""").fetchone()[0]
        sql(f"""INSERT INTO contact (id, user_id, name, sort_name, company, role, city, how_we_met, goals, challenges,
               how_to_help, ideas_to_give, feel_important, gift_budget_currency, created_at, updated_at)
               VALUES (1, {p}, 'Віталій Коваленко', 'віталіи коваленко', 'Київстар', '', '', '', '', '', '', '', '',
               'EUR', '2026-01-01', '2026-01-01')""", (uid,))
        sql(f"INSERT INTO contact_tag (user_id, contact_id, name, key) VALUES ({p}, 1, 'Хокей', 'хокеи')", (uid,))
        sql(f"""INSERT INTO touch (id, user_id, uuid, kind, happened_at, note, created_at)
               VALUES (1, {p}, '00000000-0000-4000-8000-000000000001', 'call', '2026-10-01 10:00:00',
               'Про йогурт і Łódź', '2026-10-01 10:00:00')""", (uid,))
        sql(f"INSERT INTO touch_contact (user_id, touch_id, contact_id, happened_at) VALUES ({p}, 1, 1, '2026-10-01 10:00:00')",
            (uid,))
        migrate.upgrade(backup_dir=str(tmp_path / "b"))
        db.close()
    client, _ = login(app, "old@example.com", "old password 2026")
    hx = {"HX-Request": "true", "HX-Target": "search-results"}
    for q, found in [("Віталій", 'href="/people/1"'), ("київстар", 'href="/people/1"'), ("йогурт", 'href="/touches/1"'),
                     ("lodz", 'href="/touches/1"')]:
        assert found in client.get("/search", query_string={"q": q}, headers=hx).get_data(as_text=True), q
    assert "Віталій Коваленко" in client.get("/people/", query_string={"tag": "хокей"}).get_data(as_text=True)
    assert "Віталій Коваленко" in client.get("/capture/contacts", query_string={"q": "Віталій"}).get_data(as_text=True)
    db.close()


def test_team_search_keys_keep_every_entry_for_its_owner_only(tmp_path, database_url):
    """Migration 0021: what was indexed under the old keys is found after it, by its owner alone, newest first; edits
    after it keep the index in step; and down then up again gives the same results."""
    from helpers import CARD, Session, add_contact, capture

    from journal.models import User

    app = create_app({"SECRET_KEY": "x", "TESTING": True, "RATELIMIT_ENABLED": False, "DATABASE_URL": database_url})
    with app.app_context():
        migrate.upgrade(target="0020_push", backup_dir=str(tmp_path / "b"))
        users = {owner: User.register(f"{owner}@example.com", "a long password 2026") for owner in ("ada", "bob")}
        db.close()
    sessions, people = {}, {}
    for owner, user in users.items():  # written under schema 0020: the old index's keys, filled by its triggers
        client, response = login(app, f"{owner}@example.com", "a long password 2026")
        assert response.status_code == 302
        sessions[owner] = Session(client, user)
        people[owner] = [add_contact(sessions[owner], name=f"{owner.title()} Client {n}", company="Warehouse Lyon")
                         for n in range(3)]
        for n in range(4):
            assert capture(sessions[owner], [people[owner][n % 3]], note=f"{owner} warehouse visit number{n}").status_code < 400
    with app.app_context():
        assert "0021_team_search" in migrate.pending()
        migrate.upgrade(backup_dir=str(tmp_path / "b"))
        db.close()

    def found(owner, q):
        """The contact and touch links of owner's search for q, in the page's order."""
        page = sessions[owner].hx("/search", "search-results", query_string={"q": q}).get_data(as_text=True)
        return re.findall(r'href="(/(?:people|touches)/\d+)[#"]', page)

    ada_people = {f"/people/{cid}" for cid in people["ada"]}
    bob_people = {f"/people/{cid}" for cid in people["bob"]}
    for owner, mine, theirs in (("ada", ada_people, bob_people), ("bob", bob_people, ada_people)):
        links = found(owner, "warehouse")
        assert mine <= set(links) and not theirs & set(links), owner
        touches = [link for link in links if link.startswith("/touches/")]
        assert len(touches) == 4 and touches == sorted(touches, key=lambda link: -int(link.split("/")[-1])), links
        assert len(found(owner, "number3")) == 1
    assert set(found("ada", "number3")).isdisjoint(found("bob", "number3"))
    # After it: an edit re-indexes the person.
    cid = people["ada"][0]
    edited = sessions["ada"].post(f"/people/{cid}/card", data={**CARD, "name": "Ada Renamed", "company": "Harbour"})
    assert edited.status_code < 400
    assert f"/people/{cid}" not in found("ada", "warehouse") and found("ada", "harbour") == [f"/people/{cid}"]
    before = {owner: found(owner, "warehouse") for owner in sessions}
    with app.app_context():
        migrate.runner().down(target="0020_push")  # the old index, refilled from the tables
        migrate.upgrade(backup_dir=str(tmp_path / "b"))
        db.close()
    assert found("ada", "harbour") == [f"/people/{cid}"]
    assert {owner: found(owner, "warehouse") for owner in sessions} == before
    close_app_database(app)
