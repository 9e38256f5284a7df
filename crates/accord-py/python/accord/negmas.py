"""NegMAS interoperability: scenarios to and from NegMAS, and NegMAS's Pareto frontier and
scenario statistics computed by Accord's engine (no enumeration of the outcome space for
additive preferences).

- ``from_negmas(ufuns, names=None)``: an ``accord.Scenario`` from NegMAS linear-additive
  utility functions over discrete issues (any single-issue value function: it is tabulated).
- ``to_negmas(scenario)``: ``(issues, ufuns)``: NegMAS issues and one
  ``LinearAdditiveUtilityFunction`` per negotiating party.
- ``pareto_frontier(ufuns)``: what ``negmas.preferences.ops.pareto_frontier`` returns,
  ``(utilities, indices)`` with indices into the outcome space's enumeration.
- ``scenario_stats(ufuns)``: a ``negmas.preferences.ScenarioStats`` as
  ``negmas.preferences.ops.calc_scenario_stats`` returns it.

NegMAS is imported only when these functions run (``pip install negmas``).

Accord writes a party's utility as weights times scores in [0, 1], with no constant term. A
NegMAS utility function whose value functions leave [0, 1], whose weights are negative or that
has a bias is rescaled issue by issue into that form: Accord's utility is then NegMAS's minus a
constant per party (``offsets``, see ``from_negmas(..., return_offsets=True)``), which changes no
comparison, frontier or solution; the functions here add it back.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import _accord

__all__ = ["from_negmas", "to_negmas", "pareto_frontier", "scenario_stats"]

def _issues_of(ufuns: Sequence[Any], issues: Optional[Sequence[Any]]) -> List[Any]:
    if issues is not None:
        return list(issues)
    os = ufuns[0].outcome_space
    if os is None or not hasattr(os, "issues"):
        raise ValueError("the utility functions have no outcome space: pass issues=")
    for i, u in enumerate(ufuns[1:], start=1):
        if u.outcome_space != os:
            raise ValueError(f"utility function {i} has another outcome space than the first")
    return list(os.issues)


def _values(issue: Any) -> List[Any]:
    if not issue.is_discrete():
        raise ValueError(
            f"issue `{issue.name}` is continuous: Accord analyses discrete issues; "
            "discretise it first (e.g. make_issue(values=n) or outcome_space.to_discrete(...))"
        )
    return list(issue.all)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class _Space:
    """How NegMAS issues map to Accord's: issue docs, value names, and back."""

    def __init__(self, issues: Sequence[Any]):
        self.issues = list(issues)
        self.values: List[List[Any]] = [_values(i) for i in self.issues]
        self.docs: List[Dict[str, Any]] = []
        self.keys: List[List[str]] = []  # per issue, Accord's name of each value, for tables
        self.accord_value: List[List[Any]] = []  # per issue, the value as Accord reports it
        names = set()
        for issue, vals in zip(self.issues, self.values):
            name = str(issue.name)
            if name in names:
                raise ValueError(f"two issues are named `{name}`")
            names.add(name)
            contiguous = (
                len(vals) > 0
                and all(_is_int(v) for v in vals)
                and vals == list(range(vals[0], vals[0] + len(vals)))
            )
            if contiguous:
                self.docs.append({"name": name, "type": "integer", "min": vals[0], "max": vals[-1]})
                self.keys.append([str(v) for v in vals])
                self.accord_value.append(list(vals))
            else:
                keys = [str(v) for v in vals]
                if len(set(keys)) != len(keys):
                    raise ValueError(f"issue `{name}`: two values have the same name {keys}")
                self.docs.append({"name": name, "type": "discrete", "options": keys})
                self.keys.append(keys)
                self.accord_value.append(keys)
        self.radices = [len(v) for v in self.values]
        # Accord value -> position, per issue.
        self.position = [{a: k for k, a in enumerate(av)} for av in self.accord_value]

    def index(self, outcome: Dict[str, Any]) -> Tuple[int, Tuple[Any, ...]]:
        """An Accord outcome `{issue: value}` as (index in NegMAS's enumeration, NegMAS tuple)."""
        index = 0
        values = []
        for doc, pos, vals, radix in zip(self.docs, self.position, self.values, self.radices):
            k = pos[outcome[doc["name"]]]
            index = index * radix + k
            values.append(vals[k])
        return index, tuple(values)


