//! The report as JSON (`accord analyze --json`, the Python package's `analyze`). The field names
//! are a contract documented in `docs/analysis-json.md`; add fields, never rename them. It lives
//! in the library, not in the binary, so that every front end gives the same document.

use crate::{FrontierPoint, Report, Solution, Solutions, DEFINITIONS};
use accord_model::{Outcome, Scenario, Value, U256};
use serde_json::{json, Map, Value as Json};

/// A value as JSON: option name, integer or number.
pub fn value(v: &Value) -> Json {
    match v {
        Value::Option(s) => json!(s),
        Value::Integer(i) => json!(i),
        Value::Real(x) => json!(x),
    }
}

/// `{issue: value}` for an outcome.
pub fn outcome(s: &Scenario, o: &Outcome) -> Json {
    let mut m = Map::new();
    for (name, v) in s.space.describe(o) {
        m.insert(name, value(&v));
    }
    Json::Object(m)
}

/// Largest integer every JSON reader holds exactly (a double's 53-bit mantissa).
pub const EXACT_IN_JSON: u64 = 1 << 53;

/// Large counts stay exact: numbers up to 2^53, strings beyond.
fn count(c: u128) -> Json {
    if c <= EXACT_IN_JSON as u128 {
        json!(c as u64)
    } else {
        json!(c.to_string())
    }
}

/// An outcome index (or any count up to 2^256), by the rule of counts: a JSON number up to
/// 2^53, a string of decimal digits beyond, so that readers parsing numbers as doubles
/// (JavaScript, `jq`, pandas) never round it. [`parse_index`] reads either back.
pub fn index(i: U256) -> Json {
    match u64::try_from(i) {
        Ok(small) if small <= EXACT_IN_JSON => json!(small),
        _ => json!(i.to_string()),
    }
}

/// Reads an outcome index written by [`index`]: a non-negative integer number, or a string of
/// decimal digits (below 2^256). `None` for anything else.
pub fn parse_index(v: &Json) -> Option<U256> {
    match v {
        Json::Number(n) => n.as_u64().map(U256::from),
        Json::String(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
            U256::from_str_radix(t, 10).ok()
        }
        _ => None,
    }
}

