//! Preferences for people who do not think in weights (issue 13), over HTTP: a party builds its
//! confidential preferences by ranking issues and rating options in words, by comparing texts,
//! and by saying which texts it would accept rather than no agreement; each path answers with
//! the preferences in the scenario format's party fields and what they imply, for the party to
//! confirm. Nothing is saved here: the party saves with `PUT .../preferences` once it agrees.
//!
//! **Stateless.** The client sends everything said so far with each request (the ratings, the
//! answers in order); the server replays it through `accord-elicit` and answers with the next
//! question or the fit. The next question is drawn with a seed derived from the negotiation,
//! the seat and the answers, so the same answers always get the same question, and a party can
//! take back an answer by sending the list without it.
//!
//! **Whose data.** Only a negotiating party, for its own seat (`viewer::may_elicit_for`), and
//! nothing stored for any seat is read: the issues come from the public document, everything
//! else from the request.

use super::{body, member, JsonBody, PublicDoc, Res};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::limits::{bounded, EngineError};
use crate::plain;
use crate::process::{self, Private};
use crate::AppState;
use accord_elicit as el;
use accord_formats::{RedLineDoc, RedLineFull, Scalar};
use accord_model::{label, IssueKind, OutcomeSpace, Preferences, RedLine, Rng, Rule};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use std::collections::BTreeMap;

mod bodies;
mod views;
pub use bodies::*;
use views::*;

/// Comparisons asked at most in one elicitation.
const MAX_BUDGET: usize = 40;
/// Walk-away questions asked at most.
const MAX_WALK_AWAY: usize = 12;
/// Best texts shown; texts shown on each side of the walk-away point.
const BEST: usize = 5;
const AROUND: usize = 2;

/// 422: the request is well-formed JSON but says something that cannot be used (an unknown
/// option, a missing rating, too many answers), in words naming the field.
fn unusable(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
}

fn from_elicit(space: &OutcomeSpace) -> impl Fn(el::ElicitError) -> ApiError + '_ {
    move |e| unusable(plain::words(&e.to_string(), space.issues()))
}

/// The seat asking and what elicitation needs of its negotiation (public data only).
struct Ctx {
    id: String,
    seat: String,
    public: PublicDoc,
    space: OutcomeSpace,
}

async fn context(s: &AppState, user: &str, id: &str, seat: &str) -> Res<Ctx> {
    let m = member(&s.store, id, user).await?;
    let target = m.seat_named(seat)?;
    if !m.viewer.may_elicit_for(target) {
        return Err(ApiError::forbidden(if m.viewer.seat == seat {
            "only negotiating parties have preferences to build"
        } else {
            "a party builds its own preferences: only that party may answer its questions"
        }));
    }
    let space = process::issues_only(&m.public)
        .map_err(ApiError::internal)?
        .space;
    Ok(Ctx {
        id: id.to_string(),
        seat: seat.to_string(),
        public: m.public.clone(),
        space,
    })
}

// ---- Reading requests ------------------------------------------------------------------

fn scalar_text(v: &Scalar) -> String {
    match v {
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(x) => x.to_string(),
        Scalar::Text(t) => t.clone(),
    }
}

