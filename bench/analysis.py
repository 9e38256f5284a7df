#!/usr/bin/env python3
"""Accord analysis vs NegMAS 0.16 on identical random domains, measured in the same run.

Run it through bench/analysis.sh, which makes the virtualenv with negmas==0.16.0.
Python is only used for benchmarking here; Accord itself has none.

Domains (as in /work/shared/reference/negmas-baseline.md, section (b)):
  n categorical issues x 10 values v0..v9 (outcomes = 10^n); per party, weights U(0,1)
  normalised to sum 1 and one U(0,1) value table per issue; numpy.random.default_rng(seed),
  parties independent, reserved value 0. Repetition r uses the fresh domain seed 2000+r,
  so Accord repetition r and NegMAS repetition r see exactly the same utilities (the TOML
  file is written with repr() floats, which round-trip exactly).

What is timed:
  Accord: wall time of the whole `accord analyze FILE --json` process (process start,
          parsing, analysis, JSON output to a file), measured from the parent
          (fork/exec included). Peak RSS: GNU time's %M (max RSS) of the same command run
          once more under /usr/bin/time (that run is not timed).
  NegMAS: in a fresh Python process per measurement (bench/analysis_negmas_worker.py);
          building issues and ufuns is not timed, only the call:
            pareto: negmas.preferences.ops.pareto_frontier(ufuns, issues=...)
            stats:  negmas.preferences.ops.calc_scenario_stats(ufuns)  ("full scenario stats")
          Peak RSS: /usr/bin/time's %M of the worker process (interpreter + negmas import
          included; the RSS right after the import is shown in parentheses).
  The ratio is NegMAS call time / Accord whole-process time.

Correctness: for every domain both ran on, Accord's frontier (size and points, 1e-6) and Nash
utilities (solutions.nash and agreement_zone.solutions.nash, disagreement 0) are compared with
NegMAS's frontier and Nash point. NegMAS's nash_points uses as disagreement point
max(reserved value, worst utility) per party, not the reserved value 0, so the Nash point is
also recomputed on NegMAS's frontier with d = 0 and both comparisons are recorded.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
WORKER = BENCH_DIR / "analysis_negmas_worker.py"
RESULTS = BENCH_DIR / "results" / "analysis.jsonl"
N_VALUES = 10
SEED_BASE = 2000
TOL = 1e-6
HAVE_TIME = os.access("/usr/bin/time", os.X_OK)


# ----------------------------------------------------------------------------- domains


def make_domain(seed: int, parties: int, issues: int) -> dict:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(parties):
        w = rng.random(issues)
        w = w / w.sum()
        tables = rng.random((issues, N_VALUES))
        out.append({"weights": [float(x) for x in w], "tables": [[float(x) for x in row] for row in tables]})
    return {"seed": seed, "parties": out}


def domain_toml(dom: dict) -> str:
    n_issues = len(dom["parties"][0]["weights"])
    opts = ", ".join(f'"v{j}"' for j in range(N_VALUES))
    lines = [f'name = "bench-seed{dom["seed"]}"', ""]
    for k in range(n_issues):
        lines += ["[[issues]]", f'name = "i{k}"', f"options = [{opts}]", ""]
    for pi, p in enumerate(dom["parties"]):
        lines += ["[[parties]]", f'name = "p{pi}"', "reservation = 0.0", "", "[parties.weights]"]
        lines += [f"i{k} = {float(w)!r}" for k, w in enumerate(p["weights"])]
        lines += ["", "[parties.scores]"]
        for k, row in enumerate(p["tables"]):
            cells = ", ".join(f"v{j} = {float(x)!r}" for j, x in enumerate(row))
            lines.append(f"i{k} = {{ {cells} }}")
        lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- running


TIME_BIN = "/usr/bin/time"


def run_child(cmd: list[str], stdout_path: Path, measure_rss: bool) -> tuple[float, float | None, int, str]:
    """Run cmd in a fresh process; return (wall s, peak RSS MB or None, exit code, stderr).

    Peak RSS comes from /usr/bin/time (GNU time, %M). It is not taken from os.wait4 on a child
    of this script: Linux carries the forked Python's RSS high-water mark (about 40 MB) over
    exec, so every child would report at least that. Wall time includes /usr/bin/time's own
    start when measure_rss is set, so Accord is timed in separate runs without it.
    """
    err_path = stdout_path.with_suffix(stdout_path.suffix + ".err")
    rss_path = stdout_path.with_suffix(stdout_path.suffix + ".rss")
    if measure_rss:
        cmd = [TIME_BIN, "-f", "%M", "-o", str(rss_path), *cmd]
    with open(stdout_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
    stderr = err_path.read_text(errors="replace")
    err_path.unlink()
    rss = None
    if measure_rss:
        lines = [ln for ln in rss_path.read_text().splitlines() if ln.strip()]
        rss_path.unlink()
        if p.returncode == 0:
            rss = int(lines[-1]) / 1024.0  # GNU time %M is in KiB
    return wall, rss, p.returncode, stderr


def run_accord(accord: str, toml_path: Path, work: Path) -> dict:
    """One run for the peak RSS (under /usr/bin/time, also warms the file), one for the time."""
    out_path = work / "accord-out.json"
    cmd = [accord, "analyze", str(toml_path), "--json"]
    _, rss, rc, stderr = run_child(cmd, out_path, measure_rss=HAVE_TIME)
    if rc == 0:
        wall, _, rc, stderr = run_child(cmd, out_path, measure_rss=False)
    if rc != 0:
        raise RuntimeError(f"accord analyze {toml_path} exited with {rc}:\n{stderr}")
    res = json.loads(out_path.read_text())
    nash = res["solutions"]["nash"]
    zone_nash = res["agreement_zone"]["solutions"]["nash"]
    return {
        "seconds": wall,
        "rss_mb": rss,
        "outcome_count": res["outcome_count"],
        "frontier": [pt["utilities"] for pt in res["pareto_frontier"]],
        "nash": nash["utilities"] if nash else None,
        "zone_nash": zone_nash["utilities"] if zone_nash else None,
        "disagreement": res["disagreement"],
        "methods": res["methods"],
    }


def run_negmas(dom_path: Path, task: str, work: Path) -> dict:
    out_path = work / "negmas-out.json"
    wall, rss, rc, stderr = run_child([sys.executable, str(WORKER), str(dom_path), task], out_path,
                                      measure_rss=HAVE_TIME)
    if rc != 0:
        raise RuntimeError(f"NegMAS worker ({task}) exited with {rc}:\n{stderr[-3000:]}")
    res = json.loads(out_path.read_text())
    res["process_seconds"] = wall
    res["rss_mb"] = rss
    return res


# ----------------------------------------------------------------------------- checks


def close(a, b, tol=TOL) -> bool:
    return a is not None and b is not None and len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


def nash_d0(frontier: list[list[float]]) -> list[float] | None:
    best, arg = -math.inf, None
    for pt in frontier:
        if any(u < 0 for u in pt):
            continue
        v = math.prod(pt)
        if v > best:
            best, arg = v, pt
    return arg


def same_point_set(a: list[list[float]], b: list[list[float]]) -> bool:
    if len(a) != len(b):
        return False
    rest = list(b)
    for pt in a:
        for i, q in enumerate(rest):
            if close(pt, q):
                del rest[i]
                break
        else:
            return False
    return True


def compare(acc: dict, neg: dict) -> dict:
    neg_nash = neg["nash"]  # NegMAS may return several tied points
    d0 = nash_d0(neg["frontier"])
    return {
        "accord_frontier_size": len(acc["frontier"]),
        "negmas_frontier_size": len(neg["frontier"]),
        "same_frontier": same_point_set(acc["frontier"], neg["frontier"]),
        "accord_nash": acc["nash"],
        "accord_zone_nash": acc["zone_nash"],
        "negmas_nash": neg_nash,
        "negmas_frontier_nash_d0": d0,
        "negmas_ranges": neg.get("ranges"),
        "same_nash_negmas": any(close(acc["nash"], p) for p in neg_nash),
        "same_nash_d0": close(acc["nash"], d0),
        "zone_nash_equals_nash": close(acc["nash"], acc["zone_nash"]),
    }


# ----------------------------------------------------------------------------- formatting


def fmt_s(s: float | None) -> str:
    if s is None:
        return "-"
    if s >= 1:
        return f"{s:.2f} s"
    ms = s * 1e3
    return f"{ms:.3g} ms" if ms >= 1 else f"{ms:.2f} ms"


def fmt_mb(mb: float | None) -> str:
    return "-" if mb is None else f"{mb:.1f} MB"


def max_or_none(xs) -> float | None:
    xs = [x for x in xs if x is not None]
    return max(xs) if xs else None


def fmt_int(n: int) -> str:
    return f"{n:,}"


def machine_info() -> dict:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        load = []
    return {"nproc": nproc, "cpu_model": model, "loadavg_start": load, "python": platform.python_version()}


# ----------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accord", default=str(REPO_ROOT / "target" / "release" / "accord"),
                    help="accord binary (default: target/release/accord in the repo root)")
    ap.add_argument("--big", action="store_true",
                    help="also run NegMAS at 1e6 outcomes (pareto_frontier and calc_scenario_stats, "
                         "2 parties; pareto_frontier, 3 parties): about 2 minutes more, 1 repetition each")
    ap.add_argument("--reps", type=int, default=5, help="Accord runs (= domains) per workload, median shown (default 5)")
    ap.add_argument("--negmas-reps", type=int, default=3,
                    help="NegMAS runs per measurement at <= 1e5 outcomes, median shown (default 3; "
                         "the --big 1e6 runs use 1)")
    ap.add_argument("--out", default=str(RESULTS), help=f"JSON lines output (default {RESULTS.relative_to(REPO_ROOT)})")
    args = ap.parse_args()
    if args.reps < 1 or args.negmas_reps < 1:
        ap.error("--reps and --negmas-reps must be at least 1")

    accord = Path(args.accord)
    if not accord.is_absolute() and not accord.exists():
        accord = REPO_ROOT / accord
    if not accord.is_file() or not os.access(accord, os.X_OK):
        print(f"error: the accord binary was not found (or is not executable) at {accord}.\n"
              f"Build it first with `cargo build --release` in {REPO_ROOT}, or pass --accord PATH.",
              file=sys.stderr)
        return 2
    accord_s = str(accord)
    accord_version = subprocess.run([accord_s, "--version"], capture_output=True, text=True).stdout.strip()

    try:
        import negmas  # noqa: F401  (only to fail early and record the version)
        negmas_version = negmas.__version__
    except ImportError:
        print("error: negmas is not installed in this Python; run bench/analysis.sh, which makes the venv",
              file=sys.stderr)
        return 2

    if not HAVE_TIME:
        print("warning: /usr/bin/time not found (apt-get install time): peak RSS is not measured",
              file=sys.stderr)
    cmdline = os.environ.get("ACCORD_BENCH_CMD") or shlex.join([sys.executable, *sys.argv])
    machine = machine_info()
    neg_reps = min(args.negmas_reps, args.reps)

    # (parties, issues, negmas tasks, negmas reps or None, why NegMAS is not run)
    workloads: list[tuple[int, int, list[str], int | None, str]] = [
        (2, 4, ["pareto", "stats"], neg_reps, ""),
        (2, 5, ["pareto", "stats"], neg_reps, ""),
        (2, 6, ["pareto", "stats"], 1, "") if args.big else (2, 6, [], None, "not run (--big)"),
        (2, 7, [], None, "not run"),
        (2, 10, [], None, "n/a (cannot enumerate)"),
        (3, 4, ["pareto"], neg_reps, ""),
        (3, 5, ["pareto"], neg_reps, ""),
        (3, 6, ["pareto"], 1, "") if args.big else (3, 6, [], None, "not run (--big)"),
    ]
    task_name = {"pareto": "pareto_frontier", "stats": "calc_scenario_stats (full stats)"}

    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    records: list[dict] = []
    meta = {"kind": "meta", "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "command": cmdline,
            "accord": accord_s, "accord_version": accord_version, "negmas_version": negmas_version,
            "numpy_version": np.__version__, "reps": args.reps, "negmas_reps": neg_reps, "big": args.big,
            "seed_base": SEED_BASE, **machine}
    records.append(meta)

    rows = []
    problems = []
    with tempfile.TemporaryDirectory(prefix="tmp-", dir=out_path.parent) as tmp:
        work = Path(tmp)
        # Warm-up (not counted): get the binary into the page cache.
        warm = make_domain(1, 2, 2)
        (work / "warm.toml").write_text(domain_toml(warm))
        run_accord(accord_s, work / "warm.toml", work)

        for parties, issues, tasks, nreps, why in workloads:
            outcomes = N_VALUES ** issues
            label = f"{parties} parties, {issues} issues"
            print(f"# {label} ({fmt_int(outcomes)} outcomes) ...", file=sys.stderr, flush=True)
            acc_runs = []
            domains = []
            for r in range(args.reps):
                dom = make_domain(SEED_BASE + r, parties, issues)
                toml_p, json_p = work / f"d{r}.toml", work / f"d{r}.json"
                toml_p.write_text(domain_toml(dom))
                json_p.write_text(json.dumps(dom))
                domains.append((toml_p, json_p))
                acc = run_accord(accord_s, toml_p, work)
                if acc["outcome_count"] != outcomes:
                    raise RuntimeError(f"accord reports {acc['outcome_count']} outcomes, expected {outcomes}")
                acc_runs.append(acc)
                records.append({"kind": "accord", "parties": parties, "issues": issues, "outcomes": outcomes,
                                "seed": SEED_BASE + r, "seconds": acc["seconds"], "rss_mb": acc["rss_mb"],
                                "frontier_size": len(acc["frontier"]), "nash": acc["nash"],
                                "zone_nash": acc["zone_nash"], "methods": acc["methods"]})
            acc_t = statistics.median(a["seconds"] for a in acc_runs)
            acc_rss = max_or_none(a["rss_mb"] for a in acc_runs)
            acc_sizes = [len(a["frontier"]) for a in acc_runs]

            if not tasks:
                rows.append([f"{parties}p Accord only", fmt_int(outcomes), fmt_s(acc_t), fmt_mb(acc_rss),
                             why, "-", "-", "-", "Accord " + "/".join(map(str, acc_sizes))])
                continue

            for task in tasks:
                print(f"#   NegMAS {task_name[task]} x{nreps} ...", file=sys.stderr, flush=True)
                neg_runs, cmps = [], []
                for r in range(nreps):
                    neg = run_negmas(domains[r][1], task, work)
                    cmp = compare(acc_runs[r], neg)
                    neg_runs.append(neg)
                    cmps.append(cmp)
                    records.append({"kind": "negmas", "task": task, "parties": parties, "issues": issues,
                                    "outcomes": outcomes, "seed": SEED_BASE + r, "seconds": neg["seconds"],
                                    "process_seconds": neg["process_seconds"], "rss_mb": neg["rss_mb"],
                                    "rss_after_import_mb": neg["rss_after_import_mb"],
                                    "import_s": neg["import_s"], "nash_seconds": neg.get("nash_seconds"),
                                    "accord_seconds_same_domain": acc_runs[r]["seconds"], **cmp})
                neg_t = statistics.median(n["seconds"] for n in neg_runs)
                neg_rss = max_or_none(n["rss_mb"] for n in neg_runs)
                neg_imp = max(n["rss_after_import_mb"] for n in neg_runs)
                n_same = sum(c["same_nash_negmas"] for c in cmps)
                n_d0 = sum(c["same_nash_d0"] for c in cmps)
                n_front = sum(c["same_frontier"] for c in cmps)
                n_zone = sum(c["zone_nash_equals_nash"] for c in cmps)
                if n_same == len(cmps):
                    same = "yes"
                else:
                    same = f"no ({n_same}/{len(cmps)}; with d=0 on NegMAS frontier: {n_d0}/{len(cmps)})"
                sizes = "/".join(f"{c['accord_frontier_size']}" for c in cmps)
                nsizes = "/".join(f"{c['negmas_frontier_size']}" for c in cmps)
                frontier_col = (f"same ({sizes})" if n_front == len(cmps)
                                else f"DIFFER: Accord {sizes} vs NegMAS {nsizes} ({n_front}/{len(cmps)} same)")
                for c, r in zip(cmps, range(nreps)):
                    seed = SEED_BASE + r
                    if not c["same_nash_negmas"]:
                        problems.append(f"{label}, {task}, seed {seed}: Nash differs: Accord {c['accord_nash']} vs "
                                        f"NegMAS nash_points {c['negmas_nash']} (NegMAS ranges {c['negmas_ranges']}); "
                                        f"Nash with d=0 on NegMAS's frontier: {c['negmas_frontier_nash_d0']} "
                                        f"({'same' if c['same_nash_d0'] else 'DIFFERENT'} as Accord)")
                    if not c["same_frontier"]:
                        problems.append(f"{label}, {task}, seed {seed}: frontier differs: Accord "
                                        f"{c['accord_frontier_size']} points vs NegMAS {c['negmas_frontier_size']}")
                    if not c["zone_nash_equals_nash"]:
                        problems.append(f"{label}, seed {seed}: Accord agreement_zone.solutions.nash "
                                        f"{c['accord_zone_nash']} != solutions.nash {c['accord_nash']}")
                ratio = neg_t / acc_t
                rows.append([f"{parties}p {task_name[task]}", fmt_int(outcomes), fmt_s(acc_t), fmt_mb(acc_rss),
                             fmt_s(neg_t) + ("" if nreps > 1 else " (1 run)"),
                             f"{fmt_mb(neg_rss)} ({neg_imp:.0f} after import)", f"{ratio:,.0f}x", same,
                             frontier_col])

    with open(out_path, "w") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")

    header = ["workload", "outcomes", "Accord time", "Accord peak RSS", "NegMAS time", "NegMAS peak RSS",
              "ratio (NegMAS/Accord)", "same Nash (1e-6)", "frontier (Accord = NegMAS, 1e-6; sizes)"]
    print("## Accord analysis vs NegMAS " + negmas_version)
    print()
    print(f"* Command: `{cmdline}`")
    print(f"* Machine: {machine['nproc']} CPUs (nproc), {machine['cpu_model']}; load average at start "
          f"{' '.join(machine['loadavg_start'])}; Python {machine['python']}, numpy {np.__version__}, "
          f"negmas {negmas_version}; {accord_version} at `{accord_s}`")
    print(f"* Accord: `accord analyze FILE --json`, wall time of the whole process (start, parsing, analysis, "
          f"JSON output), median of {args.reps} runs on domains seed {SEED_BASE}..{SEED_BASE + args.reps - 1}; "
          f"peak RSS = max of `/usr/bin/time -f %M` over the same commands run once more (untimed).")
    print(f"* NegMAS: time of the call only (ufun construction and the import not timed), each run in a fresh "
          f"process, median of {neg_reps} runs (1 where marked) on the first domains of the same seeds; peak RSS = "
          f"max `/usr/bin/time -f %M` of the worker process (interpreter and negmas import included).")
    print("* same Nash: Accord `solutions.nash` (disagreement 0) vs the point NegMAS `nash_points` returns, "
          "on every domain both ran on.")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---", "---"]) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    if problems:
        print("**Disagreements found:**")
        for p in problems:
            print(f"* {p}")
    else:
        print("No disagreement: on every domain both ran on, the frontiers match point by point and the Nash "
              "points match (1e-6).")
    print()
    print(f"Raw results: `{out_path}`")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
