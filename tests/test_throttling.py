"""Login and sign-up throttling: per address and per account, 429 with a clear message."""
import threading

import pytest
from helpers import PASSWORD, csrf_from

from journal import create_app, migrate
from journal.db import db


def throttled_app(tmp_path, database_url, **config):
    """An app with rate limits on (the other tests turn them off) and Ada's account."""
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True, "DATABASE_URL": database_url, **config})
    with app.app_context():
        migrate.upgrade(backup_dir=str(tmp_path / "b"))
        from journal.models import User

        User.register("ada@example.com", PASSWORD)
        db.close()
    return app


@pytest.fixture(autouse=True)
def storage_alive(monkeypatch):
    """Each test starts, and leaves the next one, with the limiter counting in its app's storage.

    The limiter is one object per process (journal/extensions.py), and the apps a test creates re-bind it; but once a
    storage fails (the unreachable Redis below) it keeps counting in memory until a later check, seconds on, finds
    a storage answering again: a later test's app would count in memory instead of its database.
    """
    from journal.extensions import limiter

    monkeypatch.setattr(limiter, "_storage_dead", False)


@pytest.fixture
def throttled(tmp_path, database_url):
    """An app with rate limits on, reached directly (no proxy in front)."""
    return throttled_app(tmp_path, database_url)


HTTPS = {"X-Forwarded-Proto": "https", "Referer": "https://localhost/login"}


def attempt(client, email, password, address="10.0.0.1", forwarded_for=None):
    # Over https Flask-WTF also wants a same-origin Referer, which browsers send (Referrer-Policy: same-origin).
    headers = {"X-Forwarded-For": forwarded_for, **HTTPS} if forwarded_for else {}
    token = csrf_from(client.get("/login", environ_base={"REMOTE_ADDR": address}, headers=headers).get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_failed_logins_for_one_account_are_limited(throttled):
    client = throttled.test_client()
    for i in range(5):
        assert attempt(client, "ada@example.com", "wrong password", address=f"10.0.0.{i}").status_code == 422
    blocked = attempt(client, "ada@example.com", "wrong password", address="10.0.0.99")
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    # Even the right password waits: the account is under attack from several addresses.
    assert attempt(client, "ada@example.com", PASSWORD, address="10.0.0.98").status_code == 429
    # Another account is not affected.
    assert attempt(client, "bob@example.com", "wrong password", address="10.0.0.97").status_code == 422


def test_attempts_from_one_address_are_limited(throttled):
    client = throttled.test_client()
    statuses = [attempt(client, f"user{i}@example.com", "wrong password").status_code for i in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429


def test_successful_logins_do_not_count_against_the_account(throttled):
    for i in range(7):
        client = throttled.test_client()
        assert attempt(client, "ada@example.com", PASSWORD, address=f"10.1.0.{i}").status_code == 302


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(tmp_path, database_url):
    """TRUSTED_PROXIES=1 (nginx in front): the address is the client's from X-Forwarded-For, for limits and the audit log."""
    app = throttled_app(tmp_path, database_url, TRUSTED_PROXIES=1)
    client = app.test_client()
    # Everyone arrives from the proxy's 127.0.0.1; a client's forged X-Forwarded-For entry comes first and is ignored.
    statuses = [attempt(client, f"user{i}@example.com", "wrong password", address="127.0.0.1",
                        forwarded_for="10.9.9.9, 203.0.113.5").status_code for i in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
    other = attempt(client, "someone@example.com", "wrong password", address="127.0.0.1", forwarded_for="198.51.100.2")
    assert other.status_code == 422  # another client behind the same proxy is not blocked
    with app.app_context():
        from journal.models import AuditEvent

        assert {e.ip for e in AuditEvent.select()} == {"203.0.113.5", "198.51.100.2"}
    # The scheme the proxy saw: links the app writes out (the calendar feed) are https.
    response = attempt(client, "ada@example.com", PASSWORD, address="127.0.0.1", forwarded_for="198.51.100.3")
    assert response.status_code == 302
    via_proxy = {"headers": {"X-Forwarded-For": "198.51.100.3", **HTTPS}, "environ_base": {"REMOTE_ADDR": "127.0.0.1"}}
    token = csrf_from(client.get("/account", **via_proxy).get_data(as_text=True))
    assert client.post("/account/calendar", data={"action": "on", "csrf_token": token}, **via_proxy).status_code < 400
    page = client.get("/account", **via_proxy).get_data(as_text=True)
    assert "https://localhost/calendar/" in page


def test_without_trusted_proxies_forwarded_headers_are_ignored(throttled):
    """TRUSTED_PROXIES=0 (the default): a client cannot dodge the limit by sending X-Forwarded-For."""
    client = throttled.test_client()
    statuses = [attempt(client, f"user{i}@example.com", "wrong password", address="10.0.0.1",
                        forwarded_for=f"192.0.2.{i}").status_code for i in range(11)]
    assert statuses[10] == 429
    with throttled.app_context():
        from journal.models import AuditEvent

        assert {e.ip for e in AuditEvent.select()} == {"10.0.0.1"}


def test_counts_in_redis_are_shared_by_every_instance(tmp_path, database_url, redis_url):
    """RATELIMIT_STORAGE_URI=redis://…: a second instance (here: the app created again) sees the first one's counts."""
    first = throttled_app(tmp_path, database_url, RATELIMIT_STORAGE_URI=redis_url)
    for i in range(10):
        assert attempt(first.test_client(), f"user{i}@example.com", "wrong password", address="10.7.0.1").status_code == 422
    second = create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True, "DATABASE_URL": database_url,
                         "RATELIMIT_STORAGE_URI": redis_url})
    blocked = attempt(second.test_client(), "user10@example.com", "wrong password", address="10.7.0.1")
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    # With memory:// (one process) each instance counts alone.
    alone = create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True, "DATABASE_URL": database_url,
                        "RATELIMIT_STORAGE_URI": "memory://"})
    assert attempt(alone.test_client(), "user11@example.com", "wrong password", address="10.7.0.1").status_code == 422


