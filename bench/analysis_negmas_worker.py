"""One NegMAS measurement in a fresh process (used by bench/analysis.py).

Usage: python analysis_negmas_worker.py DOMAIN.json TASK
  DOMAIN.json: {"parties": [{"weights": [...], "tables": [[...10...], ...]}, ...]}
  TASK: "pareto" (negmas.preferences.ops.pareto_frontier + nash_points) or
        "stats"  (negmas.preferences.ops.calc_scenario_stats, what the baseline
                  calls "full scenario stats").

Building the issues and the LinearAdditiveUtilityFunctions is not timed.
Prints one JSON object on stdout.
"""

import json
import resource
import sys
import time


def rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    domain_path, task = sys.argv[1], sys.argv[2]
    if task not in ("pareto", "stats"):
        raise SystemExit(f"unknown task {task!r}")
    t_import = time.perf_counter()
    import negmas  # noqa: F401
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import calc_scenario_stats, nash_points, pareto_frontier

    import_s = time.perf_counter() - t_import
    rss_after_import = rss_mb()

    with open(domain_path) as f:
        dom = json.load(f)
    n_issues = len(dom["parties"][0]["weights"])
    n_values = len(dom["parties"][0]["tables"][0])
    issues = [make_issue([f"v{j}" for j in range(n_values)], f"i{k}") for k in range(n_issues)]
    os_ = make_os(issues)
    ufuns = []
    for p in dom["parties"]:
        values = [
            {f"v{j}": float(p["tables"][k][j]) for j in range(n_values)} for k in range(n_issues)
        ]
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=values,
                weights=[float(w) for w in p["weights"]],
                outcome_space=os_,
                reserved_value=0.0,
            )
        )

    out = {
        "negmas_version": negmas.__version__,
        "task": task,
        "import_s": import_s,
        "rss_after_import_mb": rss_after_import,
    }
    if task == "pareto":
        t0 = time.perf_counter()
        frontier, indices = pareto_frontier(ufuns, issues=os_.issues)
        t1 = time.perf_counter()
        # Nash on the frontier, as the baseline did (ranges from the outcome space).
        ranges = [u.minmax(os_, above_reserve=False) for u in ufuns]
        nash = nash_points(ufuns, frontier=frontier, ranges=ranges)
        t2 = time.perf_counter()
        out.update(
            seconds=t1 - t0,
            nash_seconds=t2 - t1,
            frontier=[list(map(float, pt)) for pt in frontier],
            nash=[list(map(float, pt)) for pt, _ in nash],
            ranges=[list(map(float, r)) for r in ranges],
        )
    else:
        t0 = time.perf_counter()
        stats = calc_scenario_stats(ufuns)
        t1 = time.perf_counter()
        out.update(
            seconds=t1 - t0,
            frontier=[list(map(float, pt)) for pt in stats.pareto_utils],
            nash=[list(map(float, pt)) for pt in stats.nash_utils],
            ranges=[list(map(float, r)) for r in stats.utility_ranges],
            opposition=float(stats.opposition),
            rational_fraction=float(stats.rational_fraction),
        )
    out["rss_peak_self_mb"] = rss_mb()
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
