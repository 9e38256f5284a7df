#!/usr/bin/env python3
"""Merge Accord's criterion SAO benches and NegMAS's figures into one Markdown table (used by bench/sao.sh).

Usage: sao_report.py --accord-bencher FILE [--accord-stderr FILE] --negmas-json FILE [--out JSONL] [--command STR]
       sao_report.py --self-test      (checks the bencher-output parser on hand-written samples)

Accord side: the stdout of
    cargo bench -p accord-strategy --bench sao -- --output-format bencher
Criterion 0.8 (src/report.rs, BencherReport) prints one line per benchmark,
    print!("test {} ... ", id);  then  println!("bench: {:>11} {}/iter (+/- {})", median, unit, std_dev)
where both numbers are integers with ',' thousands separators and the unit is "ns" for wall time;
the first number is criterion's median time per iteration, the second its standard deviation.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

# "test sao/no_deal_1e3_1000rounds ... bench:  12,345,678 ns/iter (+/- 123,456)"
# Tolerates text before "test " (interleaved stderr), decimals, other time units, a missing "(+/- ...)".
BENCHER_RE = re.compile(
    r"test (?P<name>\S(?:.*?\S)?) \.\.\. +bench: +(?P<value>[\d,]+(?:\.\d+)?) (?P<unit>ns|us|µs|ms|s)/iter"
    r"(?: +\(\+/- +(?P<pm>[\d,]+(?:\.\d+)?)\))?"
)
UNIT_NS = {"ns": 1.0, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9}


def parse_bencher(text: str) -> dict[str, dict]:
    """Benchmark name -> {"ns": median ns/iter, "pm_ns": std dev ns or None, "line": the line}."""
    out: dict[str, dict] = {}
    for line in text.splitlines():
        m = BENCHER_RE.search(line)
        if not m:
            continue
        scale = UNIT_NS[m["unit"]]
        ns = float(m["value"].replace(",", "")) * scale
        pm = float(m["pm"].replace(",", "")) * scale if m["pm"] else None
        out[m["name"]] = {"ns": ns, "pm_ns": pm, "line": line.strip()}
    return out


def self_test() -> int:
    sample = """\
   Compiling accord-strategy v0.1.0 (/work/main/crates/accord-strategy)
    Finished `bench` profile [optimized] target(s) in 41.20s
     Running benches/sao.rs (target/release/deps/sao-0123456789abcdef)
Gnuplot not found, using plotters backend
test sao/boulware_vs_conceder_1e3_100rounds ... bench:       8,731 ns/iter (+/- 212)

test sao/no_deal_1e3_1000rounds ... bench:     412,905 ns/iter (+/- 3,118)

index memory per party: 24 MB
test sao_1e6/index_build ... bench:  61,234,567 ns/iter (+/- 1,024,311)
test sao_1e6/boulware_vs_conceder_100rounds ... bench:      15,020 ns/iter (+/- 99)

