//! The cease-fire talks of `scenarios/ceasefire.toml` as the server tests drive them: the
//! issues and each party's numbers computed by the test itself (independently of the server and
//! the engine), and a negotiation with a person in each party seat.

use super::server::{call, create, ok, seat_person, sign_up, Server};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The cease-fire issues and their options, in the scenario's order.
pub const ISSUES: [(&str, &[&str]); 6] = [
    ("hostages", &["none", "some", "all"]),
    ("ceasefire", &["pause", "permanent"]),
    ("withdrawal", &["none", "partial", "full"]),
    ("withdrawal_language", &["possibility", "guaranteed"]),
    ("rafah", &["not_addressed", "no_offensive"]),
    ("humanitarian", &["current", "expanded"]),
];

/// Israel's scores in scenarios/ceasefire.toml.
pub fn israel_scores() -> Value {
    json!({
        "hostages": {"none": 0.0, "some": 0.3, "all": 1.0},
        "ceasefire": {"pause": 1.0, "permanent": 0.0},
        "withdrawal": {"none": 1.0, "partial": 0.5, "full": 0.0},
        "withdrawal_language": {"possibility": 1.0, "guaranteed": 0.0},
        "rafah": {"not_addressed": 1.0, "no_offensive": 0.0},
        "humanitarian": {"current": 0.5, "expanded": 0.5},
    })
}

/// Hamas's scores in scenarios/ceasefire.toml.
pub fn hamas_scores() -> Value {
    json!({
        "hostages": {"none": 0.5, "some": 0.5, "all": 0.5},
        "ceasefire": {"pause": 0.2, "permanent": 1.0},
        "withdrawal": {"none": 0.0, "partial": 0.4, "full": 1.0},
        "withdrawal_language": {"possibility": 0.0, "guaranteed": 1.0},
        "rafah": {"not_addressed": 0.0, "no_offensive": 1.0},
        "humanitarian": {"current": 0.5, "expanded": 0.5},
    })
}

pub const ISRAEL_RED_LINE: &str = "ceasefire != permanent";
pub const HAMAS_RED_LINE: &str = "hostages = all => ceasefire = permanent and withdrawal = full";

/// Weights as a person types them (not summing to 1), in issue order.
pub fn weights(w: [f64; 6]) -> Value {
    json!(ISSUES
        .iter()
        .zip(w)
        .map(|((i, _), w)| (i.to_string(), json!(w)))
        .collect::<serde_json::Map<_, _>>())
}

/// An outcome as issue -> option.
pub type Outcome = BTreeMap<String, String>;

pub fn outcome(values: [&str; 6]) -> Outcome {
    ISSUES
        .iter()
        .zip(values)
        .map(|((i, _), v)| (i.to_string(), v.to_string()))
        .collect()
}

pub fn draft_clauses(o: &Outcome) -> Value {
    json!(ISSUES
        .iter()
        .map(|(i, _)| json!({"issue": i, "value": o[*i]}))
        .collect::<Vec<_>>())
}

