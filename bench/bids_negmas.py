#!/usr/bin/env python3
"""NegMAS 0.16's BIDS inverse utility on the random domains of `cargo bench -p accord-strategy
--bench sao -- bnb`: set-up (`init()`) and lookups, to set beside Accord's branch-and-bound index.

Run with a Python that has negmas==0.16.0 and numpy (bench/.venv, or any venv):
    python bench/bids_negmas.py [--issues 10,20,50] [--lookups 200] [--reps 3]
bench/bnb.sh runs it right after Accord's bench, in the same run.

Domains: n categorical issues x 10 values, party 1's LinearAdditiveUtilityFunction of
bench/sao_negmas.py (weights U(0,1) normalised, U(0,1) value tables, numpy seed 2000): the same
distribution as Accord's `random_additive`, not the same draws. BIDSInverseUtilityFunction with
its defaults (precision 3). Lookup: `worst_in((t, 1.0), normalized=True)` (an outcome of least
utility at or above t, what a time-based negotiator asks) at t = k * 7919 % 1000 / 1000 for
k = 1..N, as Accord's bench; the median per lookup and the largest shortfall / excess of the
answer's normalised utility against t are reported. A whole negotiation: NegMAS's
`SAOMechanism(n_steps=100)` with `BoulwareTBNegotiator` against `ConcederTBNegotiator`, both
given BIDS as their `ufun_inverter` (their default inverter lists every outcome), construction
and run timed, the median of `--negotiations` runs after an untimed one (as Accord's "whole
negotiation": Boulware vs Conceder, 100 rounds). Each domain runs in a fresh interpreter
(`--worker`) so that its peak RSS (VmHWM) is its own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sao_negmas import Domain, proc_status_mb  # noqa: E402  (the same domains and RSS reading)


def negotiation_seconds(dom: Domain, runs: int) -> tuple[float, bool]:
    """Median seconds of a Boulware vs Conceder SAO negotiation with BIDS inverters, and whether
    the last one agreed."""
    from negmas import SAOMechanism
    from negmas.preferences import BIDSInverseUtilityFunction
    from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator

    times, agreed = [], False
    for k in range(runs + 1):
        t0 = time.perf_counter()
        m = SAOMechanism(outcome_space=dom.os, n_steps=100)
        m.add(BoulwareTBNegotiator(ufun_inverter=BIDSInverseUtilityFunction), ufun=dom.ufuns[0])
        m.add(ConcederTBNegotiator(ufun_inverter=BIDSInverseUtilityFunction), ufun=dom.ufuns[1])
        m.run()
        if k > 0:
            times.append(time.perf_counter() - t0)
        agreed = m.agreement is not None
    return statistics.median(times), agreed


def worker(issues: int, lookups: int, reps: int, negotiations: int) -> dict:
    from negmas.preferences import BIDSInverseUtilityFunction

    dom = Domain(2000, issues, "indep")
    u = dom.ufuns[0]
    inits = []
    inv = None
    for _ in range(reps):
        inv = BIDSInverseUtilityFunction(u)
        t0 = time.perf_counter()
        inv.init()
        inits.append(time.perf_counter() - t0)
    lo, hi = inv.minmax()
    times, errs = [], []
    for k in range(1, lookups + 1):
        t = (k * 7919 % 1000) / 1000.0
        t0 = time.perf_counter()
        o = inv.worst_in((t, 1.0), normalized=True)
        times.append(time.perf_counter() - t0)
        if o is not None:
            errs.append((float(u(o)) - lo) / (hi - lo) - t)
    whole, agreed = negotiation_seconds(dom, negotiations) if negotiations > 0 else (None, None)
    return {
        "negotiation_ms": None if whole is None else 1e3 * whole,
        "agreed": agreed,
        "issues": issues,
        "outcomes": f"10^{issues}",
        "init_ms": 1e3 * statistics.median(inits),
        "lookup_us": 1e6 * statistics.median(times),
        "answers": len(errs),
        "worst_shortfall": -min(errs) if errs else None,
        "worst_excess": max(errs) if errs else None,
        "peak_rss_mb": proc_status_mb("VmHWM"),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--issues", default="10,20,50")
    ap.add_argument("--lookups", type=int, default=200)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--negotiations", type=int, default=3)
    ap.add_argument("--worker", type=int)
    a = ap.parse_args()
    if a.worker is not None:
        print(json.dumps(worker(a.worker, a.lookups, a.reps, a.negotiations)))
        return
    print("| outcomes | BIDS init | BIDS lookup | answers | worst shortfall | worst excess | SAO negotiation | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for n in [int(x) for x in a.issues.split(",")]:
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(n), "--lookups", str(a.lookups), "--reps", str(a.reps),
             "--negotiations", str(a.negotiations)],
            check=True, capture_output=True, text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        fmt = lambda x: "n/a" if x is None else f"{x:.2e}"  # noqa: E731
        whole = lambda r: "n/a" if r["negotiation_ms"] is None else (  # noqa: E731
            f"{r['negotiation_ms']:.0f} ms ({'agreed' if r['agreed'] else 'no agreement'})")
        print(f"| {r['outcomes']} | {r['init_ms']:.1f} ms | {r['lookup_us']:.1f} µs | {r['answers']}/{a.lookups} "
              f"| {fmt(r['worst_shortfall'])} | {fmt(r['worst_excess'])} | {whole(r)} | {r['peak_rss_mb']:.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
