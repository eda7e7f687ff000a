"""`make drill`: the scale-out path of docs/deploy.md on loopback, with one whole app instance killed under load.

Starts, in a temporary folder, everything docs/deploy.md puts in production, on 127.0.0.1 only:
- PostgreSQL: the machine's running cluster (Debian's postgresql-15, `pg_ctlcluster 15 main start` when it is down),
  in a fresh database rapport_team_drill made for the run and dropped after it (--pg-url names a role with CREATEDB);
- Redis (redis-server, no persistence) for the job queue (HUEY_URL) and the login throttle (RATELIMIT_STORAGE_URI);
- two app instances, each a gunicorn (gunicorn.conf.py, --workers each) in its own process group, and one Huey
  consumer, all with the same SECRET_KEY and JOBS_DIR;
- nginx (installed with apt-get when missing) with the upstream and location of docs/deploy.md, in plain HTTP (TLS
  is nginx's alone and no part of what is checked), with `X-Upstream` added to answers to tell the instances apart.
Then runs the load test's mix (tests/load/locustfile.py: 80% readers, 20% writers, each user with its own
X-Forwarded-For, as a load balancer in front of nginx sends; TRUSTED_PROXIES=2) through nginx with --users users,
starts a background export, and a third of the way into the steady window sends SIGKILL to the whole process group of
instance A (master and workers).

Checks (exit 1 when one fails): every acknowledged save is in the database exactly once with its person; no request
failed but those cut by the kill (a 502 or a lost connection within 15 s of it, counted apart); the login throttle
held across both instances (10 attempts a minute per address, 5 failed per account, counted in Redis, with both
instances answering); the calendar link and a direct export still served after the kill; the export started before
the kill finished on the consumer and downloads; integrity afterwards (no duplicate client id, no touch without its
person, the search index in step with the touches). Prints Markdown for docs/benchmarks.md. Stops everything it
started, whatever happens.

Usage: .venv/bin/python tests/load/drill.py [--users 100] [--steady 90] [--workers 2] [--keep]
"""
import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import run  # noqa: E402  (tests/load/run.py: the samples, percentiles and records of the load test)

