//! Spaces beyond 2^64 outcomes (issue 17, item 1): the shipped 10^50 example is what the
//! generator makes; `accord negotiate` on it (alternating offers, single text with `bayes-nash`
//! and `random-flipping`, one text) finishes with a valid agreement whose utilities match the
//! scenario's preferences computed directly, says in words why there is no comparison with the
//! analysis, and writes outcome indices beyond 2^53 exactly; a tournament runs on it.

use accord_model::{Outcome, Scenario, U256};
use serde_json::Value;
use std::path::Path;

mod common;
use common::{accord_with as accord, root};

const EXAMPLE: &str = "examples/random-1e50.toml";

/// The example's scenario as the generator makes it: a random additive domain of 50 issues of
/// 10 values and two parties (the tournaments' `random_domains`, seed 50).
fn generated() -> Scenario {
    let mut s = accord_tournament::plan::random_domain(2, 50, 10, 50, None);
    s.name = "random-1e50".into();
    s.description = Some(
        "A random additive domain of 50 issues x 10 values: 10^50 outcomes, two parties \
         (weights U(0,1) normalised, scores U(0,1)). Made by the tournaments' random_domains \
         generator (seed 50); crates/accord-cli/tests/wide.rs checks this file against it. \
         Try: accord negotiate examples/random-1e50.toml"
            .into(),
    );
    s
}

#[test]
fn the_example_is_the_generators_output() {
    let want = accord_formats::to_toml(&generated()).expect("exports");
    let path = root().join(EXAMPLE);
    if std::env::var_os("ACCORD_WRITE_EXAMPLES").is_some() {
        std::fs::write(&path, &want).expect("writes the example");
    }
    let got = std::fs::read_to_string(&path).expect("the example is shipped");
    assert!(
        got == want,
        "{EXAMPLE} differs from the generator's output; rerun with ACCORD_WRITE_EXAMPLES=1"
    );
    let s = accord_formats::read_scenario(&path).expect("reads");
    assert_eq!(s.space.size(), U256::from(10u64).pow(U256::from(50u64)));
}

/// The scenario read from the shipped file (what the binary reads).
fn example() -> Scenario {
    accord_formats::read_scenario(&root().join(EXAMPLE)).expect("reads")
}

/// `{issue: value}` of a trace or summary as an outcome of `s`.
fn outcome_of(s: &Scenario, v: &Value) -> Outcome {
    let m = v.as_object().expect("an outcome object");
    assert_eq!(m.len(), s.space.issues().len());
    Outcome(
        s.space
            .issues()
            .iter()
            .map(|issue| {
                let text = m[&issue.name].as_str().expect("an option name");
                issue.option_index(text).expect("a value of the issue")
            })
            .collect(),
    )
}

