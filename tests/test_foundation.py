"""The app factory, configuration, operations endpoints and the page shell."""
import os

from helpers import sqlite_only

from journal import create_app


def test_factory_uses_test_config(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret"
    assert app.config["MAX_CONTENT_LENGTH"] > 0
    assert create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite:///:memory:"}).testing is False


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    first = create_app({"DATABASE_URL": "sqlite:///:memory:"}).config["SECRET_KEY"]
    second = create_app({"DATABASE_URL": "sqlite:///:memory:"}).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "inst" / "secret_key").read_text() == first
    assert oct(os.stat(tmp_path / "inst" / "secret_key").st_mode & 0o777) == "0o600"


def test_secret_key_and_database_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite3")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["DATABASE_URL"].endswith("env.sqlite3")


@sqlite_only  # PostgreSQL needs no pragmas: foreign keys are always on, and writers wait for row locks
def test_sqlite_pragmas(app):
    from journal.db import db

    with app.app_context():
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert db.obj._lock_type == "IMMEDIATE"


def test_healthz_does_not_touch_the_database(tmp_path):
    # The database URL points at a directory that does not exist: any query would fail.
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"


def test_404_page_in_app_style_without_traceback(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Not found" in html and "Rapport" in html
    assert "Traceback" not in html


def test_500_page_hides_the_traceback(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_request_too_large_is_refused(app, ada):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = ada.post("/account", data={"current": "x" * 5000})
    assert response.status_code == 413


def test_security_headers_and_no_third_party(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in html
    assert "<script>" not in html  # no inline scripts


def test_scripts_and_styles_carry_nosniff_but_no_document_policies(client):
    """A script or style sheet is never a page: no CSP or frame policy on it (bytes on the wire); an SVG keeps them."""
    for url in ("/static/js/core.js", "/static/css/app.css", "/static/vendor/htmx-2.0.11/htmx.min.js"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["X-Content-Type-Options"] == "nosniff", url
        assert "Content-Security-Policy" not in response.headers and "X-Frame-Options" not in response.headers, url
    svg = client.get("/static/icons/sprite.svg")
    assert "script-src 'self'" in svg.headers["Content-Security-Policy"] and svg.headers["X-Frame-Options"] == "DENY"


def test_htmx_is_vendored_with_licence(app):
    folder = os.path.join(app.static_folder, "vendor", "htmx-2.0.11")
    with open(os.path.join(folder, "htmx.min.js"), encoding="utf-8") as fh:
        assert 'version:"2.0.11"' in fh.read().replace(" ", "")
    assert os.path.exists(os.path.join(folder, "LICENSE"))


def test_htmx_config_is_safe(client):
    html = client.get("/login").get_data(as_text=True)
    assert '"allowEval": false' in html
    assert '"allowScriptTags": false' in html
    assert '"historyCacheSize": 0' in html
    assert '{"code": "422", "swap": true}' in html


def test_shell_has_bottom_nav_when_logged_in(ada):
    html = ada.get("/").get_data(as_text=True)
    assert 'class="bottom-nav"' in html
    for label in ("Today", "People", "Search"):
        assert f"<span>{label}</span>" in html
    assert 'aria-label="Capture a note"' in html
    assert "Nothing due today" in html


def test_pooled_connections_move_between_threads(app, ada):
    """gunicorn's threads share the pool: a connection opened in one thread is reused by another."""
    import threading

    statuses = []

    def visit():
        statuses.append(ada.get("/people/").status_code)

    for _ in range(4):
        worker = threading.Thread(target=visit)
        worker.start()
        worker.join()
    assert statuses == [200, 200, 200, 200]


def test_templates_url_for_is_flasks_own_remembered_for_one_request(app):
    """Templates' url_for builds what Flask builds, under any script root, and forgets it with the request."""
    from flask import g, url_for

    from journal.templating import page_url

    checked = 0
    for root in ("", "/rapport"):
        with app.test_request_context("/", base_url=f"http://example.test{root}/"):
            for rule in app.url_map.iter_rules():
                if rule.endpoint == "static":
                    continue
                names = sorted(rule.arguments)
                for ids in ([1] * len(names), [40 + n for n in range(len(names))], [0] * len(names)):
                    for extra in ({}, {"page": 3}):
                        values = {**dict(zip(names, ids)), **extra}
                        assert page_url(rule.endpoint, **values) == url_for(rule.endpoint, **values)
                        checked += 1
            for endpoint, values in [("people.index", {"page": 2, "tag": "golf"}), ("static", {"filename": "css/app.css"}),
                                     ("people.brief", {"contact_id": 7, "edit": "family-3", "_anchor": "contact-family"}),
                                     ("people.brief", {"contact_id": 7, "_anchor": None}),
                                     ("people.index", {"page": 4, "tag": "Zoë & co/?#"}),
                                     ("people.index", {"tag": ["a", "b"]}),
                                     ("calendar.feed", {"token": "secret-token"})]:
                assert page_url(endpoint, **values) == url_for(endpoint, **values)
            assert page_url("today.index").startswith(root + "/")
            assert any("secret-token" in url for url in g.page_urls.values())
        with app.test_request_context("/"):
            assert "page_urls" not in g  # a new request starts with nothing of the last one's
    assert checked > 300
