"""Export throughput and memory: ``/api/export`` of the whole synthetic store in each format, each in a fresh
process (the app through Flask's test client, the body consumed chunk by chunk as a client would).

Peak RSS is the process's high-water mark (``VmHWM``) over the export; before it starts, the app is built, one
search has loaded the index and the facet table, and the mark is reset to the current RSS (``/proc/self/clear_refs``),
so ``growth`` is what the export itself added. The same exports of one year (about a twelfth of the rows) show
whether memory grows with the rows: it must not.

    python -m bench.exports STORE csv '{"year": "2020"}'   # one run, prints JSON
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = (("csv", {}), ("csv", {"text": "1"}), ("jsonl", {}), ("xlsx", {}), ("csv", {"q": "Stadt"}))
SMALL = {"year": "2020"}  # about a twelfth of the synthetic store (dates 2014-2025)


def measure(store: Path) -> dict:
    """Each run of ``RUNS`` on every row, and on the rows of one year, each in its own process."""
    out = {}
    for fmt, params in RUNS:
        name = fmt + "".join(f" {k}={v}" for k, v in params.items())
        out[name] = {"all": _child(store, fmt, params), "one_year": _child(store, fmt, {**params, **SMALL})}
    return out


def _child(store: Path, fmt: str, params: dict) -> dict:
    cmd = [sys.executable, "-m", "bench.exports", str(store), fmt, json.dumps(params)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800, check=False,
                          env=dict(os.environ, ARCHIVE_DIR=str(store)))
    if proc.returncode != 0:
        raise RuntimeError(f"export bench {fmt} {params} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _status(key: str) -> int:
    """A ``/proc/self/status`` figure in KB (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM := VmRSS
    except OSError:
        return False
    return True


def run(store: Path, fmt: str, params: dict) -> dict:
    from search_app import create_app

    app = create_app({"ARCHIVE_DIR": str(store), "WORKER": "inline", "SECRET_KEY": "bench"})
    client = app.test_client()
    rows = client.get("/api/search", query_string={**{k: v for k, v in params.items() if k != "text"},
                                                   "per_page": 1}).get_json()["total"]
    baseline = _status("VmRSS")
    reset = _reset_peak()
    started = time.perf_counter()
    response = client.get("/api/export", query_string={**params, "format": fmt}, buffered=False)
    assert response.status_code == 200, response.get_data(as_text=True)
    size, first = 0, None
    for chunk in response.response:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
    response.close()
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds) if seconds else None,
            "first_byte_ms": round((first or seconds) * 1000), "mb": round(size / 2**20, 1),
            "baseline_rss_mb": round(baseline / 1024, 1), "peak_rss_mb": round(peak / 1024, 1),
            "growth_mb": round((peak - baseline) / 1024, 1) if reset else None}


def print_report(report: dict) -> None:
    print("export   /api/export, every row and one year's rows, each in a fresh process (peak RSS, growth over "
          "the app's RSS before the export)")
    for name, sizes in report.items():
        for size, row in sizes.items():
            growth = f"+{row['growth_mb']:.1f} MB" if row["growth_mb"] is not None else "n/a"
            print(f"  {name:16} {size:8} {row['rows']:6} rows {row['seconds']:6.2f} s {row['rows_per_s']:7} rows/s  "
                  f"{row['mb']:6.1f} MB out, first byte {row['first_byte_ms']:5} ms, "
                  f"peak RSS {row['peak_rss_mb']:6.1f} MB ({growth})")


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3]) if len(sys.argv) > 3 else {})))
