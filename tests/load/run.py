"""`make loadtest`: simulated salespeople against gunicorn on loopback, and a worker killed under load.

1. Builds a fresh SQLite database in a temporary instance folder: migrations, then demo data for
   several accounts (default 10 accounts x 200 people, about 2,000 touches each).
2. Starts gunicorn on 127.0.0.1 and a free port with `make run`'s settings (gunicorn.conf.py: 4 worker
   processes, one request at a time each), with login throttling off (every simulated user logs in from
   the same address).
3. Runs locust headless (tests/load/locustfile.py, 20% writers) three times: 100 users, 300 users,
   and 100 users during which one gunicorn worker gets `kill -9` (aimed at a moment when one of its
   threads is committing a write) and the master starts a new one. Each run ramps up, waits until
   every user has logged in, goes on for --steady seconds and stops; locust's --run-time bounds it.
4. After each run: requests, failures, median/p95/p99 overall and per request, for the steady window
   (every user logged in) and for the whole run (the Argon2id logins included); every acknowledged
   save looked up in the `touch` table with its person; `PRAGMA integrity_check` and
   `PRAGMA foreign_key_check`; the CPU used by locust, by gunicorn and by the whole machine.

Prints Markdown tables. Exits 1 when a correctness target fails: a failed request (in the kill run:
one that lost its connection to the killed worker in the seconds after the kill is counted apart),
a user that could not log in, an acknowledged save missing, or an integrity check that is not ok.
Latency (p99 <= 250 ms) is reported PASS/FAIL but does not change the exit code: the load
generator shares the machine's cores with the server and with whatever else runs there.

Usage: .venv/bin/python tests/load/run.py [--quick] [--users 100,300] [--kill-users 100] [--steady 60] ...
"""
import argparse
import datetime
import glob
import json
import math
import os
import platform
import random
import runpy
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GUNICORN_CONF = os.path.join(ROOT, "gunicorn.conf.py")
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, ROOT)

PASSWORD = "load test password 2026"
SECRET = "load test secret, not for production"
P99_TARGET_MS = 250
# A connection the killed worker held fails at once, or on the client's next use of it (a kept-alive
# connection): failures without an HTTP status in this many seconds after the kill are the kill's.
KILL_WINDOW_S = 15
# The kill waits this long at most for a worker thread inside fsync (74) or fdatasync (75), the x86-64
# system calls SQLite makes to commit (WAL, synchronous=FULL); failing that it kills anyway.
MID_COMMIT_WAIT_S = 15
SYNC_SYSCALLS = {"74", "75"}
# Every user logs in once while it starts; Argon2id makes each login cost about 0.2 s of CPU, so on a
# busy machine the logins can lag the ramp-up. A run waits this long for them at most.
LOGIN_SLACK_S = 180
CLK_TCK = os.sysconf("SC_CLK_TCK")


def build(tmp, accounts, contacts, seed):
    """Migrate a fresh database and fill `accounts` demo accounts; return its path."""
    path = os.path.join(tmp, "rapport.sqlite3")
    os.environ["INSTANCE_PATH"] = tmp
    from journal import create_app, demo, migrate
    from journal.db import db
    from journal.models import User

    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{path}"})
    today = datetime.date.today()
    with app.app_context():
        migrate.upgrade(backup_dir=os.path.join(tmp, "backups"))
        for i in range(accounts):
            user = User.register(f"load{i}@example.com", PASSWORD)
            demo.write(user, demo.generate(random.Random(seed + i), contacts, today))
        migrate.analyze()
        db.close()
    return path


