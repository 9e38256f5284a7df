//! Phased texts in the live process (issue 15), the server's side: a phased draft as the API
//! takes and returns it, checked by the model's own rules (`accord_model::PhasedAgreement`), what
//! it means to one party (the engine's phased valuation, from that party's preferences and trust
//! alone), and the phase statuses and follow-ups kept beside the live text (the rules live in
//! `accord_protocol::phased`).
//!
//! A phased draft is stored as an ordinary draft whose clauses are the package in force now
//! (phase 1's), plus its phases: so the live text, answers, deadlines, agents and every reader
//! of one-package drafts work on it unchanged, and a draft without phases is exactly today's.

use crate::domain::{Audience, EventKind, NegotiationStatus};
use crate::process::{self, Clause, Private};
use crate::store::{NegotiationRow, StoreError, Tx};
use accord_formats::{OpenDoc, PhaseDoc, PhasedViewDoc, PhasingDoc, ScenarioDoc, TriggerDoc};
use accord_model::{PhasedAgreement, Phasing, Scenario};
use accord_protocol::phased::{FollowUpKind, PhaseLedger, PhaseStatus};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Phases one draft may have.
pub const MAX_PHASES: usize = 12;

/// One phase of a phased draft: the clauses it fixes, or open ("to be negotiated during an
/// earlier phase") with its agenda and trigger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseText {
    /// Unique among the draft's phases; triggers name it.
    pub name: String,
    /// Duration in days (at least 1).
    pub days: u32,
    /// A fixed phase: every issue's clause in force during it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clauses: Option<Vec<Clause>>,
    /// An open phase: what is negotiated and when talks start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<OpenPhase>,
}

/// An open phase's agenda and trigger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenPhase {
    /// The issues to be negotiated.
    pub agenda: Vec<String>,
    /// When talks on it start.
    pub trigger: PhaseTrigger,
}

/// A day of an earlier phase, or the completion of some of its clauses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseTrigger {
    /// The earlier phase's name.
    pub phase: String,
    /// A day of it (from 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    /// Issues whose clauses must be completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<Vec<String>>,
}

/// What a follow-up draft does: extend phase `phase` or move on from it to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// `extend` or `move_on` (see `/api/negotiations/{id}/phases`, `vocabulary.follow_ups`).
    #[schema(pattern = "^(extend|move_on)$")]
    pub kind: String,
    /// The phase it is about, from 1.
    pub phase: usize,
}

impl FollowUp {
    /// Its kind and 0-based phase, or why not.
    pub fn parsed(&self) -> Result<(FollowUpKind, usize), String> {
        let kind = self
            .kind
            .parse::<FollowUpKind>()
            .map_err(|e| format!("follow_up.kind: {e}"))?;
        if self.phase == 0 {
            return Err("follow_up.phase: phases count from 1".into());
        }
        Ok((kind, self.phase - 1))
    }
}

fn doc_of(phases: &[PhaseText]) -> PhasingDoc {
    PhasingDoc {
        phases: phases
            .iter()
            .map(|p| PhaseDoc {
                name: p.name.clone(),
                days: p.days,
                source: None,
                clauses: p.clauses.as_ref().map(|cs| {
                    cs.iter()
                        .map(|c| (c.issue.clone(), c.value.clone()))
                        .collect()
                }),
                open: p.open.as_ref().map(|o| OpenDoc {
                    agenda: o.agenda.clone(),
                    trigger: TriggerDoc {
                        phase: o.trigger.phase.clone(),
                        day: o.trigger.day,
                        completed: o.trigger.completed.clone(),
                    },
                }),
            })
            .collect(),
        parties: BTreeMap::new(),
    }
}

/// The model's phasing of `phases` over `scenario`, with `views` (party -> its view); errors
/// in words with where they are (`phases[1].open.trigger: ...`).
fn phasing(
    scenario: &Scenario,
    phases: &[PhaseText],
    views: BTreeMap<String, PhasedViewDoc>,
) -> Result<Phasing, String> {
    let mut doc = doc_of(phases);
    doc.parties = views;
    doc.to_phasing(scenario).map_err(|e| {
        let at = e.path_string();
        format!(
            "{}: {}",
            at.strip_prefix("phasing.").unwrap_or(&at),
            e.message
        )
    })
}

