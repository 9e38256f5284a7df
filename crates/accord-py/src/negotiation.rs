//! `negotiate`: one negotiation (SAO or a single text) run from Python, its trace and summary
//! as the command line's JSON (`docs/negotiate.md`).

use super::*;

fn ballot_name(b: Ballot) -> &'static str {
    match b {
        Ballot::Accept => "accept",
        Ballot::Reject => "reject",
        Ballot::Better => "better",
        Ballot::Worse => "worse",
        Ballot::Same => "same",
    }
}

fn outcome_json(s: &Model, offer: accord_protocol::Offer) -> Json {
    match s.space.outcome(offer) {
        Some(o) => accord_analysis::json::outcome(s, &o),
        None => Json::Null,
    }
}

/// One trace event with the fields of `accord negotiate --trace` (docs/negotiate.md), plus the
/// outcome's index.
fn event_json(s: &Model, names: &[String], e: &TraceEvent) -> Json {
    let utilities = e.utilities.as_ref().map(|u| {
        names
            .iter()
            .zip(u)
            .map(|(n, x)| (n.clone(), json!(x)))
            .collect::<Map<_, _>>()
    });
    match e.step {
        Step::Offer { party, offer } => {
            json!({"type": "offer", "t": e.t, "round": e.round, "party": names[party], "outcome": outcome_json(s, offer), "index": accord_analysis::json::index(offer), "utilities": utilities})
        }
        Step::Accept { party } => {
            json!({"type": "accept", "t": e.t, "round": e.round, "party": names[party]})
        }
        Step::End { party } => {
            json!({"type": "end", "t": e.t, "round": e.round, "party": names[party]})
        }
        Step::Draft { version, text } => {
            json!({"type": "draft", "t": e.t, "round": e.round, "version": version, "outcome": outcome_json(s, text), "index": accord_analysis::json::index(text), "utilities": utilities})
        }
        Step::Vote {
            party,
            ballot,
            amendment,
        } => json!({
            "type": "vote", "t": e.t, "round": e.round, "party": names[party], "ballot": ballot_name(ballot),
            "amendment": amendment.map(|(i, v)| {
                let issue = &s.space.issues()[i];
                json!({"issue": issue.name, "value": accord_analysis::json::value(&issue.value(v))})
            }),
        }),
        Step::Resolved { version, accepted } => {
            json!({"type": "resolved", "t": e.t, "round": e.round, "version": version, "accepted": accepted})
        }
        Step::Answer { party, answer } => json!({
            "type": "answer", "t": e.t, "round": e.round, "party": names[party],
            "acceptable": answer.acceptable, "grade": answer.grade.map(|g| g.as_str()),
            "critique": answer.critique.map(|(i, v)| {
                let issue = &s.space.issues()[i];
                json!({"issue": issue.name, "value": accord_analysis::json::value(&issue.value(v))})
            }),
        }),
        Step::Polled {
            version,
            acceptable,
        } => {
            json!({"type": "polled", "t": e.t, "round": e.round, "version": version, "acceptable": acceptable})
        }
        Step::Final { version, text } => {
            json!({"type": "final", "t": e.t, "round": e.round, "version": version, "outcome": outcome_json(s, text), "index": accord_analysis::json::index(text), "utilities": utilities})
        }
    }
}

/// What `negotiate` was asked for, read while holding the interpreter lock.
struct NegotiateRequest {
    protocol: String,
    strategies: BTreeMap<String, String>,
    default_strategy: String,
    mediator: String,
    voter: String,
    votes: VoteMode,
    binding: Binding,
    deadline: Deadline,
    seed: u64,
    trace: bool,
    compare: bool,
}