def free_port():
    """An unused TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tmp, path, port, workers, threads):
    """gunicorn on loopback with `make run`'s settings, gunicorn.conf.py (the access log goes to a file)."""
    env = dict(os.environ, SECRET_KEY=SECRET, DATABASE_URL=f"sqlite:///{path}", INSTANCE_PATH=tmp,
               RATELIMIT_ENABLED="0")
    log = open(os.path.join(tmp, "gunicorn.log"), "ab")
    proc = subprocess.Popen(
        [os.path.join(BIN, "gunicorn"), "--config", GUNICORN_CONF, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--access-logfile", os.path.join(tmp, "access.log"),
         # gunicorn's default format, the microseconds the worker spent on the request (time in the server, not
         # queued for it) and, last, the worker's pid (to count what a respawned worker served)
         "--access-logformat", '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" us=%(D)s pid=%(p)s',
         "app:app"],
        cwd=ROOT, env=env, stdout=log, stderr=log)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            if len(workers_of(proc.pid)) == workers:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start; see " + os.path.join(tmp, "gunicorn.log"))


def proc_stat(pid):
    """(ppid, utime+stime, cutime+cstime) in seconds, or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            rest = fh.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / CLK_TCK, (int(rest[13]) + int(rest[14])) / CLK_TCK


def workers_of(master):
    """The pids of gunicorn's workers (the master's children)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(int(entry))
            if stat and stat[0] == master:
                found.append(int(entry))
    return sorted(found)


def server_cpu(master):
    """CPU seconds used by gunicorn so far: the master, its live workers and the ones it reaped."""
    own = proc_stat(master)
    return own[1] + own[2] + sum((proc_stat(w) or (0, 0, 0))[1] for w in workers_of(master))