fn issue_names(space: &OutcomeSpace) -> String {
    space
        .issues()
        .iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A text from issue -> value, every issue once; `what` names it in errors.
fn read_text(space: &OutcomeSpace, map: &TextMap, what: &str) -> Res<Vec<u32>> {
    let issues = space.issues();
    if let Some(k) = map.keys().find(|k| space.issue_index(k).is_none()) {
        return Err(unusable(format!(
            "{what}.{k}: there is no issue “{k}” (issues: {})",
            issue_names(space)
        )));
    }
    issues
        .iter()
        .map(|issue| {
            let v = map.get(&issue.name).ok_or_else(|| {
                unusable(format!(
                    "{what}: a text settles every issue, and this one gives no value for “{}”",
                    issue.name
                ))
            })?;
            let k = match v {
                Scalar::Float(x) => issue.nearest_grid_index(*x),
                other => issue.parse_value(&scalar_text(other)),
            };
            k.ok_or_else(|| {
                unusable(format!(
                    "{what}.{}: {}",
                    issue.name,
                    plain::words(&issue.not_a_value(&scalar_text(v)), issues)
                ))
            })
        })
        .collect()
}

fn word(text: &str) -> Option<el::Word> {
    let t = text.trim().to_ascii_lowercase();
    el::Word::ALL.into_iter().find(|w| w.label() == t)
}

/// A rating in the space's order, and the issues whose red lines are confirmed.
fn read_rating(space: &OutcomeSpace, r: &RatingInput) -> Res<(el::Rating, Vec<usize>)> {
    let issues = space.issues();
    for k in r.importance.keys().chain(r.ratings.keys()) {
        if space.issue_index(k).is_none() {
            return Err(unusable(format!(
                "there is no issue “{k}” (issues: {})",
                issue_names(space)
            )));
        }
    }
    let mut importance = Vec::with_capacity(issues.len());
    let mut words = Vec::with_capacity(issues.len());
    for issue in issues {
        let rank = r.importance.get(&issue.name).ok_or_else(|| {
            unusable(format!(
                "importance.{}: rank every issue by importance (1 for the one that matters most); “{}” has no rank",
                issue.name, issue.name
            ))
        })?;
        importance.push(*rank);
        let given = r.ratings.get(&issue.name).ok_or_else(|| {
            unusable(format!(
                "ratings.{}: rate every option of “{}” (unacceptable, poor, acceptable, good or best)",
                issue.name, issue.name
            ))
        })?;
        let n = space.radices()[space.issue_index(&issue.name).unwrap_or(0)];
        if n as usize > el::MAX_VALUES_PER_ISSUE as usize {
            return Err(unusable(format!(
                "ratings.{}: “{}” has {n} values, too many to rate one by one (at most {}); set its scores in the numeric form",
                issue.name,
                issue.name,
                el::MAX_VALUES_PER_ISSUE
            )));
        }
        let mut row = vec![None; n as usize];
        for (value, w) in given {
            let k = issue.parse_value(value).ok_or_else(|| {
                unusable(format!(
                    "ratings.{}.{value}: {}",
                    issue.name,
                    plain::words(&issue.not_a_value(value), issues)
                ))
            })?;
            row[k as usize] = Some(word(w).ok_or_else(|| {
                unusable(format!(
                    "ratings.{}.{value}: “{w}” is not on the scale; use unacceptable, poor, acceptable, good or best",
                    issue.name
                ))
            })?);
        }
        if let Some(missing) = row.iter().position(Option::is_none) {
            return Err(unusable(format!(
                "ratings.{}: rate every option of “{}”; “{}” has no rating",
                issue.name,
                issue.name,
                issue.value(missing as u32)
            )));
        }
        words.push(row.into_iter().flatten().collect());
    }
    let mut confirmed = Vec::new();
    for name in &r.confirm_red_lines {
        let i = space.issue_index(name).ok_or_else(|| {
            unusable(format!(
                "confirm_red_lines: there is no issue “{name}” (issues: {})",
                issue_names(space)
            ))
        })?;
        confirmed.push(i);
    }
    Ok((el::Rating { importance, words }, confirmed))
}

/// A name as the rule language spells it: bare when it can be, else quoted.
fn rule_name(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !["and", "or", "not", "in", "true", "false"].contains(&name);
    if bare {
        name.to_string()
    } else if name.contains('"') {
        format!("'{name}'")
    } else {
        format!("\"{name}\"")
    }
}

/// The rating's unacceptable options as red lines: (view, red line once confirmed).
fn proposed_red_lines(
    space: &OutcomeSpace,
    proposed: &[el::ProposedRedLine],
    confirmed: &[usize],
) -> Res<Vec<(ProposedRedLineView, RedLine)>> {
    let issues = space.issues();
    proposed
        .iter()
        .map(|p| {
            let issue = &issues[p.issue];
            let values: Vec<String> = p
                .values
                .iter()
                .map(|&k| match &issue.kind {
                    IssueKind::Discrete { .. } => rule_name(&issue.value(k).to_string()),
                    _ => issue.value(k).to_string(),
                })
                .collect();
            let text = if values.len() == 1 {
                format!("{} != {}", rule_name(&issue.name), values[0])
            } else {
                format!(
                    "{} not in {{{}}}",
                    rule_name(&issue.name),
                    values.join(", ")
                )
            };
            // Names the rule language cannot spell (both kinds of quote) cannot be red lines.
            let rule = Rule::parse(&text, issues).map_err(|e| {
                unusable(format!(
                    "ratings.{}: an unacceptable option of “{}” cannot be written as a red line ({})",
                    issue.name,
                    issue.name,
                    plain::words(&e.message, issues)
                ))
            })?;
            let view = ProposedRedLineView {
                issue: issue.name.clone(),
                options: p
                    .values
                    .iter()
                    .map(|&k| process::scalar(&issue.value(k)))
                    .collect(),
                sentence: rule.describe(issues, true),
                rule: text,
                confirmed: confirmed.contains(&p.issue),
            };
            Ok((
                view,
                RedLine {
                    rule,
                    source: Some("rated unacceptable".into()),
                },
            ))
        })
        .collect()
}

/// Model preferences as the scenario format's party fields.
fn private_of(
    space: &OutcomeSpace,
    prefs: &Preferences,
    red_lines: &[RedLine],
    reservation: Option<f64>,
) -> Private {
    let mut weights = BTreeMap::new();
    let mut scores = BTreeMap::new();
    for (i, issue) in space.issues().iter().enumerate() {
        weights.insert(issue.name.clone(), prefs.weights[i]);
        let table: BTreeMap<String, Scalar> = (0..space.radices()[i])
            .map(|k| {
                (
                    issue.value(k).to_string(),
                    Scalar::Float(prefs.functions[i].score(issue, k)),
                )
            })
            .collect();
        scores.insert(issue.name.clone(), table);
    }
    Private {
        reservation,
        discount: None,
        red_lines: red_lines
            .iter()
            .map(|r| {
                RedLineDoc::Full(RedLineFull {
                    rule: r.rule.text().to_string(),
                    source: r.source.clone(),
                })
            })
            .collect(),
        weights: Some(weights),
        scores: Some(scores),
        terms: Vec::new(),
        phasing: None,
    }
}

/// Preferences sent by the client as the engine reads them (checked in words).
fn read_private(ctx: &Ctx, p: &Private) -> Res<(Private, Preferences, Vec<RedLine>, Option<f64>)> {
    p.check_ranges()
        .map_err(|e| unusable(format!("preferences.{e}")))?;
    let (p, _) = p.normalised();
    process::check_private(&ctx.public, &ctx.seat, &p)
        .map_err(|e| unusable(format!("preferences: {e}")))?;
    let scenario = process::alone(&ctx.public, &ctx.seat, &p).map_err(unusable)?;
    let (party, prefs) = process::own(&scenario, &ctx.seat).map_err(unusable)?;
    if prefs.weights.len() != ctx.space.issues().len() {
        return Err(unusable(
            "preferences: give weights and scores for every issue",
        ));
    }
    Ok((
        p.clone(),
        prefs.clone(),
        party.red_lines.clone(),
        party.reservation,
    ))
}

/// The answers of a walk-away-only request.
fn read_walk_away_answers(
    space: &OutcomeSpace,
    answers: &[PackageAnswer],
) -> Res<Vec<(Vec<u32>, bool)>> {
    answers
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let what = format!("answers[{k}]");
            if a.a.is_some() || a.b.is_some() || a.answer.is_some() {
                return Err(unusable(format!(
                    "{what}: the walk-away questions take a `text` and `accept` (true or false), not a comparison"
                )));
            }
            match (&a.text, a.accept) {
                (Some(t), Some(yes)) => Ok((read_text(space, t, &format!("{what}.text"))?, yes)),
                _ => Err(unusable(format!(
                    "{what}: give the `text` asked about and `accept`: true if the party would accept it rather than no agreement, false if not"
                ))),
            }
        })
        .collect()
}