fn run_negotiation(s: &Model, req: &NegotiateRequest) -> Result<Json, PyErrText> {
    let parties = s.negotiators();
    if parties.len() < 2 {
        return Err(text_err(
            "a negotiation needs at least two seats with role \"party\"",
        ));
    }
    let names: Vec<String> = parties.iter().map(|&i| s.parties[i].name.clone()).collect();
    for name in req.strategies.keys() {
        if !names.contains(name) {
            return Err(text_err(format!(
                "strategies names `{name}`, which is not a negotiating party (parties: {})",
                names.join(", ")
            )));
        }
    }
    let built = Instant::now();
    let mut seats = Vec::with_capacity(parties.len());
    for &i in &parties {
        let p = &s.parties[i];
        let prefs = p
            .preferences
            .as_ref()
            .ok_or_else(|| text_err(format!("party `{}` has no preferences", p.name)))?;
        let index = UtilityIndex::build(&s.space, prefs, &p.red_lines)
            .map_err(|e| text_err(format!("party `{}`: {e}", p.name)))?;
        seats.push(Seat {
            name: p.name.clone(),
            index: Arc::new(index),
            reservation: p.reservation.unwrap_or(0.0),
            discount: p.discount,
        });
    }
    let index_seconds = built.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut clock = || start.elapsed().as_secs_f64();
    let mut rng = Rng::new(req.seed);
    let mut events: Vec<TraceEvent> = Vec::new();
    let mut roles = Map::new();
    let spec_of = |name: &str, default: &str| -> String {
        req.strategies
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let deadline = json!({"rounds": req.deadline.rounds, "seconds": req.deadline.seconds});
    let (start_event, summary) = match req.protocol.as_str() {
        "sao" => {
            let mut agents: Vec<Box<dyn Negotiator>> = Vec::new();
            for seat in &seats {
                let spec = spec_of(&seat.name, &req.default_strategy);
                agents.push(
                    negotiator(&spec, seat.index.clone(), seat.reservation)
                        .map_err(|e| text_err(format!("strategy of `{}`: {e}", seat.name)))?,
                );
                roles.insert(seat.name.clone(), json!(spec));
            }
            let start = json!({"type": "start", "protocol": "sao", "seed": req.seed, "parties": names, "strategies": roles, "deadline": deadline});
            let summary = if req.trace {
                run_sao(
                    &seats,
                    &mut agents,
                    req.deadline,
                    &mut rng,
                    &mut clock,
                    &mut events,
                )
            } else {
                run_sao(
                    &seats,
                    &mut agents,
                    req.deadline,
                    &mut rng,
                    &mut clock,
                    &mut accord_strategy::NoTrace,
                )
            }
            .map_err(text_err)?;
            (start, summary)
        }
        "single-text" => {
            let mut voters: Vec<Box<dyn Voter>> = Vec::new();
            for seat in &seats {
                let spec = spec_of(&seat.name, &req.voter);
                voters.push(
                    voter(&spec, seat.index.clone(), seat.reservation)
                        .map_err(|e| text_err(format!("voter of `{}`: {e}", seat.name)))?,
                );
                roles.insert(seat.name.clone(), json!(spec));
            }
            let mut med = mediator(&req.mediator).map_err(text_err)?;
            let start = json!({"type": "start", "protocol": "single-text", "seed": req.seed, "parties": names, "voters": roles, "mediator": req.mediator, "deadline": deadline});
            let summary = if req.trace {
                run_single_text_bound(
                    &seats,
                    &mut voters,
                    med.as_mut(),
                    req.deadline,
                    req.votes,
                    req.binding,
                    &mut rng,
                    &mut clock,
                    &mut events,
                )
            } else {
                run_single_text_bound(
                    &seats,
                    &mut voters,
                    med.as_mut(),
                    req.deadline,
                    req.votes,
                    req.binding,
                    &mut rng,
                    &mut clock,
                    &mut accord_strategy::NoTrace,
                )
            }
            .map_err(text_err)?;
            (start, summary)
        }
        other => {
            return Err(text_err(format!(
                "protocol `{other}`: expected \"sao\" or \"single-text\""
            )))
        }
    };
    // Where the result stands against the analysis (as `accord negotiate` reports it).
    let (report, analysis_skipped) = if req.compare {
        match run_analysis(s, &Options::default()) {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, None)
    };
    let agreed = summary.agreement.is_some();
    let frontier_distance = report
        .as_ref()
        .filter(|_| agreed)
        .map(|r| r.frontier_distance(&summary.utilities));
    let nash: Option<Vec<f64>> = report
        .as_ref()
        .and_then(|r| r.reference_nash().map(<[f64]>::to_vec));
    let nash_distance = match (&nash, agreed) {
        (Some(n), true) => Some(accord_analysis::distance(n, &summary.utilities)),
        _ => None,
    };
    let in_zone = match (summary.agreement, req.compare) {
        (Some(a), true) => s
            .space
            .outcome(a)
            .and_then(|o| accord_analysis::Model::new(s).ok().map(|m| m.in_zone(&o.0))),
        _ => None,
    };
    let summary_json = json!({
        "type": "summary",
        "protocol": req.protocol,
        "seed": req.seed,
        "parties": names,
        "agreement": summary.agreement.map(|a| outcome_json(s, a)),
        "agreement_index": summary.agreement.map(accord_analysis::json::index),
        "utilities": summary.utilities,
        "discounted_utilities": summary.discounted,
        "rounds": summary.rounds,
        "t": summary.t,
        "failure": summary.failure.map(|f| match f {
            Failure::Deadline => "deadline".to_string(),
            Failure::EndedBy(p) if p < names.len() => format!("ended by {}", names[p]),
            Failure::EndedBy(_) => "ended by the mediator".to_string(),
            Failure::FinalRejected => "final text rejected".to_string(),
        }),
        "in_agreement_zone": in_zone,
        "distance_to_frontier": frontier_distance,
        "nash": nash,
        "distance_to_nash": nash_distance,
        "index_build_seconds": index_seconds,
        "analysis_skipped": analysis_skipped,
    });
    let mut trace = vec![start_event];
    trace.extend(events.iter().map(|e| event_json(s, &names, e)));
    trace.push(summary_json.clone());
    Ok(
        json!({"summary": summary_json, "trace": if req.trace { Json::Array(trace) } else { Json::Null }}),
    )
}

/// Runs one negotiation between the shipped agents and returns `{"summary": ..., "trace": [...]}`.
#[pyfunction]
#[pyo3(signature = (
    scenario, *, protocol = "sao", strategies = None, default_strategy = "boulware",
    mediator = "bayes-nash", voter = "hill-climber", votes = "accept", binding = "standing",
    rounds = None, seconds = None, seed = 0, trace = true, compare = true
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn negotiate<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    protocol: &str,
    strategies: Option<BTreeMap<String, String>>,
    default_strategy: &str,
    mediator: &str,
    voter: &str,
    votes: &str,
    binding: &str,
    rounds: Option<u32>,
    seconds: Option<f64>,
    seed: u64,
    trace: bool,
    compare: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let votes = match votes {
        "accept" => VoteMode::AcceptReject,
        "feedback" => VoteMode::Feedback,
        other => {
            return Err(accord_err(format!(
                "votes `{other}`: expected \"accept\" or \"feedback\""
            )))
        }
    };
    let binding = match binding {
        "standing" => Binding::Standing,
        "first-acceptance" => Binding::FirstAcceptance,
        other => {
            return Err(accord_err(format!(
                "binding `{other}`: expected \"standing\" or \"first-acceptance\""
            )))
        }
    };
    if let Some(x) = seconds {
        if !(x.is_finite() && x > 0.0) {
            return Err(accord_err("seconds must be a positive number"));
        }
    }
    let deadline = match (rounds, seconds) {
        (None, None) => Deadline::rounds(100),
        (r, s) => Deadline {
            rounds: r,
            seconds: s,
        },
    };
    let req = NegotiateRequest {
        protocol: protocol.to_string(),
        strategies: strategies.unwrap_or_default(),
        default_strategy: default_strategy.to_string(),
        mediator: mediator.to_string(),
        voter: voter.to_string(),
        votes,
        binding,
        deadline,
        seed,
        trace,
        compare,
    };
    let model = scenario.inner.clone();
    let value = guarded(py, "negotiate", move || run_negotiation(&model, &req))?;
    to_py(py, &value)
}
