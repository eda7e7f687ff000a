"""gunicorn settings shared by `make run`, `make loadtest` (tests/load/run.py) and docs/deploy.md.

Processes, not threads: each worker runs one request at a time. The app is CPU-bound Python. Threads of
one process share one interpreter lock, and SQLite hands it back and takes it again for every row, so a
request waits up to the switch interval (5 ms) per row while another thread of its worker runs: with 4
threads a request costs more CPU and its latency grows with every busy neighbour (docs/benchmarks.md,
"Load"). Two processes per core keep both cores busy while one of them waits for a commit's fsync.

The gthread worker with one thread, not the sync worker: its main thread keeps idle keep-alive
connections aside, so a client's next request needs no new connection, and a finished response never
holds the worker. The sync worker closes every connection and (gunicorn 27) waits for the
client's side of the close before it takes the next one. nginx in front (docs/deploy.md) buffers slow
clients.
"""
import os

workers = int(os.environ.get("WORKERS", 4))
worker_class = "gthread"
threads = 1
# Longer than a person's pause between two taps (the load test waits 1 to 3 s): a connection closed while
# idle can cross a new request on its way, which the client then sees fail.
keepalive = 5
# A keep-alive connection stays with the worker that accepted it, and a worker here serves one request at a
# time: without a cap, the workers that accepted most while users arrived keep them, and the busiest one's
# queue becomes everyone's tail (one worker served 36-48% of a 300-user load test; docs/benchmarks.md).
# At 100 a worker stops accepting and the others take the next clients; 4 workers hold 400 connections,
# far more than nginx keeps open to them (docs/deploy.md), and more wait in the listen backlog.
worker_connections = 100
# No reuse_port (SO_REUSEPORT): it spread a direct load test's connections more evenly over the workers
# (docs/benchmarks.md, "Load"), but it also lets a second gunicorn started on the same port share it silently,
# and behind nginx (docs/deploy.md) the workers see nginx's few kept-alive connections, not the users'.
# Issue 15 keeps it only if a run through nginx shows a gain beyond noise; none has been made yet.
# As long as nginx waits for an answer (proxy_read_timeout 60s): a request still running then is lost anyway.
timeout = 60