/// The answers of a comparison request, as the engine's responses.
fn read_answers(space: &OutcomeSpace, answers: &[PackageAnswer]) -> Res<Vec<el::Response>> {
    answers
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let what = format!("answers[{k}]");
            match (&a.a, &a.b, &a.answer, &a.text, a.accept) {
                (Some(x), Some(y), Some(choice), None, None) => {
                    let x = read_text(space, x, &format!("{what}.a"))?;
                    let y = read_text(space, y, &format!("{what}.b"))?;
                    if x == y {
                        return Err(unusable(format!(
                            "{what}: the two texts of a comparison are the same"
                        )));
                    }
                    let answer = match choice.trim().to_ascii_lowercase().as_str() {
                        "a" => el::Answer::A,
                        "b" => el::Answer::B,
                        "same" => el::Answer::Same,
                        other => {
                            return Err(unusable(format!(
                                "{what}.answer: “{other}” is not an answer; say `a`, `b` or `same`"
                            )))
                        }
                    };
                    Ok(el::Response::Compared {
                        question: el::Question { a: x, b: y },
                        answer,
                    })
                }
                (None, None, None, Some(t), Some(accept)) => Ok(el::Response::WalkAway {
                    package: read_text(space, t, &format!("{what}.text"))?,
                    accept,
                }),
                _ => Err(unusable(format!(
                    "{what}: an answer is either a comparison (`a`, `b` and `answer`: a, b or same) or a walk-away question (`text` and `accept`: true or false)"
                ))),
            }
        })
        .collect()
}

