"""Page weight as a phone sees it: bytes over the wire for the first load of a page, and which static
files a repeat visit still fetches from the server. Shared by the browser test and `make bench`."""
from flask import request_started
from flask import request as flask_request

from .helpers import wait_for_controller, wait_for_js


class ServerLog:
    """The paths the live server was asked for, while the `with` block runs."""

    def __init__(self, app):
        self.app = app
        self.paths = []

    def _started(self, sender, **extra):
        self.paths.append(flask_request.path)

    def __enter__(self):
        request_started.connect(self._started, self.app)
        return self

    def __exit__(self, *exc):
        request_started.disconnect(self._started, self.app)


def first_load(context, url):
    """Open `url` in a fresh context; returns [(url, resource type, bytes on the wire)] for the page's requests."""
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda req: finished.append(req))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    rows = []
    for req in finished:
        sizes = req.sizes()
        rows.append((req.url, req.resource_type, sizes["responseBodySize"] + sizes["responseHeadersSize"]))
    return page, rows


def wait_for_offline_ready(page):
    """Wait until the service worker controls the page and has its static files."""
    wait_for_controller(page)
    wait_for_js(page, "() => caches.keys().then(names => names.some(n => n.indexOf('rapport-static-') === 0))",
                what="the service worker to keep the static files")