PASSWORD = run.PASSWORD
SECRET = "drill secret, not for production"
DATABASE = "rapport_team_drill"
KILL_WINDOW_S = 15
CUT_STATUSES = {0, 502, 504}
NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    log_format drill '$msec $status $request_method "$uri" up=[$upstream_addr] upstatus=[$upstream_status] rt=$request_time';
    access_log {tmp}/nginx-access.log drill;

    # docs/deploy.md, section 3 (the two instances on loopback ports; TLS left out)
    upstream rapport {{
        server 127.0.0.1:{port_a} max_fails=3 fail_timeout=10s;
        server 127.0.0.1:{port_b} max_fails=3 fail_timeout=10s;
        keepalive 16;
        keepalive_timeout 4s;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 32m;
        location / {{
            proxy_pass http://rapport;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout http_502 http_503;
            add_header X-Upstream $upstream_addr always;  # the drill's only addition: which instance answered
        }}
    }}
}}
"""


def free_port():
    """An unused TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Everything the drill started, each in its own process group, stopped in reverse order by stop_all()."""

    def __init__(self, tmp):
        self.tmp, self.started = tmp, []

    def start(self, name, cmd, env=None):
        """Start `cmd` in a new process group, its output in <tmp>/<name>.log."""
        log = open(os.path.join(self.tmp, f"{name}.log"), "ab")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env or os.environ.copy(), stdout=log, stderr=log,
                                start_new_session=True)
        self.started.append((name, proc))
        return proc

    def stop_all(self):
        """SIGTERM each group, then SIGKILL what is left after 15 s."""
        for name, proc in reversed(self.started):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.time() + 15
        for name, proc in reversed(self.started):
            try:
                proc.wait(timeout=max(deadline - time.time(), 0.1))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # workers left behind by a master that is already gone
            except ProcessLookupError:
                pass


def wait_for(check, what, deadline_s=60):
    """Call check() until it is true; raise after deadline_s."""
    deadline = time.time() + deadline_s
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {deadline_s} s")


class Client:
    """A browser seen through nginx: one connection, its cookies, its own X-Forwarded-For address."""

    def __init__(self, port, address):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method, path, form=None):
        """(status, headers, body) of one request on a fresh connection."""
        headers = {"X-Forwarded-For": self.address, "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, rest = value.split("=", 1)
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def token(self, path="/login"):
        """The CSRF token of a page."""
        _, _, page = self.request("GET", path)
        return re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()

    def login(self, email, password=PASSWORD):
        """(status, the instance that answered) of one login attempt through the form."""
        status, headers, _ = self.request("POST", "/login", {"email": email, "password": password,
                                                             "csrf_token": self.token()})
        return status, headers.get("X-Upstream", "")


def pg_connect(admin_url, dbname=None):
    """A psycopg connection (autocommit) for `admin_url`'s role, to `dbname` or the URL's own database."""
    import psycopg
    parts = urllib.parse.urlsplit(admin_url)
    return psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=urllib.parse.unquote(parts.username or ""),
                           password=urllib.parse.unquote(parts.password or ""),
                           dbname=dbname or parts.path.lstrip("/") or "postgres", autocommit=True)


def app_url(admin_url, pool_size):
    """The app's DATABASE_URL for the drill's database (pooled, as docs/deploy.md says)."""
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(("postgresql+pool", parts.netloc, "/" + DATABASE,
                                    f"max_connections={pool_size}&stale_timeout=300", ""))


def ensure_services(args):
    """nginx installed (apt-get) and PostgreSQL answering (the Debian cluster started when it is down)."""
    if shutil.which("nginx") is None:
        print("nginx is missing: apt-get install -y nginx", flush=True)
        subprocess.run(["apt-get", "install", "-y", "nginx"], check=True, stdout=subprocess.DEVNULL)
    parts = urllib.parse.urlsplit(args.pg_url)
    ready = ["pg_isready", "-q", "-h", parts.hostname, "-p", str(parts.port or 5432)]
    if subprocess.run(ready).returncode != 0:
        print("PostgreSQL is down: pg_ctlcluster 15 main start", flush=True)
        subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=True)
        wait_for(lambda: subprocess.run(ready).returncode == 0, "PostgreSQL")
    for tool in ("redis-server", "nginx"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed")


def fill(url, tmp, args):
    """Migrate the fresh database and fill it: the load test's accounts, one big account for the export and the
    calendar, one for the throttle check. Returns the calendar feed's path."""
    os.environ["INSTANCE_PATH"] = tmp
    from journal import create_app, demo, migrate
    from journal.db import db
    from journal.models import User

    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    today = datetime.date.today()
    with app.app_context():
        migrate.upgrade(backup_dir=os.path.join(tmp, "backups"))
        for i in range(args.accounts):
            user = User.register(f"load{i}@example.com", PASSWORD)
            demo.write(user, demo.generate(random.Random(args.seed + i), args.contacts, today))
        big = User.register("export@example.com", PASSWORD)
        demo.write(big, demo.generate(random.Random(args.seed + 1000), args.export_people, today))
        big.new_calendar_token()
        User.register("throttle@example.com", PASSWORD)
        token = User.by_email("export@example.com").calendar_token
        db.execute_sql("ANALYZE")
        db.close()
    return f"/calendar/{token}.ics"


