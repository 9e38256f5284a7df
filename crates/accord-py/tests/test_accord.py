"""The package against the engine's own contracts: the CLI's JSON, hand-checked figures,
exact error places."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import accord

ROOT = Path(__file__).resolve().parents[3]
SCENARIOS = ROOT / "scenarios"
SHARED = ROOT.parent / "shared" / "domains"


def test_load_accord_toml_and_json_alike():
    s = accord.load(SCENARIOS / "trade.toml")
    assert s.name == "Avalon-Borea trade agreement"
    assert s.parties == ["Avalon", "Borea"]
    # 41 beef quotas x 3 x 3 x 3 x 3 = 3321, as the scenario's header says.
    assert s.outcome_count == 3321
    assert s.format == "accord"
    again = accord.loads(s.to_json(), format="json")
    assert again.to_dict() == s.to_dict()
    from_toml = accord.loads(s.to_toml())
    assert from_toml.to_dict() == s.to_dict()
    assert accord.Scenario.from_dict(s.to_dict()).to_dict() == s.to_dict()


def test_outcomes_and_utilities():
    s = accord.load(SCENARIOS / "trade.toml")
    o = s.outcome(0)
    assert o == {
        "beef_quota": 0,
        "car_tariff": "current",
        "phase_in": "immediate",
        "disputes": "consultation",
        "food_names": "none",
    }
    assert s.index(o) == 0
    last = s.outcome(3320)
    assert last["beef_quota"] == 40 and s.index(last) == 3320
    # Utilities agree with the analysis' own figures at the Nash point.
    a = accord.analyze(s)
    nash = a["solutions"]["nash"]
    for party, u in zip(a["parties"], nash["utilities"]):
        assert s.utility(party, nash["outcome"]) == pytest.approx(u, abs=1e-12)


@pytest.mark.skipif(not (SHARED / "genius" / "Laptop").is_dir(), reason="shared domains absent")
def test_load_genius_and_geniusweb_folders():
    g = accord.load(SHARED / "genius" / "Laptop")
    assert g.format == "genius" and g.outcome_count == 27 and len(g.parties) == 2
    web = sorted(p for p in (SHARED / "anl2023").iterdir() if p.is_dir())[0]
    w = accord.load(web)
    assert w.format == "geniusweb" and len(w.parties) == 2


def cli_json(args):
    binary = os.environ.get("ACCORD_BIN")
    if not binary:
        pytest.skip("ACCORD_BIN (the accord binary) not given")
    # Given but missing is a broken set-up, not a reason to skip the comparison.
    assert Path(binary).exists(), f"ACCORD_BIN={binary} does not exist"
    out = subprocess.run([binary, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    "name", ["ceasefire.toml", "trade.toml", "coalition.toml", "ceasefire-phased.toml"]
)
def test_analyze_is_the_cli_json(name):
    """The same document `accord analyze --json` prints, field for field."""
    s = accord.load(SCENARIOS / name)
    assert accord.analyze(s) == cli_json(["analyze", str(SCENARIOS / name), "--json"])


def test_a_phased_scenario_read_from_text_has_its_phased_analysis():
    text = (SCENARIOS / "ceasefire-phased.toml").read_text()
    phased = accord.analyze(accord.loads(text))["phased"]
    assert phased == accord.analyze(accord.load(SCENARIOS / "ceasefire-phased.toml"))["phased"]
    assert "phased" not in accord.analyze(accord.load(SCENARIOS / "trade.toml"))


def test_analyze_with_a_draft_given_as_a_dict():
    s = accord.load(SCENARIOS / "trade.toml")
    draft = s.outcome(1015)
    a = accord.analyze(s, draft=draft, improvements=3)
    assert a["draft"]["outcome"] == draft
    assert len(a["draft"]["improvements"]["best"]) <= 3
    assert accord.analyze(s, draft=1015, improvements=3)["draft"] == a["draft"]


def test_negotiate_sao_trace_and_summary():
    s = accord.load(SCENARIOS / "trade.toml")
    r = accord.negotiate(s, seed=7, rounds=60, strategies={"Avalon": "conceder"})
    trace, summary = r["trace"], r["summary"]
    assert trace[0]["type"] == "start" and trace[0]["strategies"] == {
        "Avalon": "conceder",
        "Borea": "boulware",
    }
    assert trace[-1] == summary and summary["type"] == "summary"
    offers = [e for e in trace if e["type"] == "offer"]
    assert offers, "offers are traced"
    for e in offers[:20]:
        for party, u in e["utilities"].items():
            assert s.utility(party, e["outcome"]) == pytest.approx(u, abs=1e-12)
            assert s.index(e["outcome"]) == e["index"]
    if summary["agreement"] is not None:
        assert s.index(summary["agreement"]) == summary["agreement_index"]
        for party, u in zip(summary["parties"], summary["utilities"]):
            assert s.utility(party, summary["agreement"]) == pytest.approx(u)
    # The same seed gives the same run.
    again = accord.negotiate(s, seed=7, rounds=60, strategies={"Avalon": "conceder"})
    strip = lambda rr: {k: v for k, v in rr["summary"].items() if k != "index_build_seconds"}
    assert strip(again) == strip(r)


def test_negotiate_single_text_with_every_mediator():
    s = accord.load(SCENARIOS / "trade.toml")
    for name, _ in accord.MEDIATORS:
        r = accord.negotiate(s, protocol="single-text", mediator=name, rounds=30, seed=1)
        kinds = {e["type"] for e in r["trace"]}
        assert {"start", "draft", "vote", "summary"} <= kinds, name
        assert r["trace"][0]["mediator"] == name


def test_tournament_from_a_dict_with_scenarios():
    trade = accord.load(SCENARIOS / "trade.toml")
    t = accord.tournament(
        {
            "strategies": ["boulware", "conceder", "random"],
            "mediators": ["bayes-nash", "random-flipping"],
            "repetitions": 2,
            "protocols": [
                {"protocol": "sao", "rounds": 40},
                {"protocol": "single-text", "rounds": 40},
            ],
        },
        scenarios=[trade, trade],
        threads=2,
    )
    rows = t["rows"]
    assert len(rows) == t["total"]
    assert [r["index"] for r in rows] == list(range(t["total"]))
    # Two copies of one scenario are two domains, named apart.
    assert {r["domain"] for r in rows} == {trade.name, trade.name + "#2"}
    # Deterministic lineups (no `random`) run once; the others twice.
    sao = [r for r in rows if r["protocol"] == "sao/40"]
    once = [r for r in sao if "random" not in r["strategies"]]
    assert all(r["repetition"] == 0 for r in once)
    assert any(r["repetition"] == 1 for r in sao if "random" in r["strategies"])
    competitors = {(s["protocol"], s["competitor"]) for s in t["standings"]}
    assert ("single-text/40", "bayes-nash") in competitors
    assert "boulware" in accord.standings_table(t["standings"])
    # Same configuration, same rows, whatever the thread count.
    again = accord.tournament(
        {
            "strategies": ["boulware", "conceder", "random"],
            "mediators": ["bayes-nash", "random-flipping"],
            "repetitions": 2,
            "protocols": [
                {"protocol": "sao", "rounds": 40},
                {"protocol": "single-text", "rounds": 40},
            ],
        },
        scenarios=[trade, trade],
        threads=1,
    )
    assert again["rows"] == rows


def test_tournament_file_writes_the_cli_folder(tmp_path):
    config = tmp_path / "t.toml"
    config.write_text(
        f'strategies = ["boulware", "linear"]\ndomains = ["{SCENARIOS / "trade.toml"}"]\n'
        '[[protocols]]\nprotocol = "sao"\nrounds = 30\n'
    )
    t = accord.tournament(config, out=tmp_path / "out")
    assert (tmp_path / "out" / "results.jsonl").exists()
    assert t["ran"] == t["total"] == len(t["rows"])
    # Rerunning resumes: nothing left to run.
    again = accord.tournament(config, out=tmp_path / "out")
    assert again["ran"] == 0 and again["resumed"] == t["total"]
    assert again["rows"] == t["rows"]


def test_scenario_errors_name_file_line_column_and_field(tmp_path):
    bad = tmp_path / "bad.toml"
    text = (SCENARIOS / "trade.toml").read_text().replace("max = 40", 'max = "forty"', 1)
    bad.write_text(text)
    with pytest.raises(accord.ScenarioError) as e:
        accord.load(bad)
    err = e.value
    assert err.file == str(bad)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if 'max = "forty"' in l)
    assert err.line == line and err.column is not None
    assert str(err).startswith(f"{bad}:{line}:")
    # A validation error after parsing names the field.
    d = accord.load(SCENARIOS / "trade.toml").to_dict()
    d["parties"][0]["weights"]["beef_quota"] = -1
    with pytest.raises(accord.ScenarioError, match=r"parties\[0\]\.weights\.beef_quota"):
        accord.Scenario.from_dict(d)
    with pytest.raises(accord.ScenarioError, match="cannot read"):
        accord.load(tmp_path / "missing.toml")


def test_errors_are_exceptions_not_crashes():
    s = accord.load(SCENARIOS / "trade.toml")
    with pytest.raises(accord.AccordError, match="unknown strategy `nonsense`"):
        accord.negotiate(s, default_strategy="nonsense")
    with pytest.raises(accord.AccordError, match="unknown mediator"):
        accord.negotiate(s, protocol="single-text", mediator="oracle")
    with pytest.raises(accord.AccordError, match="protocol `x`"):
        accord.negotiate(s, protocol="x")
    with pytest.raises(accord.AccordError, match="out of range"):
        s.outcome(3321)
    with pytest.raises(accord.AccordError, match="beef_quota"):
        s.index({"car_tariff": "zero"})
    with pytest.raises(accord.AccordError, match="no party `Nobody`"):
        s.utility("Nobody", 0)
    with pytest.raises(accord.TournamentError, match="strateg"):
        accord.tournament({"strategies": ["nonsense"]}, scenarios=[s])
    with pytest.raises(accord.TournamentError, match="no domains"):
        accord.tournament({"strategies": ["boulware"]})
    with pytest.raises(accord.AccordError):
        accord.load()


def test_random_scenario_is_the_tournament_generator():
    s = accord.random_scenario(2, 3, 4, seed=5, reservation=(0.1, 0.3))
    assert s.outcome_count == 64 and len(s.parties) == 2
    for p in s.to_dict()["parties"]:
        assert 0.1 <= p["reservation"] <= 0.3


def test_indices_beyond_2_53_are_exact_ints():
    # 50 issues x 10 values: 10^50 outcomes, indices far beyond 2^53 (and 2^64).
    s = accord.load(ROOT / "examples" / "random-1e50.toml")
    assert s.outcome_count == 10**50
    last = s.outcome(10**50 - 1)
    assert set(last.values()) == {"v9"} and len(last) == 50
    assert s.index(last) == 10**50 - 1
    for k in [2**53 + 1, 2**64 + 7, 12345678901234567890123456789012345678901234567]:
        i = s.index(s.outcome(k))
        assert type(i) is int and i == k
    for bad in [10**50, -1]:
        with pytest.raises(accord.AccordError):
            s.outcome(bad)
    for protocol in ["sao", "single-text"]:
        r = accord.negotiate(s, protocol=protocol, rounds=100, seed=3)
        summary = r["summary"]
        a = summary["agreement_index"]
        assert type(a) is int and a > 2**53, protocol
        assert s.outcome(a) == summary["agreement"]
        for party, u in zip(summary["parties"], summary["utilities"]):
            assert s.utility(party, summary["agreement"]) == pytest.approx(u, abs=1e-12)
        assert "2^128" in summary["analysis_skipped"]
        indexed = [e for e in r["trace"] if "index" in e]
        assert indexed, protocol
        for e in indexed:
            assert type(e["index"]) is int and s.outcome(e["index"]) == e["outcome"]