/// The seed of the next question: the same answers always get the same question.
fn seed(ctx: &Ctx, what: &str, body: &impl Serialize) -> u64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [ctx.id.as_str(), ctx.seat.as_str(), what] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(serde_json::to_vec(body).unwrap_or_default());
    let d = h.finalize();
    u64::from_le_bytes(d[..8].try_into().unwrap_or([0; 8]))
}

// ---- Handlers --------------------------------------------------------------------------

/// Rank and rate: preferences from a ranking of the issues and a word per option.
#[utoipa::path(post, path = "/api/negotiations/{id}/seats/{seat}/elicitation/rating", tag = "elicitation", summary = "Party: preferences from a ranking of the issues and a word per option (unacceptable, poor, acceptable, good, best), shown back with what they imply; unacceptable options are proposed as red lines to confirm. Nothing is saved.", params(("id" = String, Path, description = "The negotiation"), ("seat" = String, Path, description = "Your seat")), request_body = RatingInput, responses((status = 200, description = "The proposal", body = Proposal), (status = 400, description = "Not the JSON asked for", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Not your party seat", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 422, description = "A rating that cannot be used, in words naming the field", body = crate::error::ErrorBody), (status = 503, description = "Busy: try again after Retry-After seconds", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn elicit_rating(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
    b: JsonBody<RatingInput>,
) -> Res<Json<Proposal>> {
    let r = body(b)?;
    let ctx = context(&s, &user.id, &id, &seat).await?;
    let (rating, confirmed) = read_rating(&ctx.space, &r)?;
    let rated = el::from_rating(&ctx.space, &rating).map_err(from_elicit(&ctx.space))?;
    let lines = proposed_red_lines(&ctx.space, &rated.proposed_red_lines, &confirmed)?;
    let space = ctx.space.clone();
    bounded(&s, move |_| {
        let red_lines: Vec<RedLine> = lines
            .iter()
            .filter(|(v, _)| v.confirmed)
            .map(|(_, r)| r.clone())
            .collect();
        let implications = implications_view(&space, &rated.preferences, &red_lines, None)?;
        Ok(Proposal {
            preferences: private_of(&space, &rated.preferences, &red_lines, None),
            proposed_red_lines: lines.into_iter().map(|(v, _)| v).collect(),
            implications,
        })
    })
    .await
    .map(Json)
}

