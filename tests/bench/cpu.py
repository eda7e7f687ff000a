"""CPU per request for the load test's requests (docs/benchmarks.md, "Where the server's time goes").

One 200-person demo account (seed 1), the Flask test client, Brotli asked for as browsers do. Prints, per
request, the median process CPU time (not wall time: the machine is shared) and the quietest ten requests'
median, the SQL statement count and the compressed size. With --profile NAME, prints a cProfile of that request instead.

With --against OTHER_CHECKOUT, compares this checkout's code with another's (a `git worktree` of an older
commit, say) on the load test's mix of requests: two processes, one per checkout, take turns running
blocks of the same requests, so the machine's ups and downs fall on both alike. Prints each side's median
CPU per request and the median of the per-round ratios.

Usage: .venv/bin/python tests/bench/cpu.py [--contacts 200] [--requests 60] [--profile today]
       .venv/bin/python tests/bench/cpu.py --against /tmp/old-checkout [--rounds 60] [--block 100]
"""
import argparse
import cProfile
import datetime
import logging
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# --against runs this script once per checkout: RAPPORT_ROOT says whose journal/ to import.
sys.path.insert(0, os.environ.get("RAPPORT_ROOT") or HERE)

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


def logged_in(tmp, contacts):
    """Build one demo account in `tmp`, log it in with the test client; return (client, requests by name)."""
    os.environ["INSTANCE_PATH"] = tmp
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        migrate.upgrade(backup_dir=os.path.join(tmp, "backups"))
        user = User.register("bench@example.com", PASSWORD)
        demo.write(user, demo.generate(random.Random(1), contacts, datetime.date.today()))
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
    return client, specs


# The load test's mix (tests/load/locustfile.py): four readers to one writer; a reader's action is one request
# (Today 3, People 2, brief 4, search 4, capture page 1 in 14), a writer's is four (capture page, type-ahead,
# save, brief). Per 70 actions: 56 reader requests and 14 of each writer's.
MIX = ["today"] * 12 + ["people"] * 8 + ["brief"] * 16 + ["search"] * 16 + ["capture"] * 4 \
    + ["capture", "type-ahead", "save", "brief"] * 14


def serve(contacts):
    """--against's worker: read a block size per line, run that many requests of the mix, print the CPU seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        client, specs = logged_in(tmp, contacts)
        rng = random.Random(2)  # both checkouts run the same requests in the same order
        print("ready", flush=True)
        for line in sys.stdin:
            start = time.process_time()
            for _ in range(int(line)):
                one(client, specs[rng.choice(MIX)])
            print(f"{time.process_time() - start:.6f}", flush=True)


def against(other, contacts, rounds, block):
    """Compare this checkout with `other`: blocks of the mix in turns, CPU per request and the ratio."""
    sides = {}
    for name, root in (("this", HERE), ("other", os.path.abspath(other))):
        sides[name] = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--serve", "--contacts", str(contacts)],
            env=dict(os.environ, RAPPORT_ROOT=root), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    for side in sides.values():
        while side.stdout.readline().strip() != "ready":
            if side.poll() is not None:
                raise SystemExit("a checkout failed to start; run its tests/bench/cpu.py to see why")
    times = {"this": [], "other": []}
    for n in range(rounds + 1):
        for name in ("this", "other") if n % 2 else ("other", "this"):
            side = sides[name]
            side.stdin.write(f"{block}\n")
            side.stdin.flush()
            spent = float(side.stdout.readline()) * 1000 / block
            if n:  # round 0 warms both up
                times[name].append(spent)
    for side in sides.values():
        side.stdin.close()
        side.wait()
    ratios = [mine / theirs for mine, theirs in zip(times["this"], times["other"])]
    print(f"load mix, {rounds} rounds of {block} requests each, taking turns; process CPU ms per request")
    print(f"this checkout  {statistics.median(times['this']):6.2f}  ({HERE})")
    print(f"other          {statistics.median(times['other']):6.2f}  ({os.path.abspath(other)})")
    print(f"this / other: median of the rounds' ratios {statistics.median(ratios):.3f} "
          f"(lowest {min(ratios):.3f}, highest {max(ratios):.3f})")


def main():
    """Build one account, log in, then measure (or profile) each request, or compare with another checkout."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--profile", help="name of one request to profile (today, people, brief, ...)")
    parser.add_argument("--against", metavar="CHECKOUT", help="another checkout to compare with on the load mix")
    parser.add_argument("--rounds", type=int, default=60, help="with --against: turns each side takes")
    parser.add_argument("--block", type=int, default=100, help="with --against: requests per turn")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.contacts)
    if args.against:
        return against(args.against, args.contacts, args.rounds, args.block)
    with tempfile.TemporaryDirectory() as tmp:
        client, specs = logged_in(tmp, args.contacts)
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