def _tabulate(ufun: Any, space: _Space, party: int) -> Tuple[Dict[str, Any], float]:
    """A NegMAS linear-additive ufun as Accord weights and scores, and its constant offset."""
    from negmas.preferences import LinearAdditiveUtilityFunction

    if not isinstance(ufun, LinearAdditiveUtilityFunction):
        raise ValueError(
            f"utility function {party} is a {type(ufun).__name__}: only "
            "LinearAdditiveUtilityFunction converts to Accord's additive preferences"
        )
    weights = list(ufun.weights)
    funs = list(ufun.values)
    if len(funs) != len(space.issues):
        raise ValueError(
            f"utility function {party} has {len(funs)} value functions for {len(space.issues)} issues"
        )
    offset = float(getattr(ufun, "_bias", 0.0) or 0.0)
    tables = [[float(f(v)) for v in vals] for f, vals in zip(funs, space.values)]
    plain = offset == 0.0 and all(w >= 0 for w in weights) and all(
        0.0 <= x <= 1.0 for t in tables for x in t
    )
    out_weights: Dict[str, float] = {}
    scores: Dict[str, Dict[str, float]] = {}
    for doc, keys, w, table in zip(space.docs, space.keys, weights, tables):
        w = float(w)
        if not math.isfinite(w) or not all(math.isfinite(x) for x in table):
            raise ValueError(f"utility function {party}, issue `{doc['name']}`: not a finite number")
        if plain:
            out_weights[doc["name"]] = w
            scores[doc["name"]] = dict(zip(keys, table))
            continue
        lo, hi = min(table), max(table)
        span = hi - lo
        s = [(x - lo) / span if span > 0 else 0.0 for x in table]
        k = w * span
        offset += w * lo
        if k < 0:
            offset += k
            k = -k
            s = [1.0 - x for x in s]
        out_weights[doc["name"]] = k
        scores[doc["name"]] = dict(zip(keys, s))
    return {"weights": out_weights, "scores": scores}, offset


def _convert(
    ufuns: Sequence[Any],
    issues: Optional[Sequence[Any]] = None,
    names: Optional[Sequence[str]] = None,
    name: str = "negmas",
) -> Tuple[Any, List[float], _Space]:
    if not ufuns:
        raise ValueError("no utility functions given")
    space = _Space(_issues_of(ufuns, issues))
    if names is None:
        names = [getattr(u, "name", None) or f"p{i}" for i, u in enumerate(ufuns)]
        if len(set(names)) != len(names):
            names = [f"p{i}" for i in range(len(ufuns))]
    names = list(names)
    if len(names) != len(ufuns):
        raise ValueError(f"{len(names)} names for {len(ufuns)} utility functions")
    parties = []
    offsets = []
    for i, (u, n) in enumerate(zip(ufuns, names)):
        prefs, offset = _tabulate(u, space, i)
        party: Dict[str, Any] = {"name": n}
        r = u.reserved_value
        if r is not None and math.isfinite(float(r)):
            party["reservation"] = float(r) - offset
        party.update(prefs)
        parties.append(party)
        offsets.append(offset)
    doc = {"name": name, "issues": space.docs, "parties": parties}
    return _accord.Scenario.from_dict(doc), offsets, space


def from_negmas(
    ufuns: Sequence[Any],
    issues: Optional[Sequence[Any]] = None,
    *,
    names: Optional[Sequence[str]] = None,
    name: str = "negmas",
    return_offsets: bool = False,
) -> Any:
    """An Accord scenario from NegMAS ``LinearAdditiveUtilityFunction``s over discrete issues.

    Issues come from the ufuns' outcome space unless given. Integer issues of consecutive values
    become Accord integer issues, others discrete issues named by ``str(value)``. Party names
    are the ufuns' names (or ``p0``, ``p1``, ...); a finite ``reserved_value`` becomes the
    reservation. With ``return_offsets``, returns ``(scenario, offsets)``: per party, NegMAS's
    utility minus Accord's (0 unless the ufun had to be rescaled, see the module docs).
    """
    scenario, offsets, _ = _convert(ufuns, issues, names, name)
    return (scenario, offsets) if return_offsets else scenario


