"""accord.negmas against NegMAS itself (enumeration) on random domains."""

import itertools
import math
import random

import pytest

negmas = pytest.importorskip("negmas")

from negmas.outcomes import make_issue  # noqa: E402
from negmas.preferences import LinearAdditiveUtilityFunction as LU  # noqa: E402
from negmas.preferences.ops import calc_scenario_stats, pareto_frontier  # noqa: E402
from negmas.preferences.value_fun import AffineFun, TableFun  # noqa: E402

import accord  # noqa: E402
import accord.negmas as an  # noqa: E402


def random_domain(seed, parties=2):
    rng = random.Random(seed)
    issues = []
    for i in range(rng.randint(2, 4)):
        if rng.random() < 0.5:
            issues.append(make_issue(values=[f"v{k}" for k in range(rng.randint(2, 6))], name=f"i{i}"))
        else:
            lo = rng.randint(-3, 5)
            issues.append(make_issue(values=(lo, lo + rng.randint(1, 6)), name=f"i{i}"))
    ufuns = []
    for p in range(parties):
        weights = [rng.random() for _ in issues]
        total = sum(weights)
        values = [
            TableFun({v: rng.random() for v in issue.all}) for issue in issues
        ]
        reserved = rng.choice([float("-inf"), rng.uniform(0.0, 0.6)])
        ufuns.append(
            LU(values=values, weights=[w / total for w in weights], issues=issues,
               reserved_value=reserved, name=f"p{p}")
        )
    return issues, ufuns


SEEDS = range(12)


def close(a, b, tol=1e-9):
    return len(a) == len(b) and all(
        all(math.isclose(x, y, abs_tol=tol) for x, y in zip(p, q)) for p, q in zip(a, b)
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("parties", [2, 3])
def test_pareto_frontier_is_negmas(seed, parties):
    issues, ufuns = random_domain(seed, parties)
    nu, ni = pareto_frontier(ufuns, sort_by_welfare=True)
    au, ai = an.pareto_frontier(ufuns)
    # The same utility vectors, welfare first.
    assert close(sorted(au), sorted(tuple(map(float, p)) for p in nu))
    sums = [sum(p) for p in au]
    assert sums == sorted(sums, reverse=True)
    # Each index is an outcome of the enumeration with those utilities.
    outcomes = list(itertools.product(*[list(i.all) for i in issues]))
    for utils, index in zip(au, ai):
        for u, x in zip(ufuns, utils):
            assert float(u(outcomes[index])) == pytest.approx(x, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_scenario_stats_are_negmas(seed):
    issues, ufuns = random_domain(100 + seed)
    theirs = calc_scenario_stats(ufuns)
    ours = an.scenario_stats(ufuns)
    assert ours.opposition == pytest.approx(theirs.opposition, abs=1e-12)
    assert close(ours.utility_ranges, theirs.utility_ranges)
    assert close(sorted(ours.pareto_utils), sorted(tuple(map(float, p)) for p in theirs.pareto_utils))
    for field in ["nash", "kalai", "modified_kalai", "ks", "modified_ks", "max_welfare", "max_relative_welfare"]:
        assert close(getattr(ours, field + "_utils"), getattr(theirs, field + "_utils")), field
        assert getattr(ours, field + "_outcomes") == getattr(theirs, field + "_outcomes"), field
    assert ours.rational_fraction == pytest.approx(theirs.rational_fraction)


@pytest.mark.parametrize("seed", SEEDS)
def test_round_trip_keeps_every_utility(seed):
    issues, ufuns = random_domain(200 + seed, parties=3)
    scenario = an.from_negmas(ufuns)
    assert scenario.parties == ["p0", "p1", "p2"]
    back_issues, back = an.to_negmas(scenario)
    assert [i.name for i in back_issues] == [i.name for i in issues]
    outcomes = list(itertools.product(*[list(i.all) for i in issues]))
    assert outcomes == list(itertools.product(*[list(i.all) for i in back_issues]))
    for o in outcomes:
        for u, v in zip(ufuns, back):
            assert float(v(o)) == pytest.approx(float(u(o)), abs=1e-12)
    for u, v in zip(ufuns, back):
        assert v.reserved_value == pytest.approx(u.reserved_value) or (
            math.isinf(u.reserved_value) and math.isinf(v.reserved_value)
        )


def test_rescaled_ufuns_keep_their_utilities_up_to_the_offset():
    issues = [make_issue(values=(0, 9), name="price"), make_issue(values=["a", "b", "c"], name="kind")]
    u = LU(values=[AffineFun(slope=-2.0, bias=30.0), TableFun({"a": 3.0, "b": -1.0, "c": 0.5})],
           weights=[0.5, -2.0], issues=issues, reserved_value=5.0, name="buyer")
    v = LU(values=[AffineFun(slope=1.0, bias=0.0), TableFun({"a": 0.0, "b": 1.0, "c": 0.2})],
           weights=[0.1, 0.9], issues=issues, name="seller")
    scenario, offsets = an.from_negmas([u, v], return_offsets=True)
    for o in itertools.product(range(10), ["a", "b", "c"]):
        d = {"price": o[0], "kind": o[1]}
        assert scenario.utility("buyer", d) + offsets[0] == pytest.approx(float(u(o)), abs=1e-9)
        assert scenario.utility("seller", d) + offsets[1] == pytest.approx(float(v(o)), abs=1e-9)
    nu, _ = pareto_frontier([u, v])
    au, _ = an.pareto_frontier([u, v])
    assert close(sorted(au), sorted(tuple(map(float, p)) for p in nu))


def test_large_domain_without_enumeration():
    """19 issues of 10 values (10^19 outcomes): NegMAS cannot enumerate it; Accord's frontier
    comes from the per-issue tables."""
    rng = random.Random(1)
    issues = [make_issue(values=10, name=f"i{k}") for k in range(19)]
    ufuns = [
        LU(values=[TableFun({v: rng.random() for v in range(10)}) for _ in issues],
           weights=[1 / 19] * 19, issues=issues, name=f"p{p}")
        for p in range(2)
    ]
    utils, indices = an.pareto_frontier(ufuns)
    assert len(utils) > 10
    assert all(0 <= i < 10**19 for i in indices)
    # Endpoints: each party's best utility is on the frontier.
    for p, u in enumerate(ufuns):
        best = sum(max(f(v) for v in range(10)) for f in u.values) / 19
        assert max(x[p] for x in utils) == pytest.approx(best, abs=1e-12)


def test_errors_name_what_cannot_convert():
    issues = [make_issue(values=(0.0, 1.0), name="x")]
    u = LU(values=[AffineFun(slope=1.0)], weights=[1.0], issues=issues)
    with pytest.raises(ValueError, match="continuous"):
        an.from_negmas([u, u])
    s = accord.load(__import__("pathlib").Path(__file__).resolve().parents[3] / "scenarios" / "trade.toml")
    with pytest.raises(ValueError, match="red lines"):
        an.to_negmas(s)
