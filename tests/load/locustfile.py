"""Simulated salespeople for `make loadtest` (tests/load/run.py starts locust with this file).

Every simulated user logs in through the real login form with one of the demo accounts, then acts
like a salesperson with the app open: readers (80%) move between Today, People, a brief, search
(as htmx) and the capture page; writers (20%) capture a visit the way the phone does (open the
capture page, type two letters in the type-ahead, Save, look at the brief). Between two actions a
user waits 1 to 3 s, the pace of someone reading a page and tapping the next thing: every user is
busy all the time, far more than 300 real salespeople would be (docs/benchmarks.md).

Saves go through the outbox protocol (`X-Rapport-Outbox: 1`): the server answers JSON, 201 for a new
note, 200 for one it already holds. A save that got no answer (or a 5xx) stays in the writer's outbox and is
sent again, with the same UUID, before the next capture, as the phone's outbox does.

Environment (set by run.py):
  LOADTEST_ACCOUNTS   number of accounts, load0@example.com ... (default 10)
  LOADTEST_PASSWORD   their password
  LOADTEST_FORWARDED  when set (make drill), each simulated user sends its own X-Forwarded-For address, as the load
                      balancer in front of nginx does for each phone (the app trusts two proxies there), so the
                      login throttle counts each user apart and not the load generator as one attacker
  LOADTEST_OUT        folder for the per-process records: acked-<pid>.jsonl (every acknowledged
                      save), failures-<pid>.jsonl (every failed request, with time and status),
                      logins-<pid>.jsonl (one line per user once it is logged in, or gave up) and
                      samples-<pid>.tsv (every request: end time, name, ms, status), from which run.py
                      computes exact percentiles for the whole run and for its steady state
"""
import itertools
import json
import os
import random
import re
import time
import uuid

from locust import FastHttpUser, between, events, task

ACCOUNTS = int(os.environ.get("LOADTEST_ACCOUNTS", "10"))
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "load test password 2026")
OUT = os.environ.get("LOADTEST_OUT", ".")

# Words a salesperson types before a call: names, companies, interests, a prefix, an accent-free name.
SEARCHES = ["acme", "violin", "Jan", "warehouse", "Léa", "sailing", "Kowalski", "ma", "zoe", "nordlicht",
            "lyon", "exams", "chess", "Müller", "brochure", "vio", "golf", "quote"]
TYPED = ["ma", "jo", "an", "le", "so", "ch", "el", "da", "mi", "no"]
NOTES = [
    "Visited the new warehouse; they want a quote before the board meeting.",
    "Daughter passed her exams, very proud. Asked about delivery times again.",
    "Coffee after the trade fair. Thinking about a second site next year.",
    "Quick visit: the pilot went well, send the brochure on Friday.",
]
PERSON_LINK = re.compile(r'href="/people/(\d+)"')
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
LOGIN_FORM = b'name="password"'
HX_SEARCH = {"HX-Request": "true", "HX-Target": "search-results"}
HX_SUGGEST = {"HX-Request": "true", "HX-Target": "contact-suggestions"}
LOGIN_TRIES = 5

FORWARDED = bool(os.environ.get("LOADTEST_FORWARDED"))

_next_account = itertools.count()
_next_address = itertools.count()