/// Checks a phased draft against the issues, with the model's rules (at least one phase, the
/// first fixed, durations, agendas, triggers in earlier phases); returns it with each fixed
/// phase's clauses in issue order, canonical values and default wording, and the agreement.
pub fn normalise(
    public: &ScenarioDoc,
    phases: &[PhaseText],
) -> Result<(Vec<PhaseText>, PhasedAgreement), String> {
    if phases.len() > MAX_PHASES {
        return Err(format!("phases: at most {MAX_PHASES}"));
    }
    let mut out = Vec::with_capacity(phases.len());
    for (k, p) in phases.iter().enumerate() {
        if p.name.trim().is_empty() || p.name.chars().count() > 200 {
            return Err(format!("phases[{k}].name: 1 to 200 characters"));
        }
        let clauses = match &p.clauses {
            Some(cs) => {
                let (cs, _) = process::normalise(public, cs)
                    .map_err(|e| format!("phases[{k}].clauses: {e}"))?;
                if let Some(c) = cs
                    .iter()
                    .find(|c| c.wording.as_ref().is_some_and(|w| w.chars().count() > 4000))
                {
                    return Err(format!(
                        "phases[{k}].clauses: the wording of `{}` has more than 4000 characters",
                        c.issue
                    ));
                }
                Some(cs)
            }
            None => None,
        };
        out.push(PhaseText {
            clauses,
            ..p.clone()
        });
    }
    let scenario = process::issues_only(public)?;
    let phasing = phasing(&scenario, &out, BTreeMap::new())?;
    Ok((out, phasing.agreement))
}

/// The `[phasing]` table of a scenario file's TOML text, if it has one (the one-shot reader
/// leaves it aside; `PhasingDoc::to_phasing` checks it against the scenario).
pub fn phasing_of_toml(text: &str) -> Option<PhasingDoc> {
    #[derive(Deserialize)]
    struct OnlyPhasing {
        phasing: Option<PhasingDoc>,
    }
    toml::from_str::<OnlyPhasing>(text).ok()?.phasing
}

/// The scenario's proposed phases as a phased draft (later phases given in full: the file's
/// phases name only what changes), or none.
pub fn scenario_phases(public: &ScenarioDoc) -> Option<Vec<PhaseText>> {
    let doc = public.phasing.as_ref()?;
    let mut last: BTreeMap<String, accord_formats::Scalar> = BTreeMap::new();
    let phases: Vec<PhaseText> = doc
        .phases
        .iter()
        .map(|p| PhaseText {
            name: p.name.clone(),
            days: p.days,
            clauses: p.clauses.as_ref().map(|map| {
                last.extend(map.clone());
                last.iter()
                    .map(|(issue, value)| Clause {
                        issue: issue.clone(),
                        value: value.clone(),
                        wording: None,
                    })
                    .collect()
            }),
            open: p.open.as_ref().map(|o| OpenPhase {
                agenda: o.agenda.clone(),
                trigger: PhaseTrigger {
                    phase: o.trigger.phase.clone(),
                    day: o.trigger.day,
                    completed: o.trigger.completed.clone(),
                },
            }),
        })
        .collect();
    normalise(public, &phases).ok().map(|(p, _)| p)
}

/// The package in force now: the first phase's clauses (the model makes it fixed).
pub fn clauses_now(phases: &[PhaseText]) -> Vec<Clause> {
    phases
        .first()
        .and_then(|p| p.clauses.clone())
        .unwrap_or_default()
}

