"""Type stubs of the extension module accord._accord (the Rust engine)."""

from os import PathLike
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union, final

_Json = Any
"""A JSON value as Python objects: dict, list, str, int, float, bool or None."""

_Outcome = Union[int, Mapping[str, Union[str, int, float]]]
"""An outcome: its index (first issue most significant), or ``{issue: value}`` naming every issue."""

_StrPath = Union[str, "PathLike[str]"]

__version__: str
__all__ = [
    "AccordError",
    "MEDIATORS",
    "NEGOTIATORS",
    "Scenario",
    "ScenarioError",
    "TournamentError",
    "VOTERS",
    "__version__",
    "analyze",
    "load",
    "loads",
    "negotiate",
    "random_scenario",
    "standings_table",
    "tournament",
]
NEGOTIATORS: List[Tuple[str, str]]
"""Alternating-offers strategies: (spec, what it does)."""
VOTERS: List[Tuple[str, str]]
"""Single-text voters: (spec, what it does)."""
MEDIATORS: List[Tuple[str, str]]
"""Single-text mediators: (name, what it does)."""

class AccordError(Exception):
    """An error from the Accord engine: bad input, an impossible request, a failed run."""

class ScenarioError(AccordError):
    """A scenario that cannot be read or is not valid."""

    file: str
    line: Optional[int]
    column: Optional[int]
    message: str

class TournamentError(AccordError):
    """A tournament configuration that cannot be used, or a tournament that failed."""

@final
class Scenario:
    """A scenario: issues, parties with preferences and red lines, perhaps a draft. Immutable."""

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> "Scenario":
        """A scenario from a dict in Accord's schema (the JSON form of docs/scenario-format.md)."""
    @property
    def name(self) -> str: ...
    @property
    def issues(self) -> List[Dict[str, Any]]:
        """Each issue as ``{"name", "type": "discrete" | "integer" | "real", "values"}``."""
    @property
    def seats(self) -> List[str]:
        """Every seat's name (parties, mediators, observers), in order."""
    @property
    def parties(self) -> List[str]:
        """The negotiating parties (role ``party``), in order."""
    @property
    def outcome_count(self) -> int:
        """The number of outcomes, exact at any size (up to 2^256 - 1)."""
    @property
    def warnings(self) -> List[str]:
        """What a lenient read repaired (``file:line:column: message``)."""
    @property
    def format(self) -> str:
        """``accord``, ``genius`` or ``geniusweb``."""
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...
    def to_toml(self) -> str: ...
    def outcome(self, index: int) -> Dict[str, Union[str, int, float]]:
        """The outcome with this index (any int below ``outcome_count``, beyond 2^64 too)."""
    def index(self, outcome: _Outcome) -> int:
        """The outcome's index, an exact int however large the space."""
    def utility(self, party: str, outcome: _Outcome) -> float:
        """The party's utility of the outcome (red lines aside)."""
    def respects_red_lines(self, party: str, outcome: _Outcome) -> bool: ...
    def preferences(self, party: str) -> Dict[str, Any]:
        """``{"weights": [w per issue], "scores": [[score per value] per issue], "terms": n,
        "red_lines": n}``: the party's additive preferences as numbers."""

def load(*paths: _StrPath, lenient: bool = False) -> Scenario:
    """An Accord file, a GENIUS or GeniusWeb domain folder, or a domain file and its profiles."""

def loads(text: str, format: str = "toml", name: str = "<string>") -> Scenario:
    """A scenario from Accord TOML or JSON text; ``name`` stands for the file in errors."""

def analyze(
    scenario: Scenario,
    *,
    draft: Optional[_Outcome] = None,
    ties: int = 8,
    improvements: int = 10,
    search_budget: int = 1_000_000_000,
) -> Dict[str, _Json]:
    """The analysis as ``accord analyze --json`` writes it (docs/analysis-json.md)."""

def negotiate(
    scenario: Scenario,
    *,
    protocol: str = "sao",
    strategies: Optional[Mapping[str, str]] = None,
    default_strategy: str = "boulware",
    mediator: str = "bayes-nash",
    voter: str = "hill-climber",
    votes: str = "accept",
    binding: str = "standing",
    rounds: Optional[int] = None,
    seconds: Optional[float] = None,
    seed: int = 0,
    trace: bool = True,
    compare: bool = True,
) -> Dict[str, _Json]:
    """One negotiation: ``{"summary": {...}, "trace": [events] or None}`` (docs/negotiate.md).

    Outcome indices (each event's ``index``, the summary's ``agreement_index``) are ints, exact
    beyond 2^53 (the JSON trace writes those as decimal strings)."""

def tournament(
    config: Union[_StrPath, Mapping[str, Any]],
    *,
    scenarios: Optional[Sequence[Scenario]] = None,
    out: Optional[_StrPath] = None,
    base: Optional[_StrPath] = None,
    threads: Optional[int] = None,
) -> Dict[str, _Json]:
    """A tournament: ``{"total", "ran", "resumed", "rows", "standings", "out"}`` (docs/tournament.md)."""

def standings_table(standings: Sequence[Mapping[str, Any]]) -> str:
    """The standings as the text table ``accord tournament`` prints."""

def random_scenario(
    parties: int,
    issues: int,
    values: int,
    *,
    seed: int = 0,
    reservation: Optional[Tuple[float, float]] = None,
) -> Scenario:
    """A random additive scenario, as the tournaments' ``random_domains`` make them."""