/// Checks one `--json` summary and the trace beside it: an agreement, its utilities those of the
/// preferences computed directly, its index exact, the missing analysis said in words.
fn check_run(s: &Scenario, args: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let trace = tmp.path().join("trace.jsonl");
    let mut all = vec!["negotiate", EXAMPLE, "--json", "--trace"];
    all.push(trace.to_str().unwrap());
    all.extend_from_slice(args);
    let start = std::time::Instant::now();
    let (code, out, err) = accord(&all, &[]);
    assert_eq!(code, 0, "{args:?}: {err}");
    assert!(
        start.elapsed().as_secs() < 60,
        "{args:?}: took {:?}",
        start.elapsed()
    );
    let summary: Value = serde_json::from_str(&out).expect("JSON summary");
    let agreement = &summary["agreement"];
    assert!(agreement.is_object(), "{args:?}: no agreement: {summary}");
    let o = outcome_of(s, agreement);
    // The index: a decimal string (10^50 outcomes are far beyond 2^53), the same outcome.
    let index = &summary["agreement_index"];
    let text = index.as_str().expect("an index beyond 2^53 is a string");
    let i = U256::from_str_radix(text, 10).expect("decimal digits");
    if i > U256::from(1u64 << 53) {
        assert!(index.is_string());
    }
    assert_eq!(s.space.outcome(i).as_ref(), Some(&o));
    assert_eq!(s.space.index(&o), Some(i));
    // Utilities: each party's preferences on the agreed outcome, computed from the scenario.
    let utilities = summary["utilities"].as_array().expect("utilities");
    for (p, u) in s.parties.iter().zip(utilities) {
        let direct = p.preferences.as_ref().unwrap().utility(&s.space, &o);
        let reported = u.as_f64().unwrap();
        assert!(
            (direct - reported).abs() < 1e-9,
            "{args:?}: {} reported {reported}, preferences give {direct}",
            p.name
        );
        assert!(reported >= p.reservation.unwrap_or(0.0));
    }
    let why = summary["analysis_skipped"].as_str().expect("says why");
    assert!(why.contains("2^128"), "{why}");
    // Every offer or draft in the trace: an index that decodes to its outcome.
    let text = std::fs::read_to_string(&trace).unwrap();
    let mut seen = 0;
    for line in text.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        if let Some(ix) = e.get("index") {
            let i = accord_analysis::json::parse_index(ix).expect("an index");
            let o = outcome_of(s, &e["outcome"]);
            assert_eq!(s.space.outcome(i), Some(o));
            if i > U256::from(1u64 << 53) {
                assert!(ix.is_string(), "{ix} written as a number");
            }
            seen += 1;
        }
    }
    assert!(seen > 0, "{args:?}: no offers or drafts in the trace");
}

#[test]
fn negotiations_on_ten_to_the_fifty_outcomes_reach_valid_agreements() {
    let s = example();
    check_run(
        &s,
        &["--strategy", "p0=boulware", "--strategy", "p1=conceder"],
    );
    check_run(
        &s,
        &["--protocol", "single-text", "--mediator", "bayes-nash"],
    );
    check_run(
        &s,
        &["--protocol", "single-text", "--mediator", "random-flipping"],
    );
    // One text (thompson-nash): drafts bind nobody, the final text is voted on.
    check_run(&s, &["--protocol", "one-text"]);
}

#[test]
fn the_readable_summary_says_why_there_is_no_comparison() {
    let (code, out, err) = accord(&["negotiate", EXAMPLE], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("AGREEMENT"), "{out}");
    assert!(
        out.contains("No comparison with the analysis (frontier, Nash point, zone): the outcome space has 100000000000000000000000000000000000000000000000000 outcomes"),
        "{out}"
    );
    let (code, out, err) = accord(&["check", EXAMPLE], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("50 issues, 100000000000000000000000000000000000000000000000000 outcomes"),
        "{out}"
    );
}

#[test]
fn a_tournament_runs_on_ten_to_the_fifty_outcomes() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("wide.toml");
    std::fs::write(
        &config,
        r#"name = "wide"
seed = 3
repetitions = 1
strategies = ["boulware", "conceder"]
mediators = ["bayes-nash", "random-flipping"]

[[random_domains]]
count = 1
parties = 2
issues = 50
values = 10
seed = 50

[[protocols]]
protocol = "sao"
rounds = 50

[[protocols]]
protocol = "single-text"
rounds = 50
votes = "accept"
voter = "hill-climber"
"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, err) = accord(
        &[
            "tournament",
            config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}\n{err}");
    let rows = std::fs::read_to_string(out.join("results.jsonl")).unwrap();
    let mut agreed = 0;
    for line in rows.lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        if r["agreement"].as_bool() == Some(true) {
            agreed += 1;
            let i = accord_analysis::json::parse_index(&r["outcome"]).expect("an index");
            assert!(i > U256::from(1u64 << 53) || r["outcome"].is_number());
            assert_eq!(r["outcome_values"].as_object().map(|m| m.len()), Some(50));
            assert!(r["distance_to_frontier"].is_null());
        }
    }
    assert!(agreed > 0, "{rows}");
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    assert!(csv.lines().count() > 1);
    assert!(Path::new(&out.join("summary.txt")).exists());
}