def test_logins_go_on_and_stay_limited_while_redis_is_down(tmp_path, database_url):
    """An unreachable Redis: each instance counts in its own memory meanwhile, so no 500 and no free-for-all."""
    app = throttled_app(tmp_path, database_url, RATELIMIT_STORAGE_URI=f"redis+unix://{tmp_path / 'no-redis.sock'}")
    client = app.test_client()
    statuses = [attempt(client, "ada@example.com", "wrong password", address=f"10.8.0.{i}").status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]


def sign_up(client, email, address):
    """One sign-up attempt from `address` (the passwords differ: refused with 422 when it gets through)."""
    token = csrf_from(client.get("/signup", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True))
    return client.post("/signup", data={"email": email, "password": PASSWORD, "confirm": "something else",
                                        "csrf_token": token}, environ_base={"REMOTE_ADDR": address})


def test_counts_in_the_database_are_shared_by_every_instance(tmp_path, database_url):
    """The default storage is the app's database: a second instance (another gunicorn worker, another host) sees the
    first one's counts of attempts from an address, of failed logins on an account, and of sign-ups."""
    first = throttled_app(tmp_path, database_url)
    for i in range(10):
        assert attempt(first.test_client(), f"user{i}@example.com", "wrong password", address="10.6.0.1").status_code == 422
    for i in range(5):
        assert attempt(first.test_client(), "ada@example.com", "wrong password", address=f"10.6.1.{i}").status_code == 422
    for i in range(10):
        assert sign_up(first.test_client(), f"new{i}@example.com", address="10.6.2.1").status_code == 422
    second = create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True, "DATABASE_URL": database_url})
    for blocked in (attempt(second.test_client(), "user10@example.com", "wrong password", address="10.6.0.1"),
                    attempt(second.test_client(), "ada@example.com", PASSWORD, address="10.6.1.99"),
                    sign_up(second.test_client(), "new10@example.com", address="10.6.2.1")):
        assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
        assert 0 < int(blocked.headers["Retry-After"]) <= 60
    assert attempt(second.test_client(), "bob@example.com", "wrong password", address="10.6.3.1").status_code == 422


def test_attempts_at_the_same_moment_on_one_account_cannot_all_pass(throttled, monkeypatch):
    """Eight wrong passwords on one account at once, from eight addresses: five are checked, three refused.

    Each password check is held until every attempt has reached one or been refused, so all eight are in flight
    together: a limit tested before the attempt and counted after it would let all eight through.
    """
    from journal import passwords

    real_check = passwords.verify_password
    arrived, refused, statuses = [], [], []
    moment = threading.Condition()

    def held_check(password_hash, password):
        """The real check, once every attempt has come this far or been refused."""
        with moment:
            arrived.append(password)
            moment.notify_all()
            moment.wait_for(lambda: len(arrived) + len(refused) >= 8, timeout=60)
        return real_check(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", held_check)
    clients = []
    for i in range(8):
        client = throttled.test_client()
        token = csrf_from(client.get("/login").get_data(as_text=True))
        clients.append((client, token, f"10.5.0.{i}"))

    def post(client, token, address):
        """One attempt; a refusal lets the held checks go on."""
        status = client.post("/login", data={"email": "ada@example.com", "password": "wrong password", "csrf_token": token},
                             environ_base={"REMOTE_ADDR": address}).status_code
        with moment:
            statuses.append(status)
            if status == 429:
                refused.append(address)
                moment.notify_all()

    threads = [threading.Thread(target=post, args=entry) for entry in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [422] * 5 + [429] * 3