/// Whether a follow-up draft does what it says to the standing agreement's phases: extending
/// phase k keeps every phase as it was but gives phase k more days; moving on fixes phase k+1
/// (its open agenda filled) and keeps every other phase as it was.
pub fn check_follow_up(
    standing: &[PhaseText],
    draft: &[PhaseText],
    kind: FollowUpKind,
    k: usize,
) -> Result<(), String> {
    if standing.len() != draft.len() {
        return Err(format!(
            "a follow-up keeps the agreement's {} phases; this draft has {}",
            standing.len(),
            draft.len()
        ));
    }
    let changed = match kind {
        FollowUpKind::Extend => k,
        FollowUpKind::MoveOn => k + 1,
    };
    for (j, (a, b)) in standing.iter().zip(draft).enumerate() {
        if a.name != b.name {
            return Err(format!(
                "phases[{j}]: a follow-up keeps the phases' names (`{}`, not `{}`)",
                a.name, b.name
            ));
        }
        if j != changed && a != b {
            return Err(format!(
                "phases[{j}]: a follow-up that {} phase {} changes nothing else; `{}` differs from the agreed text",
                match kind {
                    FollowUpKind::Extend => "extends",
                    FollowUpKind::MoveOn => "moves on from",
                },
                k + 1,
                a.name
            ));
        }
    }
    let (Some(a), Some(b)) = (standing.get(changed), draft.get(changed)) else {
        return Err(format!("the agreement has no phase {}", changed + 1));
    };
    match kind {
        FollowUpKind::Extend => {
            if a.clauses != b.clauses || a.open != b.open {
                return Err(format!(
                    "phases[{k}]: extending phase {} keeps its clauses; to change them, move on or circulate another follow-up",
                    k + 1
                ));
            }
            if b.days <= a.days {
                return Err(format!(
                    "phases[{k}].days: extending phase {} gives it more than its {} days",
                    k + 1,
                    a.days
                ));
            }
        }
        FollowUpKind::MoveOn => {
            if b.clauses.is_none() {
                return Err(format!(
                    "phases[{changed}]: moving on to phase {} fixes its clauses (fill its agenda)",
                    changed + 1
                ));
            }
        }
    }
    Ok(())
}

/// What a phased draft means to one party, from its own preferences and view of phases alone:
/// its expected utility (the engine's phased valuation: `accord_model::expected_utility`), the
/// value of stopping after each phase, its trust, whether the text respects its red lines
/// (phase by phase) and its walk-away point.
pub fn valuation(
    public: &ScenarioDoc,
    seat: &str,
    p: &Private,
    phases: &[PhaseText],
) -> Result<Value, String> {
    let scenario = process::alone(public, seat, p)?;
    let (party, _) = process::own(&scenario, seat)?;
    let index = scenario
        .parties
        .iter()
        .position(|x| x.name == seat)
        .ok_or_else(|| format!("no seat `{seat}`"))?;
    let views = p
        .phasing
        .clone()
        .map(|v| BTreeMap::from([(seat.to_string(), v)]))
        .unwrap_or_default();
    let phasing = phasing(&scenario, phases, views)?;
    let view = &phasing.views[index];
    let space = &scenario.space;
    let agreement = &phasing.agreement;
    let utility = accord_model::expected_utility(party, view, space, agreement)
        .ok_or_else(|| format!("`{seat}` has no preferences yet"))?;
    let stops = accord_model::discounted_stop_values(party, view, space, agreement)
        .ok_or_else(|| format!("`{seat}` has no preferences yet"))?;
    Ok(json!({
        "seat": seat,
        "utility": utility,
        "trust": view.trust,
        "stops": agreement.phases().iter().zip(&stops).map(|(ph, v)| json!({
            "phase": ph.name, "open": ph.fixed().is_none(), "value": v,
        })).collect::<Vec<_>>(),
        "within_red_lines": accord_model::respects_phased_red_lines(party, view, agreement),
        "reservation": party.reservation,
        "above_reservation": utility >= party.disagreement() - 1e-12,
    }))
}

/// An open phase's agenda and trigger in words, for the document.
pub fn open_words(p: &PhaseText) -> Option<String> {
    let o = p.open.as_ref()?;
    let label = |s: &str| s.replace('_', " ");
    let agenda: Vec<String> = o.agenda.iter().map(|a| label(a)).collect();
    let when = match (&o.trigger.day, &o.trigger.completed) {
        (Some(day), _) => format!("from day {day} of {}", o.trigger.phase),
        (None, Some(done)) => format!(
            "once {} of {} completed",
            done.iter().map(|a| label(a)).collect::<Vec<_>>().join(", "),
            o.trigger.phase
        ),
        (None, None) => format!("during {}", o.trigger.phase),
    };
    Some(format!(
        "To be negotiated: {}; talks start {when}.",
        agenda.join(", ")
    ))
}