/// Compare texts: the next question, or the fit with its inconsistencies.
#[utoipa::path(post, path = "/api/negotiations/{id}/seats/{seat}/elicitation/comparisons", tag = "elicitation", summary = "Party: adaptive questions \"which of these two texts would you rather sign?\", then \"would you accept this text rather than no agreement?\"; send every answer so far, get the next question (null when done) and the preferences they imply, with answers that contradict each other. Nothing is saved.", params(("id" = String, Path, description = "The negotiation"), ("seat" = String, Path, description = "Your seat")), request_body = ComparisonRequest, responses((status = 200, description = "The next question and the fit so far", body = ComparisonState), (status = 400, description = "Not the JSON asked for", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Not your party seat", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 422, description = "Answers that cannot be used, in words naming the field", body = crate::error::ErrorBody), (status = 503, description = "Busy: try again after Retry-After seconds", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn elicit_comparisons(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
    b: JsonBody<ComparisonRequest>,
) -> Res<Json<ComparisonState>> {
    let req = body(b)?;
    let ctx = context(&s, &user.id, &id, &seat).await?;
    let defaults = el::Options::default();
    let budget = req.budget.unwrap_or(defaults.budget);
    let walk_away_budget = req.walk_away_budget.unwrap_or(defaults.walk_away_budget);
    if !(1..=MAX_BUDGET).contains(&budget) {
        return Err(unusable(format!(
            "budget: ask from 1 to {MAX_BUDGET} comparisons, not {budget}"
        )));
    }
    if walk_away_budget > MAX_WALK_AWAY {
        return Err(unusable(format!(
            "walk_away_budget: ask at most {MAX_WALK_AWAY} walk-away questions, not {walk_away_budget}"
        )));
    }
    if req.answers.len() > budget + walk_away_budget {
        return Err(unusable(format!(
            "answers: {} answers, but at most {} comparisons and {} walk-away questions are asked; send only the answers given",
            req.answers.len(),
            budget,
            walk_away_budget
        )));
    }
    let responses = read_answers(&ctx.space, &req.answers)?;
    let compared = responses
        .iter()
        .filter(|r| matches!(r, el::Response::Compared { .. }))
        .count();
    if compared > budget || responses.len() - compared > walk_away_budget {
        return Err(unusable(format!(
            "answers: at most {budget} comparisons and {walk_away_budget} walk-away questions are asked; {} and {} were sent",
            compared,
            responses.len() - compared
        )));
    }
    let (prior, lines) = match &req.rating {
        Some(r) => {
            let (rating, confirmed) = read_rating(&ctx.space, r)?;
            let rated = el::from_rating(&ctx.space, &rating).map_err(from_elicit(&ctx.space))?;
            let lines = proposed_red_lines(&ctx.space, &rated.proposed_red_lines, &confirmed)?;
            (rated.prior, lines)
        }
        None => (
            el::Prior::uninformed(&ctx.space).map_err(from_elicit(&ctx.space))?,
            Vec::new(),
        ),
    };
    let seed = seed(&ctx, "comparisons", &req);
    let space = ctx.space.clone();
    let stop_comparing = req.stop_comparing;
    bounded(&s, move |_| {
        let options = el::Options {
            budget,
            walk_away_budget,
            ..el::Options::default()
        };
        let mut e = el::Elicitation::with_prior(prior, options);
        for r in responses {
            e.push(r).map_err(|e| e.to_string())?;
        }
        let mut rng = Rng::new(seed);
        // Comparisons first; once the walk-away questions have begun, only they.
        let comparing = !stop_comparing && e.walk_away_answers() == 0;
        let question = comparing
            .then(|| e.next_question(&mut rng))
            .flatten()
            .map(|q| compare_question(&space, &q))
            .or_else(|| {
                e.next_walk_away_question(&mut rng)
                    .map(|p| walk_away_question(&space, &p))
            });
        let fit = e.fit();
        let prefs = fit.preferences();
        let red_lines: Vec<RedLine> = lines
            .iter()
            .filter(|(v, _)| v.confirmed)
            .map(|(_, r)| r.clone())
            .collect();
        let implications = implications_view(&space, &prefs, &red_lines, fit.reservation)?;
        Ok(ComparisonState {
            question,
            compared: e.comparisons(),
            budget,
            walk_away_answered: e.walk_away_answers(),
            walk_away_budget,
            preferences: private_of(&space, &prefs, &red_lines, fit.reservation),
            proposed_red_lines: lines.into_iter().map(|(v, _)| v).collect(),
            implications,
            inconsistencies: e
                .inconsistencies()
                .iter()
                .map(|i| inconsistency(&i.responses.iter().map(|k| k + 1).collect::<Vec<_>>()))
                .collect(),
            contradicted: fit.contradicted.iter().map(|k| k + 1).collect(),
        })
    })
    .await
    .map(Json)
}