def to_negmas(scenario: Any) -> Tuple[List[Any], List[Any]]:
    """NegMAS ``(issues, ufuns)`` for an Accord scenario: one ``LinearAdditiveUtilityFunction``
    per negotiating party (tables of weighted scores, the reservation as reserved value,
    ``-inf`` without one). Red lines and nonlinear terms have no place in a linear-additive
    ufun: a party holding them is an error naming it."""
    from negmas.outcomes import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    issues = []
    for issue in scenario.issues:
        if issue["type"] == "integer":
            vals = issue["values"]
            issues.append(make_issue(values=(vals[0], vals[-1]), name=issue["name"]))
        else:
            issues.append(make_issue(values=list(issue["values"]), name=issue["name"]))
    reservations = {p["name"]: p.get("reservation") for p in scenario.to_dict()["parties"]}
    ufuns = []
    for name in scenario.parties:
        prefs = scenario.preferences(name)
        if prefs["red_lines"] or prefs["terms"]:
            raise ValueError(
                f"party `{name}` has red lines or nonlinear terms, which a NegMAS "
                "LinearAdditiveUtilityFunction cannot hold"
            )
        values = [
            TableFun(dict(zip(issue["values"], scores)))
            for issue, scores in zip(scenario.issues, prefs["scores"])
        ]
        r = reservations.get(name)
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=values,
                weights=list(prefs["weights"]),
                issues=issues,
                reserved_value=float(r) if r is not None else float("-inf"),
                name=name,
            )
        )
    return issues, ufuns


def _frontier(ufuns: Sequence[Any], issues: Optional[Sequence[Any]]):
    """The frontier NegMAS computes: over the rational outcomes (every utility at least its
    reserved value; Accord's agreement zone, as these scenarios have no red lines), one outcome
    per distinct utility vector."""
    scenario, offsets, space = _convert(ufuns, issues)
    report = _accord.analyze(scenario, ties=0, improvements=0)
    points = []
    for p in report["agreement_zone"]["pareto_frontier"]:
        utils = tuple(u + c for u, c in zip(p["utilities"], offsets))
        index, outcome = space.index(p["outcome"])
        points.append((utils, index, outcome))
    return report, offsets, space, points


def pareto_frontier(
    ufuns: Sequence[Any],
    outcomes: Optional[Sequence[Any]] = None,
    issues: Optional[Sequence[Any]] = None,
    n_discretization: Optional[int] = None,
    max_cardinality: float = float("inf"),
    sort_by_welfare: bool = True,
    eps: float = 1e-12,
) -> Tuple[Tuple[Tuple[float, ...], ...], Tuple[int, ...]]:
    """NegMAS's ``pareto_frontier``: ``(utilities, indices)``, the frontier of the rational
    outcomes (each utility at least its reserved value), one outcome per distinct utility
    vector, indices into the enumeration of the outcome space (``itertools.product`` order),
    sorted by welfare, highest first.

    Computed by Accord's additive decomposition without enumerating the space. Given explicit
    ``outcomes`` (a subset), NegMAS's own function answers."""
    if outcomes is not None:
        from negmas.preferences.ops import pareto_frontier as negmas_frontier

        return negmas_frontier(
            ufuns,
            outcomes=outcomes,
            issues=issues,
            n_discretization=n_discretization,
            max_cardinality=max_cardinality,
            sort_by_welfare=sort_by_welfare,
            eps=eps,
        )
    _, _, _, points = _frontier(ufuns, issues)
    if sort_by_welfare:
        points.sort(key=lambda p: (-sum(p[0]), p[1]))
    return tuple(p[0] for p in points), tuple(p[1] for p in points)