/// A phased text as the agreement document shows it: each phase's clauses or agenda and
/// trigger, and its status when the text is the agreed one.
pub fn doc_phases(
    phases: &[PhaseText],
    statuses: Option<&PhaseLedger>,
) -> Vec<accord_document::DocPhase> {
    phases
        .iter()
        .enumerate()
        .map(|(k, p)| accord_document::DocPhase {
            name: p.name.clone(),
            days: p.days,
            status: statuses
                .and_then(|l| l.statuses.get(k))
                .map(|s| s.as_str().replace('_', " ")),
            clauses: p.clauses.as_ref().map(|cs| {
                cs.iter()
                    .map(|c| accord_document::Clause {
                        issue: c.issue.clone(),
                        value: match &c.value {
                            accord_formats::Scalar::Int(i) => i.to_string(),
                            accord_formats::Scalar::Float(x) => x.to_string(),
                            accord_formats::Scalar::Text(t) => t.clone(),
                        },
                        wording: None,
                    })
                    .collect()
            }),
            open: open_words(p),
        })
        .collect()
}

/// The stored phases of a draft.
pub fn phases_of(json: Option<&str>) -> Option<Vec<PhaseText>> {
    json.and_then(|j| serde_json::from_str(j).ok())
}

/// The stored statuses.
pub fn ledger_of(json: Option<&str>) -> Option<PhaseLedger> {
    let names: Vec<String> = serde_json::from_str(json?).ok()?;
    let statuses = names
        .iter()
        .map(|n| n.parse::<PhaseStatus>())
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    Some(PhaseLedger { statuses })
}

/// The statuses as stored and sent.
pub fn ledger_json(l: &PhaseLedger) -> Value {
    json!(l.statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>())
}

/// Whether a follow-up round is open: the negotiation has an agreement and is open again.
pub fn in_round(row: &NegotiationRow) -> bool {
    row.agreement_version.is_some() && row.status == NegotiationStatus::Open
}

/// An ordinary draft or closing is refused during a follow-up round: the round ends with a
/// follow-up agreed or with `POST .../follow-up/end`, never by failing the standing agreement.
pub(crate) fn refuse_in_round(row: &NegotiationRow) -> Result<(), crate::error::ApiError> {
    if in_round(row) {
        return Err(crate::error::ApiError::conflict(
            "follow_up_round",
            "a follow-up round on the agreed phased text is open: circulate a follow-up (extend a phase or move on) or end the round; the agreement stands",
        ));
    }
    Ok(())
}

/// On an agreement (called where the live text's agreement is stored): a phased text starts
/// its phases (phase 1 in force), an agreed follow-up moves them on; an agreed text without
/// phases has no statuses. Every seat is told.
pub(crate) async fn on_agreement(tx: &mut Tx, version: i64) -> Result<(), StoreError> {
    let (phases, follow_up) = tx.draft_phases(version).await?;
    let Some(phases) = phases_of(phases.as_deref()) else {
        tx.set_phase_statuses(None).await?;
        return Ok(());
    };
    let follow: Option<FollowUp> = follow_up.and_then(|f| serde_json::from_str(&f).ok());
    let standing = ledger_of(tx.phase_statuses().await?.as_deref());
    let ledger = match (follow.and_then(|f| f.parsed().ok()), standing) {
        (Some((kind, k)), Some(mut l)) if l.statuses.len() == phases.len() => {
            l.after_follow_up(kind, k);
            l
        }
        _ => PhaseLedger::agreed(phases.len()),
    };
    let statuses = ledger_json(&ledger);
    tx.set_phase_statuses(Some(&statuses.to_string())).await?;
    tx.event(
        EventKind::PhaseStatus,
        None,
        &Audience::Everyone,
        &json!({"version": version, "statuses": statuses, "phases": phases.iter().map(|p| &p.name).collect::<Vec<_>>()}),
    )
    .await?;
    Ok(())
}