def machine_cpu():
    """(busy, total) jiffies of the whole machine, all cores."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(v) for v in fh.readline().split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)


def kill_mid_write(pids, wait=MID_COMMIT_WAIT_S):
    """SIGKILL one worker, preferably while one of its threads is inside fsync/fdatasync (SQLite
    committing a write: the worst moment). Returns (pid, whether it was caught mid-commit)."""
    if platform.machine() == "x86_64":
        deadline = time.time() + wait
        while time.time() < deadline:
            for pid in pids:
                try:
                    tasks = os.listdir(f"/proc/{pid}/task")
                except FileNotFoundError:
                    continue
                for task in tasks:
                    try:
                        with open(f"/proc/{pid}/task/{task}/syscall", encoding="ascii") as fh:
                            number = fh.read().split(" ", 1)[0]
                    except OSError:
                        continue
                    if number in SYNC_SYSCALLS:
                        os.kill(pid, signal.SIGKILL)
                        return pid, True
            time.sleep(0.0005)
    os.kill(pids[0], signal.SIGKILL)
    return pids[0], False


def count_lines(out, kind):
    """How many lines the locust processes have written as `kind`-<pid>.jsonl so far."""
    total = 0
    for path in glob.glob(os.path.join(out, f"{kind}-*.jsonl")):
        with open(path, "rb") as fh:
            total += fh.read().count(b"\n")
    return total


def run_locust(base, out, users, spawn_rate, steady, accounts, master, kill=False, workers=2):
    """One headless locust run: ramp up, wait for every login, `steady` seconds more (the kill a third
    of the way in), then stop. locust's own --run-time bounds it in case the logins never finish."""
    os.makedirs(out)
    cap = math.ceil(users / spawn_rate) + steady + LOGIN_SLACK_S
    env = dict(os.environ, LOADTEST_ACCOUNTS=str(accounts), LOADTEST_PASSWORD=PASSWORD, LOADTEST_OUT=out)
    cmd = [os.path.join(BIN, "locust"), "-f", os.path.join(HERE, "locustfile.py"), "--headless",
           "--host", base, "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{cap}s",
           "--stop-timeout", "10", "--csv", os.path.join(out, "locust"), "--only-summary",
           "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    load_before = os.getloadavg()
    started = time.time()
    with open(os.path.join(out, "locust.log"), "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    while proc.poll() is None and count_lines(out, "logins") < users:
        time.sleep(0.2)
    logged_in = time.time()
    # CPU over the steady window: locust (one process), gunicorn (master and workers), the whole machine.
    cpu_locust, cpu_server, cpu_machine = (proc_stat(proc.pid) or (0, 0, 0))[1], server_cpu(master), machine_cpu()
    events = {"kill": None}
    if kill and proc.poll() is None:
        time.sleep(steady / 3)
        before = workers_of(master)
        victim, mid_commit = kill_mid_write(before)
        killed_at = time.time()
        respawned, new = None, []
        while time.time() - killed_at < 60:
            now = workers_of(master)
            if len(now) == workers and victim not in now:
                respawned, new = time.time() - killed_at, sorted(set(now) - set(before))
                break
            time.sleep(0.05)
        events["kill"] = {"pid": victim, "at": killed_at, "after_s": killed_at - started, "mid_commit": mid_commit,
                          "respawned_s": respawned, "new_pids": new}
    while proc.poll() is None and time.time() < logged_in + steady:
        time.sleep(0.2)
    stopped = time.time()
    busy, total = machine_cpu()
    window = max(stopped - logged_in, 1e-9)
    result = {"cpu_locust": ((proc_stat(proc.pid) or (0, 0, 0))[1] - cpu_locust) / window,
              "cpu_server": (server_cpu(master) - cpu_server) / window,
              "cpu_machine": (busy - cpu_machine[0]) / max(total - cpu_machine[1], 1) * os.cpu_count()}
    try:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"locust did not stop; see {out}/locust.log")
    elapsed = time.time() - started
    result.update({
        "users": users, "started": started, "stopped": stopped, "elapsed": elapsed, "kill": events["kill"],
        "load_before": load_before, "load_after": os.getloadavg(), "locust_exit": proc.returncode,
        "samples": read_samples(out), "failures": read_jsonl(out, "failures"), "acked": read_jsonl(out, "acked"),
        "logins": read_jsonl(out, "logins"),
    })
    return result


def read_samples(out):
    """Every request the locust processes timed: (end time, name, ms, status, ok).

    These, not locust's CSV, make the tables: the CSV is written before the users' last requests (the
    --stop-timeout) end, and it rounds percentiles above 100 ms to two digits.
    """
    samples = []
    for path in sorted(glob.glob(os.path.join(out, "samples-*.tsv"))):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                t, name, ms, status, ok = line.rstrip("\n").split("\t")
                samples.append((float(t), name, float(ms), int(status), ok == "1"))
    return samples


def read_jsonl(out, kind):
    """Every JSON line the locust processes wrote as `kind`-<pid>.jsonl."""
    entries = []
    for path in sorted(glob.glob(os.path.join(out, f"{kind}-*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            entries += [json.loads(line) for line in fh if line.strip()]
    return entries


def percentile(values, q):
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    return values[min(len(values) - 1, max(0, math.ceil(q / 100 * len(values)) - 1))]


def summarize(samples):
    """Requests, failures, median, p95, p99 and max (ms) of some samples."""
    times = sorted(s[2] for s in samples)
    return {"count": len(samples), "failures": sum(1 for s in samples if not s[4]), "median": percentile(times, 50),
            "p95": percentile(times, 95), "p99": percentile(times, 99), "max": times[-1] if times else None}


def is_login(name):
    """The login requests, made once per simulated user while it starts."""
    return "/login" in name


def check_database(path, acked):
    """(acknowledged saves not found with their person, integrity_check result, foreign_key_check rows)."""
    conn = sqlite3.connect(path)
    try:
        missing = []
        for entry in acked:
            found = conn.execute(
                'SELECT 1 FROM touch t JOIN "user" u ON u.id = t.user_id '
                "JOIN touch_contact tc ON tc.touch_id = t.id AND tc.contact_id = ? "
                "WHERE t.uuid = ? AND u.email = ?",
                (entry["contact_id"], entry["uuid"], entry["email"])).fetchone()
            if found is None:
                missing.append(entry)
        integrity = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
        foreign = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()
    return missing, integrity, foreign


def served_by(access_log, pids):
    """How many requests the access log shows for these worker pids."""
    marks = {f"pid=<{p}>" for p in pids}
    with open(access_log, encoding="utf-8", errors="replace") as fh:
        return sum(1 for line in fh if line.rstrip().rsplit(" ", 1)[-1] in marks)


def judge(result):
    """Windows (whole run, steady state), failures split around the kill, PASS/FAIL for each target."""
    samples = result["samples"]
    # Steady state: from the moment every simulated user has logged in (Argon2id makes a burst of
    # logins CPU-bound) to the moment run.py stopped locust.
    steady_from = max([entry["t"] for entry in result["logins"]] or [result["started"]])
    steady = [s for s in samples if steady_from <= s[0] - s[2] / 1000 <= result["stopped"]]
    result["whole"] = summarize(samples)
    result["steady"] = summarize(steady)
    result["steady_s"] = result["stopped"] - steady_from
    result["steady_from_s"] = steady_from - result["started"]
    result["login_retries"] = sum(entry["attempts"] - 1 for entry in result["logins"])
    result["login_failed"] = sum(1 for entry in result["logins"] if not entry["ok"]) + result["users"] - len(result["logins"])
    result["steady_rps"] = len(steady) / result["steady_s"] if result["steady_s"] > 0 else None
    result["by_name"] = {}
    for name in sorted({s[1] for s in samples}):
        # Logins only happen while users start: their figures are the whole run's.
        pool = samples if is_login(name) else steady
        result["by_name"][name] = summarize([s for s in pool if s[1] == name])
    kill = result["kill"]
    killed, other = [], []
    for failure in result["failures"]:
        in_window = kill is not None and kill["at"] <= failure["t"] <= kill["at"] + KILL_WINDOW_S
        (killed if in_window and not failure["status"] else other).append(failure)
    killed_by_name = {}
    for failure in killed:
        killed_by_name[failure["name"]] = killed_by_name.get(failure["name"], 0) + 1
    result.update(
        killed_failures=len(killed), killed_by_name=killed_by_name, other_failures=len(other), other_examples=other[:5],
        p99_ok=result["steady"]["p99"] is not None and result["steady"]["p99"] <= P99_TARGET_MS,
        p99_whole_ok=result["whole"]["p99"] is not None and result["whole"]["p99"] <= P99_TARGET_MS,
        correct=(not other and not result["missing"] and result["integrity"] == "ok" and not result["foreign"]
                 and not result["login_failed"]),
    )
    return result


def fmt(value, digits=0):
    """A number for a table cell."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def report(results, meta):
    """The Markdown tables."""
    lines = [
        f"Measured {meta['date']} on {meta['machine']}; {meta['accounts']} accounts × {meta['contacts']} demo "
        f"people ({meta['touches']:,} touches at the start); gunicorn {meta['workers']} workers × "
        f"{meta['threads']} threads on 127.0.0.1; locust {meta['locust']} in one process, 20% writers, "
        f"1–3 s between actions, {meta['spawn_rate']:g} users started per second.",
        "",
        "| run | run time | all logged in after | requests | failures | acknowledged saves | missing afterwards | "
        "integrity | locust CPU | gunicorn CPU | machine CPU | load average (1 min) |",
        "|---|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        w = r["whole"]
        failures = str(w["failures"])
        if r["kill"]:
            failures = f"{w['failures']} ({r['killed_failures']} cut by the kill, {r['other_failures']} other)"
        replays = sum(1 for a in r["acked"] if a["status"] == 200)
        acked = f"{len(r['acked']):,}" + (f" ({replays} answered \"already stored\")" if replays else "")
        integrity = "ok" if r["integrity"] == "ok" and not r["foreign"] else f"{r['integrity']}, {r['foreign']} FK"
        login_note = "".join([f" ({r['login_retries']} retried)" if r["login_retries"] else "",
                              f" ({r['login_failed']} never)" if r["login_failed"] else ""])
        lines.append(
            f"| {r['label']} | {r['elapsed']:.0f} s | {r['steady_from_s']:.0f} s{login_note} | {w['count']:,} | {failures} | "
            f"{acked} | {len(r['missing'])} | "
            f"{integrity} | {r['cpu_locust']:.0%} | {r['cpu_server']:.0%} | {r['cpu_machine']:.0%} | "
            f"{r['load_before'][0]:.1f} → {r['load_after'][0]:.1f} |")
    lines += ["", "CPU is a share of one core over the steady window (the machine has "
              f"{os.cpu_count()} cores, so {os.cpu_count() * 100}% is all of it); \"machine\" counts every process, "
              "other people's too.",
              "", "| run | window | requests | req/s | median ms | p95 ms | p99 ms | max ms | p99 ≤ 250 ms |",
              "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        s, w = r["steady"], r["whole"]
        lines.append(f"| {r['label']} | steady: the last {r['steady_s']:.0f} s, every user logged in | {s['count']:,} | "
                     f"{fmt(r['steady_rps'], 1)} | {fmt(s['median'])} | {fmt(s['p95'])} | {fmt(s['p99'])} | "
                     f"{fmt(s['max'])} | {'PASS' if r['p99_ok'] else 'FAIL'} |")
        lines.append(f"| {r['label']} | whole run, logins included | {w['count']:,} | {w['count'] / r['elapsed']:.1f} | "
                     f"{fmt(w['median'])} | {fmt(w['p95'])} | {fmt(w['p99'])} | {fmt(w['max'])} | "
                     f"{'PASS' if r['p99_whole_ok'] else 'FAIL'} |")
    lines.append("")
    for r in results:
        if r["kill"]:
            k = r["kill"]
            respawn = f"{k['respawned_s']:.1f} s" if k["respawned_s"] is not None else "not within 60 s"
            moment = ("while one of its threads was inside fdatasync (committing a write)" if k["mid_commit"]
                      else "at a moment when none of its threads was committing")
            cut = ", ".join(f"{n} {name}" for name, n in sorted(r["killed_by_name"].items())) or "none"
            replays = [a for a in r["acked"] if a.get("replay")]
            lines += [f"Kill run: worker {k['pid']} got SIGKILL {k['after_s']:.0f} s into the run, {moment}; the "
                      f"master started a new worker after {respawn}, which served {k.get('new_served', 0):,} "
                      f"requests until the end. Requests that lost their connection to the dead worker "
                      f"({KILL_WINDOW_S} s window): {cut}. Unanswered saves sent again by the writers' outboxes: "
                      f"{len(replays)} (answered 200, already stored before the kill: "
                      f"{sum(1 for a in replays if a['status'] == 200)}; answered 201, stored now: "
                      f"{sum(1 for a in replays if a['status'] == 201)}). Every acknowledged save is in the "
                      "database afterwards (column \"missing\").", ""]
    names = list(results[0]["by_name"])
    for r in results[1:]:
        names += [n for n in r["by_name"] if n not in names]
    lines += ["Per request (steady state; the two login rows: the whole run, since users log in only while they start):",
              "", "| request | " + " | ".join(f"{r['label']}: n / median / p95 / p99 ms" for r in results) + " |",
              "|---|" + "---:|" * len(results)]
    for name in names:
        cells = []
        for r in results:
            row = r["by_name"].get(name)
            cells.append("–" if row is None else
                         f"{row['count']:,} / {fmt(row['median'])} / {fmt(row['p95'])} / {fmt(row['p99'])}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine_name():
    """A short description of this machine."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model or platform.machine()}), {memory:.0f} GiB, Python {platform.python_version()}"


def main():
    """Build, serve, run the three loads, check, report; exit 1 when a correctness target fails."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="100,300", help="users of the plain runs, comma-separated")
    parser.add_argument("--kill-users", type=int, default=100, help="users of the kill run (0: no kill run)")
    parser.add_argument("--steady", type=int, default=60,
                        help="seconds each run goes on once every user has been started (the ramp-up comes first)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--contacts", type=int, default=200, help="demo people per account")
    parser.add_argument("--seed", type=int, default=1)
    conf = runpy.run_path(GUNICORN_CONF)
    parser.add_argument("--workers", type=int, default=conf["workers"], help="default: gunicorn.conf.py's")
    parser.add_argument("--threads", type=int, default=conf["threads"], help="default: gunicorn.conf.py's")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 10 users, 2 accounts x 50 people, "
                        "10 s steady, kill run included")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, CSVs, database)")
    parser.add_argument("--json", help="also write the raw results to this file")
    args = parser.parse_args()
    plain = [int(u) for u in args.users.split(",") if u.strip()]
    kill_users = args.kill_users
    if args.quick:
        plain, kill_users, args.steady, args.accounts, args.contacts = [10], 10, 10, 2, 50

    import locust

    tmp = tempfile.mkdtemp(prefix="rapport-load-")
    master = None
    try:
        started = time.time()
        path = build(tmp, args.accounts, args.contacts, args.seed)
        conn = sqlite3.connect(path)
        touches = conn.execute("SELECT count(*) FROM touch").fetchone()[0]
        conn.close()
        print(f"built {args.accounts} accounts x {args.contacts} people ({touches:,} touches) "
              f"in {time.time() - started:.0f} s", flush=True)
        port = free_port()
        master = serve(tmp, path, port, args.workers, args.threads)
        base = f"http://127.0.0.1:{port}"
        runs = [(f"{u} users", u, False) for u in plain] + ([(f"{kill_users} users, kill -9", kill_users, True)]
                                                              if kill_users else [])
        results = []
        for label, users, kill in runs:
            print(f"{label}: ramp-up, logins, then {args.steady} s (load average {os.getloadavg()[0]:.1f}) ...",
                  flush=True)
            out = os.path.join(tmp, label.replace(" ", "-").replace(",", ""))
            result = run_locust(base, out, users, args.spawn_rate, args.steady, args.accounts,
                                master=master.pid, kill=kill, workers=args.workers)
            result["label"] = label
            result["missing"], result["integrity"], result["foreign"] = check_database(path, result["acked"])
            if result["kill"]:
                result["kill"]["new_served"] = served_by(os.path.join(tmp, "access.log"), result["kill"]["new_pids"])
            results.append(judge(result))
            w, s = result["whole"], result["steady"]
            print(f"  {result['elapsed']:.0f} s, {w['count']} requests, {w['failures']} failed; p99 {fmt(w['p99'])} ms "
                  f"(steady {fmt(s['p99'])} ms); "
                  f"{len(result['acked'])} saves acknowledged, {len(result['missing'])} missing; "
                  f"integrity {result['integrity']}", flush=True)
        master.send_signal(signal.SIGTERM)
        master.wait(timeout=60)
        master = None
        # Once more with the server stopped: every acknowledged save of every run, and the file's integrity.
        missing, integrity, foreign = check_database(path, [a for r in results for a in r["acked"]])
        meta = {"date": datetime.date.today().isoformat(), "machine": machine_name(), "accounts": args.accounts,
                "contacts": args.contacts, "touches": touches, "workers": args.workers, "threads": args.threads,
                "locust": locust.__version__, "spawn_rate": args.spawn_rate}
        print()
        print(report(results, meta))
        print()
        print(f"After stopping gunicorn: {sum(len(r['acked']) for r in results):,} acknowledged saves checked, "
              f"{len(missing)} missing; integrity_check {integrity}; foreign_key_check {foreign} rows.")
        failed = [r for r in results if not r["correct"]]
        for r in failed:
            print(f"FAIL {r['label']}: {r['other_failures']} failed requests, {r['login_failed']} users never logged in, "
                  f"{len(r['missing'])} missing saves, "
                  f"integrity {r['integrity']}, {r['foreign']} foreign key problems")
            for example in r["other_examples"]:
                print("   ", json.dumps(example))
        if args.json:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump({"meta": meta, "results": [{k: v for k, v in r.items() if k != "samples"} for r in results]},
                          fh, indent=1, default=str)
        slow = [r["label"] for r in results if not r["p99_ok"]]
        if slow:
            print(f"p99 above {P99_TARGET_MS} ms in: {', '.join(slow)} (reported, not a failure: shared machine)")
        ok = not failed and not missing and integrity == "ok" and not foreign
        print("loadtest: correctness targets " + ("met" if ok else "NOT met"))
        return 0 if ok else 1
    finally:
        if master is not None:
            master.kill()
            master.wait()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
