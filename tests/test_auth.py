"""Accounts: sign up, log in, remember me, log out, password change, CSRF."""
import pytest
from helpers import PASSWORD, csrf_from

from journal.models import User


def _signup(client, email="new@example.com", password=PASSWORD, confirm=None):
    token = csrf_from(client.get("/signup").get_data(as_text=True))
    return client.post(
        "/signup",
        data={"email": email, "password": password, "confirm": confirm or password, "csrf_token": token},
    )


def _login(client, email, password, remember=False, next_url=None):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"email": email, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data=data)


def test_login_page_has_labels_button_and_signup_link(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<label class="label" for="email">Email</label>' in html
    assert '<label class="label" for="password">Password</label>' in html
    assert 'name="email"' in html and 'name="password"' in html
    assert ">Log in</button>" in html
    assert ">Sign up</a>" in html


def test_signup_creates_account_with_argon2id(app, client):
    response = _signup(client, "New@Example.com")
    assert response.status_code == 302
    with app.app_context():
        user = User.get(User.email == "new@example.com")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
    assert client.get("/").status_code == 200


def test_only_the_test_suite_hashes_cheaply(app, tmp_path):
    """Outside the suite's config, passwords get argon2-cffi's defaults (RFC 9106 low-memory profile)."""
    from journal import create_app, passwords

    with app.app_context():
        assert passwords.hash_password(PASSWORD).startswith("$argon2id$v=19$m=8,t=1,p=1$")
    production = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"})
    with production.app_context():
        strong = passwords.hash_password(PASSWORD)
        assert strong.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert passwords.verify_password(strong, PASSWORD) and not passwords.needs_rehash(strong)
        assert passwords.dummy_hash().startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.hash_password(PASSWORD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # no app: the defaults


def test_signup_refuses_short_common_and_mismatched_passwords_keeping_email(app, client):
    for password, confirm, message in [
        ("short", "short", "at least 8 characters"),
        ("password123", "password123", "too common"),
        ("a good long one", "a different one", "do not match"),
    ]:
        response = _signup(client, "keep@example.com", password, confirm)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html
        assert 'value="keep@example.com"' in html
    with app.app_context():
        assert User.select().count() == 0


def test_signup_refuses_duplicate_email(client, make_user):
    make_user("taken@example.com")
    response = _signup(client, "TAKEN@example.com")
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)


def test_login_and_wrong_password(client, make_user):
    make_user("ada@example.com")
    bad = _login(client, "ada@example.com", "wrong password here")
    assert bad.status_code == 422
    assert "Wrong email or password" in bad.get_data(as_text=True)
    assert client.get("/").status_code == 302
    good = _login(client, "ADA@example.com", PASSWORD)
    assert good.status_code == 302 and good.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_unknown_email_gets_the_same_message(client):
    response = _login(client, "nobody@example.com", PASSWORD)
    assert response.status_code == 422
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_remember_me_sets_a_persistent_cookie(client, make_user):
    make_user("ada@example.com")
    response = _login(client, "ada@example.com", PASSWORD, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "Expires=" in c for c in cookies)
    plain = _login(client.application.test_client(), "ada@example.com", PASSWORD)
    assert not any(c.startswith("remember_token=") for c in plain.headers.getlist("Set-Cookie"))


def test_safe_next_redirect(client, make_user):
    make_user("ada@example.com")
    response = client.get("/people/")
    assert response.status_code == 302 and "next=" in response.headers["Location"]
    ok = _login(client, "ada@example.com", PASSWORD, next_url="/people/")
    assert ok.headers["Location"] == "/people/"
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        other = client.application.test_client()
        response = _login(other, "ada@example.com", PASSWORD, next_url=evil)
        assert response.headers["Location"] == "/", evil


@pytest.mark.parametrize("evil", ["/%0D%0ASet-Cookie:%20x=1", "/people/%0Aevil", "/%00", "/people/%09x", "/%7F"])
def test_a_next_with_control_characters_is_treated_as_absent(client, make_user, evil):
    """A header-splitting `next` is ignored: the login goes on to Today, no cookie is planted, no server error."""
    make_user("ada@example.com")
    response = _login(client, "ada@example.com", PASSWORD, next_url=evil)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert not any(c.startswith("x=") for c in response.headers.getlist("Set-Cookie"))


def test_logout_is_post_only_and_clears_site_data(ada):
    assert ada.get("/logout").status_code == 405
    response = ada.post("/logout")
    assert response.status_code == 302
    assert "storage" in response.headers["Clear-Site-Data"]
    assert ada.get("/").status_code == 302


def test_post_without_csrf_token_is_rejected(ada, app):
    response = ada.client.post("/logout")
    assert response.status_code == 400
    assert ada.get("/").status_code == 200  # still logged in
    bare = app.test_client()
    response = bare.post("/signup", data={"email": "x@example.com", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    with app.app_context():
        assert User.select().where(User.email == "x@example.com").count() == 0


def test_change_password_ends_other_sessions(app, login):
    ada = login("ada@example.com")
    other_device = app.test_client()
    _login(other_device, "ada@example.com", PASSWORD)
    assert other_device.get("/").status_code == 200

    wrong = ada.post("/account", data={"current": "not it at all", "password": "a brand new secret", "confirm": "a brand new secret"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)

    response = ada.post("/account", data={"current": PASSWORD, "password": "a brand new secret", "confirm": "a brand new secret"})
    assert response.status_code == 302
    assert ada.get("/").status_code == 200  # this device stays in
    assert other_device.get("/").status_code == 302  # the other is signed out
    fresh = app.test_client()
    assert _login(fresh, "ada@example.com", PASSWORD).status_code == 422
    assert _login(fresh, "ada@example.com", "a brand new secret").status_code == 302


def test_the_csrf_token_changes_at_login_and_logout(client, make_user):
    """A shared phone: the previous user's form token is refused in the next user's session."""
    make_user("ada@example.com")
    make_user("bob@example.com")
    before_login = csrf_from(client.get("/login").get_data(as_text=True))
    assert _login(client, "ada@example.com", PASSWORD).status_code == 302
    adas = csrf_from(client.get("/account").get_data(as_text=True))
    assert adas != before_login
    assert client.post("/logout", data={"csrf_token": adas}).status_code == 302
    assert csrf_from(client.get("/login").get_data(as_text=True)) != adas
    assert _login(client, "bob@example.com", PASSWORD).status_code == 302
    bobs = csrf_from(client.get("/account").get_data(as_text=True))
    assert bobs != adas
    # Ada's old token, replayed in Bob's session on a state-changing form (turn the calendar feed on): refused.
    refused = client.post("/account/calendar", data={"action": "on", "csrf_token": adas})
    assert refused.status_code == 400 and "Please try again" in refused.get_data(as_text=True)
    with client.application.app_context():
        assert User.by_email("bob@example.com").calendar_token is None
    assert client.post("/account/calendar", data={"action": "on", "csrf_token": bobs}).status_code < 400
    with client.application.app_context():
        assert User.by_email("bob@example.com").calendar_token is not None
