//! Analysis over phased agreements: which sequencings and deferrals are in the zone, and the
//! trust each party must place in later phases for each of them.
//!
//! Why a separate pass: a phased agreement's value depends on each party's trust, open values
//! and discounting (`accord_model::phase`), so the additive decomposition of one-shot analysis
//! does not apply. The method is an **exhaustive enumeration** of agreements of a given shape:
//! the phases, durations and open phases as proposed, with every package of the outcome space in
//! each fixed phase. That is `|space|^m` agreements for `m` fixed phases; shapes above
//! [`MAX_PHASED_AGREEMENTS`] are not enumerated and reported as too large (the proposed agreement
//! itself is always evaluated). Utilities and red-line tests are tabulated once per package, so
//! each agreement costs O(phases × parties) (about 50-90 ns here; `benches/phased.rs`), unless a
//! party states phased red lines, which speak about the whole agreement and are tested on each
//! (about 1 µs). Trust thresholds, a scan of thousands of trust values each, are computed only
//! for the agreements reported.
//!
//! Shapes analysed: the agreement as proposed ([`ShapeKind::AsProposed`]) and, when it leaves
//! phases open, the same agreement with every open phase settled now ([`ShapeKind::Settled`]).
//! A phased agreement is in the zone when, for every negotiating party, it crosses none of that
//! party's phased red lines and its expected utility at the party's own trust is at least its
//! reservation value (0 when none), with the tolerance of one-shot analysis ([`crate::EPS`]).

use crate::EPS;
use accord_model::{
    discounted_stop_values, respects_phased_red_lines, trust_threshold, OpenValue, Outcome,
    PhaseTerms, PhasedAgreement, Phasing, Role, Scenario, U256,
};
use serde_json::{json, Value as Json};

/// Shapes with more agreements than this are not enumerated.
pub const MAX_PHASED_AGREEMENTS: u128 = 1 << 22;

/// How many zone agreements are reported per shape (best Nash product of gains first).
pub const BEST_PER_SHAPE: usize = 5;

/// Which family of phased agreements a result is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeKind {
    /// The proposed phases, open phases left open; every package in each fixed phase.
    AsProposed,
    /// The proposed phases with every open phase settled now (a sequencing, no deferral).
    Settled,
}

impl ShapeKind {
    /// Identifier used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            ShapeKind::AsProposed => "as_proposed",
            ShapeKind::Settled => "open_phases_settled",
        }
    }
}

/// One phased agreement, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct PhasedEval {
    /// The agreement.
    pub agreement: PhasedAgreement,
    /// Each negotiator's expected utility at its own trust.
    pub expected: Vec<f64>,
    /// Each negotiator's trust threshold: the least trust from which on its expected utility
    /// stays at or above its reservation value; `None` when even full trust falls short.
    pub thresholds: Vec<Option<f64>>,
    /// Whether it crosses none of each negotiator's phased red lines.
    pub red_lines_ok: Vec<bool>,
    /// In the zone: every red line respected and every expected utility at or above reservation.
    pub in_zone: bool,
}

/// The enumeration of one shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeResult {
    /// Which shape.
    pub kind: ShapeKind,
    /// Number of agreements of this shape.
    pub agreements: u128,
    /// How many are in the zone; `None` when the shape was too large to enumerate.
    pub in_zone: Option<u64>,
    /// The best zone agreements (highest product of gains over reservation), at most
    /// [`BEST_PER_SHAPE`].
    pub best: Vec<PhasedEval>,
}

/// The phased analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct PhasedReport {
    /// Negotiators (role `party`), by name, in scenario order.
    pub parties: Vec<String>,
    /// Their reservation values (0 when none).
    pub disagreement: Vec<f64>,
    /// Their trust.
    pub trust: Vec<f64>,
    /// Packages in the one-shot zone (one-phase agreements), counted by enumeration; `None`
    /// when the space has more than [`MAX_PHASED_AGREEMENTS`] packages.
    pub one_shot_zone: Option<u64>,
    /// The proposed agreement.
    pub proposed: PhasedEval,
    /// Each shape's enumeration.
    pub shapes: Vec<ShapeResult>,
}