/// The bisection on utility: the bounds so far, the next text to ask about, contradictions.
struct Bisection {
    low: f64,
    high: f64,
    next: Option<Vec<u32>>,
    conflicts: Vec<[usize; 2]>,
}

/// Asks about the text whose utility is nearest the middle of what is still open, among the
/// texts within the red lines not asked yet; stops when no such text lies strictly between the
/// best refused and the least good accepted (texts cannot pin the point down further) or after
/// `limit` questions.
fn bisect(
    space: &OutcomeSpace,
    prefs: &Preferences,
    red_lines: &[RedLine],
    answers: &[(Vec<u32>, bool)],
    limit: usize,
) -> Result<Bisection, EngineError> {
    let u: Vec<f64> = answers
        .iter()
        .map(|(t, _)| prefs.utility_of_values(space, t))
        .collect();
    let refused = (0..answers.len()).filter(|&k| !answers[k].1);
    let accepted = (0..answers.len()).filter(|&k| answers[k].1);
    let low = refused
        .clone()
        .map(|k| u[k])
        .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
    let high = accepted
        .clone()
        .map(|k| u[k])
        .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))));
    let mut conflicts = Vec::new();
    for r in refused {
        for a in accepted.clone() {
            if u[a] < u[r] - 1e-12 {
                conflicts.push([a.min(r) + 1, a.max(r) + 1]);
            }
        }
    }
    let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
    let mut next = None;
    if answers.len() < limit && conflicts.is_empty() {
        let mid = (lo + hi) / 2.0;
        let asked = |p: &[u32]| answers.iter().any(|(t, _)| t == p);
        let inside =
            |x: f64| low.is_none_or(|l| x > l + 1e-12) && high.is_none_or(|h| x < h - 1e-12);
        let k = answers.len() + 2;
        let mut candidates =
            el::just_above(space, prefs, red_lines, mid, k).map_err(|e| e.to_string())?;
        candidates
            .extend(el::just_below(space, prefs, red_lines, mid, k).map_err(|e| e.to_string())?);
        candidates.retain(|r| inside(r.utility) && !asked(&r.package));
        candidates.sort_by(|a, b| (a.utility - mid).abs().total_cmp(&(b.utility - mid).abs()));
        next = candidates.into_iter().next().map(|r| r.package);
    }
    Ok(Bisection {
        low: lo,
        high: hi,
        next,
        conflicts,
    })
}

