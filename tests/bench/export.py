"""Export benchmark: XLSX and the CSV zip of 10k demo contacts (~100k touches): time and peak memory.

Each export runs in a fresh process, so the peak resident memory measured is the export's own
(the process's baseline, Python and the app, is printed beside it).

Usage: .venv/bin/python tests/bench/export.py [--contacts N] [--seed S]
"""
import argparse
import os
import random
import resource
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


def child(path, url):
    """In a fresh process: log in, GET the export, report seconds, size and peak RSS."""
    from journal import create_app
    from journal.models import User

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}"})
    client = app.test_client()
    # Sign the session in directly: logging in verifies an Argon2id hash, which alone peaks at 64 MB
    # and would hide the export's own peak.
    with app.app_context():
        login_id = User.by_email(EMAIL).get_id()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = login_id, True
    baseline = peak_rss_mb()
    start = time.perf_counter()
    response = client.get(url)
    body = response.get_data()
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    assert response.status_code == 200, response.status_code
    print(f"{seconds:.2f} {len(body)} {baseline:.0f} {peak:.0f}")


def main():
    """Build the data once, then export in fresh processes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    from journal import create_app, demo, migrate
    from journal.db import db
    from journal.models import User

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["INSTANCE_PATH"] = tmp
        path = os.path.join(tmp, "bench.sqlite3")
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}"})
        with app.app_context():
            migrate.upgrade(backup_dir=os.path.join(tmp, "backups"))
            user = User.register(EMAIL, PASSWORD)
            demo.write(user, demo.generate(random.Random(args.seed), args.contacts, demo.datetime.date.today()))
            touches = db.execute_sql("SELECT count(*) FROM touch").fetchone()[0]
            db.close()
        print(f"Data: {args.contacts} contacts, {touches} touches. Each export in a fresh process.")
        print()
        print("| export | seconds | size MB | process peak RSS MB | baseline RSS MB |")
        print("|---|---:|---:|---:|---:|")
        for url in ("/export.xlsx", "/export.zip", "/export.csv"):
            out = subprocess.run([sys.executable, __file__, "--child", path, url], capture_output=True, text=True,
                                 env=dict(os.environ, INSTANCE_PATH=tmp), check=True).stdout.split()
            seconds, size, baseline, peak = float(out[0]), int(out[1]), float(out[2]), float(out[3])
            print(f"| GET {url} | {seconds:.2f} | {size / 1e6:.1f} | {peak:.0f} | {baseline:.0f} |")


if __name__ == "__main__":
    main()