/// Evaluates one phased agreement for every negotiator.
pub fn evaluate(scenario: &Scenario, phasing: &Phasing, agreement: &PhasedAgreement) -> PhasedEval {
    let mut e = evaluate_without_thresholds(scenario, phasing, agreement);
    fill_thresholds(scenario, phasing, &mut e);
    e
}

/// `evaluate` without the trust thresholds (left empty): the enumeration needs them only for the
/// agreements it keeps, and a threshold scans thousands of trust values, a hundred times the
/// cost of the rest of the evaluation.
fn evaluate_without_thresholds(
    scenario: &Scenario,
    phasing: &Phasing,
    agreement: &PhasedAgreement,
) -> PhasedEval {
    let mut e = PhasedEval {
        agreement: agreement.clone(),
        expected: vec![],
        thresholds: vec![],
        red_lines_ok: vec![],
        in_zone: true,
    };
    for (p, party) in scenario.parties.iter().enumerate() {
        if party.role != Role::Party {
            continue;
        }
        let view = &phasing.views[p];
        let d = party.disagreement();
        let w = discounted_stop_values(party, view, &scenario.space, agreement).unwrap_or_default();
        let eu = accord_model::expected_from_stops(&w, view.trust);
        let ok = respects_phased_red_lines(party, view, agreement);
        e.in_zone &= ok && eu >= d - EPS;
        e.expected.push(eu);
        e.red_lines_ok.push(ok);
    }
    e
}

/// Sets each negotiator's trust threshold for the evaluated agreement.
fn fill_thresholds(scenario: &Scenario, phasing: &Phasing, e: &mut PhasedEval) {
    e.thresholds = scenario
        .parties
        .iter()
        .enumerate()
        .filter(|(_, party)| party.role == Role::Party)
        .map(|(p, party)| {
            let view = &phasing.views[p];
            let w = discounted_stop_values(party, view, &scenario.space, &e.agreement)
                .unwrap_or_default();
            trust_threshold(&w, party.disagreement() - EPS)
        })
        .collect();
}

/// Runs the phased analysis: the proposed agreement, the one-shot zone size, and each shape.
pub fn analyze_phased(scenario: &Scenario, phasing: &Phasing) -> PhasedReport {
    let negotiators: Vec<usize> = scenario.negotiators();
    let space = &scenario.space;
    let size = space.size_u128().unwrap_or(u128::MAX);
    let mut one_shot_zone = None;
    if size <= MAX_PHASED_AGREEMENTS {
        let mut count = 0u64;
        for i in 0..size as u64 {
            let Some(o) = space.outcome(U256::from(i)) else {
                continue;
            };
            let ok = negotiators.iter().all(|&p| {
                let party = &scenario.parties[p];
                party.respects_red_lines(o.values())
                    && party
                        .preferences
                        .as_ref()
                        .is_some_and(|pr| pr.utility(space, &o) >= party.disagreement() - EPS)
            });
            count += ok as u64;
        }
        one_shot_zone = Some(count);
    }
    let proposed = evaluate(scenario, phasing, &phasing.agreement);
    let mut shapes = vec![enumerate(
        scenario,
        phasing,
        &phasing.agreement,
        ShapeKind::AsProposed,
    )];
    if let Some(settled) = phasing.agreement.with_open_phases_settled() {
        shapes.push(enumerate(scenario, phasing, &settled, ShapeKind::Settled));
    }
    PhasedReport {
        parties: negotiators
            .iter()
            .map(|&p| scenario.parties[p].name.clone())
            .collect(),
        disagreement: negotiators
            .iter()
            .map(|&p| scenario.parties[p].disagreement())
            .collect(),
        trust: negotiators
            .iter()
            .map(|&p| phasing.views[p].trust)
            .collect(),
        one_shot_zone,
        proposed,
        shapes,
    }
}

