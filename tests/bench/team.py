"""Team benchmark (issue 21): one account in a database shared by a whole sales team, beside the same account alone.

Builds 100 accounts x 2,000 demo people (about 2 million touches) in one database, and the middle account alone in
another, on SQLite and on PostgreSQL; serves each with gunicorn (gunicorn.conf.py) on loopback and times, over HTTP
with a logged-in session, search (the query shapes of tests/bench/search.py), a brief, Today, the People list and
the capture POST. Goal: search p95 <= 30 ms (server time), every page within 1.5 times its single-account median.

Building is bulk: the rows of every account are made in Python (journal/demo.py's generate, one seed per account),
given their ids here, interleaved as a team's rows are (contacts in turns, touches in time order across accounts),
and written in one transaction, in statements of many rows (SQLite) or with COPY (PostgreSQL), the search index filled by
the migrations' triggers as the app fills it. The built databases are cached between runs, keyed by backend, size
and seed (a build by an older schema is upgraded by the app's migrations, timed, as a team's database would be):
SQLite files in --cache-dir (default /tmp/rapport-team-cache), each run working on a copy; PostgreSQL databases
named rapport_team_c_<key>, each run working on a copy made with CREATE DATABASE ... TEMPLATE. --rebuild drops the cache. The demo data is dated from the day it was built.

Usage: .venv/bin/python tests/bench/team.py [--accounts 100] [--people 2000] [--backends sqlite,postgresql]
       [--requests 100] [--pg-url postgresql://rapport:rapport@127.0.0.1:5432/postgres] [--rebuild]
Quick look: --accounts 5 --people 200 --requests 20
"""
import argparse
import datetime
import hashlib
import importlib.util
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from journal import create_app, demo, migrate, passwords  # noqa: E402
from journal.db import db, is_sqlite  # noqa: E402
from journal.models import (Contact, ContactMethod, ContactTag, FamilyMember, Gesture, Gift, ImportantDate,  # noqa: E402
                            Interest, Promise, Touch, TouchContact, User)
from journal.text import fold, only_digits  # noqa: E402

PASSWORD = "team bench password 2026"
SECRET = "team bench secret"
BUILDER_VERSION = 1  # bump when the rows built change, so that cached databases are rebuilt
SEARCHES = [("rare word", "Margarethe"), ("common word", "warehouse"), ("2-letter prefix", "ma"),
            ("3-letter prefix", "vio"), ("family name", "Amélie"), ("phone digits", None),
            ("multi-word", "new warehouse quote")]
SEARCH_P95_MS = 30
RATIO = 1.5


def email(account):
    """The login of account number `account`."""
    return f"team{account}@example.com"


# --- building ---------------------------------------------------------------------------------------------------

class Rows:
    """The rows of one table, given ids in the order they are added."""

    def __init__(self, model):
        self.model, self.rows = model, []
        self.fields = [f for f in model._meta.sorted_fields]
        # Callable defaults (created_at and the like) are taken once per table: one timestamp for a bulk load.
        self.defaults = {f.name: (f.default() if callable(f.default) else f.default) for f in self.fields}

    def add(self, **values):
        """Append a row; return its id."""
        row_id = len(self.rows) + 1
        values["id"] = row_id
        self.rows.append(tuple(f.db_value(values.get(f.name, self.defaults[f.name])) for f in self.fields))
        return row_id

    def columns(self):
        """The table's column names, in the rows' order."""
        return [f.column_name for f in self.fields]


