//! The mediator's aggregate analysis of a negotiation, a party's own standing, the
//! assessment of a draft, and the picture: each built for one viewer under the invariant of
//! [`super`].

use super::*;

/// The mediator's view of the analysis over the parties whose consent allows it (`uses`):
/// whether a deal exists, what blocks it and what would have to give, packages every analysed
/// party prefers to the draft (each with the red lines it still crosses, red-line-free first),
/// and the Nash suggestion. A red line's text is shown only for parties whose use is
/// [`AnalysisUse::Shown`]; the others' are named by their party alone, never counted.
pub fn mediator_analysis(
    scenario: &Scenario,
    draft: Option<&Outcome>,
    uses: &BTreeMap<String, AnalysisUse>,
    bounds: &Bounds,
) -> Result<Value, EngineError> {
    let opts = Options {
        draft: draft.cloned(),
        search_budget: bounds.steps,
        count_budget: bounds.steps,
        stop: Some(bounds.stop.clone()),
        ..Options::default()
    };
    let report: Report = analyze(scenario, &opts)?;
    if bounds.stop.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(EngineError::TooLarge("stopped".into()));
    }
    let parties = &report.parties;
    let shown = |party: &str| uses.get(party) == Some(&AnalysisUse::Shown);
    let outcome_clauses = |o: &[u32]| -> Value {
        Value::Array(
            scenario
                .space
                .issues()
                .iter()
                .zip(o)
                .map(|(i, &k)| json!({"issue": i.name, "value": scalar(&i.value(k))}))
                .collect(),
        )
    };
    let red_line = |c: usize| -> Value {
        let info = &report.red_lines[c];
        let party = &parties[info.party];
        if shown(party) {
            json!({"party": party, "rule": info.rule, "source": info.source})
        } else {
            json!({"party": party, "rule": null})
        }
    };
    // Hidden red lines are reported once per party (never how many), shown ones each.
    let red_lines_of = |crossed: &mut dyn Iterator<Item = usize>| -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        let mut hidden = std::collections::BTreeSet::new();
        for c in crossed {
            let party = &parties[report.red_lines[c].party];
            if shown(party) || hidden.insert(party.clone()) {
                out.push(red_line(c));
            }
        }
        out
    };
    let blocking: Vec<Value> = report
        .blocking
        .iter()
        .map(|r| {
            json!({
                "red_lines": red_lines_of(&mut r.red_lines.iter().copied()),
                "reservations": r.reservations.iter().map(|&p| &parties[p]).collect::<Vec<_>>(),
                "best_deal": outcome_clauses(&r.outcome),
            })
        })
        .collect();
    let nash = report
        .zone
        .solutions
        .nash
        .as_ref()
        .and_then(|n| report.zone.pareto_frontier[n.point].outcomes.first())
        .map(|o| outcome_clauses(&o.0));
    let model = accord_analysis::Model::new(scenario).map_err(|e| e.to_string())?;
    let crossing = |values: &[u32]| -> Vec<usize> {
        (0..model.constraints.len())
            .filter(|&c| !model.constraints[c].rule.holds(values))
            .collect()
    };
    let improvements = report.draft.as_ref().map(|d| {
        let mut best: Vec<(Vec<usize>, &accord_analysis::Improvement)> = d
            .improvements
            .best
            .iter()
            .map(|i| (crossing(&i.outcome), i))
            .collect();
        // Red-line-free first; otherwise the engine's order (Nash product, then welfare).
        best.sort_by_key(|(crossed, _)| !crossed.is_empty());
        json!({
            "count": d.improvements.count.map(|c| c.to_string()),
            "best": best.iter().map(|(crossed, i)| json!({
                "clauses": outcome_clauses(&i.outcome),
                "within_red_lines": crossed.is_empty(),
                "crosses": red_lines_of(&mut crossed.iter().copied()),
            })).collect::<Vec<_>>(),
        })
    });
    let analysed: Vec<&String> = parties.iter().collect();
    let left_out: Vec<&String> = uses
        .iter()
        .filter(|(_, u)| **u == AnalysisUse::Excluded)
        .map(|(p, _)| p)
        .collect();
    Ok(json!({
        "parties": analysed,
        "left_out": left_out,
        "zone": {
            "exists": !report.zone.is_empty(),
            "count": report.zone.count.map(|c| c.to_string()),
            "outcomes": report.outcome_count.to_string(),
        },
        "blocking": blocking,
        "nash": nash,
        "draft": {"standing": [], "improvements": improvements},
    }))
}

/// One party's standing on a draft, from its own preferences alone: whether the draft is within
/// its red lines and at or above its walk-away point. What mediators learn of every party,
/// whatever its consent.
pub fn standing(
    public: &ScenarioDoc,
    seat: &str,
    p: &Private,
    draft: &Outcome,
) -> Result<Value, String> {
    let scenario = alone(public, seat, p)?;
    let (party, prefs) = own(&scenario, seat)?;
    let u = prefs.utility_of_values(&scenario.space, &draft.0);
    Ok(json!({
        "party": seat,
        "within_red_lines": party.respects_red_lines(&draft.0),
        "above_reservation": u >= party.disagreement() - 1e-12,
    }))
}

