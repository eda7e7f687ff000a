"""`make run` on a fresh instance folder, as a developer runs it: gunicorn and the Huey consumer start together, an
import and a spreadsheet export are done in the background by the real consumer, and Ctrl-C stops both processes.

Nothing is timed: each wait has a generous deadline, for a busy 2-core machine (the first `make run` may even have
to check the virtualenv's packages).
"""
import http.cookiejar
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest
from helpers import free_port, process_tree, wait_for
from openpyxl import load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "correct horse battery"
# Configuration that would point the processes somewhere else than the fresh instance folder.
FOREIGN = ("DATABASE_URL", "TEST_DATABASE_URL", "HUEY_URL", "JOBS_DIR", "SECRET_KEY", "RATELIMIT_STORAGE_URI",
           "MAKEFLAGS", "MFLAGS", "MAKELEVEL")

pytestmark = pytest.mark.integration


def alive(pid):
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Browser:
    """Just enough of a browser: cookies, following redirects, forms with the CSRF token."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, data=None, headers=None, content_type=None):
        """(status, body bytes) of a GET, or of a POST when `data` is given."""
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def page(self, path, target=None):
        """A page's text (as htmx asks for a fragment when `target` names the element)."""
        headers = {"HX-Request": "true", "HX-Target": target} if target else {}
        status, body = self.request(path, headers=headers)
        assert status in (200, 422), (path, status, body[:500])
        return body.decode()

    def post(self, path, fields, files=None):
        """Submit a form (multipart when it sends a file); return the answer's text."""
        token = re.search(r'name="csrf-token" content="([^"]+)"', self.page("/account")).group(1)
        fields = {**fields, "csrf_token": token}
        if files:
            boundary, body = encode_multipart({**fields, **files})
            status, answer = self.request(path, body, content_type=f"multipart/form-data; boundary={boundary}")
        else:
            status, answer = self.request(path, urllib.parse.urlencode(fields).encode(),
                                          content_type="application/x-www-form-urlencoded")
        assert status == 200, (path, status, answer[:500])
        return answer.decode()

    def sign_up(self, email):
        """Create an account through the sign-up form (it signs in)."""
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', self.page("/signup")).group(1)
        status, body = self.request("/signup", urllib.parse.urlencode(
            {"email": email, "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token}).encode())
        assert status == 200 and "Welcome to Rapport" in body.decode(), body[:500]


@pytest.fixture
def make_run(tmp_path):
    """`make run` on a free port with a fresh instance folder; yields (base URL, make's process), then stops it."""
    if not shutil.which("make"):
        pytest.skip("make is not installed (apt-get install make)")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), WORKERS="1")
    log = open(tmp_path / "make-run.log", "wb")
    make = subprocess.Popen(["make", "run", f"PORT={port}", "HOST=127.0.0.1"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    started = {}
    try:
        yield f"http://127.0.0.1:{port}", make, started
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGINT)
            try:
                make.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(make.pid, signal.SIGKILL)
        for pid in started:  # only what this test started, should it have outlived make
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        log.close()
        print((tmp_path / "make-run.log").read_text(errors="replace")[-4000:])


def test_make_run_serves_the_app_and_its_background_jobs_then_ctrl_c_stops_both(make_run):
    base, make, started = make_run
    web = Browser(base)

    def healthy():
        """True once gunicorn answers (fails at once if make gave up)."""
        assert make.poll() is None, "make run stopped before serving"
        try:
            return web.request("/healthz")[0] == 200
        except OSError:
            return False

    wait_for(healthy, 300, "gunicorn to answer /healthz")
    tree = wait_for(lambda: (lambda t: t if any("huey_consumer" in c for c in t.values()) else None)(
        process_tree(make.pid)), 60, "the consumer to start")
    started.update({pid: cmd for pid, cmd in tree.items() if "gunicorn" in cmd or "huey_consumer" in cmd})
    assert any("gunicorn" in cmd for cmd in started.values()) and any("huey_consumer" in cmd for cmd in started.values())

    web.sign_up("maker@example.com")

    # An import: the consumer checks the file (the preview), then writes the people once confirmed.
    csv = "name,company,emails\nZoë Martin,Acme,zoe@acme.example\n佐藤 健,Sakura Foods,\n".encode("utf-8")
    html = web.post("/import", {}, files={"file": FileStorage(io.BytesIO(csv), "team.csv", content_type="text/csv")})
    job = re.search(r"/import/jobs/(\d+)", html).group(1)
    preview = wait_for(lambda: (lambda h: h if "people in team.csv" in h or 'id="file-error"' in h else None)(
        web.page(f"/import/jobs/{job}", "import-job")), 120, "the import's preview")
    assert "2 people in team.csv" in preview and "2 ready to import" in preview, preview
    web.post(f"/import/jobs/{job}/confirm", {})
    done = wait_for(lambda: (lambda h: h if "Imported" in h or "could not" in h else None)(
        web.page(f"/import/jobs/{job}", "import-job")), 120, "the import to be written")
    assert "Imported 2 people." in done, done

    # A spreadsheet export, written by the consumer, fetched once.
    html = web.post("/export/prepare", {"format": "xlsx"})
    job = re.search(r"/export/jobs/(\d+)", html).group(1)
    ready = wait_for(lambda: (lambda h: h if "Your file is ready" in h or "could not be prepared" in h else None)(
        web.page(f"/export/jobs/{job}", "export-progress")), 120, "the export to be prepared")
    assert "Your file is ready" in ready and "2 people" in ready, ready
    status, data = web.request(re.search(r'href="(/export/jobs/\d+/file)"', ready).group(1))
    assert status == 200
    book = load_workbook(io.BytesIO(data))
    assert [row[1] for row in book["Contacts"].iter_rows(values_only=True)] == ["name", "Zoë Martin", "佐藤 健"]
    assert web.request(f"/export/jobs/{job}/file")[0] == 404  # once

    # Ctrl-C: the terminal sends SIGINT to make's process group; both processes stop.
    os.killpg(make.pid, signal.SIGINT)
    make.wait(timeout=120)
    wait_for(lambda: not any(alive(pid) for pid in started), 60, "gunicorn and the consumer to stop")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=5).close()
