#!/usr/bin/env python3
"""Driver of bench/tournament.sh: runs Accord's workloads (whole `accord tournament` processes,
results written to a temporary folder), then NegMAS's (bench/tournament_negmas.py, in its own
process, after Accord has finished), and prints one table with the ratios."""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

TOURNAMENT = """
name = "bench"
seed = 1
repetitions = {reps}
repeat_deterministic = true  # as many negotiations as NegMAS runs (identical repetitions)
strategies = ["boulware", "conceder", "linear", "tft"]
[[random_domains]]
count = 5
issues = 3
values = 10
seed = 3000
[[protocols]]
protocol = "sao"
rounds = 100
"""

SINGLE_TEXT = """
name = "veto-like"
seed = 1
repetitions = {reps}
mediators = ["random-flipping"]
[[random_domains]]
count = 5
issues = 3
values = 10
seed = 3000
[[protocols]]
protocol = "single-text"
rounds = 1000
"""


def run_accord(accord: str, config: str, threads: int | None) -> tuple[float, int, float]:
    """Seconds, negotiations and peak RSS (MB) of one whole `accord tournament` process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.toml"
        path.write_text(config)
        args = [accord, "tournament", str(path), "--out", str(Path(tmp) / "out")]
        if threads:
            args += ["--threads", str(threads)]
        err = Path(tmp) / "stderr"
        start = time.perf_counter()
        with open(err, "w") as e:
            p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=e)
            # This child's own peak RSS (RUSAGE_CHILDREN would include earlier children).
            _, status, usage = os.wait4(p.pid, 0)
        secs = time.perf_counter() - start
        text = err.read_text()
        if status != 0:
            sys.exit(f"accord failed: {text}")
        m = re.search(r"^(\d+) negotiations in", text, re.M)
        n = int(m.group(1)) if m else 0
        return secs, n, usage.ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accord", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--accord-reps", type=int, default=2500)
    ap.add_argument("--json")
    ap.add_argument("--command", default="bench/tournament.sh")
    a = ap.parse_args()
    load = os.getloadavg()[0]
    rows = {}
    for label, threads in [("accord_tournament_2cores", None), ("accord_tournament_1core", 1)]:
        rates = []
        for _ in range(3):
            secs, n, rss = run_accord(a.accord, TOURNAMENT.format(reps=a.accord_reps), threads)
            rates.append(n / secs)
        rows[label] = {"negotiations": n, "negs_per_s": statistics.median(rates), "all": rates, "peak_rss_mb": rss}
        print(f"# {label}: {rows[label]}", file=sys.stderr)
    st = []
    for _ in range(3):
        secs, n, _ = run_accord(a.accord, SINGLE_TEXT.format(reps=200), 1)
        st.append(1e3 * secs / n)
    rows["accord_single_text_1000"] = {"ms_per_negotiation": statistics.median(st), "all": st}
    print(f"# accord single text: {st}", file=sys.stderr)
    neg_json = HERE / "results" / "tournament-negmas.json"
    subprocess.run([sys.executable, str(HERE / "tournament_negmas.py"), "--reps", str(a.reps), "--json", str(neg_json)],
                   check=True, stdout=sys.stderr)
    neg = json.loads(neg_json.read_text())
    acc2 = rows["accord_tournament_2cores"]["negs_per_s"]
    acc1 = rows["accord_tournament_1core"]["negs_per_s"]
    ser = neg["tournament_serial"]["negs_per_s"]
    par = neg["tournament_2procs"]["negs_per_s"]
    veto = neg["veto_1000"]["ms_per_negotiation"]
    ours = rows["accord_single_text_1000"]["ms_per_negotiation"]
    print(f"`{a.command}` (load average at start {load:.2f}):\n")
    print("| workload | Accord | NegMAS 0.16 | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| tournament, 4 strategies x 5 domains (1e3 outcomes, 100 rounds), 2 cores, results written | "
          f"{acc2:,.0f} negs/s ({rows['accord_tournament_2cores']['negotiations']:,} negs, peak RSS {rows['accord_tournament_2cores']['peak_rss_mb']:.0f} MB) | "
          f"{par:,.1f} negs/s (2 processes, 480 negs, nothing written) | {acc2 / par:,.0f}x |")
    print(f"| the same, 1 core | {acc1:,.0f} negs/s | {ser:,.1f} negs/s (serial) | {acc1 / ser:,.0f}x |")
    print(f"| single text, 1000 steps, 1e3 outcomes, 1 core | {ours:.3f} ms / negotiation (random-flipping mediator, hill climbers) | "
          f"{veto:.1f} ms / negotiation (VetoST) | {veto / ours:,.0f}x |")
    if a.json:
        Path(a.json).write_text(json.dumps({"accord": rows, "negmas": neg, "load_start": load}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