test old/libtest_style ... bench:         123 ns/iter (+/- 4)
test odd/decimal_and_unit ... bench: 1.5 ms/iter (+/- 0.25)
test odd/no_deviation ... bench:       7 ns/iter
Warning: Unable to complete 10 samples in 5.0s. test sao/interleaved ... bench:   1,000 ns/iter (+/- 0)
test sao/not_finished ... 
"""
    got = parse_bencher(sample)
    want = {
        "sao/boulware_vs_conceder_1e3_100rounds": (8731.0, 212.0),
        "sao/no_deal_1e3_1000rounds": (412905.0, 3118.0),
        "sao_1e6/index_build": (61234567.0, 1024311.0),
        "sao_1e6/boulware_vs_conceder_100rounds": (15020.0, 99.0),
        "old/libtest_style": (123.0, 4.0),
        "odd/decimal_and_unit": (1.5e6, 0.25e6),
        "odd/no_deviation": (7.0, None),
        "sao/interleaved": (1000.0, 0.0),
    }
    ok = True
    for name, (ns, pm) in want.items():
        g = got.get(name)
        if g is None or abs(g["ns"] - ns) > 1e-9 * max(1.0, ns) or (
            (g["pm_ns"] is None) != (pm is None) or (pm is not None and abs(g["pm_ns"] - pm) > 1e-9 * max(1.0, pm))
        ):
            print(f"FAIL {name}: got {g}, want ns={ns} pm={pm}")
            ok = False
    extra = set(got) - set(want)
    if extra:
        print(f"FAIL unexpected names parsed: {sorted(extra)}")
        ok = False
    print("bencher parser self-test: " + ("ok" if ok else "FAILED") + f" ({len(got)} lines parsed)")
    return 0 if ok else 1


# ----------------------------------------------------------------------------- report

ACC_1E3 = "sao/boulware_vs_conceder_1e3_100rounds"
ACC_1E3_FRESH = "sao/boulware_vs_conceder_1e3_100rounds_index_included"
ACC_NODEAL = "sao/no_deal_1e3_1000rounds"
ACC_INDEX = "sao_1e6/index_build"
ACC_1E6 = "sao_1e6/boulware_vs_conceder_100rounds"
NODEAL_ROUNDS = 1000


def num(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "-"
    if abs(x) >= 10 ** digits:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def secs(s: float | None) -> str:
    if s is None:
        return "-"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} µs"


def ratio(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}x" if x >= 100 else f"{x:.3g}x"


def rel(pm: float | None, ns: float) -> str:
    return "" if pm is None or ns <= 0 else f" (±{100 * pm / ns:.0f} %)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--accord-bencher")
    ap.add_argument("--accord-stderr")
    ap.add_argument("--negmas-json")
    ap.add_argument("--out")
    ap.add_argument("--command", default="bench/sao.sh")
    ap.add_argument("--load-start", default="", help="/proc/loadavg's first 3 fields when the run started")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not args.accord_bencher or not args.negmas_json:
        ap.error("--accord-bencher and --negmas-json are required")

    acc = parse_bencher(Path(args.accord_bencher).read_text(errors="replace"))
    missing = [n for n in (ACC_1E3, ACC_NODEAL, ACC_INDEX, ACC_1E6) if n not in acc]
    if missing:
        print(f"warning: no bencher line for {', '.join(missing)} in {args.accord_bencher}", file=sys.stderr)
    index_mb = None
    if args.accord_stderr and Path(args.accord_stderr).exists():
        m = re.search(r"index memory per party: (\d+) MB", Path(args.accord_stderr).read_text(errors="replace"))
        index_mb = int(m[1]) if m else None
    neg_all = json.loads(Path(args.negmas_json).read_text())
    meta, neg = neg_all["meta"], neg_all["workloads"]

    def a_ns(name):
        return acc[name]["ns"] if name in acc else None

    def a_pm(name):
        return rel(acc[name]["pm_ns"], acc[name]["ns"]) if name in acc else ""

    rows, derived = [], []
    # 1. 1e3, 100 rounds: negotiations/s
    n = neg.get("indep_1e3_100")
    a = 1e9 / a_ns(ACC_1E3) if a_ns(ACC_1E3) else None
    b = n["negs_per_s"] if n else None
    rows.append(["1e3 outcomes, 100-round deadline, Boulware vs Conceder: negotiations/s",
                 num(a) + a_pm(ACC_1E3),
                 f"{num(b)} (median of {n['reps']} x {n['negotiations_per_rep']}; mean {num(n['mean_rounds'])} rounds, "
                 f"agreement {n['agreement_rate']:.2f})" if n else "not run",
                 ratio(a / b) if a and b else "-"])
    derived.append({"workload": "1e3_100", "unit": "negotiations/s", "accord": a, "negmas": b,
                    "accord_bench": ACC_1E3, "ratio_accord_over_negmas": a / b if a and b else None})
    # 1b. the same with both indexes built inside every negotiation, as NegMAS does
    a = 1e9 / a_ns(ACC_1E3_FRESH) if a_ns(ACC_1E3_FRESH) else None
    rows.append(["same, Accord building both indexes in every negotiation (like NegMAS): negotiations/s",
                 num(a) + a_pm(ACC_1E3_FRESH), num(b) if b else "not run",
                 ratio(a / b) if a and b else "-"])
    derived.append({"workload": "1e3_100_index_included", "unit": "negotiations/s", "accord": a, "negmas": b,
                    "accord_bench": ACC_1E3_FRESH, "ratio_accord_over_negmas": a / b if a and b else None})
    # 2. no deal, 1000 rounds: rounds/s
    n = neg.get("nodeal_1e3_1000")
    a = NODEAL_ROUNDS * 1e9 / a_ns(ACC_NODEAL) if a_ns(ACC_NODEAL) else None
    b = n["rounds_per_s"] if n else None
    rows.append(["1e3 outcomes, no deal, 1,000 rounds: rounds/s",
                 num(a) + a_pm(ACC_NODEAL),
                 f"{num(b)} (median of {n['reps']} x {n['negotiations_per_rep']}; "
                 f"{num(n['negs_per_s'])} negs/s)" if n else "not run",
                 ratio(a / b) if a and b else "-"])
    derived.append({"workload": "nodeal_1e3_1000", "unit": "rounds/s", "accord": a, "negmas": b,
                    "accord_bench": ACC_NODEAL, "ratio_accord_over_negmas": a / b if a and b else None})
    # 3. 1e6 index build (one party): ms
    n = neg.get("index_1e6")
    a = a_ns(ACC_INDEX) / 1e6 if a_ns(ACC_INDEX) else None
    b = n["median_ms"] if n else None
    rows.append(["1e6 outcomes, one party's index build: ms (NegMAS: the inverse ufun a negotiator builds)",
                 (num(a) + a_pm(ACC_INDEX)) if a is not None else "-",
                 f"{num(b)} ({n['inverter']}, median of {n['reps']})" if n else "not run (--big)",
                 ratio(b / a) if a and b else "-"])
    derived.append({"workload": "index_1e6", "unit": "ms", "accord": a, "negmas": b, "accord_bench": ACC_INDEX,
                    "ratio_negmas_over_accord": b / a if a and b else None})
    # 4. 1e6, 100 rounds, indexes prebuilt (Accord) / built per negotiation (NegMAS): negotiations/s
    n = neg.get("indep_1e6_100")
    a = 1e9 / a_ns(ACC_1E6) if a_ns(ACC_1E6) else None
    b = 1.0 / n["mean_negotiation_s"] if n else None
    rss = f"; peak RSS {num(n['peak_rss_mb'])} MB" if n and n.get("peak_rss_mb") else ""
    rows.append(["1e6 outcomes, 100-round deadline: negotiations/s (Accord: indexes built once, outside the loop)",
                 num(a) + a_pm(ACC_1E6),
                 f"{num(b)} ({secs(n['mean_negotiation_s'])} each, mean of {n['negotiations_per_rep']}; "
                 f"mean {num(n['mean_rounds'])} rounds{rss})" if n else "not run (--big)",
                 ratio(a / b) if a and b else "-"])
    derived.append({"workload": "1e6_100", "unit": "negotiations/s", "accord": a, "negmas": b, "accord_bench": ACC_1E6,
                    "negmas_peak_rss_mb": n.get("peak_rss_mb") if n else None,
                    "ratio_accord_over_negmas": a / b if a and b else None})
    # 5. derived: 1e6 negotiation including building both parties' indexes: time per negotiation
    a = (2 * a_ns(ACC_INDEX) + a_ns(ACC_1E6)) / 1e9 if a_ns(ACC_INDEX) and a_ns(ACC_1E6) else None
    b = n["mean_negotiation_s"] if n else None
    rows.append(["1e6 outcomes, 100 rounds, one negotiation including both index builds: time "
                 "(Accord derived: 2 x index_build + negotiation)",
                 secs(a), secs(b) if b else "not run (--big)", ratio(b / a) if a and b else "-"])
    derived.append({"workload": "1e6_100_with_index_builds", "unit": "s", "accord": a, "negmas": b,
                    "ratio_negmas_over_accord": b / a if a and b else None})

    cpu = (f"{meta['nproc']} CPUs (nproc), {meta['cpu_model']}; load average "
           + (f"{args.load_start} at start, " if args.load_start else "")
           + f"{' '.join(meta.get('loadavg', []))} before NegMAS")
    print(f"## SAO throughput: Accord vs NegMAS {meta['negmas_version']}")
    print()
    print(f"* Command: `{args.command}`")
    print(f"* Machine: {cpu}; Python {meta['python']}, numpy {meta['numpy_version']}")
    print("* Accord: `cargo bench -p accord-strategy --bench sao -- --output-format bencher` "
          "(crates/accord-strategy/benches/sao.rs); criterion's median time per iteration, "
          "one negotiation per iteration (1,000 rounds for no-deal); ± is criterion's std dev. "
          "Each party's `UtilityIndex` is built once before the timed loop and shared by every negotiation.")
    print("* NegMAS: bench/sao_negmas.py; `SAOMechanism(outcome_space=os, n_steps=D)`, BoulwareTBNegotiator vs "
          "ConcederTBNegotiator; time includes mechanism and negotiator construction and each negotiator's "
          "inverse-ufun build (done in every negotiation), not the ufuns; each workload in a fresh process "
          "after one warm-up negotiation.")
    print("* Domains: the same recipe (n issues x 10 values, U(0,1) weights normalised, U(0,1) tables), "
          "but not the same draws: Accord uses its own RNG (`random_additive(2, .., 1000)`), NegMAS numpy "
          f"`default_rng(seed)` with seeds {meta['seed_base']}..{meta['seed_base'] + 4}.")
    print()
    print("| workload | Accord | NegMAS | Accord speed-up |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    n1 = neg.get("indep_1e3_100")
    notes = []
    if n1:
        notes.append(f"NegMAS at 1e3 / 100 rounds spends {num(n1['mean_first_step_ms'])} ms of each "
                     f"{secs(n1['median_negotiation_s'])} negotiation in its first step (both inverse-ufun builds); "
                     f"its steady state is {num(n1['steady_rounds_per_s'])} rounds/s. Accord's figure has no "
                     "index build in it.")
    if index_mb is not None:
        notes.append(f"Accord index memory per party at 1e6 outcomes: {index_mb} MB (bench's own report).")
    if not meta.get("big"):
        notes.append("NegMAS 1e6 workloads not run; add --big (about 20 s more). The baseline "
                     "(/work/shared/reference/negmas-baseline.md) puts them at about 6 s per negotiation.")
    try:
        load1 = float(args.load_start.split()[0]) if args.load_start else None
    except (IndexError, ValueError):
        load1 = None
    if load1 is not None and load1 >= 0.5:
        notes.append(f"**Warning:** the 1-minute load average was already {load1:.2f} when this run started "
                     "(another process was busy). Both sides run single-threaded, but on a small machine "
                     "their figures may be low and not comparable. Rerun on an idle machine for reference numbers.")
    for s in notes:
        print(f"* {s}")
    if notes:
        print()

    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w") as f:
            f.write(json.dumps({"kind": "meta", "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                "command": args.command, "loadavg_start": args.load_start.split(),
                                "accord_index_mb_per_party": index_mb,
                                **{k: v for k, v in meta.items() if k != "time"}}) + "\n")
            for name, v in acc.items():
                f.write(json.dumps({"kind": "accord", "bench": name, **v}) + "\n")
            for name, v in neg.items():
                f.write(json.dumps({"kind": "negmas", **v}) + "\n")
            for d in derived:
                f.write(json.dumps({"kind": "row", **d}) + "\n")
        print(f"Raw results: `{out}`")
    if not acc:
        print(f"error: no Accord bencher line found in {args.accord_bencher}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