def check_throttle(port):
    """The login throttle across both instances: 10 attempts a minute per address, 5 failed per account.

    Returns (ok, what was seen)."""
    attacker = Client(port, "203.0.113.7")
    answers = []
    for i in range(12):
        if i % 2:
            # nginx takes the instances in turns and each login is two requests (the form, then the POST): one more
            # request now and then lets both instances count attempts.
            attacker.request("GET", "/healthz")
        answers.append(attacker.login(f"nobody{i}@example.com", "wrong password"))
    statuses = [status for status, _ in answers]
    upstreams = {up for status, up in answers if status == 422}
    by_address = statuses[:10] == [422] * 10 and statuses[10:] == [429, 429] and len(upstreams) == 2
    guesses = []
    for i in range(6):
        guesser = Client(port, f"198.51.100.{i + 1}")
        if i % 2:
            guesser.request("GET", "/healthz")
        guesses.append(guesser.login("throttle@example.com", "wrong password"))
    account_statuses = [status for status, _ in guesses]
    account_upstreams = {up for status, up in guesses if status == 422}
    by_account = account_statuses[:5] == [422] * 5 and account_statuses[5] == 429 and len(account_upstreams) == 2
    seen = (f"one address: {statuses.count(422)} refused logins then {statuses.count(429)} × 429 "
            f"(instances answering: {len(upstreams)}); one account from 6 addresses: "
            f"{account_statuses.count(422)} refused then {account_statuses.count(429)} × 429 "
            f"(instances answering: {len(account_upstreams)})")
    return by_address and by_account, seen


def job_status(admin_url, job_id):
    """(status, done, total) of a background job."""
    with pg_connect(admin_url, DATABASE) as conn:
        return conn.execute("SELECT status, done, total FROM job WHERE id = %s", (job_id,)).fetchone()