def plan(accounts, people, seed, today):
    """Every table's rows for these accounts (a list of account numbers; account n is demo seed `seed + n`).

    Contacts are added in turns (one of each account, then the next), touches in time order across accounts, so
    each account's rows are spread over the tables as a team that works side by side spreads them.
    """
    tables = {m: Rows(m) for m in (User, Contact, ContactMethod, ContactTag, FamilyMember, Interest, ImportantDate,
                                   Touch, TouchContact, Promise, Gift, Gesture)}
    password_hash = passwords.hash_password(PASSWORD)  # one Argon2id hash: the same password for every account
    users = {n: tables[User].add(email=email(n), password_hash=password_hash, session_token=secrets.token_hex(16))
             for n in accounts}
    generated = {n: demo.generate(random.Random(seed + n), people, today) for n in accounts}
    moments = []  # (happened_at, account, person, touch number): the touches' order across the team
    contact_ids = {}
    for j in range(people):
        for n in accounts:
            p, uid = generated[n][j], users[n]
            cid = contact_ids[n, j] = tables[Contact].add(user=uid, sort_name=fold(p["contact"]["name"]), **p["contact"])
            for kind in ("phones", "emails"):
                for position, (label, value) in enumerate(p[kind]):
                    tables[ContactMethod].add(user=uid, contact=cid, kind=kind[:-1], label=label, value=value,
                                              position=position, digits=only_digits(value) if kind == "phones" else "")
            for tag in p["tags"]:
                tables[ContactTag].add(user=uid, contact=cid, name=tag, key=fold(tag))
            for name in p["interests"]:
                tables[Interest].add(user=uid, contact=cid, name=name, key=fold(name))
            for date in p["dates"]:
                tables[ImportantDate].add(user=uid, contact=cid, **date)
            members = []
            for f in p["family"]:
                mid = tables[FamilyMember].add(user=uid, contact=cid, relation=f["relation"], name=f["name"])
                members.append(mid)
                for name in f["interests"]:
                    tables[Interest].add(user=uid, contact=cid, family_member=mid, name=name, key=fold(name))
                tables[ImportantDate].add(user=uid, contact=cid, family_member=mid, kind="birthday", label="", **f["birthday"])
            for g in p["gifts"]:
                member = members[g["member"]] if g["member"] is not None else None
                tables[Gift].add(user=uid, contact=cid, family_member=member, **{k: v for k, v in g.items() if k != "member"})
            for g in p["gestures"]:
                tables[Gesture].add(user=uid, contact=cid, **g)
            moments += [(t["happened_at"], n, j, k) for k, t in enumerate(p["touches"])]
    moments.sort()
    touch_ids = {}
    for when, n, j, k in moments:
        t, uid, cid = generated[n][j]["touches"][k], users[n], contact_ids[n, j]
        tid = touch_ids[n, j, k] = tables[Touch].add(user=uid, **t)
        tables[TouchContact].add(user=uid, touch=tid, contact=cid, happened_at=when)
    _last_touches(tables[Contact], generated, contact_ids, touch_ids)
    for j in range(people):
        for n in accounts:
            for pr in generated[n][j]["promises"]:
                tables[Promise].add(user=users[n], contact=contact_ids[n, j], touch=touch_ids[n, j, pr["touch"]],
                                    text=pr["text"], due_on=pr["due_on"], done_at=pr["done_at"])
    return tables


def _last_touches(contacts, generated, contact_ids, touch_ids):
    """Fill what Touch.refresh_last_touch keeps on each contact (the last touch, the last two pulses) from its touches."""
    names = [f.name for f in contacts.fields]
    at = {name: names.index(name) for name in ("last_touch_at", "last_pulse", "previous_pulse", "last_pulse_at")}
    for (n, j), cid in contact_ids.items():
        touches = [(t["happened_at"], touch_ids[n, j, k], t) for k, t in enumerate(generated[n][j]["touches"])]
        touches.sort(key=lambda x: x[:2], reverse=True)
        row = list(contacts.rows[cid - 1])
        dated = [w for w, _, t in touches if t["kind"] != "note"]
        pulses = [(w, t["pulse"]) for w, _, t in touches if t["pulse"] is not None]
        row[at["last_touch_at"]] = dated[0] if dated else None
        row[at["last_pulse"]] = pulses[0][1] if pulses else None
        row[at["previous_pulse"]] = pulses[1][1] if len(pulses) > 1 else None
        row[at["last_pulse_at"]] = pulses[0][0] if pulses else None
        contacts.rows[cid - 1] = tuple(row)


def write(tables):
    """Write the planned rows into the bound, freshly migrated database: one transaction, multi-row INSERTs or COPY."""
    conn = db.connection()
    with db.atomic():
        for model, rows in tables.items():
            columns = ", ".join(f'"{c}"' for c in rows.columns())
            table = model._meta.table_name
            if is_sqlite():
                # Many rows per statement, not executemany: FTS5 flushes its pending index data at every statement
                # (a savepoint), so a statement per row makes each insert cost more as the index grows (1.3 ms a
                # touch at 20k touches, against 0.12 ms in statements of ~1,000 rows).
                batch = max(1, 32000 // len(rows.fields))
                marks = "(" + ", ".join("?" for _ in rows.fields) + ")"
                for start in range(0, len(rows.rows), batch):
                    chunk = rows.rows[start:start + batch]
                    conn.execute(f'INSERT INTO "{table}" ({columns}) VALUES ' + ", ".join(marks for _ in chunk),
                                 [value for row in chunk for value in row])
            else:
                with conn.cursor() as cursor:
                    cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')  # the index is filled below, at once
                    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                        for row in rows.rows:
                            copy.write_row(row)
                    cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                   f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))")
        if not is_sqlite():
            _index_postgresql(conn)
    db.execute_sql("ANALYZE")  # the planner's statistics, on both backends
    if is_sqlite():
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the file alone is the whole database: the cache copies it