/// Clauses `[{issue, value}]` as an outcome.
pub fn outcome_of_clauses(clauses: &Value) -> Outcome {
    clauses
        .as_array()
        .unwrap_or_else(|| panic!("clauses: {clauses}"))
        .iter()
        .map(|c| {
            (
                c["issue"].as_str().unwrap().to_string(),
                c["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A JSON object `{issue: value}` as an outcome.
pub fn outcome_of_object(o: &Value) -> Outcome {
    o.as_object()
        .unwrap_or_else(|| panic!("outcome: {o}"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// A party as the test computes it, independently of the server and the engine.
pub struct Party {
    /// Normalised by the test (the typed weights over their sum).
    pub weights: BTreeMap<String, f64>,
    pub scores: Value,
    pub reservation: f64,
    /// Whether the outcome respects each red line.
    pub red_lines: Vec<fn(&Outcome) -> bool>,
}

impl Party {
    pub fn new(
        typed: [f64; 6],
        scores: Value,
        reservation: f64,
        red_lines: Vec<fn(&Outcome) -> bool>,
    ) -> Party {
        let total: f64 = typed.iter().sum();
        Party {
            weights: ISSUES
                .iter()
                .zip(typed)
                .map(|((i, _), w)| (i.to_string(), w / total))
                .collect(),
            scores,
            reservation,
            red_lines,
        }
    }

    pub fn utility(&self, o: &Outcome) -> f64 {
        ISSUES
            .iter()
            .map(|(i, _)| self.weights[*i] * self.scores[*i][&o[*i]].as_f64().unwrap())
            .sum()
    }

    pub fn crossed(&self, o: &Outcome) -> usize {
        self.red_lines.iter().filter(|r| !r(o)).count()
    }

    /// Per clause, the change ranked first by fewer red lines crossed, then higher utility,
    /// among those better than the draft on either: (value, utility, crossed), or None.
    pub fn best_change(&self, draft: &Outcome, issue: &str) -> Option<(String, f64, usize)> {
        let (u0, c0) = (self.utility(draft), self.crossed(draft));
        let options = ISSUES.iter().find(|(i, _)| *i == issue).unwrap().1;
        let mut best: Option<(String, f64, usize)> = None;
        for v in options.iter().filter(|v| **v != draft[issue]) {
            let mut probe = draft.clone();
            probe.insert(issue.to_string(), v.to_string());
            let (u, c) = (self.utility(&probe), self.crossed(&probe));
            if !(c < c0 || (c == c0 && u > u0 + 1e-9)) {
                continue;
            }
            if best
                .as_ref()
                .is_none_or(|(_, bu, bc)| c < *bc || (c == *bc && u > bu + 1e-12))
            {
                best = Some((v.to_string(), u, c));
            }
        }
        best
    }

    /// The party's entry in a scenario file, from the test's own numbers.
    pub fn toml(&self, name: &str, red_lines: &[&str]) -> String {
        let mut t = format!(
            "[[parties]]\nname = \"{name}\"\nrole = \"party\"\nreservation = {:?}\nred_lines = [{}]\n[parties.weights]\n",
            self.reservation,
            red_lines
                .iter()
                .map(|r| format!("{{ rule = \"{r}\" }}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for (i, _) in ISSUES {
            t += &format!("{i} = {:?}\n", self.weights[i]);
        }
        t += "[parties.scores]\n";
        for (i, options) in ISSUES {
            let scores: Vec<String> = options
                .iter()
                .map(|o| format!("{o} = {:?}", self.scores[i][*o].as_f64().unwrap()))
                .collect();
            t += &format!("{i} = {{ {} }}\n", scores.join(", "));
        }
        t
    }
}

pub fn israel_respects(o: &Outcome) -> bool {
    o["ceasefire"] != "permanent"
}

pub fn hamas_respects(o: &Outcome) -> bool {
    o["hostages"] != "all" || (o["ceasefire"] == "permanent" && o["withdrawal"] == "full")
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

pub fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A negotiation of the cease-fire talks with a person in each party seat.
pub struct Talks {
    pub base: String,
    pub med: String,
    pub isr: String,
    pub ham: String,
}

pub fn talks(s: &Server, tag: &str) -> Talks {
    let med = sign_up(s, &format!("med-{tag}"));
    let isr = sign_up(s, &format!("israel-{tag}"));
    let ham = sign_up(s, &format!("hamas-{tag}"));
    let base = create(s, &med, "ceasefire");
    seat_person(s, &med, &base, "israel", &isr);
    seat_person(s, &med, &base, "hamas", &ham);
    Talks {
        base,
        med,
        isr,
        ham,
    }
}

pub fn put_preferences(
    s: &Server,
    t: &Talks,
    seat: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    call(
        s,
        "PUT",
        &format!("{}/seats/{seat}/preferences", t.base),
        Some(token),
        Some(body),
    )
}

pub fn circulate(s: &Server, t: &Talks, base_version: i64, o: &Outcome) -> Value {
    ok(
        call(
            s,
            "POST",
            &format!("{}/drafts", t.base),
            Some(&t.med),
            Some(
                json!({"base_version": base_version, "clauses": draft_clauses(o), "respond_within_seconds": 600}),
            ),
        ),
        201,
    )
}

pub fn get(s: &Server, path: &str, token: &str) -> Value {
    ok(call(s, "GET", path, Some(token), None), 200)
}

pub fn clause<'a>(assessment: &'a Value, issue: &str) -> &'a Value {
    assessment["draft"]["clauses"]
        .as_array()
        .unwrap_or_else(|| panic!("{assessment}"))
        .iter()
        .find(|c| c["issue"] == issue)
        .unwrap_or_else(|| panic!("no clause {issue}: {assessment}"))
}