/// A seat and its preferences in the scenario built for it alone (see `alone`).
pub(crate) fn own<'s>(
    scenario: &'s Scenario,
    seat: &str,
) -> Result<(&'s accord_model::Party, &'s accord_model::Preferences), String> {
    let party = scenario
        .parties
        .iter()
        .find(|x| x.name == seat)
        .ok_or_else(|| format!("no seat `{seat}`"))?;
    let prefs = party
        .preferences
        .as_ref()
        .ok_or_else(|| format!("`{seat}` has no preferences yet"))?;
    Ok((party, prefs))
}

/// About this many values of one issue are tried when looking for a party's best change.
const TRIED_VALUES: u64 = 10_000;

/// What the draft means to one party, built for that party alone from its own preferences: its
/// utility (0 to 1), its reservation value, each of its red lines and whether the draft crosses
/// it, and per clause the one change that would raise its utility most without crossing its own
/// red lines (what to ask for in an amendment).
pub fn assessment(
    public: &ScenarioDoc,
    seat: &str,
    p: &Private,
    draft: Option<&Outcome>,
) -> Result<Value, String> {
    let scenario = alone(public, seat, p)?;
    let (party, prefs) = own(&scenario, seat)?;
    let space = &scenario.space;
    let red_lines = |values: Option<&[u32]>| -> Vec<Value> {
        party
            .red_lines
            .iter()
            .map(|r| {
                json!({
                    "rule": r.rule.to_string(),
                    // In words, for the room (issue 13): "Ceasefire must not be permanent".
                    "sentence": r.rule.describe(scenario.space.issues(), true),
                    "source": r.source,
                    "crossed": values.map(|v| !r.rule.holds(v)),
                })
            })
            .collect()
    };
    let Some(draft) = draft else {
        return Ok(json!({
            "seat": seat,
            "reservation": party.reservation,
            "red_lines": red_lines(None),
            "draft": null,
        }));
    };
    let values = draft.0.as_slice();
    let utility = prefs.utility_of_values(space, values);
    let crossed_by = |v: &[u32]| party.red_lines.iter().filter(|r| !r.rule.holds(v)).count();
    let crossed = crossed_by(values);
    // Per clause, the change a party would ask for first: fewer of its red lines crossed, then
    // a higher utility. Silent only when no value of that clause does better on either.
    let clauses: Vec<Value> = space
        .issues()
        .iter()
        .enumerate()
        .map(|(i, issue)| {
            let mut probe = values.to_vec();
            let mut best: Option<(u32, usize, f64)> = None;
            // Every value of a small issue; of a large numeric one, evenly spaced values from the
            // lowest to the highest.
            let size = issue.size().max(1);
            let step = size.div_ceil(TRIED_VALUES).max(1);
            let tried = (0..size).step_by(step as usize).chain([size - 1]);
            for k in tried.map(|k| k as u32) {
                if k == values[i] {
                    continue;
                }
                probe[i] = k;
                let c = crossed_by(&probe);
                let u = prefs.utility_of_values(space, &probe);
                let better_than_draft = c < crossed || (c == crossed && u > utility + 1e-9);
                let better_than_best =
                    best.is_none_or(|(_, bc, bu)| c < bc || (c == bc && u > bu + 1e-12));
                if better_than_draft && better_than_best {
                    best = Some((k, c, u));
                }
            }
            json!({
                "issue": issue.name,
                "value": scalar(&issue.value(values[i])),
                "best_change": best.map(|(k, c, u)| json!({
                    "value": scalar(&issue.value(k)),
                    "utility": u,
                    "red_lines_crossed": c,
                })),
            })
        })
        .collect();
    Ok(json!({
        "seat": seat,
        "reservation": party.reservation,
        "red_lines": red_lines(Some(values)),
        "draft": {
            "utility": utility,
            "within_red_lines": crossed == 0,
            "red_lines_crossed": crossed,
            "above_reservation": utility >= party.disagreement() - 1e-12,
            "clauses": clauses,
        },
    }))
}

/// The engine's bounds for one request: search steps, and the flag that stops it.
pub struct Bounds {
    /// Search steps per exact search.
    pub steps: u64,
    /// Set when the request's time is up or its client went away.
    pub stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// The mediator's utility-space picture (SVG) of the first two parties, with the drafts so far.
pub fn picture_svg(
    scenario: &Scenario,
    drafts: &[Outcome],
    bounds: &Bounds,
) -> Result<String, EngineError> {
    let opts = Options {
        search_budget: bounds.steps,
        count_budget: bounds.steps,
        stop: Some(bounds.stop.clone()),
        ..Options::default()
    };
    let report = analyze(scenario, &opts)?;
    if report.parties.len() < 2 {
        return Err(EngineError::Internal(
            "a utility-space picture needs two negotiating parties".into(),
        ));
    }
    let model = accord_analysis::Model::new(scenario).map_err(|e| e.to_string())?;
    let picture = accord_plot::analysis_picture(scenario, &model, &report, drafts);
    accord_plot::svg(&picture).map_err(|e| EngineError::Internal(e.to_string()))
}