/// A phase-status event in words, for the timeline.
pub fn status_words(p: &Value) -> String {
    let names = |i: usize| -> String {
        p["phases"][i]
            .as_str()
            .map_or_else(|| format!("phase {}", i + 1), str::to_string)
    };
    match (p["phase"].as_u64(), p["to"].as_str()) {
        (Some(k), Some(to)) => format!(
            "{} marked {} by {}",
            names((k as usize).saturating_sub(1)),
            to.replace('_', " "),
            p["by"].as_str().unwrap_or("a mediator")
        ),
        _ => {
            let list: Vec<String> = p["statuses"]
                .as_array()
                .map(|xs| {
                    xs.iter()
                        .enumerate()
                        .map(|(i, s)| {
                            format!(
                                "{}: {}",
                                names(i),
                                s.as_str().unwrap_or("?").replace('_', " ")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!(
                "Phases of the agreed draft {}: {}",
                p["version"].as_i64().unwrap_or(0),
                list.join("; ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public() -> ScenarioDoc {
        let text = include_str!("../../../scenarios/ceasefire-phased.toml");
        let doc: ScenarioDoc = toml::from_str(text).unwrap();
        process::split(&doc).0
    }

    #[test]
    fn the_scenarios_phases_become_a_phased_draft_and_its_views_stay_private() {
        let public = public();
        assert!(public.phasing.as_ref().unwrap().parties.is_empty());
        let phases = scenario_phases(&public).unwrap();
        assert_eq!(phases.len(), 2);
        assert_eq!(phases[0].clauses.as_ref().unwrap().len(), 6);
        assert_eq!(phases[1].open.as_ref().unwrap().agenda.len(), 3);
        let text = include_str!("../../../scenarios/ceasefire-phased.toml");
        let doc: ScenarioDoc = toml::from_str(text).unwrap();
        let (_, seats, _) = process::split(&doc);
        let israel: Private = serde_json::from_str(
            seats
                .iter()
                .find(|s| s.0 == "israel")
                .unwrap()
                .2
                .as_ref()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(israel.phasing.unwrap().trust, Some(0.7));
    }

    #[test]
    fn an_uploaded_files_phases_are_read() {
        let text = include_str!("../../../scenarios/ceasefire-phased.toml");
        let phasing = phasing_of_toml(text).unwrap();
        assert_eq!(phasing.phases.len(), 2);
        assert_eq!(phasing.parties["israel"].trust, Some(0.7));
        assert!(phasing_of_toml(include_str!("../../../scenarios/ceasefire.toml")).is_none());
    }

    #[test]
    fn the_models_rules_refuse_a_bad_phased_draft_in_words() {
        let public = public();
        let mut phases = scenario_phases(&public).unwrap();
        phases[1].open.as_mut().unwrap().trigger.day = Some(43);
        let e = normalise(&public, &phases).unwrap_err();
        assert!(
            e.starts_with("phases[1].trigger: day 43 is not a day of `phase 1`"),
            "{e}"
        );
        phases.swap(0, 1);
        let e = normalise(&public, &phases).unwrap_err();
        assert_eq!(
            e,
            "phases[0].open: the first phase cannot be open: it is what the agreement commits to now"
        );
    }

    #[test]
    fn a_follow_up_changes_only_what_it_says() {
        let public = public();
        let standing = scenario_phases(&public).unwrap();
        let mut extended = standing.clone();
        extended[0].days = 60;
        assert_eq!(
            check_follow_up(&standing, &extended, FollowUpKind::Extend, 0),
            Ok(())
        );
        let e = check_follow_up(&standing, &standing, FollowUpKind::Extend, 0).unwrap_err();
        assert!(e.contains("more than its 42 days"), "{e}");
        let mut moved = standing.clone();
        moved[1].open = None;
        moved[1].clauses = standing[0].clauses.clone();
        assert_eq!(
            check_follow_up(&standing, &moved, FollowUpKind::MoveOn, 0),
            Ok(())
        );
        let e = check_follow_up(&standing, &extended, FollowUpKind::MoveOn, 0).unwrap_err();
        assert!(e.contains("changes nothing else"), "{e}");
    }
}