def scenario_stats(ufuns: Sequence[Any], issues: Optional[Sequence[Any]] = None, eps: float = 1e-12) -> Any:
    """NegMAS's ``calc_scenario_stats`` (the ordinary single-negotiation model): a
    ``negmas.preferences.ScenarioStats`` with the Pareto frontier and outcomes, Nash, Kalai,
    modified Kalai, Kalai-Smorodinsky, modified KS, max welfare and max relative welfare points,
    utility ranges, opposition level and rational fraction.

    The frontier, the ranges and the count of rational outcomes come from Accord's analysis
    (no enumeration); the solution points are NegMAS's own selections over that frontier, so
    their definitions are NegMAS's exactly. The rational fraction counts outcomes at or above
    every reserved value (NegMAS: strictly above; they differ only on exact ties)."""
    from negmas.preferences import ScenarioStats
    from negmas.preferences.ops import (
        kalai_points,
        ks_points,
        max_relative_welfare_points,
        max_welfare_points,
        nash_points,
    )

    ufuns = list(ufuns)
    report, offsets, space, points = _frontier(ufuns, issues)
    points.sort(key=lambda p: (-sum(p[0]), p[1]))
    pareto_utils = tuple(p[0] for p in points)
    pareto_outcomes = [p[2] for p in points]
    ranges = [(w + c, b + c) for w, b, c in zip(report["worst"], report["ideal"], offsets)]

    def pick(found):
        return [f[0] for f in found], [pareto_outcomes[f[1]] for f in found]

    nash_u, nash_o = pick(nash_points(ufuns, ranges=ranges, frontier=pareto_utils, eps=eps))
    kalai_u, kalai_o = pick(kalai_points(ufuns, ranges=ranges, frontier=pareto_utils, eps=eps))
    mkalai_u, mkalai_o = pick(
        kalai_points(ufuns, ranges=ranges, frontier=pareto_utils, eps=eps, subtract_reserved_value=False)
    )
    ks_u, ks_o = pick(ks_points(ufuns, ranges=ranges, frontier=pareto_utils, eps=eps))
    mks_u, mks_o = pick(
        ks_points(ufuns, ranges=ranges, frontier=pareto_utils, eps=eps, subtract_reserved_value=False)
    )
    w_u, w_o = pick(max_welfare_points(ufuns, ranges=ranges, frontier=pareto_utils, eps=eps))
    rw_u, rw_o = pick(max_relative_welfare_points(ufuns, ranges=ranges, frontier=pareto_utils, eps=eps))
    # Opposition (NegMAS's opposition_level with each ufun's maximum): the smallest distance
    # to the normalised ideal over outcomes no ufun finds worse than disagreement. The distance
    # falls as any utility rises, so the smallest lies on the frontier.
    maxima = [r[1] for r in ranges]
    reserved = [
        float(u.reserved_value) if u.reserved_value is not None else float("-inf") for u in ufuns
    ]
    best = float("inf")
    for utils in pareto_utils:
        if any(x < r for x, r in zip(utils, reserved)):
            continue
        v = sum((1.0 - x / m) ** 2 if m else (1.0 - x) ** 2 for x, m in zip(utils, maxima))
        best = min(best, v)
    count = report["agreement_zone"]["count"]
    total = int(report["outcome_count"])
    rational = int(count) / total if count is not None and total else None
    return ScenarioStats(
        opposition=float(math.sqrt(best)),
        utility_ranges=ranges,
        pareto_utils=pareto_utils,
        pareto_outcomes=pareto_outcomes,
        nash_utils=nash_u,
        nash_outcomes=nash_o,
        kalai_utils=kalai_u,
        kalai_outcomes=kalai_o,
        modified_kalai_utils=mkalai_u,
        modified_kalai_outcomes=mkalai_o,
        ks_utils=ks_u,
        ks_outcomes=ks_o,
        modified_ks_utils=mks_u,
        modified_ks_outcomes=mks_o,
        max_welfare_utils=w_u,
        max_welfare_outcomes=w_o,
        max_relative_welfare_utils=rw_u,
        max_relative_welfare_outcomes=rw_o,
        rational_fraction=rational,
    )
