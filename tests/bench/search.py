"""Search benchmark: 10k demo contacts (~100k touches) served by gunicorn over real HTTP.

Measures /search as an htmx request for a fixed mix of queries (median and p95 of the server time
reported in the Server-Timing header, and of the round trip), the fragment size, and, as
references in the same run, GET /healthz and a naive LIKE '%q%' search over the same tables.

Usage: .venv/bin/python tests/bench/search.py [--contacts N] [--requests R] [--seed S]
"""
import argparse
import http.cookiejar
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from journal import create_app, demo, migrate  # noqa: E402
from journal.db import db  # noqa: E402
from journal.models import ContactMethod, User  # noqa: E402

EMAIL, PASSWORD = "bench@example.com", "bench password 2026"
# LIKE reference: what a naive search would scan, the same tables as the index.
LIKE_TABLES = [("contact", "name"), ("contact", "company"), ("family_member", "name"), ("interest", "name"),
               ("contact", "goals"), ("touch", "note"), ("promise", "text"), ("gift", "description"), ("gesture", "text")]


def build(tmp, contacts, seed):
    """Create the database with demo data; return (database path, a phone's digits)."""
    path = os.path.join(tmp, "bench.sqlite3")
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        migrate.upgrade(backup_dir=os.path.join(tmp, "backups"))
        user = User.register(EMAIL, PASSWORD)
        demo.write(user, demo.generate(random.Random(seed), contacts, demo.datetime.date.today()))
        phone = ContactMethod.select().where(ContactMethod.kind == "phone").order_by(ContactMethod.id).first()
        digits = phone.digits[3:10]
        db.close()
    return path, digits


def free_port():
    """An unused TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tmp, path, port):
    """Start gunicorn on loopback with `make run`'s settings (gunicorn.conf.py)."""
    env = dict(os.environ, SECRET_KEY="bench", DATABASE_URL=f"sqlite:///{path}", INSTANCE_PATH=tmp)
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    proc = subprocess.Popen([gunicorn, "--config", os.path.join(ROOT, "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
                             "app:app"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def login(base):
    """An opener holding a logged-in session."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(base + "/login", data=data)
    return opener


def measure(opener, url, n, headers=None):
    """Median/p95 of server time (Server-Timing) and round trip, in ms, and the last body size."""
    server, trip, size = [], [], 0
    for _ in range(n):
        request = urllib.request.Request(url, headers=headers or {})
        start = time.perf_counter()
        with opener.open(request) as response:
            body = response.read()
            timing = response.headers.get("Server-Timing", "")
        trip.append((time.perf_counter() - start) * 1000)
        match = re.search(r"dur=([\d.]+)", timing)
        server.append(float(match.group(1)) if match else trip[-1])
        size = len(body)
    return stats(server), stats(trip), size


def stats(values):
    """(median, p95)."""
    values = sorted(values)
    return statistics.median(values), values[max(int(len(values) * 0.95) - 1, 0)]


def like_search(path, user_id, q, n, first_only):
    """Median (ms) of a naive LIKE '%q%' over the same tables.

    first_only: stop at the first 20 rows of each table (LIKE's best case); otherwise collect every
    match, as a search that ranks or groups its results has to.
    """
    conn = sqlite3.connect(path)
    times = []
    limit = " LIMIT 20" if first_only else ""
    for _ in range(n):
        start = time.perf_counter()
        for table, column in LIKE_TABLES:
            conn.execute(f'SELECT id FROM "{table}" WHERE user_id = ? AND "{column}" LIKE ?{limit}',
                         (user_id, f"%{q}%")).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return stats(times)[0]


def main():
    """Build, serve, measure, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path, digits = build(tmp, args.contacts, args.seed)
        conn = sqlite3.connect(path)
        touches = conn.execute("SELECT count(*) FROM touch").fetchone()[0]
        user_id = conn.execute('SELECT id FROM "user"').fetchone()[0]
        conn.close()
        built = time.perf_counter() - started
        port = free_port()
        proc = serve(tmp, path, port)
        try:
            base = f"http://127.0.0.1:{port}"
            opener = login(base)
            hx = {"HX-Request": "true", "HX-Target": "search-results"}
            queries = [
                ("rare word", "Margarethe"), ("common word", "warehouse"), ("2-letter prefix", "ma"),
                ("3-letter prefix", "vio"), ("family name", "Amélie"), ("phone digits", digits),
                ("multi-word", "new warehouse quote"),
            ]
            print(f"Data: {args.contacts} contacts, {touches} touches; built in {built:.0f} s. "
                  f"gunicorn as `make run` (gunicorn.conf.py) on 127.0.0.1; {args.requests} requests per row.")
            print()
            print("| request | server median ms | server p95 ms | round trip median ms | fragment KB "
                  "| LIKE, all matches, ms | ratio | LIKE, first 20, ms | ratio |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            (h_med, h_p95), (t_med, _), _ = measure(opener, base + "/healthz", args.requests)
            print(f"| GET /healthz (reference) | {h_med:.2f} | {h_p95:.2f} | {t_med:.2f} | | | | | |")
            for name, q in queries:
                (med, p95), (trip, _), size = measure(opener, f"{base}/search?q={urllib.parse.quote(q)}", args.requests, hx)
                runs = max(args.requests // 5, 5)
                like_all = like_search(path, user_id, q, runs, first_only=False)
                like_first = like_search(path, user_id, q, runs, first_only=True)
                print(f"| /search “{q}” ({name}) | {med:.2f} | {p95:.2f} | {trip:.2f} | {size / 1024:.1f} | "
                      f"{like_all:.2f} | {like_all / med:.1f}× | {like_first:.2f} | {like_first / med:.1f}× |")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