/// The walk-away point asked as texts, under given preferences.
#[utoipa::path(post, path = "/api/negotiations/{id}/seats/{seat}/elicitation/walk-away", tag = "elicitation", summary = "Party: the walk-away point as texts: \"would you accept this text rather than no agreement?\", each question bisecting on utility under the preferences sent; send every answer so far, get the next question (null when done), the walk-away point they imply and what it means. Nothing is saved.", params(("id" = String, Path, description = "The negotiation"), ("seat" = String, Path, description = "Your seat")), request_body = WalkAwayRequest, responses((status = 200, description = "The next question and the walk-away point so far", body = WalkAwayState), (status = 400, description = "Not the JSON asked for", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Not your party seat", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 422, description = "Preferences or answers that cannot be used, in words naming the field", body = crate::error::ErrorBody), (status = 503, description = "Busy: try again after Retry-After seconds", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn elicit_walk_away(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
    b: JsonBody<WalkAwayRequest>,
) -> Res<Json<WalkAwayState>> {
    let req = body(b)?;
    let ctx = context(&s, &user.id, &id, &seat).await?;
    let limit = req.questions.unwrap_or(6);
    if limit > MAX_WALK_AWAY {
        return Err(unusable(format!(
            "questions: ask at most {MAX_WALK_AWAY} walk-away questions, not {limit}"
        )));
    }
    if req.answers.len() > limit {
        return Err(unusable(format!(
            "answers: {} answers to at most {limit} questions",
            req.answers.len()
        )));
    }
    let (private, prefs, red_lines, _) = read_private(&ctx, &req.preferences)?;
    let answers = read_walk_away_answers(&ctx.space, &req.answers)?;
    let space = ctx.space.clone();
    bounded(&s, move |_| {
        let b = bisect(&space, &prefs, &red_lines, &answers, limit)?;
        let reservation = ((b.low + b.high) / 2.0).clamp(0.0, 1.0);
        let implications = implications_view(&space, &prefs, &red_lines, Some(reservation))?;
        Ok(WalkAwayState {
            question: b.next.as_deref().map(|p| walk_away_question(&space, p)),
            asked: answers.len(),
            questions: limit,
            between: [b.low, b.high],
            reservation,
            preferences: Private {
                reservation: Some(reservation),
                ..private
            },
            implications,
            inconsistencies: b.conflicts.iter().map(|c| {
                let mut v = inconsistency(c);
                v.sentence = format!(
                    "Answers {} and {} disagree: by your preferences the text you refused is better for you than the one you accepted. Look at them again, or change your preferences.",
                    c[0], c[1]
                );
                v
            }).collect(),
        })
    })
    .await
    .map(Json)
}

/// What preferences imply, before they are saved.
#[utoipa::path(post, path = "/api/negotiations/{id}/seats/{seat}/elicitation/implications", tag = "elicitation", summary = "Party: what preferences imply before you save them: your best texts, the texts just above and just below your walk-away point, in sentences", params(("id" = String, Path, description = "The negotiation"), ("seat" = String, Path, description = "Your seat")), request_body = ImplicationsRequest, responses((status = 200, description = "What they imply", body = ImplicationsAnswer), (status = 400, description = "Not the JSON asked for", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Not your party seat", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 422, description = "Preferences that cannot be used, in words naming the field", body = crate::error::ErrorBody), (status = 503, description = "Busy: try again after Retry-After seconds", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn elicit_implications(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
    b: JsonBody<ImplicationsRequest>,
) -> Res<Json<ImplicationsAnswer>> {
    let req = body(b)?;
    let ctx = context(&s, &user.id, &id, &seat).await?;
    let (private, prefs, red_lines, reservation) = read_private(&ctx, &req.preferences)?;
    let space = ctx.space.clone();
    bounded(&s, move |_| {
        Ok(ImplicationsAnswer {
            implications: implications_view(&space, &prefs, &red_lines, reservation)?,
            preferences: private,
        })
    })
    .await
    .map(Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_bare_when_they_can_be() {
        assert_eq!(rule_name("no_offensive"), "no_offensive");
        assert_eq!(rule_name("not"), "\"not\"");
        assert_eq!(rule_name("2nd"), "\"2nd\"");
        assert_eq!(rule_name("a \"b\""), "'a \"b\"'");
    }
}
