"""`make bench`: server-side timings on demo data (10k contacts by default). Not a test: prints medians.

Usage: .venv/bin/python tests/bench/pages.py [--contacts N] [--seed S] [--requests R]
"""
import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from journal import create_app, demo, migrate  # noqa: E402
from journal.db import db  # noqa: E402
from journal.models import Contact, Touch, User  # noqa: E402


class SqlCounter(logging.Handler):
    """Counts peewee's logged SQL statements (tests/bench/cpu.py uses it too)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _time(client, url, n, headers=None, post=None):
    """Median and p95 (ms) of n GETs (or POSTs of post()) of url, with the size and SQL count of the last one."""
    logger = logging.getLogger("peewee")
    times, counter = [], SqlCounter()
    for i in range(n):
        target = url() if callable(url) else url
        if i == n - 1:
            logger.addHandler(counter)
            logger.setLevel(logging.DEBUG)
        start = time.perf_counter()
        if post is None:
            response = client.get(target, headers=headers or {})
        else:
            response = client.post(target, data=post(), headers=headers or {})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 303), (target, response.status_code)
    logger.removeHandler(counter)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(response.data), counter.count


def main():
    """Build the data, then time the pages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["INSTANCE_PATH"] = tmp
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            migrate.upgrade()
            start = time.perf_counter()
            user = User.register("bench@example.com", "bench password 2026")
            people = demo.generate(random.Random(args.seed), args.contacts, demo.datetime.date(2026, 1, 1))
            demo.write(user, people)
            fill = time.perf_counter() - start
            ids = [c.id for c in Contact.for_user(user, Contact.id)]
            touches = Touch.for_user(user).count()
            db.close()
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf-token" content="')[1].split('"')[0]
        client.post("/login", data={"email": "bench@example.com", "password": "bench password 2026", "csrf_token": token})
        # A login starts a new session, and the login page's token belongs to the old one (the capture POST got 400).
        page = client.get("/").get_data(as_text=True)
        token = page.split('name="csrf-token" content="')[1].split('"')[0]
        rng = random.Random(args.seed)
        n = args.requests
        rows = [
            ("brief /people/<id>", _time(client, lambda: f"/people/{rng.choice(ids)}", n)),
            ("list /people/ (page 1)", _time(client, "/people/", n)),
            ("list page 150 (htmx more)", _time(client, "/people/?page=150", n, {"HX-Request": "true", "HX-Target": "more-people"})),
            ("list ?tag=vip", _time(client, "/people/?tag=vip", n)),
            ("today /", _time(client, "/", max(n // 5, 20))),
            ("type-ahead /capture/contacts?q=ma", _time(client, "/capture/contacts?q=ma", n,
                                                         {"HX-Request": "true", "HX-Target": "contact-suggestions"})),
            ("timeline page 1 (htmx)", _time(client, lambda: f"/people/{rng.choice(ids)}/timeline", n,
                                             {"HX-Request": "true", "HX-Target": "contact-timeline"})),
            ("capture POST /touches", _time(client, "/touches", n, {"X-CSRFToken": token}, post=lambda: {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "kind": "visit",
                "note": "Bench note about the new warehouse.", "contact_ids": str(rng.choice(ids))})),
        ]
        print(f"Data: {args.contacts} contacts, {touches} touches (seed {args.seed}) filled in {fill:.1f} s; "
              f"{n} requests each (Today: {max(n // 5, 20)}), in-process test client, SQLite.")
        print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'bytes':>8} {'SQL':>4}")
        for name, (median, p95, size, queries) in rows:
            print(f"{name:32} {median:10.2f} {p95:8.2f} {size:8d} {queries:4d}")


if __name__ == "__main__":
    main()
