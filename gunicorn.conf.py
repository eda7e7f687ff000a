"""gunicorn settings shared by `make run`, `make loadtest` (tests/load/run.py) and docs/deploy.md.

Processes, not threads: each worker runs one request at a time (gunicorn's sync worker). The app is
CPU-bound Python. Threads of one process share one interpreter lock, and SQLite hands it back and takes
it again for every row, so a request waits up to the switch interval (5 ms) per row while another thread
of its worker runs: with 4 threads a request costs more CPU and its latency grows with every busy
neighbour (docs/benchmarks.md, "Load"). Two processes per core keep both cores busy while one of them
waits for a commit's fsync. nginx in front (docs/deploy.md) buffers slow clients, as sync workers need.
"""
import os

workers = int(os.environ.get("WORKERS", 4))
threads = 1
# As long as nginx waits for an answer (proxy_read_timeout 60s): a request still running then is lost anyway.
timeout = 60
