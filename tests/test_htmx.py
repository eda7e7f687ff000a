"""htmx conventions: fragment by HX-Target, Vary, HX-Redirect for anonymous htmx requests."""
from urllib.parse import parse_qs, urlsplit

from flask_login import login_required

from journal.web import render


def _register_probe(app):
    @app.route("/probe")
    @login_required
    def probe():
        return render("probe.html", partials={"probe-fragment": "_probe.html"})

    app.jinja_loader.searchpath.append(str(app.config["PROBE_DIR"]))


def test_fragment_only_when_target_matches(app, login, tmp_path):
    (tmp_path / "probe.html").write_text('{% extends "base.html" %}{% block content %}<div id="probe-fragment">{% include "_probe.html" %}</div>{% endblock %}')
    (tmp_path / "_probe.html").write_text("<p>fragment body</p>")
    app.config["PROBE_DIR"] = tmp_path
    _register_probe(app)
    ada = login()

    full = ada.get("/probe")
    assert "<html" in full.get_data(as_text=True) and "fragment body" in full.get_data(as_text=True)

    fragment = ada.hx("/probe", "probe-fragment")
    assert fragment.get_data(as_text=True) == "<p>fragment body</p>"
    assert {"HX-Request", "HX-Target"} <= set(v.strip() for v in fragment.headers["Vary"].split(","))

    # A boosted link or history restore is htmx too, but targets something else: full page.
    other = ada.client.get("/probe", headers={"HX-Request": "true", "HX-Target": "main", "HX-Boosted": "true"})
    assert "<html" in other.get_data(as_text=True)
    restore = ada.client.get("/probe", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_anonymous_htmx_request_gets_hx_redirect(client):
    response = client.get(
        "/people/",
        headers={"HX-Request": "true", "HX-Target": "people-list", "HX-Current-URL": "http://localhost/people/?tag=vip"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")
    query = parse_qs(urlsplit(response.headers["HX-Redirect"]).query)
    assert query["next"] == ["/people/?tag=vip"]
    assert "Location" not in response.headers
    assert client.get("/people/").status_code == 302