def _record(kind, entry):
    """Append one JSON line to this process's record file (flushed at once: a crash loses nothing)."""
    with open(os.path.join(OUT, f"{kind}-{os.getpid()}.jsonl"), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


_samples = None  # this process's samples file, opened on the first request


@events.request.add_listener
def _on_request(request_type, name, response_time, exception, response=None, **kwargs):
    """Keep every request's time, and every failure with its error (run.py tells the kill's apart)."""
    global _samples
    now = time.time()
    status = getattr(response, "status_code", 0) or 0
    if _samples is None:
        # Line-buffered: complete even for the requests that end after locust's quitting event.
        _samples = open(os.path.join(OUT, f"samples-{os.getpid()}.tsv"), "a", encoding="utf-8", buffering=1)
    _samples.write(f"{now:.3f}\t{name}\t{response_time:.1f}\t{status}\t{0 if exception else 1}\n")
    if exception is not None:
        _record("failures", {"t": now, "type": request_type, "name": name, "status": status,
                             "error": repr(exception)[:300]})


class Salesperson(FastHttpUser):
    """What every simulated user shares: logging in and knowing a few of their people."""

    abstract = True
    wait_time = between(1, 3)

    def __init__(self, environment):
        """With LOADTEST_FORWARDED, this user's own address (10.77.x.y) on every request it sends."""
        if FORWARDED:
            n = next(_next_address)
            self.default_headers = {"X-Forwarded-For": f"10.77.{n // 250 % 250}.{n % 250 + 1}"}
        super().__init__(environment)

    def on_start(self):
        """Log in through the form (the CSRF token comes from the page) and note some people's ids."""
        self.email = f"load{next(_next_account) % ACCOUNTS}@example.com"
        self.contact_ids = []
        for attempt in range(1, LOGIN_TRIES + 1):
            if self.login():
                break
            time.sleep(1)  # a person taps "Log in" again
        _record("logins", {"t": time.time(), "email": self.email, "attempts": attempt, "ok": self.logged_in})
        self.people()

    def login(self):
        """One attempt at the login form; True once Today answered."""
        self.logged_in = False
        page = self.client.get("/login", name="GET /login")
        token = CSRF.search(page.text or "")
        if token is None:
            return False
        data = {"email": self.email, "password": PASSWORD, "csrf_token": token.group(1)}
        with self.client.post("/login", data=data, name="POST /login (then Today)", catch_response=True) as response:
            # Success redirects to Today; a refused login answers the form again (422).
            if response.status_code == 200 and LOGIN_FORM in (response.content or b""):
                response.failure("login refused")
            self.logged_in = response.status_code == 200 and LOGIN_FORM not in (response.content or b"")
        return self.logged_in

    def get(self, path, name, **kwargs):
        """GET a page of the app; being sent to the login form (the session was lost) is a failure."""
        with self.client.get(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code == 200 and LOGIN_FORM in (response.content or b""):
                response.failure("sent to the login form")
        return response

    def people(self):
        """The People list; remembers the ids it links to."""
        response = self.get("/people/", "GET /people/")
        self.contact_ids = [int(i) for i in PERSON_LINK.findall(response.text or "")] or self.contact_ids

    def brief(self, contact_id=None):
        """One person's brief."""
        if contact_id is None and self.contact_ids:
            contact_id = random.choice(self.contact_ids)
        if contact_id is not None:
            self.get(f"/people/{contact_id}", "GET /people/<id> (brief)")


class Reader(Salesperson):
    """80%: reads before a call (Today, People, briefs, search, the capture page)."""

    weight = 4

    @task(3)
    def today(self):
        """Today: promises, people due for a touch, dates."""
        self.get("/", "GET / (Today)")

    @task(2)
    def people_list(self):
        """The People list."""
        self.people()

    @task(4)
    def read_brief(self):
        """A brief before a call."""
        self.brief()

    @task(4)
    def search(self):
        """Search as you type: the htmx fragment."""
        self.get("/search", "GET /search (htmx)", params={"q": random.choice(SEARCHES)}, headers=HX_SEARCH)

    @task(1)
    def capture_page(self):
        """The capture page (opened, then left)."""
        self.get("/capture", "GET /capture")


class Writer(Salesperson):
    """20%: captures a visit after another (open capture, type-ahead, Save, the brief)."""

    weight = 1

    def on_start(self):
        """Log in; start with an empty outbox."""
        self.outbox = []
        super().on_start()

    @task
    def capture(self):
        """One capture as the phone sends it; unanswered saves are sent again first."""
        page = self.get("/capture", "GET /capture")
        token = CSRF.search(page.text or "")
        if token is None or not self.contact_ids:
            return
        self.get("/capture/contacts", "GET /capture/contacts (htmx)", params={"q": random.choice(TYPED)},
                 headers=HX_SUGGEST)
        for entry in list(self.outbox):
            self.save(entry, token.group(1), "POST /touches (outbox replay)")
        entry = {"uuid": str(uuid.uuid4()), "contact_id": random.choice(self.contact_ids),
                 "note": random.choice(NOTES) + f" ({random.randrange(10**6)})"}
        self.outbox.append(entry)
        url = self.save(entry, token.group(1), "POST /touches")
        if url:
            self.brief(int(url.split("#")[0].rstrip("/").rsplit("/", 1)[1]))

    def save(self, entry, token, name):
        """POST one capture; on 201/200 record it as acknowledged and drop it from the outbox."""
        data = {"csrf_token": token, "uuid": entry["uuid"], "contact_ids": str(entry["contact_id"]),
                "note": entry["note"], "kind": "visit"}
        headers = {"X-CSRFToken": token, "X-Rapport-Outbox": "1"}
        with self.client.post("/touches", data=data, headers=headers, name=name, catch_response=True) as response:
            if response.status_code not in (200, 201):
                if response.status_code and response.status_code < 500:
                    # The server answered and refused: that is an error, not something to retry.
                    self.outbox.remove(entry)
                # No answer, or the server (or the proxy in front of it: a 502 when the instance died mid-request)
                # had trouble: the note stays in the outbox and is sent again, as the phone's outbox does.
                return None
            try:
                body = response.json()
            except ValueError:
                response.failure("not JSON")
                return None
            stored = body.get("uuid") or entry["uuid"]
            _record("acked", {"t": time.time(), "email": self.email, "uuid": stored, "sent": entry["uuid"],
                              "contact_id": entry["contact_id"], "status": response.status_code,
                              "replay": name != "POST /touches"})
            self.outbox.remove(entry)
            return body.get("url")