def rotation(access_log, dead, killed_at):
    """What nginx's log shows after the kill: requests that tried the dead instance, the last such try (seconds after
    the kill), and the answers nginx gave while doing so."""
    tries, last, statuses, total, buckets = 0, None, {}, 0, {}
    with open(access_log, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            when = float(parts[0])
            if when < killed_at:
                continue
            total += 1
            if f"127.0.0.1:{dead}" not in line:
                continue
            tries += 1
            last = when - killed_at
            bucket = int(last // 10) * 10
            buckets[bucket] = buckets.get(bucket, 0) + 1
            statuses[parts[1]] = statuses.get(parts[1], 0) + 1
    spread = ", ".join(f"{b}–{b + 10} s: {n}" for b, n in sorted(buckets.items()))
    return tries, last, statuses, total, spread


def integrity(admin_url, acked):
    """Every acknowledged save once with its person, and the database's consistency; returns (problems, facts)."""
    problems = []
    with pg_connect(admin_url, DATABASE) as conn:
        lost, doubled = 0, 0
        for entry in acked:
            count = conn.execute(
                'SELECT count(*) FROM touch t JOIN "user" u ON u.id = t.user_id '
                "JOIN touch_contact tc ON tc.touch_id = t.id AND tc.contact_id = %s WHERE t.uuid = %s AND u.email = %s",
                (entry["contact_id"], entry["uuid"], entry["email"])).fetchone()[0]
            lost += count == 0
            doubled += count > 1
        if lost or doubled:
            problems.append(f"{lost} acknowledged saves missing, {doubled} stored twice")
        duplicates = conn.execute("SELECT count(*) FROM (SELECT 1 FROM touch GROUP BY user_id, uuid "
                                  "HAVING count(*) > 1) AS d").fetchone()[0]
        unlinked = conn.execute("SELECT count(*) FROM touch t WHERE NOT EXISTS "
                                "(SELECT 1 FROM touch_contact tc WHERE tc.touch_id = t.id)").fetchone()[0]
        touches = conn.execute("SELECT count(*) FROM touch").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM search_index WHERE kind = 4").fetchone()[0]
        foreign = conn.execute("SELECT count(*) FROM touch_contact tc WHERE NOT EXISTS "
                               "(SELECT 1 FROM contact c WHERE c.id = tc.contact_id AND c.user_id = tc.user_id)").fetchone()[0]
        if duplicates:
            problems.append(f"{duplicates} client ids stored twice")
        if unlinked:
            problems.append(f"{unlinked} touches without their person")
        if indexed != touches:
            problems.append(f"search index holds {indexed} touches of {touches}")
        if foreign:
            problems.append(f"{foreign} links to another account's person")
    facts = (f"{len(acked):,} acknowledged saves each found once with their person; {touches:,} touches, all linked "
             f"and indexed; no client id twice" if not problems else "; ".join(problems))
    return problems, facts


def main():
    """Set up, load, kill, check, report; exit 1 when a correctness check fails."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--steady", type=int, default=90, help="seconds of load once every user has logged in")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--contacts", type=int, default=200, help="demo people per load-test account")
    parser.add_argument("--export-people", type=int, default=3000, help="people of the account whose export runs")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=os.environ.get("DRILL_PG_URL", "postgresql://rapport:rapport@127.0.0.1:5432/postgres"),
                        help="a role with CREATEDB on the running cluster")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and the database")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="rapport-drill-")
    procs = Processes(tmp)
    failures, lines = [], []
    began = time.time()
    try:
        ensure_services(args)
        with pg_connect(args.pg_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            conn.execute(f"CREATE DATABASE \"{DATABASE}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
                         "LC_CTYPE 'C.UTF-8'")
        redis_port, port_a, port_b, port = free_port(), free_port(), free_port(), free_port()
        procs.start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", tmp])
        calendar = fill(app_url(args.pg_url, 2), tmp, args)
        print(f"filled in {time.time() - began:.0f} s", flush=True)
        os.makedirs(os.path.join(tmp, "jobs"))
        env = dict(os.environ, SECRET_KEY=SECRET, DATABASE_URL=app_url(args.pg_url, 2), TRUSTED_PROXIES="2",
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_port}/0", HUEY_URL=f"redis://127.0.0.1:{redis_port}/1",
                   JOBS_DIR=os.path.join(tmp, "jobs"), INSTANCE_PATH=tmp, WORKERS=str(args.workers))
        gunicorn = os.path.join(BIN, "gunicorn")
        instances = {}
        for name, p in (("a", port_a), ("b", port_b)):
            instances[name] = procs.start(f"gunicorn-{name}", [gunicorn, "--config", run.GUNICORN_CONF, "--bind",
                                                               f"127.0.0.1:{p}", "app:app"], env)
        # The consumer's pool: its two worker threads (docs/deploy.md).
        procs.start("consumer", [os.path.join(BIN, "huey_consumer"), "app.huey", "--workers", "2", "--worker-type",
                                 "thread", "--max-delay", "1"], dict(env, DATABASE_URL=app_url(args.pg_url, 3)))
        with open(os.path.join(tmp, "nginx.conf"), "w", encoding="utf-8") as fh:
            fh.write(NGINX_CONF.format(tmp=tmp, port=port, port_a=port_a, port_b=port_b))
        procs.start("nginx", ["nginx", "-p", tmp, "-c", os.path.join(tmp, "nginx.conf"), "-g", "daemon off;"])
        for p in (port_a, port_b):
            wait_for(lambda p=p: len(run.workers_of(instances["a" if p == port_a else "b"].pid)) == args.workers
                     and Client(p, "127.0.0.1").request("GET", "/healthz")[0] == 200, f"gunicorn on {p}")
        wait_for(lambda: Client(port, "127.0.0.1").request("GET", "/healthz")[0] == 200, "nginx")

        throttle_ok, throttle_seen = check_throttle(port)
        if not throttle_ok:
            failures.append("login throttle: " + throttle_seen)
        owner = Client(port, "192.0.2.50")
        assert owner.login("export@example.com")[0] in (302, 303)

        # The load: run.py's locust invocation, through nginx, each user with its own forwarded address.
        out = os.path.join(tmp, "locust")
        os.makedirs(out)
        locust_env = dict(os.environ, LOADTEST_ACCOUNTS=str(args.accounts), LOADTEST_PASSWORD=PASSWORD,
                          LOADTEST_OUT=out, LOADTEST_FORWARDED="1")
        cap = int(args.users / args.spawn_rate) + args.steady + run.LOGIN_SLACK_S
        started = time.time()
        load = procs.start("locust", [os.path.join(BIN, "locust"), "-f", os.path.join(HERE, "locustfile.py"),
                                      "--headless", "--host", f"http://127.0.0.1:{port}", "--users", str(args.users),
                                      "--spawn-rate", str(args.spawn_rate), "--run-time", f"{cap}s", "--stop-timeout",
                                      "10", "--only-summary", "--exit-code-on-error", "0", "--loglevel", "WARNING"],
                           locust_env)
        wait_for(lambda: run.count_lines(out, "logins") >= args.users or load.poll() is not None, "the users' logins",
                 run.LOGIN_SLACK_S + args.users / args.spawn_rate)
        logged_in = time.time()
        time.sleep(max(args.steady / 3 - 1, 0))
        # A background export started just before the kill: the consumer, not the killed instance, runs it.
        status, _, page = owner.request("POST", "/export/prepare", {"format": "xlsx", "csrf_token": owner.token("/export")})
        job_id = int(re.search(rb"/export/jobs/(\d+)", page).group(1))
        time.sleep(1)
        at_kill = job_status(args.pg_url, job_id)
        victim = instances["a"]
        group = [victim.pid] + run.workers_of(victim.pid)
        os.killpg(victim.pid, signal.SIGKILL)
        killed_at = time.time()
        print(f"killed instance A (pids {group}) {killed_at - started:.0f} s into the run; export job {at_kill[0]}",
              flush=True)
        connections = 0
        while load.poll() is None and time.time() < logged_in + args.steady:
            with pg_connect(args.pg_url) as conn:
                # The app's connections (the drill's own checks come and go on a connection of their own).
                connections = max(connections, conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                                            (DATABASE,)).fetchone()[0])
            time.sleep(0.5)
        load.send_signal(signal.SIGTERM)
        load.wait(timeout=60)
        stopped = time.time()

        # After the kill: the export finishes on the consumer and downloads, the calendar and a direct export answer.
        deadline = time.time() + 300
        while job_status(args.pg_url, job_id)[0] in ("queued", "running") and time.time() < deadline:
            time.sleep(0.5)
        final = job_status(args.pg_url, job_id)
        status, headers, data = owner.request("GET", f"/export/jobs/{job_id}/file")
        export_ok = final[0] == "done" and status == 200 and data[:2] == b"PK"
        if not export_ok:
            failures.append(f"background export: {final[0]}, download {status}")
        cal_status, cal_headers, cal_body = Client(port, "192.0.2.60").request("GET", calendar)
        csv_status, _, csv_body = owner.request("GET", "/export.csv")
        served_ok = (cal_status == 200 and cal_body.startswith(b"BEGIN:VCALENDAR") and csv_status == 200
                     and csv_body.count(b"\n") > args.export_people)
        if not served_ok:
            failures.append(f"after the kill: calendar {cal_status}, export.csv {csv_status}")

        samples, failed = run.read_samples(out), run.read_jsonl(out, "failures")
        acked, logins = run.read_jsonl(out, "acked"), run.read_jsonl(out, "logins")
        cut = [f for f in failed if killed_at <= f["t"] <= killed_at + KILL_WINDOW_S and f["status"] in CUT_STATUSES]
        other = [f for f in failed if f not in cut]
        if other:
            failures.append(f"{len(other)} requests failed outside the kill: {json.dumps(other[:3])}")
        never = sum(1 for entry in logins if not entry["ok"]) + args.users - len(logins)
        if never:
            failures.append(f"{never} users could not log in")
        problems, facts = integrity(args.pg_url, acked)
        failures += problems
        tries, last, answers, total_after, spread = rotation(os.path.join(tmp, "nginx-access.log"), port_a, killed_at)
        steady = [s for s in samples if logged_in <= s[0] <= stopped]
        whole = run.summarize(samples)
        after = run.summarize([s for s in samples if killed_at + KILL_WINDOW_S <= s[0] <= stopped])
        replays = [a for a in acked if a.get("replay")]
        cut_names = {}
        for f in cut:
            cut_names[f["name"]] = cut_names.get(f["name"], 0) + 1
        lines += [
            f"Drill of {datetime.date.today().isoformat()} ({run.machine_name()}; load average before "
            f"{os.getloadavg()[0]:.1f} at the end): {args.users} users ({args.accounts} accounts × {args.contacts} people, "
            f"20% writers) through nginx to 2 gunicorn instances × {args.workers} workers, PostgreSQL 15, Redis, one Huey "
            f"consumer; instance A's process group ({len(group)} processes) got SIGKILL "
            f"{killed_at - started:.0f} s into a {stopped - started:.0f} s run; the whole drill took "
            f"{time.time() - began:.0f} s.", "",
            "| check | result |", "|---|---|",
            f"| requests | {whole['count']:,}, median {run.fmt(whole['median'])} ms, p95 {run.fmt(whole['p95'])} ms, "
            f"p99 {run.fmt(whole['p99'])} ms (steady window: {len(steady):,}; from 15 s after the kill: p95 "
            f"{run.fmt(after['p95'])} ms, p99 {run.fmt(after['p99'])} ms) |",
            f"| failed, cut by the kill (502 or no answer within {KILL_WINDOW_S} s) | {len(cut)}"
            f"{' (' + ', '.join(f'{n} {name}' for name, n in sorted(cut_names.items())) + ')' if cut else ''} |",
            f"| failed otherwise | {len(other)} |",
            f"| acknowledged saves | {len(acked):,} ({len(replays)} sent again from an outbox: "
            f"{sum(1 for a in replays if a['status'] == 201)} stored then, {sum(1 for a in replays if a['status'] == 200)} "
            "already stored) |",
            f"| saves lost or doubled, integrity | {facts} |",
            f"| login throttle (Redis, both instances) | {'held' if throttle_ok else 'FAILED'}: {throttle_seen} |",
            f"| background export started before the kill | {at_kill[0]} at the kill ({at_kill[1]}/{at_kill[2]} people), "
            f"then {final[0]}; download {status}, {len(data) / 1024:.0f} KB |",
            f"| after the kill | calendar link {cal_status} ({cal_headers.get('Content-Type', '')}), "
            f"/export.csv {csv_status} |",
            f"| PostgreSQL connections of the app at most (sampled every 0.5 s) | {connections} (pools: "
            f"{args.workers} workers × 2 per instance, 3 for the consumer) |",
            f"| the dead instance in nginx's rotation | tried by {tries} of the {total_after:,} requests after the kill "
            f"(by 10 s after it: {spread or 'none'}), the last {run.fmt(last, 1)} s after it (max_fails=3 "
            f"fail_timeout=10s); nginx's answers to them: "
            f"{', '.join(f'{n} × {s}' for s, n in sorted(answers.items())) or 'none'} |",
        ]
        print()
        print("\n".join(lines))
        print()
    except Exception as error:  # noqa: BLE001 - a drill that cannot run says why and fails
        failures.append(f"the drill could not run: {error!r} (logs in {tmp})")
        args.keep = True
    finally:
        procs.stop_all()
        if not args.keep:
            try:
                with pg_connect(args.pg_url) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            except Exception:  # noqa: BLE001 - a database left behind is dropped by the next run
                pass
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp} and database {DATABASE}")
    for failure in failures:
        print("FAIL " + failure)
    print("drill: " + ("every check passed" if not failures else "a correctness check failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
