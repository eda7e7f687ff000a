"""The installable app: web manifest, service worker, offline page, versioned static files, outbox token."""
import hashlib
import json
import os
import stat as stat_module

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

bp = Blueprint("pwa", __name__)

THEME = "#1f6f5c"
# Every page's scripts, in the order they run (deferred): htmx, the outbox (shared with the service worker), then
# ours by concern; core.js first, as the others use what it shares.
SCRIPTS = ["vendor/htmx-2.0.11/htmx.min.js", "js/outbox.js", "js/core.js", "js/forms.js", "js/capture.js",
           "js/offline.js", "js/logout.js", "js/share.js", "js/push.js"]
# Static files every page needs; the service worker keeps them for offline use.
PRECACHE = ["css/app.css", *SCRIPTS, "icons/sprite.svg", "icons/icon.svg", "icons/icon-192.png"]
_versions = {}


def static_version(filename):
    """A short hash of a static file's bytes: its URL changes when the file does, so browsers may keep it."""
    path = os.path.join(current_app.static_folder, filename)
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat_module.S_ISREG(stat.st_mode):
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _versions:
        with open(path, "rb") as handle:
            _versions[key] = hashlib.sha256(handle.read()).hexdigest()[:10]
    return _versions[key]


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest: what the phone needs to install Rapport on the home screen."""
    icon = lambda name, size, purpose: {"src": url_for("static", filename=f"icons/{name}"), "sizes": size,  # noqa: E731
                                        "type": "image/png", "purpose": purpose}
    body = {
        "id": url_for("today.index"),
        "name": "Rapport: customers as friends",
        "short_name": "Rapport",
        "description": "A pocket journal for the people you sell to: capture after a visit, a brief before a call.",
        "start_url": url_for("today.index"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": "#f6f4ef",  # the page background (--bg in app.css): no flash on launch
        "icons": [icon("icon-192.png", "192x192", "any"), icon("icon-512.png", "512x512", "any"),
                  icon("maskable-512.png", "512x512", "maskable")],
        "shortcuts": [{"name": "Capture a note", "url": url_for("capture.index"),
                       "icons": [{"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192"}]}],
    }
    return Response(json.dumps(body), mimetype="application/manifest+json", headers={"Cache-Control": "no-cache"})


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from the root so that its scope is the whole app."""
    with open(os.path.join(current_app.static_folder, "sw.js"), encoding="utf-8") as handle:
        source = handle.read()
    urls = [url_for("static", filename=name) for name in PRECACHE] + [url_for("pwa.offline")]
    # The cache name follows every precached file and the worker itself: any change installs afresh.
    version = hashlib.sha256(("\n".join(urls) + source).encode()).hexdigest()[:12]
    names = {"token": url_for("pwa.outbox_token"), "touches": url_for("capture.save"),
             "offline": url_for("pwa.offline"), "capture": url_for("capture.index"), "today": url_for("today.index"),
             "outbox": url_for("static", filename="js/outbox.js"), "static": current_app.static_url_path + "/",
             "brief": url_for("people.brief", contact_id=0)[:-1],
             "icon": url_for("static", filename="icons/icon-192.png")}
    header = (f"const VERSION = {json.dumps(version)};\nconst PRECACHE = {json.dumps(urls)};\n"
              f"const RAPPORT_URLS = {json.dumps(names)};\n")
    return Response(header + source, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.route("/offline")
def offline():
    """The page the service worker shows for a page this phone has not kept (no customer data in it)."""
    response = Response(render_template("pwa/offline.html", section="offline"))
    # Cached by the service worker for every visitor: it must not depend on who asked.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/outbox/token")
@login_required
def outbox_token():
    """A fresh CSRF token (and whose outbox may be sent) for replaying notes captured offline."""
    response = jsonify(token=generate_csrf(), user=str(current_user.id))
    response.headers["Cache-Control"] = "no-store"
    return response


def static_url(filename):
    """url_for('static', ...) worked out once per request and file: icons repeat it in every row."""
    cache = g.setdefault("static_urls", {})
    if filename not in cache:
        cache[filename] = url_for("static", filename=filename)
    return cache[filename]


def init_app(app):
    """Version static URLs (`?v=hash`) and let browsers keep versioned files for a year."""
    app.jinja_env.globals["static_url"] = static_url

    @app.url_defaults
    def version_static(endpoint, values):
        """Add the file's content hash to every url_for('static', ...)."""
        if endpoint == "static" and "v" not in values:
            version = static_version(values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def cache_static(response):
        """A static file asked for by its current version never changes: cache it for good."""
        if request.endpoint == "static" and response.status_code == 200:
            version = request.args.get("v")
            if version and version == static_version(request.view_args.get("filename", "")):
                response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
