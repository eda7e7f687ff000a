"""Export benchmark: XLSX and the CSV zip of 10k demo contacts (~100k touches): time and peak memory.

Each export runs in a fresh process, so the peak resident memory measured is the export's own
(the process's baseline, Python and the app, is printed beside it).

Usage: .venv/bin/python tests/bench/export.py [--contacts N] [--seed S] [--runs R] [--db PATH]

--db keeps the database at PATH (built there once, migrated and reused by later runs) instead of a temporary folder.
"""
import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

EMAIL, PASSWORD = "bench@example.com", "bench password 2026"


def peak_rss_mb():
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's, across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss():
    """Start the peak afresh (Linux: writing 5 to clear_refs resets VmHWM)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


def child(path, url):
    """In a fresh process: log in, GET the export, report seconds, size and peak RSS."""
    from journal import create_app

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    # Logging in verifies an Argon2id hash, which alone peaks at 64 MB and would hide the export's own peak.
    reset_peak_rss()
    baseline = peak_rss_mb()
    start = time.perf_counter()
    response = client.get(url)
    body = response.get_data()
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    assert response.status_code == 200, response.status_code
    print(f"{seconds:.2f} {len(body)} {baseline:.0f} {peak:.0f}")


def prepare(path, contacts, seed):
    """Bring the SQLite file at `path` up to date, filling it first with the bench user's demo contacts if new."""
    from journal import create_app, demo, migrate
    from journal.db import db
    from journal.models import User

    new = not os.path.exists(path)
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        migrate.upgrade(backup_dir=os.path.join(os.path.dirname(path), "backups"))
        if new:
            user = User.register(EMAIL, PASSWORD)
            demo.write(user, demo.generate(random.Random(seed), contacts, demo.datetime.date.today()))
        db.close()


def measure(path, runs):
    """Run each export `runs` times in fresh processes and print the medians as a Markdown table."""
    print("| export | seconds (median) | runs | size MB | process peak RSS MB | baseline RSS MB |")
    print("|---|---:|---|---:|---:|---:|")
    for url in ("/export.xlsx", "/export.zip", "/export.csv"):
        results = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, __file__, "--child", path, url], capture_output=True, text=True,
                                 env=dict(os.environ, INSTANCE_PATH=os.path.dirname(path)), check=True).stdout.split()
            results.append((float(out[0]), int(out[1]), float(out[2]), float(out[3])))
        seconds = statistics.median(r[0] for r in results)
        size, peak, baseline = results[-1][1], max(r[3] for r in results), max(r[2] for r in results)
        each = ", ".join(f"{r[0]:.2f}" for r in results)
        print(f"| GET {url} | {seconds:.2f} | {each} | {size / 1e6:.1f} | {peak:.0f} | {baseline:.0f} |")


def main():
    """Build the data once, then export in fresh processes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.abspath(args.db) if args.db else os.path.join(tmp, "bench.sqlite3")
        os.environ["INSTANCE_PATH"] = os.path.dirname(path)
        prepare(path, args.contacts, args.seed)
        conn = sqlite3.connect(path)
        contacts, touches = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("contact", "touch"))
        conn.close()
        print(f"Data: {contacts} contacts, {touches} touches. Each export in a fresh process, {args.runs} runs.")
        print()
        measure(path, args.runs)


if __name__ == "__main__":
    main()