/// Every agreement of `shape`'s form: each fixed phase takes every package in turn
/// (mixed-radix order, last fixed phase fastest).
fn enumerate(
    scenario: &Scenario,
    phasing: &Phasing,
    shape: &PhasedAgreement,
    kind: ShapeKind,
) -> ShapeResult {
    let space = &scenario.space;
    let fixed: Vec<usize> = (0..shape.phases().len())
        .filter(|&k| shape.phases()[k].fixed().is_some())
        .collect();
    let agreements = space
        .size_u128()
        .and_then(|size| size.checked_pow(fixed.len() as u32))
        .unwrap_or(u128::MAX);
    if agreements > MAX_PHASED_AGREEMENTS {
        return ShapeResult {
            kind,
            agreements,
            in_zone: None,
            best: vec![],
        };
    }
    let n = space.size_u64().unwrap_or(0);
    let outcomes: Vec<Outcome> = (0..n)
        .filter_map(|i| space.outcome(U256::from(i)))
        .collect();
    let mut phases = shape.phases().to_vec();
    let mut counter = vec![0u64; fixed.len()];
    let mut in_zone = 0u64;
    let mut best: Vec<(f64, PhasedEval)> = Vec::new();
    let d: Vec<f64> = scenario
        .negotiators()
        .iter()
        .map(|&p| scenario.parties[p].disagreement())
        .collect();
    let tables = Tables::new(scenario, phasing, shape, &outcomes);
    let mut w = vec![0.0; phases.len()];
    let mut expected = vec![0.0; d.len()];
    loop {
        // In the zone? From the tables when they apply (the same arithmetic as `evaluate`, so
        // the same numbers), else from the agreement itself.
        let quick = tables.as_ref().map(|t| {
            let mut ok = true;
            for (j, party) in t.parties.iter().enumerate() {
                for (k, slot) in t.slot_of_phase.iter().enumerate() {
                    w[k] = match slot {
                        Some(slot) => party.utility[counter[*slot] as usize] * party.discount[k],
                        None => party.open_stop[k],
                    };
                }
                expected[j] = accord_model::expected_from_stops(&w, party.trust);
                ok &= counter.iter().all(|&c| party.red_lines_ok[c as usize])
                    && expected[j] >= d[j] - EPS;
            }
            ok
        });
        let mut agreement = || {
            for (slot, &k) in fixed.iter().enumerate() {
                phases[k].terms = PhaseTerms::Fixed(outcomes[counter[slot] as usize].clone());
            }
            // Every package is in the space and the shape was valid, so this cannot fail.
            PhasedAgreement::new(phases.clone(), space).ok()
        };
        let eval = match quick {
            Some(false) => None,
            Some(true) => {
                let nash: f64 = expected
                    .iter()
                    .zip(&d)
                    .map(|(u, d)| (u - d).max(0.0))
                    .product();
                in_zone += 1;
                let pos = best
                    .iter()
                    .position(|(b, _)| nash > *b)
                    .unwrap_or(best.len());
                (pos < BEST_PER_SHAPE)
                    .then(agreement)
                    .flatten()
                    .map(|ag| evaluate_without_thresholds(scenario, phasing, &ag))
            }
            None => agreement()
                .map(|ag| evaluate_without_thresholds(scenario, phasing, &ag))
                .filter(|e| e.in_zone)
                .inspect(|_| in_zone += 1),
        };
        if let Some(e) = eval {
            let nash: f64 = e
                .expected
                .iter()
                .zip(&d)
                .map(|(u, d)| (u - d).max(0.0))
                .product();
            let pos = best
                .iter()
                .position(|(b, _)| nash > *b)
                .unwrap_or(best.len());
            if pos < BEST_PER_SHAPE {
                best.insert(pos, (nash, e));
                best.truncate(BEST_PER_SHAPE);
            }
        }
        // Next counter value.
        let mut slot = fixed.len();
        loop {
            if slot == 0 {
                return ShapeResult {
                    kind,
                    agreements,
                    in_zone: Some(in_zone),
                    best: best
                        .into_iter()
                        .map(|(_, mut e)| {
                            fill_thresholds(scenario, phasing, &mut e);
                            e
                        })
                        .collect(),
                };
            }
            slot -= 1;
            counter[slot] += 1;
            if counter[slot] < n {
                break;
            }
            counter[slot] = 0;
        }
    }
}

