#!/usr/bin/env python3
"""NegMAS 0.16 tournament and single-text throughput, the workloads bench/tournament.sh runs in Accord.

Run with the benchmark venv's Python (bench/.venv, made by bench/tournament.sh):
    bench/.venv/bin/python bench/tournament_negmas.py [--reps N] [--json FILE]

Workloads (as in /work/shared/reference/negmas-baseline.md, sections (c) and (d)):
  tournament   negmas.tournaments.neg.simple.cartesian.cartesian_tournament: BoulwareTBNegotiator,
               ConcederTBNegotiator, LinearTBNegotiator, NaiveTitForTatNegotiator on 5 random
               1e3-outcome domains (3 issues x 10 values, weights U(0,1) normalised, value tables
               U(0,1), numpy default_rng(3000 + d), reserved value 0), every ordered pair including
               self-play, rotate_ufuns=True, n_repetitions=3: 480 SAO negotiations of 100 rounds;
               path=None (nothing written), njobs=-1 (serial) and njobs=2 (2 processes).
  veto_1000    VetoSTMechanism with two BinaryComparatorNegotiators on the same domains, 1000 steps,
               20 negotiations: ms per negotiation.
Each figure is the median over --reps repetitions (default 3). Prints a Markdown table on stdout and,
with --json FILE, writes the raw figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy as np
from negmas.outcomes import make_issue
from negmas.outcomes.outcome_space import make_os
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.value_fun import TableFun
from negmas.inout import Scenario
from negmas.sao import SAOMechanism
from negmas.sao.negotiators import (
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    LinearTBNegotiator,
    NaiveTitForTatNegotiator,
)
from negmas.st import VetoSTMechanism
from negmas.st import BinaryComparatorNegotiator
from negmas.tournaments.neg.simple.cartesian import cartesian_tournament


def domain(seed: int, n_issues: int = 3, n_values: int = 10):
    rng = np.random.default_rng(seed)
    issues = [make_issue([f"v{k}" for k in range(n_values)], f"i{i}") for i in range(n_issues)]
    os = make_os(issues, name=f"random-{seed}")
    ufuns = []
    for _ in range(2):
        w = rng.random(n_issues)
        w = w / w.sum()
        values = [TableFun({f"v{k}": float(x) for k, x in enumerate(rng.random(n_values))}) for _ in range(n_issues)]
        ufuns.append(LinearAdditiveUtilityFunction(values=values, weights=list(w), outcome_space=os, reserved_value=0.0))
    return os, ufuns


def tournament(njobs: int) -> tuple[float, int]:
    scenarios = []
    for d in range(5):
        os, ufuns = domain(3000 + d)
        scenarios.append(Scenario(outcome_space=os, ufuns=tuple(ufuns), mechanism_type=SAOMechanism, mechanism_params=dict()))
    competitors = [BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator, NaiveTitForTatNegotiator]
    start = time.perf_counter()
    results = cartesian_tournament(
        competitors=competitors,
        scenarios=scenarios,
        mechanism_params=dict(n_steps=100),
        n_repetitions=3,
        rotate_ufuns=True,
        self_play=True,
        njobs=njobs,
        verbosity=0,
        path=None,
    )
    secs = time.perf_counter() - start
    return secs, len(results.details)


def veto(steps: int = 1000, negs: int = 20) -> float:
    total = 0.0
    for i in range(negs):
        os, ufuns = domain(3000 + i % 5)
        start = time.perf_counter()
        m = VetoSTMechanism(outcome_space=os, n_steps=steps)
        for u in ufuns:
            m.add(BinaryComparatorNegotiator(), ufun=u)
        m.run()
        total += time.perf_counter() - start
    return 1e3 * total / negs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--json")
    a = ap.parse_args()
    out: dict[str, dict] = {}
    for name, njobs in [("tournament_serial", -1), ("tournament_2procs", 2)]:
        rates = []
        for r in range(a.reps):
            secs, n = tournament(njobs)
            rates.append(n / secs)
            print(f"# {name} rep {r}: {n} negotiations in {secs:.2f} s ({n / secs:.1f}/s)", file=sys.stderr)
        out[name] = {"negotiations": n, "negs_per_s": statistics.median(rates), "all": rates}
    ms = [veto() for _ in range(a.reps)]
    print(f"# veto_1000: {ms} ms per negotiation", file=sys.stderr)
    out["veto_1000"] = {"ms_per_negotiation": statistics.median(ms), "all": ms}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)
    print("| NegMAS 0.16 workload | figure |")
    print("|---|---:|")
    print(f"| cartesian_tournament, serial | {out['tournament_serial']['negs_per_s']:.1f} negs/s |")
    print(f"| cartesian_tournament, 2 processes | {out['tournament_2procs']['negs_per_s']:.1f} negs/s |")
    print(f"| VetoST, 1000 steps | {out['veto_1000']['ms_per_negotiation']:.1f} ms / negotiation |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
