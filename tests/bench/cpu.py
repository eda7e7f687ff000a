"""CPU per request for the load test's requests (docs/benchmarks.md, "Where the server's time goes").

One 200-person demo account (seed 1), the Flask test client, Brotli asked for as browsers do. Prints, per
request, the median process CPU time (not wall time: the machine is shared) and the quietest ten requests'
median, the SQL statement count and the compressed size. With --profile NAME, prints a cProfile of that request instead.

Usage: .venv/bin/python tests/bench/cpu.py [--contacts 200] [--requests 60] [--profile today]
"""
import argparse
import cProfile
import datetime
import logging
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from journal import create_app, demo, migrate  # noqa: E402
from journal.db import db  # noqa: E402
from journal.models import Contact, User  # noqa: E402
from pages import SqlCounter  # noqa: E402  (tests/bench is this script's folder)

BROTLI = {"Accept-Encoding": "gzip, deflate, br"}
PASSWORD = "bench password 2026"


def requests_of(ids, token, rng):
    """The load test's requests by name: (method, url or url maker, headers, form maker or None)."""
    return {
        "today": ("GET", "/", {}, None),
        "people": ("GET", "/people/", {}, None),
        "brief": ("GET", lambda: f"/people/{rng.choice(ids)}", {}, None),
        "search": ("GET", lambda: "/search?q=" + rng.choice(["acme", "violin", "Jan", "ma", "zoe", "lyon"]),
                   {"HX-Request": "true", "HX-Target": "search-results"}, None),
        "capture": ("GET", "/capture", {}, None),
        "type-ahead": ("GET", "/capture/contacts?q=ma",
                       {"HX-Request": "true", "HX-Target": "contact-suggestions"}, None),
        "save": ("POST", "/touches", {"X-CSRFToken": token, "X-Rapport-Outbox": "1"}, lambda: {
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "kind": "visit",
            "note": "Bench note about the new warehouse.", "contact_ids": str(rng.choice(ids))}),
    }


def one(client, spec):
    """Send one request of `spec`; return the response."""
    method, url, headers, form = spec
    target = url() if callable(url) else url
    if method == "POST":
        response = client.post(target, data=form(), headers={**BROTLI, **headers})
    else:
        response = client.get(target, headers={**BROTLI, **headers})
    assert response.status_code in (200, 201), (target, response.status_code)
    return response


def measure(client, spec, n):
    """Median CPU ms of n requests and the lowest median of 10 in a row, with the SQL count and size of one more.

    Other people's benchmarks on the same cores slow every instruction down for a while: the lowest
    median of ten consecutive requests is the figure least disturbed by them.
    """
    times = []
    for _ in range(n):
        start = time.process_time()
        one(client, spec)
        times.append((time.process_time() - start) * 1000)
    quiet = min(statistics.median(times[i:i + 10]) for i in range(0, max(n - 9, 1), 10))
    logger, counter = logging.getLogger("peewee"), SqlCounter()
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    response = one(client, spec)
    logger.removeHandler(counter)
    logger.setLevel(logging.WARNING)
    return statistics.median(times), quiet, counter.count, len(response.data)


def library(filename):
    """Which library (or templates/, journal/) a profiled function's file belongs to."""
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    for part in ("templates/", "journal/"):
        if part in filename:
            return part
    return "python" if filename.startswith("/") else filename


def print_by_library(stats):
    """Own time (tottime) summed per library: where the CPU goes, not who called it."""
    totals = {}
    for (filename, _, name), (_, _, own, _, _) in stats.stats.items():
        key = library(filename) if filename != "~" else name
        totals[key] = totals.get(key, 0) + own
    whole = sum(totals.values())
    for key, own in sorted(totals.items(), key=lambda item: -item[1])[:15]:
        print(f"{own / whole:6.1%}  {key}")


def main():
    """Build one account, log in, then measure (or profile) each request."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--profile", help="name of one request to profile (today, people, brief, ...)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["INSTANCE_PATH"] = tmp
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            migrate.upgrade(backup_dir=os.path.join(tmp, "backups"))
            user = User.register("bench@example.com", PASSWORD)
            demo.write(user, demo.generate(random.Random(1), args.contacts, datetime.date.today()))
            migrate.analyze()
            ids = [c.id for c in Contact.for_user(user, Contact.id)]
            db.close()
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf-token" content="')[1].split('"')[0]
        client.post("/login", data={"email": "bench@example.com", "password": PASSWORD, "csrf_token": token})
        specs = requests_of(ids, token, random.Random(1))
        for spec in specs.values():  # warm up: templates compiled, connections pooled
            for _ in range(5):
                one(client, spec)
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                one(client, specs[args.profile])
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(45)
            print_by_library(stats)
            return
        print(f"{args.contacts} people, median of {args.requests}, process CPU time, Brotli")
        print(f"{'request':12} {'CPU ms':>7} {'quiet':>6} {'SQL':>4} {'bytes':>6}")
        for name, spec in specs.items():
            cpu, quiet, queries, size = measure(client, spec, args.requests)
            print(f"{name:12} {cpu:7.2f} {quiet:6.2f} {queries:4d} {size:6d}")


if __name__ == "__main__":
    main()