def _migration(name):
    """A migration's module (for its table of sources and its SQL)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "migrations", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _index_postgresql(conn):
    """Fill PostgreSQL's search index from the tables in one statement per source, as the triggers of migrations
    0015 and 0021 would row by row (a PL/pgSQL call per row took 10 s an account), with its indexes built afterwards."""
    folding, scoping = _migration("0015_search_folding"), _migration("0021_team_search")
    with conn.cursor() as cursor:
        cursor.execute("SELECT indexdef, indexname FROM pg_indexes WHERE tablename = 'search_index' "
                       "AND indexname NOT LIKE '%pkey'")
        indexes = cursor.fetchall()
        for _, name in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for table, entries in folding.SOURCES.items():
            for kind, label, title, body, contact, _ in entries:
                # The triggers' expressions, with NEW standing for the table's row.
                cursor.execute(f"INSERT INTO search_index ({scoping.ENTRY_COLUMNS}) "
                               f"SELECT {scoping.entry_values(kind, label, title, body, contact)} FROM \"{table}\" AS NEW")
        for definition, _ in indexes:
            cursor.execute(definition)


def build(url, accounts, people, seed, today, instance):
    """Migrate the (empty) database at `url` and fill it; return {table: rows}."""
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        started = time.perf_counter()
        migrate.upgrade(backup_dir=os.path.join(instance, "backups"))
        if is_sqlite():
            db.execute_sql("PRAGMA cache_size = -400000")  # 400 MB of page cache while the indexes grow
        migrated = time.perf_counter()
        tables = plan(accounts, people, seed, today)
        planned = time.perf_counter()
        write(tables)
        print(f"  built {len(accounts)} account(s): migrations {migrated - started:.0f} s, rows made in Python "
              f"{planned - migrated:.0f} s, written {time.perf_counter() - planned:.0f} s", flush=True)
        counts = {m._meta.table_name: len(r.rows) for m, r in tables.items()}
        db.close()
    return counts


# --- the cache ----------------------------------------------------------------------------------------------------

def cache_key(backend, accounts, people, seed):
    """A short name for one built database (accounts is a list of account numbers); a build by an older schema keeps
    its name and is upgraded (see upgraded)."""
    spec = json.dumps([backend, accounts, people, seed, BUILDER_VERSION])
    label = f"a{len(accounts)}" if len(accounts) > 1 else f"only{accounts[0]}"
    return f"{label}_p{people}_s{seed}_{hashlib.sha256(spec.encode()).hexdigest()[:8]}"


def upgraded(url, meta, meta_path, work):
    """Bring a cached database built by an older schema up to date with the app's own migrations (as a team's
    database is upgraded in place), timing it; record it in the metadata."""
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        waiting = migrate.pending()
        if waiting:
            started = time.perf_counter()
            migrate.upgrade(backup_dir=os.path.join(work, "backups"), backup=False)
            seconds = round(time.perf_counter() - started, 1)
        db.close()
    if not waiting:
        return meta
    print(f"  upgraded the cached database ({', '.join(waiting)}) in {seconds:.0f} s", flush=True)
    meta.setdefault("upgrades", []).append({"migrations": waiting, "seconds": seconds})
    with open(meta_path, "w", encoding="utf-8") as fh:
        json.dump(meta, fh)
    return meta


def pg_url(base, name, pool=True):
    """`base` (a postgresql:// URL) naming database `name` (pooled as the app is deployed)."""
    parts = urllib.parse.urlsplit(base)
    scheme = "postgresql+pool" if pool else "postgresql"
    query = "max_connections=8&stale_timeout=300" if pool else ""
    return urllib.parse.urlunsplit((scheme, parts.netloc, "/" + name, query, ""))


def pg_admin(base, sql):
    """Run one statement on the maintenance database of `base` (autocommit: CREATE/DROP DATABASE)."""
    import psycopg
    parts = urllib.parse.urlsplit(base)
    with psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=urllib.parse.unquote(parts.username or ""),
                         password=urllib.parse.unquote(parts.password or ""), dbname=parts.path.lstrip("/") or "postgres",
                         autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else None


def prepared_database(backend, accounts, people, seed, args, work):
    """A URL of a working copy of the built database (built first when not cached), and the build's metadata."""
    key = cache_key(backend, accounts, people, seed)
    today = datetime.date.today()
    if backend == "sqlite":
        os.makedirs(args.cache_dir, exist_ok=True)
        cached = os.path.join(args.cache_dir, f"team_{key}.sqlite3")
        meta_path = cached + ".json"
        if args.rebuild or not os.path.exists(meta_path):
            for path in (cached, cached + "-wal", cached + "-shm", meta_path):
                if os.path.exists(path):
                    os.remove(path)
            started = time.perf_counter()
            counts = build(f"sqlite:///{cached}", accounts, people, seed, today, work)
            meta = {"built": today.isoformat(), "seconds": round(time.perf_counter() - started, 1), "counts": counts}
            with open(meta_path, "w", encoding="utf-8") as fh:
                json.dump(meta, fh)
        with open(meta_path, encoding="utf-8") as fh:
            meta = upgraded(f"sqlite:///{cached}", json.load(fh), meta_path, work)
        copy = os.path.join(work, f"team_{key}.sqlite3")
        shutil.copyfile(cached, copy)
        meta["size_mb"] = round(os.path.getsize(copy) / 2**20)
        return f"sqlite:///{copy}", meta
    cached, copy = f"rapport_team_c_{key}", f"rapport_team_r_{key}"
    meta_path = os.path.join(args.cache_dir, f"{cached}.json")
    exists = pg_admin(args.pg_url, f"SELECT 1 FROM pg_database WHERE datname = '{cached}'")
    if args.rebuild or not exists or not os.path.exists(meta_path):
        os.makedirs(args.cache_dir, exist_ok=True)
        pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{cached}"')
        pg_admin(args.pg_url, f"CREATE DATABASE \"{cached}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
                              "LC_CTYPE 'C.UTF-8'")
        started = time.perf_counter()
        counts = build(pg_url(args.pg_url, cached, pool=False), accounts, people, seed, today, work)
        meta = {"built": today.isoformat(), "seconds": round(time.perf_counter() - started, 1), "counts": counts}
        with open(meta_path, "w", encoding="utf-8") as fh:
            json.dump(meta, fh)
    with open(meta_path, encoding="utf-8") as fh:
        meta = upgraded(pg_url(args.pg_url, cached, pool=False), json.load(fh), meta_path, work)
    pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{copy}"')
    pg_admin(args.pg_url, f'CREATE DATABASE "{copy}" TEMPLATE "{cached}"')
    size = pg_admin(args.pg_url, f"SELECT pg_database_size('{copy}')")[0][0]
    meta["size_mb"] = round(size / 2**20)
    meta["drop"] = copy
    return pg_url(args.pg_url, copy), meta


# --- measuring ----------------------------------------------------------------------------------------------------

def free_port():
    """An unused TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url, port, work):
    """gunicorn on loopback with `make run`'s settings (gunicorn.conf.py); returns the process."""
    env = dict(os.environ, SECRET_KEY=SECRET, DATABASE_URL=url, INSTANCE_PATH=work, RATELIMIT_ENABLED="0")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    log = open(os.path.join(work, f"gunicorn-{port}.log"), "ab")
    proc = subprocess.Popen([gunicorn, "--config", os.path.join(ROOT, "gunicorn.conf.py"),
                             "--bind", f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"gunicorn did not start; see {work}/gunicorn-{port}.log")


class Session:
    """One kept-alive HTTP connection with a logged-in session's cookie (a phone with the app open)."""

    def __init__(self, port):
        self.port, self.cookies = port, {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes) of one request; cookies kept."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # gunicorn closes a connection idle for 5 s (keepalive): open another, as a browser does.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, rest = value.split("=", 1)
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def login(self, account):
        """Log in through the form; return the CSRF token of the page that followed."""
        _, _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
        status, _, _ = self.request("POST", "/login", {"email": email(account), "password": PASSWORD, "csrf_token": token})
        assert status in (302, 303), f"login answered {status}"
        _, _, page = self.request("GET", "/")
        return re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()


def stats(values):
    """(median, p95) in ms."""
    values = sorted(values)
    return statistics.median(values), values[max(int(len(values) * 0.95) - 1, 0)]


def timed(sessions, n, make, warm=5):
    """For each session (alone, team): median and p95 of the server time (Server-Timing) and of the round trip, over n
    requests after `warm`. The sessions take turns request by request, so that what else the machine does weighs on
    both alike."""
    server, trip = [[] for _ in sessions], [[] for _ in sessions]
    for i in range(n + warm):
        for s, session in enumerate(sessions):
            method, path, body, headers = make(session)
            start = time.perf_counter()
            status, response_headers, _ = session.request(method, path, body, headers)
            elapsed = (time.perf_counter() - start) * 1000
            assert status in (200, 201, 302, 303), (path, status)
            if i >= warm:
                trip[s].append(elapsed)
                found = re.search(r"dur=([\d.]+)", response_headers.get("Server-Timing", ""))
                server[s].append(float(found.group(1)) if found else elapsed)
    return [stats(server[s]) + stats(trip[s]) for s in range(len(sessions))]


def account_facts(url, account):
    """(the account's contact ids, the digits of its first phone) in the database at `url`."""
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": url})
    with app.app_context():
        user = User.by_email(email(account))
        ids = [c.id for c in Contact.for_user(user, Contact.id)]
        phone = ContactMethod.select().where((ContactMethod.user == user.id) & (ContactMethod.kind == "phone")) \
            .order_by(ContactMethod.id).first()
        db.close()
    return ids, phone.digits


def measure(urls, account, n, work):
    """[{row name: (server median, server p95, trip median, trip p95)}] for one account of each database (alone, team),
    each served by its own gunicorn, both at once."""
    procs, sessions = [], []
    try:
        for url in urls:
            session_ids, digits = account_facts(url, account)
            port = free_port()
            procs.append(serve(url, port, work))
            session = Session(port)
            session.token = session.login(account)
            session.ids = session_ids
            sessions.append(session)
        rng = random.Random(7)
        hx = {"HX-Request": "true", "HX-Target": "search-results"}
        rows = {}
        for name, q in SEARCHES:
            q = q or digits[3:10]  # the same person's phone in both databases
            path = "/search?q=" + urllib.parse.quote(q)
            rows[f"search “{q}” ({name})"] = timed(sessions, n, lambda s: ("GET", path, None, hx))
        # The same person (by position in the account) in both databases.
        rows["brief /people/<id>"] = timed(sessions, n, lambda s: ("GET", f"/people/{s.ids[rng.randrange(len(s.ids))]}",
                                                                   None, None))
        rows["Today /"] = timed(sessions, max(n // 2, 10), lambda s: ("GET", "/", None, None))
        rows["People list /people/"] = timed(sessions, n, lambda s: ("GET", "/people/", None, None))
        rows["capture POST /touches"] = timed(sessions, n, lambda s: ("POST", "/touches", {
            "csrf_token": s.token, "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "kind": "visit",
            "note": "Team bench note about the new warehouse.", "contact_ids": str(rng.choice(s.ids))},
            {"X-CSRFToken": s.token, "X-Rapport-Outbox": "1"}))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
    return [{name: figures[s] for name, figures in rows.items()} for s in range(len(urls))]


def explain(url, account, digits):
    """The query plans of the search's per-group statement for one account (EXPLAIN QUERY PLAN on SQLite, EXPLAIN
    ANALYZE on PostgreSQL), for the people and the touches groups of each search."""
    from journal.search_index import PostgresSearch, SearchIndex, rowid_range, scope_of
    from journal.search_query import parse

    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": url})
    out = []
    with app.app_context():
        user = User.by_email(email(account))
        for name, q in SEARCHES:
            q = q or digits[3:10]
            for kind in (0, 4):
                if is_sqlite():
                    query = SearchIndex.match_query(q)
                    if not query:
                        continue
                    low, high = rowid_range(user, kind, kind)
                    fts = SearchIndex.fts_query(query, [scope_of(user, kind)])
                    select = (SearchIndex.select(SearchIndex.rowid)
                              .where(SearchIndex.within(fts, low, high))
                              .order_by(SearchIndex.rowid.desc()).limit(21))
                    sql, params = select.sql()
                    plan_rows = db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                    started = time.perf_counter()
                    found = len(db.execute_sql(sql, params).fetchall())
                    took = (time.perf_counter() - started) * 1000
                    lines = [row[-1] for row in plan_rows] + [f"({found} rows in {took:.2f} ms)"]
                else:
                    parsed = PostgresSearch.match_query(q)
                    if not parsed:
                        continue
                    base, params = PostgresSearch.matching(user, [kind], parsed)
                    sql = f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT rowid, ref_id, contact_id, label, body {base} ORDER BY rowid DESC LIMIT 21"
                    lines = [row[0] for row in db.execute_sql(sql, params).fetchall()]
                out.append(f"-- “{q}” ({name}), group {kind}:")
                out += ["   " + line for line in lines]
        db.close()
    return out


def report(backend, alone, team, meta_alone, meta_team, args, account):
    """A Markdown table for one backend; returns (lines, failures)."""
    lines = [f"**{backend}**: account {email(account)} ({args.people} people) alone in a database "
             f"({meta_alone['counts']['touch']:,} touches, {meta_alone['size_mb']} MB) and among {args.accounts} "
             f"accounts ({meta_team['counts']['touch']:,} touches, {meta_team['size_mb']} MB, built in "
             f"{meta_team['seconds']:.0f} s on {meta_team['built']}); {args.requests} requests a row (Today: "
             f"{max(args.requests // 2, 10)}), the two servers running side by side and taking turns request by request, one kept-alive connection each; load average before: {meta_team['load']}.", "",
             "| request | alone: server median / p95 ms | team: server median / p95 ms | team round trip median / p95 ms "
             "| team ÷ alone (median) | goal |", "|---|---:|---:|---:|---:|---|"]
    failures = []
    for name, (a_med, a_p95, _, _) in alone.items():
        t_med, t_p95, r_med, r_p95 = team[name]
        ratio = t_med / a_med if a_med else float("inf")
        ok = ratio <= RATIO and (not name.startswith("search") or t_p95 <= SEARCH_P95_MS)
        if not ok:
            failures.append(f"{backend}: {name}")
        lines.append(f"| {name} | {a_med:.2f} / {a_p95:.2f} | {t_med:.2f} / {t_p95:.2f} | {r_med:.2f} / {r_p95:.2f} | "
                     f"{ratio:.2f}× | {'ok' if ok else 'MISSED'} |")
    return lines, failures


def main():
    """Build (or take from the cache) both databases per backend, measure, print Markdown tables."""
    # A SIGTERM (pkill, a CI timeout) unwinds like Ctrl-C, so that the servers and copies are stopped and dropped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--people", type=int, default=2000, help="demo people per account")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per row (after 5 to warm up)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("TEAM_PG_URL", "postgresql://rapport:rapport@127.0.0.1:5432/postgres"),
                        help="a role that may create databases; the bench makes rapport_team_* databases")
    parser.add_argument("--cache-dir", default=os.environ.get("TEAM_CACHE_DIR", "/tmp/rapport-team-cache"))
    parser.add_argument("--rebuild", action="store_true", help="build again instead of using the cache")
    parser.add_argument("--build-only", action="store_true", help="build (or upgrade) the cached databases, measure nothing")
    parser.add_argument("--explain", action="store_true", help="also print the search's query plans in the team database")
    args = parser.parse_args()
    account = args.accounts // 2
    all_failures = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        with tempfile.TemporaryDirectory(prefix="rapport-team-") as work:
            os.environ["INSTANCE_PATH"] = work
            urls, metas = [], []
            try:
                for accounts in ([account], list(range(args.accounts))):
                    started = time.perf_counter()
                    url, meta = prepared_database(backend, accounts, args.people, args.seed, args, work)
                    print(f"{backend}: {len(accounts)} account(s) ready in {time.perf_counter() - started:.0f} s "
                          f"({meta['counts']['touch']:,} touches; build took {meta['seconds']:.0f} s)", flush=True)
                    urls.append(url)
                    metas.append(meta)
                if args.build_only:
                    continue
                metas[1]["load"] = ", ".join(f"{x:.1f}" for x in os.getloadavg())
                results = measure(urls, account, args.requests, work)
                if args.explain:
                    print("\n".join(explain(urls[1], account, account_facts(urls[1], account)[1])), flush=True)
            finally:
                db.close()
                for meta in metas:
                    if "drop" in meta:
                        pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{meta["drop"]}" WITH (FORCE)')
            lines, failures = report(backend, results[0], results[1], metas[0], metas[1], args, account)
            all_failures += failures
            print()
            print("\n".join(lines))
            print(flush=True)
    if args.build_only:
        print("Built; nothing measured (--build-only).")
    elif all_failures:
        print("Goals missed: " + "; ".join(all_failures))
    else:
        print(f"Every goal met: search p95 <= {SEARCH_P95_MS} ms, every row within {RATIO}x of the account alone.")
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