fn frontier(s: &Scenario, pts: &[FrontierPoint]) -> Json {
    Json::Array(
        pts.iter()
            .map(|p| {
                json!({
                    "outcome": outcome(s, &p.outcomes[0]),
                    "utilities": p.utilities,
                    "ties": count(p.count),
                    "tied_outcomes": p.outcomes[1..].iter().map(|o| outcome(s, o)).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn solution(s: &Scenario, pts: &[FrontierPoint], sol: &Option<Solution>, negate: bool) -> Json {
    match sol {
        None => Json::Null,
        Some(x) => json!({
            "outcome": outcome(s, &pts[x.point].outcomes[0]),
            "utilities": pts[x.point].utilities,
            "value": if negate { -x.value } else { x.value },
            "ties": x.ties,
        }),
    }
}

fn solutions(s: &Scenario, pts: &[FrontierPoint], sol: &Solutions) -> Json {
    json!({
        "nash": solution(s, pts, &sol.nash, false),
        "kalai_smorodinsky": solution(s, pts, &sol.kalai_smorodinsky, false),
        "egalitarian": solution(s, pts, &sol.egalitarian, false),
        "max_welfare": solution(s, pts, &sol.max_welfare, false),
        "equal_utility": solution(s, pts, &sol.equal_utility, true),
    })
}

/// The whole report.
pub fn report(s: &Scenario, r: &Report) -> Json {
    let red_lines: Vec<Json> = r
        .red_lines
        .iter()
        .enumerate()
        .map(|(i, rl)| {
            json!({
                "id": i + 1,
                "party": r.parties[rl.party],
                "rule": rl.rule,
                "source": rl.source,
            })
        })
        .collect();
    let blocking: Vec<Json> = r
        .blocking
        .iter()
        .map(|b| {
            json!({
                "red_lines": b.red_lines.iter().map(|&c| json!({
                    "id": c + 1,
                    "party": r.parties[r.red_lines[c].party],
                    "rule": r.red_lines[c].rule,
                })).collect::<Vec<_>>(),
                "reservations": b.reservations.iter().map(|&p| json!({
                    "party": r.parties[p],
                    "reservation": r.disagreement[p],
                    "shortfall": (r.disagreement[p] - b.utilities[p]).max(0.0),
                })).collect::<Vec<_>>(),
                "best_deal": {
                    "outcome": outcome(s, &Outcome(b.outcome.clone())),
                    "utilities": b.utilities,
                },
            })
        })
        .collect();
    let draft = r.draft.as_ref().map(|d| {
        let imp = &d.improvements;
        json!({
            "outcome": outcome(s, &d.outcome),
            "utilities": imp.draft_utilities,
            "respects_red_lines": imp.draft_respects,
            "crossed_red_lines": d.crossed.iter().map(|c| c + 1).collect::<Vec<_>>(),
            "improvements": {
                "count": imp.count.map(count),
                "best": imp.best.iter().map(|i| json!({
                    "outcome": outcome(s, &Outcome(i.outcome.clone())),
                    "utilities": i.utilities,
                    "nash_product": i.nash_product,
                })).collect::<Vec<_>>(),
            },
        })
    });
    let definitions: Map<String, Json> = DEFINITIONS
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    json!({
        "scenario": s.name,
        "parties": r.parties,
        "outcome_count": count(r.outcome_count),
        "reservations": r.reservations,
        "disagreement": r.disagreement,
        "ideal": r.ideal,
        "worst": r.worst,
        "pareto_frontier": frontier(s, &r.pareto_frontier),
        "solutions": solutions(s, &r.pareto_frontier, &r.solutions),
        "opposition": r.opposition,
        "agreement_zone": {
            "count": r.zone.count.map(count),
            "empty": r.zone.is_empty(),
            "pareto_frontier": frontier(s, &r.zone.pareto_frontier),
            "solutions": solutions(s, &r.zone.pareto_frontier, &r.zone.solutions),
            "ideal": r.zone.ideal,
        },
        "red_lines": red_lines,
        "blocking": blocking,
        "draft": draft,
        "methods": {
            "pareto_frontier": r.frontier_method.id(),
            "agreement_zone": r.zone.method.id(),
            "agreement_zone_count": r.zone.count_method.id(),
        },
        "definitions": definitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn indices_are_numbers_up_to_2_53_and_strings_beyond() {
        let two53 = 1u64 << 53;
        assert_eq!(index(U256::from(0u64)), json!(0));
        assert_eq!(index(U256::from(two53)), json!(two53));
        assert_eq!(index(U256::from(two53 + 1)), json!("9007199254740993"));
        assert_eq!(index(U256::from(u64::MAX)), json!("18446744073709551615"));
        let e50 = U256::from(10u64).pow(U256::from(50u64));
        let text = serde_json::to_string(&index(e50 - U256::from(1u64))).unwrap();
        assert_eq!(text, format!("\"{}\"", "9".repeat(50)));
        // Parsed as a double, 2^53 + 1 would have come back as 2^53.
        assert_eq!(
            parse_index(&serde_json::from_str::<Json>("\"9007199254740993\"").unwrap()),
            Some(U256::from(two53 + 1))
        );
        assert_eq!(parse_index(&json!(-1)), None);
        assert_eq!(parse_index(&json!("12a")), None);
        assert_eq!(parse_index(&json!(1.5)), None);
    }

    proptest! {
        /// Every index survives JSON text exactly, whatever its size.
        #[test]
        fn index_round_trips_through_json_text(limbs in any::<[u64; 4]>(), shift in 0usize..256) {
            let i = U256::from_limbs(limbs) >> shift;
            let text = serde_json::to_string(&index(i)).unwrap();
            let back: Json = serde_json::from_str(&text).unwrap();
            if let Json::Number(n) = &back {
                // Numbers only where a double holds them exactly.
                prop_assert!(n.as_u64().is_some_and(|x| x <= EXACT_IN_JSON));
                prop_assert_eq!(n.as_f64().map(|f| f as u64), n.as_u64());
            }
            prop_assert_eq!(parse_index(&back), Some(i));
        }
    }
}
