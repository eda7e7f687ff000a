"""Login and sign-up throttling: per address and per account, 429 with a clear message."""
import pytest
from conftest import PASSWORD, csrf_from

from journal import create_app, migrate
from journal.db import db


@pytest.fixture
def throttled(tmp_path):
    """An app with rate limits on (the other tests turn them off)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 't.sqlite3'}"})
    with app.app_context():
        migrate.upgrade(backup_dir=str(tmp_path / "b"))
        from journal.models import User

        User.register("ada@example.com", PASSWORD)
        db.close()
    return app


def attempt(client, email, password, address="10.0.0.1"):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


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
