"""The login and sign-up limits hold across gunicorn's worker processes (`make run`'s four), with the default set-up:
the counts live in the app's database, not in each worker's memory (issue 16, item 8).

Every attempt comes on a new connection, eight at a time, so the workers take them in turn and check at the same
moments. Nothing is timed: each wait has a generous deadline, for a busy 2-core machine; the limits are per minute, so
a run that took longer than a minute is allowed one more minute's worth per minute begun.
"""
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import PASSWORD, close_app_database, free_port, process_tree, wait_for

from journal import create_app, migrate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
# What would point the workers somewhere else than this test's database and instance folder, or at other storage.
FOREIGN = ("DATABASE_URL", "TEST_DATABASE_URL", "HUEY_URL", "JOBS_DIR", "SECRET_KEY", "RATELIMIT_STORAGE_URI",
           "RATELIMIT_ENABLED", "TRUSTED_PROXIES", "WORKERS")
# The documented limits (README, "Using it"): per address 10 attempts a minute, per account 5 failed ones a minute.
PER_ADDRESS, PER_ACCOUNT = 10, 5

pytestmark = pytest.mark.integration


@pytest.fixture
def gunicorn(tmp_path, database_url):
    """gunicorn with gunicorn.conf.py's four workers on a migrated database holding Ada's account, behind one trusted
    proxy (the test names each attempt's address in X-Forwarded-For); yields (port, access log), then stops it."""
    app = create_app({"SECRET_KEY": "t", "DATABASE_URL": database_url, "PASSWORD_HASH_FOR_TESTS": True})
    with app.app_context():
        migrate.upgrade(backup_dir=str(tmp_path / "backups"))
        from journal.models import User

        User.register("ada@example.com", PASSWORD)
    close_app_database(app)
    port, access = free_port(), tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    env.update(DATABASE_URL=database_url, INSTANCE_PATH=str(tmp_path / "instance"), SECRET_KEY="t", WORKERS="4",
               TRUSTED_PROXIES="1")
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen([GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                               "--access-logfile", str(access), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
                               "app:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: len(process_tree(server.pid)) >= 4, 120, "gunicorn's four workers")
        wait_for(lambda: answers(port), 120, "gunicorn to answer /healthz")
        yield port, access
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=60)
        log.close()
        print((tmp_path / "gunicorn.log").read_text(errors="replace")[-4000:])


def answers(port):
    """True once a worker answers /healthz (fails when gunicorn is not listening yet)."""
    try:
        return request(port, "GET", "/healthz")[0] == 200
    except OSError:
        return False


def request(port, method, path, body=None, headers=None):
    """(status, headers, text) of one request on a new connection, closed after it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode(errors="replace")
    finally:
        connection.close()


def form_session(port, path):
    """(cookie, CSRF token) of a browser that opened the form at `path`."""
    status, headers, page = request(port, "GET", path)
    assert status == 200, page[:500]
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return cookie, token


def fire(port, path, forms, address):
    """POST each form (a dict) to `path`, eight at a time, each on a new connection from address(i); returns
    (statuses, minutes begun from the first attempt to the last answer)."""
    cookie, token = form_session(port, path)

    def send(i):
        """One attempt."""
        body = urllib.parse.urlencode({**forms[i], "csrf_token": token})
        status, headers, text = request(port, "POST", path, body, {
            "Cookie": cookie, "X-Forwarded-For": address(i), "Content-Type": "application/x-www-form-urlencoded"})
        assert status in (422, 429), (status, text[:500])
        if status == 429:
            assert "Too many attempts" in text and 0 < int(headers["Retry-After"]) <= 3600
        return status

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, range(len(forms))))
    return statuses, 1 + int((time.monotonic() - started) // 60)


def test_the_documented_limits_hold_across_four_workers(gunicorn):
    port, access = gunicorn

    # 40 wrong passwords on one account, each from its own address: at most 5 are checked.
    statuses, minutes = fire(port, "/login", [{"email": "ada@example.com", "password": "wrong password"}] * 40,
                             lambda i: f"10.1.{i // 200}.{i % 200 + 1}")
    assert 0 < statuses.count(422) <= PER_ACCOUNT * minutes, statuses

    # 60 wrong passwords from one address, each on another account: at most 10 are checked.
    statuses, minutes = fire(port, "/login", [{"email": f"user{i}@example.com", "password": "wrong password"}
                                              for i in range(60)], lambda i: "10.2.0.1")
    assert 0 < statuses.count(422) <= PER_ADDRESS * minutes, statuses

    # 30 sign-ups from one address (their passwords do not match): at most 10 are checked.
    statuses, minutes = fire(port, "/signup", [{"email": f"new{i}@example.com", "password": PASSWORD,
                                                "confirm": "something else"} for i in range(30)], lambda i: "10.3.0.1")
    assert 0 < statuses.count(422) <= PER_ADDRESS * minutes, statuses

    # Several workers took the attempts (gunicorn's access log names the process of each).
    workers = {line.split()[0] for line in access.read_text().splitlines() if " POST " in line}
    assert len(workers) >= 2, workers