/// Per-package tables for one shape's enumeration, per negotiator: utilities and red-line tests
/// once per package instead of once per phase of every agreement. `None` when a negotiator has
/// no preferences or states phased red lines (they speak about the whole agreement).
struct Tables {
    /// For each phase, the enumeration slot that varies it (`None`: open).
    slot_of_phase: Vec<Option<usize>>,
    parties: Vec<PartyTable>,
}

struct PartyTable {
    utility: Vec<f64>,
    red_lines_ok: Vec<bool>,
    /// Per phase: the discount factor applied to its stop value.
    discount: Vec<f64>,
    /// Per open phase: its discounted stop value (unused for fixed phases).
    open_stop: Vec<f64>,
    trust: f64,
}

impl Tables {
    fn new(
        scenario: &Scenario,
        phasing: &Phasing,
        shape: &PhasedAgreement,
        outcomes: &[Outcome],
    ) -> Option<Tables> {
        let mut slot = 0;
        let slot_of_phase = shape
            .phases()
            .iter()
            .map(|p| {
                p.fixed().map(|_| {
                    slot += 1;
                    slot - 1
                })
            })
            .collect();
        let starts = shape.start_times();
        let parties = scenario
            .parties
            .iter()
            .enumerate()
            .filter(|(_, party)| party.role == Role::Party)
            .map(|(p, party)| {
                let view = &phasing.views[p];
                let prefs = party.preferences.as_ref()?;
                if view.red_lines.is_some() {
                    return None;
                }
                let rate = party.discount.unwrap_or(1.0);
                // As `discounted_stop_values`: no factor at the start.
                let discount: Vec<f64> = starts
                    .iter()
                    .map(|&s| if s == 0.0 { 1.0 } else { rate.powf(s) })
                    .collect();
                let open = match view.open_value {
                    OpenValue::Expected(x) => x,
                    OpenValue::WalkAway => party.disagreement(),
                };
                Some(PartyTable {
                    utility: outcomes
                        .iter()
                        .map(|o| prefs.utility(&scenario.space, o))
                        .collect(),
                    red_lines_ok: outcomes
                        .iter()
                        .map(|o| party.respects_red_lines(o.values()))
                        .collect(),
                    open_stop: starts
                        .iter()
                        .map(|&s| if s == 0.0 { open } else { open * rate.powf(s) })
                        .collect(),
                    discount,
                    trust: view.trust,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Tables {
            slot_of_phase,
            parties,
        })
    }
}

/// The phased report as JSON (`phased` in `accord analyze --json`, see `docs/analysis-json.md`).
pub fn to_json(scenario: &Scenario, r: &PhasedReport) -> Json {
    let eval = |e: &PhasedEval| {
        json!({
            "phases": e.agreement.phases().iter().map(|ph| match &ph.terms {
                PhaseTerms::Fixed(o) => json!({"name": ph.name, "days": ph.duration_days,
                    "clauses": crate::json::outcome(scenario, o)}),
                PhaseTerms::Open { agenda, .. } => json!({"name": ph.name, "days": ph.duration_days,
                    "open": {"agenda": agenda.iter().map(|&i| scenario.space.issues()[i].name.clone()).collect::<Vec<_>>()}}),
            }).collect::<Vec<_>>(),
            "expected_utility": e.expected,
            "trust_threshold": e.thresholds,
            "red_lines_respected": e.red_lines_ok,
            "in_zone": e.in_zone,
        })
    };
    json!({
        "method": "enumeration",
        "max_agreements": MAX_PHASED_AGREEMENTS as u64,
        "parties": r.parties,
        "disagreement": r.disagreement,
        "trust": r.trust,
        "one_shot_zone": r.one_shot_zone,
        "proposed": eval(&r.proposed),
        "shapes": r.shapes.iter().map(|s| json!({
            "shape": s.kind.id(),
            "agreements": if s.agreements <= (1u128 << 53) { json!(s.agreements as u64) } else { json!(s.agreements.to_string()) },
            "in_zone": s.in_zone,
            "best": s.best.iter().map(eval).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
