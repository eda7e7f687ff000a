"""Sessions end on the server: logout kills a copied cookie, "log out everywhere" and a password change
end the other browsers, idle sessions expire, and production cookies are Secure, HttpOnly and Lax."""
import datetime

from helpers import PASSWORD, csrf_from

from journal import create_app
from journal.models import AuditEvent, User, UserSession


def sign_in(app, email="ada@example.com", remember=False):
    """A fresh browser (test client) logged in through the form."""
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"email": email, "password": PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/131.0 Mobile Safari/537.36"})
    assert response.status_code == 302
    return client


def copy_of(app, client, name):
    """Another browser that holds a copy of one of `client`'s cookies (a stolen or copied cookie)."""
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def signed_in(client):
    """True when the browser gets Today rather than the login page."""
    return client.get("/").status_code == 200


def post(client, url, **data):
    """POST a form with the page's CSRF token."""
    token = csrf_from(client.get("/account").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_logout_makes_a_copied_session_cookie_worthless(app, make_user):
    """A copy of the session cookie works until its owner logs out, then never again."""
    make_user()
    browser = sign_in(app)
    thief = copy_of(app, browser, "session")
    assert signed_in(thief)
    response = post(browser, "/logout")
    assert response.status_code == 302 and response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert not signed_in(browser)
    assert not signed_in(thief)
    with app.app_context():
        assert UserSession.select().count() == 0


def test_logout_makes_a_copied_remember_me_cookie_worthless(app, make_user):
    """The remember-me cookie names the same server-side session: it dies with the logout too."""
    make_user()
    browser = sign_in(app, remember=True)
    thief = copy_of(app, browser, "remember_token")
    assert signed_in(thief)  # restored from the remember-me cookie alone
    post(browser, "/logout")
    assert not signed_in(thief)


def test_logout_ends_only_this_browser(app, make_user):
    """Logging out on the laptop leaves the phone signed in."""
    make_user()
    phone, laptop = sign_in(app), sign_in(app)
    post(laptop, "/logout")
    assert not signed_in(laptop)
    assert signed_in(phone)


def test_log_out_everywhere_ends_every_session(app, make_user):
    """'Log out everywhere' ends every browser, this one included, and is audited."""
    make_user()
    phone, laptop, remembered = sign_in(app), sign_in(app), sign_in(app, remember=True)
    stolen = copy_of(app, remembered, "remember_token")
    response = post(phone, "/logout/everywhere")
    assert response.status_code == 302 and response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "logged out everywhere (3 sessions ended)" in phone.get("/login").get_data(as_text=True)
    for browser in (phone, laptop, remembered, stolen):
        assert not signed_in(browser)
    with app.app_context():
        assert AuditEvent.select().where(AuditEvent.event == "logout everywhere").count() == 1


def test_password_change_ends_the_other_sessions_only(app, make_user):
    """A new password signs out every other browser; the one that changed it stays in."""
    make_user()
    phone, laptop = sign_in(app), sign_in(app)
    response = post(laptop, "/account", current=PASSWORD, password="a much newer secret", confirm="a much newer secret")
    assert response.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone)


def test_account_lists_the_sessions_and_marks_this_one(app, make_user):
    """The account page names each signed-in browser and which one is this."""
    make_user()
    sign_in(app)
    laptop = sign_in(app)
    html = laptop.get("/account").get_data(as_text=True)
    assert html.count("Chrome on Android") == 2
    assert html.count("this device") == 1
    assert "Log out everywhere" in html


def test_only_a_hash_of_the_token_is_stored(app, make_user):
    """The database holds the token's SHA-256, never the token the cookie carries."""
    make_user()
    browser = sign_in(app, remember=True)
    cookie = browser.get_cookie("remember_token").value
    with app.app_context():
        stored = [s.token_hash for s in UserSession.select()]
    token = cookie.split("|")[0].split(":", 1)[1]
    assert stored == [UserSession.digest(token)]
    assert token not in stored


def test_an_idle_session_expires(app, make_user):
    """A session unused for 30 days ends; one used recently keeps going."""
    make_user()
    browser = sign_in(app)
    assert signed_in(browser)
    with app.app_context():
        UserSession.update(last_seen_at=datetime.datetime.utcnow() - datetime.timedelta(days=31)).execute()
    assert not signed_in(browser)


def test_deleting_the_account_ends_its_sessions(app, make_user):
    """No session row outlives its account."""
    make_user()
    browser = sign_in(app)
    response = post(browser, "/account/delete", confirm_password=PASSWORD)
    assert response.status_code == 302
    with app.app_context():
        assert UserSession.select().count() == 0 and User.select().count() == 0


def test_production_cookies_are_secure_httponly_and_lax(tmp_path, monkeypatch):
    """With SESSION_COOKIE_SECURE=1 (production behind TLS) both cookies are Secure, HttpOnly, SameSite=Lax."""
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    from journal import migrate
    from journal.db import db

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "RATELIMIT_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"})
    with app.app_context():
        migrate.upgrade(backup_dir=str(tmp_path / "backups"))
        User.register("ada@example.com", PASSWORD)
        db.close()
    client = app.test_client()
    token = csrf_from(client.get("https://localhost/login").get_data(as_text=True))
    # Over HTTPS Flask-WTF also checks the Referer (WTF_CSRF_SSL_STRICT), as a browser sends it.
    response = client.post("https://localhost/login", data={"email": "ada@example.com", "password": PASSWORD,
                                                            "remember": "y", "csrf_token": token},
                           headers={"Referer": "https://localhost/login"})
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        flags = [part.strip().lower() for part in cookies[name].split(";")]
        assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags, cookies[name]
