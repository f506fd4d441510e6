"""Requests/s that the served app sustains on /api/search (gunicorn, local load generator)."""

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.searches import QUERIES, _stats, varied_queries

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


VARIED = 300  # queries drawn from the vocabulary, besides the fixed set


def _paths(words: list[str]) -> list[str]:
    """The fixed benchmark queries and ``VARIED`` vocabulary queries, shuffled together."""
    items = [item for items in QUERIES.values() for item in items] + varied_queries(words, VARIED)
    paths = []
    for item in items:
        q, filters = item if isinstance(item, tuple) else (item, {})
        pairs = [("q", q)] + [(k, v) for k, vs in filters.items() for v in vs]
        paths.append("/api/search?" + urlencode(pairs))
    random.Random(5).shuffle(paths)
    return paths


def _serve(store: Path, port: int, workers: int, engine: str) -> subprocess.Popen:
    env = dict(os.environ, ARCHIVE_DIR=str(store), SEARCH_ENGINE=engine)
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
           "--timeout", "120", "search_app:create_app()"]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)


def _wait_ready(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/search?q=warmup")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def _client(port: int, paths: list[str], stop: float, offset: int, times: list, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = offset
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            conn.request("GET", paths[i % len(paths)])
            response = conn.getresponse()
            response.read()
            (times if response.status == 200 else errors).append((time.perf_counter() - started) * 1000)
        except OSError:
            errors.append(0)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i += 1
    conn.close()


def measure(store: Path, words: list[str], seconds: float, concurrency: int, workers: int = 2,
            engine: str = "whoosh", warm_spelling: bool = False) -> dict:
    """Clients cycle through the query mix from different offsets; nothing is warmed beforehand
    except each worker's searcher (one request per worker). ``engine``: the app's ``SEARCH_ENGINE``.
    ``warm_spelling``: also a query that finds nothing, twice per worker, so that the vocabulary of the spelling
    suggestions (every title of the store, read once per process: about 2 s at 100k) is built before the
    clients start (what a long-running server has done long before)."""
    port = _free_port()
    server = _serve(store, port, workers, engine)
    try:
        _wait_ready(port, time.monotonic() + 300)
        paths = _paths(words)
        for _ in range(workers * (2 if warm_spelling else 1)):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/api/search?q=")
            conn.getresponse().read()
            if warm_spelling:  # a query that finds nothing: "Meinten Sie …?" builds its vocabulary once
                conn.request("GET", "/api/search?q=Xqzvwyk")
                conn.getresponse().read()
            conn.close()
        times, errors = [], []
        load_before = [round(value, 2) for value in os.getloadavg()]
        stop = time.monotonic() + seconds
        offsets = [n * len(paths) // concurrency for n in range(concurrency)]
        threads = [threading.Thread(target=_client, args=(port, paths, stop, offsets[n], times, errors))
                   for n in range(concurrency)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        load_after = [round(value, 2) for value in os.getloadavg()]
        rss = server_rss(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stats = _stats(times) if times else {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    return {"requests": len(times), "errors": len(errors), "requests_per_s": round(len(times) / elapsed, 1),
            "p50_ms": stats["p50_ms"], "p95_ms": stats["p95_ms"], "p99_ms": stats["p99_ms"], "workers": workers,
            "concurrency": concurrency, "distinct_queries": len(paths), "engine": engine, **rss,
            "warm_spelling": warm_spelling,
            "load_before": load_before, "load_after": load_after}


def server_rss(group: int) -> dict:
    """Resident memory of the server's processes (gunicorn's master and workers, the process group ``group``), MB:
    now, and the sum of each process's peak (``VmHWM``)."""
    now = peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if os.getpgid(int(status.parent.name)) != group:
                continue
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except (OSError, ValueError):
            continue
        now += int(fields.get("VmRSS", "0 kB").split()[0])
        peak += int(fields.get("VmHWM", "0 kB").split()[0])
    return {"server_rss_mb": round(now / 1024, 1), "server_peak_rss_mb": round(peak / 1024, 1)}
