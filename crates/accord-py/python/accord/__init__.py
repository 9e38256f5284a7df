"""Accord from Python: mediated negotiation scenarios, their analysis, negotiations and
tournaments, on the Rust engine (see docs/python.md in the repository).

- ``load(*paths, lenient=False)``: an Accord scenario (``.toml``/``.json``), a GENIUS or
  GeniusWeb domain folder, or a domain file followed by its profiles;
  ``loads(text, format="toml")`` and ``Scenario.from_dict(d)`` from text and dicts.
- ``analyze(scenario)``: the analysis as ``accord analyze --json`` writes it
  (docs/analysis-json.md), as dicts and lists.
- ``negotiate(scenario, protocol="sao" | "single-text", ...)``: one negotiation between the
  shipped agents, voters and mediators; ``{"summary": ..., "trace": [...]}``.
- ``tournament(config, scenarios=[...])``: a tournament from a TOML file or a dict of the same
  settings; result rows and standings (docs/tournament.md).
- ``accord.negmas``: scenarios to and from NegMAS, ``pareto_frontier`` and
  ``scenario_stats`` in NegMAS's shapes.

Errors are ``AccordError`` (``ScenarioError`` carries ``file``, ``line``, ``column`` and
``message``; ``TournamentError`` for tournaments).
"""

from ._accord import (
    MEDIATORS,
    NEGOTIATORS,
    VOTERS,
    AccordError,
    Scenario,
    ScenarioError,
    TournamentError,
    __version__,
    analyze,
    load,
    loads,
    negotiate,
    random_scenario,
    standings_table,
    tournament,
)

__all__ = [
    "MEDIATORS",
    "NEGOTIATORS",
    "VOTERS",
    "AccordError",
    "Scenario",
    "ScenarioError",
    "TournamentError",
    "__version__",
    "analyze",
    "load",
    "loads",
    "negotiate",
    "random_scenario",
    "standings_table",
    "tournament",
]
