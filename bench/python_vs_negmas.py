#!/usr/bin/env python3
"""The Python package `accord` against NegMAS 0.16, in the same Python process: in-library calls
only (no process start, no file reading in the figures).

Run it with a Python that has both packages, e.g. the test venv of crates/accord-py/run-tests.sh:
    crates/accord-py/run-tests.sh      # makes crates/accord-py/.venv with accord and negmas
    crates/accord-py/.venv/bin/python bench/python_vs_negmas.py [--reps N]

Domains: 2 parties, n categorical issues x v values; per party a LinearAdditiveUtilityFunction
with weights U(0,1) normalised to sum 1 and one U(0,1) value table per issue (numpy
default_rng(seed)), reserved value 0 (as bench/sao_negmas.py and the NegMAS baseline).

Timed, each the median of --reps runs (the first, untimed, call warms both libraries):
  * pareto: accord.negmas.pareto_frontier(ufuns) vs negmas.preferences.ops.pareto_frontier(ufuns)
    (the same result shape; accord's includes converting the ufuns, analysing, and building
    NegMAS's answer back);
  * stats: accord.negmas.scenario_stats(ufuns) vs negmas.preferences.ops.calc_scenario_stats;
  * sao: one alternating-offers negotiation, Boulware (first mover) vs Conceder, 100 rounds:
    accord.negotiate(scenario, trace=False, compare=False) on the scenario from_negmas made
    (made once, untimed) vs SAOMechanism(n_steps=100) with BoulwareTBNegotiator and
    ConcederTBNegotiator (construction and run timed, as bench/sao_negmas.py does).
NegMAS is skipped where it would enumerate more than --negmas-max outcomes (default 10^6).
"""

import argparse
import gc
import platform
import statistics
import sys
import time

import numpy as np

import accord
import accord.negmas as an
import negmas
from negmas import SAOMechanism
from negmas.outcomes import make_issue, make_os
from negmas.preferences import LinearAdditiveUtilityFunction as LU
from negmas.preferences.ops import calc_scenario_stats, pareto_frontier
from negmas.preferences.value_fun import TableFun
from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator


def domain(n, v, seed):
    rng = np.random.default_rng(seed)
    issues = [make_issue(values=[f"v{k}" for k in range(v)], name=f"i{i}") for i in range(n)]
    os = make_os(issues)
    ufuns = []
    for _ in range(2):
        w = rng.random(n)
        w = w / w.sum()
        tables = [TableFun({f"v{k}": float(x) for k, x in enumerate(rng.random(v))}) for _ in range(n)]
        ufuns.append(LU(values=tables, weights=list(map(float, w)), outcome_space=os, reserved_value=0.0))
    return os, ufuns


def timed(f, reps):
    f()  # warm-up, untimed
    times = []
    for _ in range(reps):
        gc.collect()
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def negmas_sao(os, ufuns):
    m = SAOMechanism(outcome_space=os, n_steps=100)
    m.add(BoulwareTBNegotiator(), ufun=ufuns[0])
    m.add(ConcederTBNegotiator(), ufun=ufuns[1])
    m.run()
    return m.agreement


def fmt(x):
    if x is None:
        return "-"
    if x >= 1:
        return f"{x:.2f} s"
    if x >= 1e-3:
        return f"{x * 1e3:.2f} ms"
    return f"{x * 1e6:.0f} µs"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--negmas-max", type=float, default=1e6)
    args = ap.parse_args()
    sizes = [(3, 10), (4, 10), (5, 10), (6, 10), (10, 10), (19, 10)]
    print(f"# accord {accord.__version__} vs negmas {negmas.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, median of {args.reps}\n")
    print("| domain (2 parties) | outcomes | call | accord | negmas | negmas / accord |")
    print("|---|---|---|---|---|---|")
    for n, v in sizes:
        os, ufuns = domain(n, v, seed=1000 + n)
        size = v**n
        enumerable = size <= args.negmas_max
        scenario = an.from_negmas(ufuns, names=["p0", "p1"])
        calls = [
            ("pareto_frontier", lambda: an.pareto_frontier(ufuns), lambda: pareto_frontier(ufuns)),
            ("calc_scenario_stats", lambda: an.scenario_stats(ufuns), lambda: calc_scenario_stats(ufuns)),
        ]
        if size <= 1e6:
            calls.append((
                "SAO negotiation, 100 rounds",
                lambda: accord.negotiate(scenario, strategies={"p0": "boulware", "p1": "conceder"},
                                         rounds=100, trace=False, compare=False),
                lambda: negmas_sao(os, ufuns),
            ))
        for name, ours, theirs in calls:
            a = timed(ours, args.reps)
            b = timed(theirs, args.reps if size <= 1e5 else 1) if enumerable else None
            ratio = f"{b / a:.0f}x" if b else "(not enumerable)" if not enumerable else "-"
            print(f"| {n} x {v} | 10^{n} | {name} | {fmt(a)} | {fmt(b)} | {ratio} |", flush=True)
        if enumerable:
            # The answers agree (utility vectors of the frontier).
            ours_u = sorted(an.pareto_frontier(ufuns)[0])
            theirs_u = sorted(tuple(map(float, p)) for p in pareto_frontier(ufuns)[0])
            assert len(ours_u) == len(theirs_u) and all(
                abs(x - y) < 1e-9 for p, q in zip(ours_u, theirs_u) for x, y in zip(p, q)
            ), "frontiers differ"
    print("\nCommand: crates/accord-py/.venv/bin/python bench/python_vs_negmas.py", " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
