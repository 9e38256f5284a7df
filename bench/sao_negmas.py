#!/usr/bin/env python3
"""NegMAS 0.16 SAO throughput on the workloads of crates/accord-strategy/benches/sao.rs.

Run it with the benchmark venv's Python (bench/.venv, made by bench/sao.sh or bench/analysis.sh):
    bench/.venv/bin/python bench/sao_negmas.py [--big] [--negs N] [--nodeal-negs N] [--reps N] [--json FILE]
bench/sao.sh runs it after Accord's criterion benches and merges both into one table.

Method, as in /work/shared/reference/negmas-baseline.md, section (a):
  * Domains: n categorical issues x 10 values v0..v9; per party a LinearAdditiveUtilityFunction
    with weights U(0,1) normalised to sum 1 and one U(0,1) value table per issue, drawn with
    numpy.random.default_rng(seed) (party 1 then party 2 from the same generator, so the parties
    are independent); reserved value 0. Negotiation i uses domain seed 1000 + i % 5 and seeds
    Python's `random` and numpy's global RNG with i just before it starts (not timed).
  * `nodeal`: party 2 has the same weights and the value tables 1 - party 1's (u1 + u2 = 1), and
    both reserved values are 0.55, so no agreement is possible and every negotiation runs all
    n_steps rounds (one negmas step = one round = about 2 offers).
  * One negotiation: SAOMechanism(outcome_space=os, n_steps=D), add BoulwareTBNegotiator (first
    mover) and ConcederTBNegotiator with their ufuns, run. Timed: mechanism and negotiator
    construction plus the run (each negotiator builds its inverse ufun in its first step, so that
    is included, as in the baseline). Not timed: building the issues and ufuns, the seeding.
  * negs/s = negotiations / summed negotiation time; rounds/s = rounds / the same time;
    "steady" rounds/s leaves out construction and the first step (the inverse-ufun build).
    Each repetition is a series of negotiations; the median over repetitions is reported.
  * Each workload runs in a fresh interpreter (this script re-invoked with --worker), after one
    untimed warm-up negotiation on a 1e3 domain (the first negotiation in a process pays about
    90 ms of lazy imports). Peak RSS is that process's VmHWM from /proc/self/status.

Workloads (Accord benchmark name in brackets):
  indep_1e3_100     3 issues, 100 rounds, Boulware vs Conceder  [sao/boulware_vs_conceder_1e3_100rounds]
  nodeal_1e3_1000   3 issues, 1000 rounds, no deal               [sao/no_deal_1e3_1000rounds]
  index_1e6         --big: one party's inverse ufun at 1e6 outcomes, i.e. what a negotiator builds
                    (negmas.gb.components.inverter.make_inverter(ufun).init())  [sao_1e6/index_build]
  indep_1e6_100     --big: 6 issues, 100 rounds, 2 negotiations (about 6 s each); gc.collect()
                    between negotiations (untimed) so the peak RSS is that of one negotiation
                                                                 [sao_1e6/boulware_vs_conceder_100rounds]

Prints a short Markdown summary on stdout, progress on stderr, and with --json FILE writes
{"meta": {...}, "workloads": {name: {...}}} to FILE.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

N_VALUES = 10
SEED_BASE = 1000
N_DOMAINS = 5
WARMUP_SEED = 999


# ----------------------------------------------------------------------------- helpers


def proc_status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return None


def draw_domain(seed: int, issues: int):
    import numpy as np

    rng = np.random.default_rng(seed)
    parties = []
    for _ in range(2):
        w = rng.random(issues)
        w = w / w.sum()
        tables = rng.random((issues, N_VALUES))
        parties.append((w, tables))
    return parties


class Domain:
    """Issues, outcome space and the two ufuns (construction is never timed)."""

    def __init__(self, seed: int, issues: int, scenario: str):
        from negmas import make_issue, make_os
        from negmas.preferences import LinearAdditiveUtilityFunction

        (w1, t1), (w2, t2) = draw_domain(seed, issues)
        if scenario == "nodeal":
            w2, t2, rv = w1, 1.0 - t1, 0.55
        elif scenario == "indep":
            rv = 0.0
        else:
            raise ValueError(scenario)
        self.issues = [make_issue([f"v{j}" for j in range(N_VALUES)], f"i{k}") for k in range(issues)]
        self.os = make_os(self.issues)

        def ufun(w, t):
            return LinearAdditiveUtilityFunction(
                values=[{f"v{j}": float(t[k][j]) for j in range(N_VALUES)} for k in range(issues)],
                weights=[float(x) for x in w],
                outcome_space=self.os,
                reserved_value=rv,
            )

        self.ufuns = (ufun(w1, t1), ufun(w2, t2))


def negotiate(dom: Domain, n_steps: int, seed: int) -> dict:
    import numpy as np
    from negmas import SAOMechanism
    from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator

    random.seed(seed)
    np.random.seed(seed)
    t0 = time.perf_counter()
    m = SAOMechanism(outcome_space=dom.os, n_steps=n_steps)
    m.add(BoulwareTBNegotiator(), ufun=dom.ufuns[0])
    m.add(ConcederTBNegotiator(), ufun=dom.ufuns[1])
    t1 = time.perf_counter()
    m.step()
    t2 = time.perf_counter()
    m.run()
    t3 = time.perf_counter()
    return {
        "seconds": t3 - t0,
        "setup_s": t1 - t0,
        "first_step_s": t2 - t1,
        "rest_s": t3 - t2,
        "rounds": int(m.state.step),
        "agreement": m.agreement is not None,
    }


# ----------------------------------------------------------------------------- worker


def series(issues: int, scenario: str, n_steps: int, negs: int, gc_between: bool) -> dict:
    doms: dict[int, Domain] = {}
    runs = []
    for i in range(negs):
        seed = SEED_BASE + i % N_DOMAINS
        if seed not in doms:
            if gc_between:  # big domains: keep only the current one
                doms.clear()
            doms[seed] = Domain(seed, issues, scenario)
        r = negotiate(doms[seed], n_steps, i)
        r["domain_seed"] = seed
        runs.append(r)
        if gc_between:
            gc.collect()
    total = sum(r["seconds"] for r in runs)
    rounds = sum(r["rounds"] for r in runs)
    steady_t = sum(r["rest_s"] for r in runs)
    steady_rounds = sum(r["rounds"] - 1 for r in runs)
    return {
        "negotiations": negs,
        "seconds": total,
        "negs_per_s": negs / total,
        "rounds": rounds,
        "rounds_per_s": rounds / total,
        "steady_rounds_per_s": steady_rounds / steady_t if steady_t > 0 else None,
        "mean_rounds": rounds / negs,
        "agreement_rate": sum(r["agreement"] for r in runs) / negs,
        "mean_setup_ms": 1e3 * statistics.fmean(r["setup_s"] for r in runs),
        "mean_first_step_ms": 1e3 * statistics.fmean(r["first_step_s"] for r in runs),
        "per_negotiation_s": [r["seconds"] for r in runs],
    }


WORKLOADS = {
    # name: (issues, scenario, n_steps, gc between negotiations)
    "indep_1e3_100": (3, "indep", 100, False),
    "nodeal_1e3_1000": (3, "nodeal", 1000, False),
    "indep_1e6_100": (6, "indep", 100, True),
}


def worker(name: str, negs: int, reps: int) -> dict:
    t = time.perf_counter()
    import negmas
    import numpy as np

    import_s = time.perf_counter() - t
    out = {"workload": name, "negmas_version": negmas.__version__, "numpy_version": np.__version__,
           "import_s": import_s, "rss_after_import_mb": proc_status_mb("VmRSS")}
    # Warm-up, untimed: lazy imports and first-call costs inside negmas.
    negotiate(Domain(WARMUP_SEED, 3, "indep"), 100, WARMUP_SEED)
    gc.collect()
    out["rss_after_warmup_mb"] = proc_status_mb("VmRSS")

    if name == "index_1e6":
        from negmas.gb.components.inverter import make_inverter

        builds = []
        for r in range(reps):
            dom = Domain(SEED_BASE + r % N_DOMAINS, 6, "indep")
            u = dom.ufuns[0]
            t0 = time.perf_counter()
            inv = make_inverter(u)  # what each TB negotiator builds (AdaptiveInverseUtilityFunction)
            inv.init()
            builds.append(time.perf_counter() - t0)
            out["inverter"] = type(getattr(inv, "delegate", None) or inv).__name__
            del inv, dom, u
            gc.collect()
        out.update(builds_s=builds, median_ms=1e3 * statistics.median(builds), reps=reps)
    else:
        issues, scenario, n_steps, gc_between = WORKLOADS[name]
        out.update(issues=issues, outcomes=N_VALUES ** issues, scenario=scenario, n_steps=n_steps, reps=reps)
        out["reps_data"] = [series(issues, scenario, n_steps, negs, gc_between) for _ in range(reps)]
        for key in ("negs_per_s", "rounds_per_s", "steady_rounds_per_s", "mean_rounds", "agreement_rate",
                    "mean_setup_ms", "mean_first_step_ms"):
            vals = [r[key] for r in out["reps_data"] if r[key] is not None]
            out[key] = statistics.median(vals) if vals else None
        per = [s for r in out["reps_data"] for s in r["per_negotiation_s"]]
        out["median_negotiation_s"] = statistics.median(per)
        out["mean_negotiation_s"] = statistics.fmean(per)
        out["negotiations_per_rep"] = negs
    out["peak_rss_mb"] = proc_status_mb("VmHWM")
    return out


# ----------------------------------------------------------------------------- driver


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
    return {"nproc": nproc, "cpu_model": model, "loadavg": load, "python": platform.python_version()}


def run_worker(name: str, negs: int, reps: int) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--negs", str(negs), "--reps", str(reps)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"NegMAS worker {name} exited with {p.returncode} (its stderr is above)")
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["process_s"] = time.perf_counter() - t0
    return res


def fmt(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "-"
    if abs(x) >= 10 ** digits:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--big", action="store_true",
                    help="also the 1e6-outcome workloads (inverse-ufun builds and negotiations): about 20 s more")
    ap.add_argument("--negs", type=int, default=100, help="negotiations per repetition, 1e3 / 100 rounds (default 100)")
    ap.add_argument("--nodeal-negs", type=int, default=5,
                    help="negotiations per repetition, no-deal 1e3 / 1000 rounds (default 5, about 0.2 s each)")
    ap.add_argument("--big-negs", type=int, default=2, help="negotiations at 1e6 with --big (default 2, about 6 s each)")
    ap.add_argument("--index-reps", type=int, default=2, help="inverse-ufun builds at 1e6 with --big (default 2)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of the 1e3 series, median shown (default 3)")
    ap.add_argument("--json", help="write all results as one JSON object to this file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if min(args.negs, args.nodeal_negs, args.big_negs, args.index_reps, args.reps) < 1:
        ap.error("counts must be at least 1")

    if args.worker:
        print(json.dumps(worker(args.worker, args.negs, args.reps)))
        return 0

    plan = [("indep_1e3_100", args.negs, args.reps), ("nodeal_1e3_1000", args.nodeal_negs, args.reps)]
    if args.big:
        plan += [("index_1e6", 1, args.index_reps), ("indep_1e6_100", args.big_negs, 1)]
    results = {}
    for name, negs, reps in plan:
        what = f"{args.index_reps} builds" if name == "index_1e6" else f"{reps} x {negs} negotiations"
        print(f"# NegMAS {name}: {what} ...", file=sys.stderr, flush=True)
        results[name] = run_worker(name, negs, reps)

    first = next(iter(results.values()))
    meta = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "negmas_version": first["negmas_version"],
            "numpy_version": first["numpy_version"], "big": args.big, "negs": args.negs,
            "nodeal_negs": args.nodeal_negs, "big_negs": args.big_negs, "index_reps": args.index_reps,
            "reps": args.reps, "seed_base": SEED_BASE, **machine_info()}
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"meta": meta, "workloads": results}, indent=1) + "\n")

    print(f"## NegMAS {meta['negmas_version']} SAO throughput ({meta['nproc']} CPUs, {meta['cpu_model']}, "
          f"Python {meta['python']})")
    print()
    print("| workload | negs/s | rounds/s | steady rounds/s | mean rounds | agreement | setup ms | 1st step ms "
          "| s per negotiation (median) | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        if name == "index_1e6":
            print(f"| {name} ({r['inverter']}, median of {r['reps']}) | | | | | | | | "
                  f"{r['median_ms'] / 1e3:.2f} (build) | {fmt(r['peak_rss_mb'])} |")
            continue
        label = f"{name} ({r['reps']} x {r['negotiations_per_rep']})"
        print(f"| {label} | {fmt(r['negs_per_s'])} | {fmt(r['rounds_per_s'])} | {fmt(r['steady_rounds_per_s'])} | "
              f"{fmt(r['mean_rounds'])} | {r['agreement_rate']:.2f} | {fmt(r['mean_setup_ms'])} | "
              f"{fmt(r['mean_first_step_ms'])} | {fmt(r['median_negotiation_s'])} | {fmt(r['peak_rss_mb'])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
