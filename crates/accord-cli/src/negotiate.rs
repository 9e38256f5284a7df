//! `accord negotiate`: runs a negotiation on a scenario with agents (and optionally one person
//! at the terminal), writes the trace as JSON lines and prints the summary.

use crate::human::{HumanNegotiator, HumanVoter};
use accord_analysis::{analyze, Options};
use accord_model::{Outcome, Rng, Scenario};
use accord_protocol::{sao::Failure, Ballot, Deadline, Feedback, VoteMode};
use accord_strategy::{
    mediator, negotiator, one_text_mediator, run_one_text, run_sao, voter, Critic, Negotiator,
    Seat, Sink, Step, Summary, TraceEvent, Truthful, UtilityIndex, Voter,
};
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

/// The protocols `--protocol` accepts.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Protocol {
    /// Stacked alternating offers (bilateral or multilateral).
    Sao,
    /// A mediator's single negotiating text, voted on by the parties (binding rules: an
    /// accepted draft stands).
    SingleText,
    /// The one-text procedure: drafts do not bind, parties answer each with a straw poll and
    /// a comparison (`--feedback`), and only the final text, put to one vote, binds.
    OneText,
}

/// How parties vote on a single text.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Votes {
    /// Accept or reject each draft.
    Accept,
    /// Better, worse or same than the previous draft.
    Feedback,
}

/// What an accepted draft does (see `accord_protocol::Binding`).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BindingArg {
    /// It stands until a later accepted draft replaces it (GENIUS).
    Standing,
    /// The first draft every party accepts ends the run (the live process).
    FirstAcceptance,
}

/// Everything `negotiate` needs besides the scenario (its command-line options).
#[derive(clap::Args)]
pub struct Settings {
    /// The protocol.
    #[arg(long, value_enum, default_value = "sao")]
    pub protocol: Protocol,
    /// A party's strategy, `PARTY=SPEC` (repeatable). SAO specs: boulware, linear, conceder,
    /// time:E, tft, hardliner, random, with options `,freq` and `,ac=next|const:X|time:T`.
    /// Single text: the party's voter (hill-climber, annealer[:T]).
    #[arg(long = "strategy", value_parser = party_spec)]
    pub strategies: Vec<(String, String)>,
    /// Strategy of every party not named by --strategy (SAO).
    #[arg(long, default_value = "boulware")]
    pub default_strategy: String,
    /// The mediator. Single text: bayes-nash (default), thompson-binding, nash-seeking, amending,
    /// feedback, random-flipping, fixed-order. One text: thompson-nash (default), random-drafts.
    #[arg(long)]
    pub mediator: Option<String>,
    /// What parties answer a draft with besides the straw poll (one text): `binary` (better /
    /// worse than the previous draft; the default), `graded5` (much worse, worse, about the
    /// same, better, much better: cut at utility changes of 0.02 and 0.1) or `accept` (the
    /// straw poll only).
    #[arg(long, value_parser = feedback_arg)]
    pub feedback: Option<Feedback>,
    /// Voter of every party not named by --strategy (single text).
    #[arg(long, default_value = "hill-climber")]
    pub voter: String,
    /// How parties vote on drafts (single text).
    #[arg(long, value_enum, default_value = "accept")]
    pub votes: Votes,
    /// What an accepted draft does (single text, accept/reject votes): `standing` (GENIUS: it
    /// stands until a later accepted draft replaces it; the last one is the agreement) or
    /// `first-acceptance` (the live process's rule: the first draft every party accepts is the
    /// agreement and ends the run).
    #[arg(long, value_enum, default_value = "standing")]
    pub binding: BindingArg,
    /// Deadline in rounds (default 100 when no deadline is given).
    #[arg(long)]
    pub rounds: Option<u32>,
    /// Deadline in seconds of wall-clock time.
    #[arg(long)]
    pub seconds: Option<f64>,
    /// Seed: the same seed gives the same run.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Write the trace (JSON lines: every offer, vote and draft) to this file.
    #[arg(long)]
    pub trace: Option<std::path::PathBuf>,
    /// Play this party yourself at the terminal. You then see only your own utilities: the
    /// summary shows your result, and the trace, plot and JSON (which show everyone's) are off.
    #[arg(long, conflicts_with_all = ["trace", "plot", "json"])]
    pub human: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Draw the run: utility space and utility over time, written as PATH.svg and PATH.png.
    #[arg(long)]
    pub plot: Option<std::path::PathBuf>,
}

/// `--feedback` by its name.
fn feedback_arg(s: &str) -> Result<Feedback, String> {
    s.parse::<Feedback>().map_err(|e| e.to_string())
}

/// `PARTY=SPEC` for --strategy.
pub fn party_spec(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| format!("expected PARTY=STRATEGY, found `{s}`"))
}

struct JsonLines<'a> {
    out: Option<std::io::BufWriter<std::fs::File>>,
    scenario: &'a Scenario,
    names: Vec<String>,
    error: Option<std::io::Error>,
    /// Kept for the plot, when one is asked for.
    kept: Option<Vec<TraceEvent>>,
}

impl JsonLines<'_> {
    fn write(&mut self, v: &Value) {
        if let Some(out) = self.out.as_mut() {
            if let Err(e) = writeln!(out, "{v}") {
                self.error.get_or_insert(e);
            }
        }
    }
}

fn outcome_json(s: &Scenario, offer: accord_protocol::Offer) -> Value {
    match s.space.outcome(offer) {
        Some(o) => accord_analysis::json::outcome(s, &o),
        None => Value::Null,
    }
}

impl Sink for JsonLines<'_> {
    fn enabled(&self) -> bool {
        self.out.is_some() || self.kept.is_some()
    }

    fn event(&mut self, e: TraceEvent) {
        if let Some(k) = self.kept.as_mut() {
            k.push(e.clone());
        }
        let utilities = e.utilities.as_ref().map(|u| {
            self.names
                .iter()
                .zip(u)
                .map(|(n, x)| (n.clone(), json!(x)))
                .collect::<serde_json::Map<_, _>>()
        });
        let v = match e.step {
            Step::Offer { party, offer } => {
                json!({"type": "offer", "t": e.t, "round": e.round, "party": self.names[party], "outcome": outcome_json(self.scenario, offer), "index": accord_analysis::json::index(offer), "utilities": utilities})
            }
            Step::Accept { party } => {
                json!({"type": "accept", "t": e.t, "round": e.round, "party": self.names[party]})
            }
            Step::End { party } => {
                json!({"type": "end", "t": e.t, "round": e.round, "party": self.names[party]})
            }
            Step::Draft { version, text } => {
                json!({"type": "draft", "t": e.t, "round": e.round, "version": version, "outcome": outcome_json(self.scenario, text), "index": accord_analysis::json::index(text), "utilities": utilities})
            }
            Step::Vote {
                party,
                ballot,
                amendment,
            } => json!({
                "type": "vote", "t": e.t, "round": e.round, "party": self.names[party], "ballot": ballot_name(ballot),
                "amendment": amendment.map(|(i, v)| {
                    let issue = &self.scenario.space.issues()[i];
                    json!({"issue": issue.name, "value": accord_analysis::json::value(&issue.value(v))})
                }),
            }),
            Step::Resolved { version, accepted } => {
                json!({"type": "resolved", "t": e.t, "round": e.round, "version": version, "accepted": accepted})
            }
            Step::Answer { party, answer } => json!({
                "type": "answer", "t": e.t, "round": e.round, "party": self.names[party],
                "acceptable": answer.acceptable, "grade": answer.grade.map(|g| g.as_str()),
                "critique": answer.critique.map(|(i, v)| {
                    let issue = &self.scenario.space.issues()[i];
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
                json!({"type": "final", "t": e.t, "round": e.round, "version": version, "outcome": outcome_json(self.scenario, text), "index": accord_analysis::json::index(text), "utilities": utilities})
            }
        };
        self.write(&v);
    }
}

fn ballot_name(b: Ballot) -> &'static str {
    match b {
        Ballot::Accept => "accept",
        Ballot::Reject => "reject",
        Ballot::Better => "better",
        Ballot::Worse => "worse",
        Ballot::Same => "same",
    }
}

/// Runs the negotiation and prints its summary.
pub fn run(scenario: &Scenario, set: Settings) -> Result<()> {
    let parties: Vec<usize> = scenario.negotiators();
    if parties.len() < 2 {
        bail!("a negotiation needs at least two seats with role \"party\"");
    }
    let names: Vec<String> = parties
        .iter()
        .map(|&i| scenario.parties[i].name.clone())
        .collect();
    for (name, _) in &set.strategies {
        if !names.contains(name) {
            bail!(
                "--strategy names `{name}`, which is not a negotiating party (parties: {})",
                names.join(", ")
            );
        }
    }
    if let Some(h) = &set.human {
        if !names.contains(h) {
            bail!(
                "--human names `{h}`, which is not a negotiating party (parties: {})",
                names.join(", ")
            );
        }
    }
    let built = Instant::now();
    let mut seats = Vec::new();
    for &i in &parties {
        let p = &scenario.parties[i];
        let prefs = p
            .preferences
            .as_ref()
            .context("a negotiating party without preferences")?;
        seats.push(Seat {
            name: p.name.clone(),
            index: Arc::new(
                UtilityIndex::build(&scenario.space, prefs, &p.red_lines)
                    .with_context(|| format!("party `{}`", p.name))?,
            ),
            reservation: p.reservation.unwrap_or(0.0),
            discount: p.discount,
        });
    }
    let index_time = built.elapsed();
    let deadline = match (set.rounds, set.seconds) {
        (None, None) => Deadline::rounds(100),
        (r, s) => Deadline {
            rounds: r,
            seconds: s,
        },
    };
    let start = Instant::now();
    let mut clock = || start.elapsed().as_secs_f64();
    let mut rng = Rng::new(set.seed);
    let out = match &set.trace {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => None,
    };
    let mut sink = JsonLines {
        out,
        scenario,
        names: names.clone(),
        error: None,
        kept: set.plot.as_ref().map(|_| Vec::new()),
    };
    let protocol_name = match set.protocol {
        Protocol::Sao => "sao",
        Protocol::SingleText => "single-text",
        Protocol::OneText => "one-text",
    };
    if set.feedback.is_some() && set.protocol != Protocol::OneText {
        bail!("--feedback applies to --protocol one-text (the binding single text votes with --votes)");
    }
    let mediator_name = set.mediator.clone().unwrap_or_else(|| {
        match set.protocol {
            Protocol::OneText => "thompson-nash",
            _ => "bayes-nash",
        }
        .to_string()
    });
    let strategy_of = |name: &str| -> String {
        set.strategies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| set.default_strategy.clone())
    };
    let mut roles = serde_json::Map::new();
    let summary: Summary = match set.protocol {
        Protocol::Sao => {
            let mut agents: Vec<Box<dyn Negotiator>> = Vec::new();
            for seat in &seats {
                if set.human.as_deref() == Some(seat.name.as_str()) {
                    roles.insert(seat.name.clone(), json!("human"));
                    agents.push(Box::new(HumanNegotiator::new(scenario, seat.clone())));
                } else {
                    let spec = strategy_of(&seat.name);
                    roles.insert(seat.name.clone(), json!(spec));
                    agents.push(
                        negotiator(&spec, seat.index.clone(), seat.reservation)
                            .with_context(|| format!("strategy of `{}`", seat.name))?,
                    );
                }
            }
            sink.write(&json!({"type": "start", "protocol": protocol_name, "seed": set.seed, "parties": names, "strategies": roles, "deadline": {"rounds": deadline.rounds, "seconds": deadline.seconds}}));
            run_sao(
                &seats,
                &mut agents,
                deadline,
                &mut rng,
                &mut clock,
                &mut sink,
            )?
        }
        Protocol::SingleText => {
            let mode = match set.votes {
                Votes::Accept => VoteMode::AcceptReject,
                Votes::Feedback => VoteMode::Feedback,
            };
            let mut voters: Vec<Box<dyn Voter>> = Vec::new();
            for seat in &seats {
                if set.human.as_deref() == Some(seat.name.as_str()) {
                    roles.insert(seat.name.clone(), json!("human"));
                    voters.push(Box::new(HumanVoter::new(scenario, seat.clone())));
                } else {
                    let spec = set
                        .strategies
                        .iter()
                        .find(|(n, _)| *n == seat.name)
                        .map(|(_, s)| s.clone())
                        .unwrap_or_else(|| set.voter.clone());
                    roles.insert(seat.name.clone(), json!(spec));
                    voters.push(
                        voter(&spec, seat.index.clone(), seat.reservation)
                            .with_context(|| format!("voter of `{}`", seat.name))?,
                    );
                }
            }
            let mut med = mediator(&mediator_name)?;
            sink.write(&json!({"type": "start", "protocol": protocol_name, "seed": set.seed, "parties": names, "voters": roles, "mediator": mediator_name, "deadline": {"rounds": deadline.rounds, "seconds": deadline.seconds}}));
            accord_strategy::run_single_text_bound(
                &seats,
                &mut voters,
                med.as_mut(),
                deadline,
                mode,
                match set.binding {
                    BindingArg::Standing => accord_protocol::Binding::Standing,
                    BindingArg::FirstAcceptance => accord_protocol::Binding::FirstAcceptance,
                },
                &mut rng,
                &mut clock,
                &mut sink,
            )?
        }
        Protocol::OneText => {
            if set.human.is_some() {
                bail!("--human plays the sao and single-text protocols; under one-text, parties answer truthfully from their own preferences");
            }
            if !set.strategies.is_empty() {
                bail!("--strategy does not apply to --protocol one-text: every party answers truthfully from its own preferences");
            }
            let feedback = set.feedback.unwrap_or(Feedback::Binary);
            let mut critics: Vec<Box<dyn Critic>> = Vec::new();
            for seat in &seats {
                roles.insert(seat.name.clone(), json!("truthful"));
                critics.push(Box::new(Truthful::new(
                    seat.index.clone(),
                    seat.reservation,
                    0.0,
                )));
            }
            let mut med = one_text_mediator(&mediator_name)?;
            sink.write(&json!({"type": "start", "protocol": protocol_name, "feedback": feedback.as_str(), "seed": set.seed, "parties": names, "critics": roles, "mediator": mediator_name, "deadline": {"rounds": deadline.rounds, "seconds": deadline.seconds}}));
            run_one_text(
                &seats,
                &mut critics,
                med.as_mut(),
                deadline,
                feedback,
                &numeric_issues(scenario),
                &mut rng,
                &mut clock,
                &mut sink,
            )?
        }
    };

    // Where the result stands against the analysis.
    // The comparison with the analysis is extra: a run is never lost because it fails.
    let (report, analysis_skipped) = match analyze(scenario, &Options::default()) {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let frontier_distance = report.as_ref().and_then(|report| {
        summary
            .agreement
            .map(|_| report.frontier_distance(&summary.utilities))
    });
    let nash: Option<Vec<f64>> = report
        .as_ref()
        .and_then(|r| r.reference_nash().map(<[f64]>::to_vec));
    let nash_distance = match (&nash, summary.agreement) {
        (Some(n), Some(_)) => Some(accord_analysis::distance(n, &summary.utilities)),
        _ => None,
    };
    let in_zone = summary.agreement.and_then(|a| {
        let o = Outcome(scenario.space.outcome(a).map(|o| o.0).unwrap_or_default());
        accord_analysis::Model::new(scenario)
            .ok()
            .map(|m| m.in_zone(&o.0))
    });
    let mut end = json!({
        "type": "summary",
        "protocol": protocol_name,
        "seed": set.seed,
        "parties": names,
        "agreement": summary.agreement.map(|a| outcome_json(scenario, a)),
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
        "index_build_seconds": index_time.as_secs_f64(),
        "analysis_skipped": analysis_skipped,
    });
    if set.protocol == Protocol::OneText {
        if let Some(fields) = end.as_object_mut() {
            let feedback = set.feedback.unwrap_or(Feedback::Binary);
            fields.insert("feedback".into(), json!(feedback.as_str()));
        }
    }
    sink.write(&end);
    if let Some(out) = sink.out.as_mut() {
        out.flush()?;
    }
    if let Some(e) = sink.error {
        return Err(e).context("writing the trace");
    }
    if let (Some(path), Some(report)) = (&set.plot, report.as_ref()) {
        let picture = picture(
            scenario,
            &seats,
            report,
            &summary,
            sink.kept.as_deref().unwrap_or(&[]),
            set.seed,
        );
        let svg = accord_plot::svg(&picture)?;
        let (svg_path, png_path) = (path.with_extension("svg"), path.with_extension("png"));
        std::fs::write(&svg_path, &svg)
            .with_context(|| format!("writing {}", svg_path.display()))?;
        std::fs::write(&png_path, accord_plot::png(&svg)?)
            .with_context(|| format!("writing {}", png_path.display()))?;
        eprintln!("plot: {} and {}", svg_path.display(), png_path.display());
    }
    if set.json {
        println!("{}", serde_json::to_string_pretty(&end)?);
        return Ok(());
    }
    println!(
        "Negotiation on `{}`: {} protocol, seed {}",
        scenario.name, protocol_name, set.seed
    );
    for (name, role) in &roles {
        println!("  {name}: {}", role.as_str().unwrap_or(""));
    }
    if set.protocol != Protocol::Sao {
        println!("  mediator: {mediator_name}");
    }
    if set.protocol == Protocol::OneText {
        println!(
            "  feedback: {}",
            set.feedback.unwrap_or(Feedback::Binary).as_str()
        );
    }
    match summary.agreement {
        Some(a) => {
            let o = scenario
                .space
                .outcome(a)
                .context("agreement out of range")?;
            println!(
                "\nAGREEMENT after {} round(s) (t = {:.3}):",
                summary.rounds, summary.t
            );
            for (issue, v) in scenario.space.describe(&o) {
                println!("  {issue} = {v}");
            }
        }
        None => println!(
            "\nNO AGREEMENT after {} round(s): {}",
            summary.rounds,
            end["failure"].as_str().unwrap_or("deadline")
        ),
    }
    if let Some(h) = &set.human {
        // A party sees its own result only: others' utilities reveal their preferences.
        if let Some(i) = names.iter().position(|n| n == h) {
            println!(
                "\nYour utility: {:.4} (discounted {:.4})",
                summary.utilities[i], summary.discounted[i]
            );
        }
        return Ok(());
    }
    println!("\n  party          utility  discounted");
    for ((n, u), d) in names
        .iter()
        .zip(&summary.utilities)
        .zip(&summary.discounted)
    {
        println!("  {n:<14} {u:.4}   {d:.4}");
    }
    if let Some(d) = frontier_distance {
        println!("\nDistance to the Pareto frontier: {d:.4}");
    }
    if let (Some(n), Some(d)) = (&nash, nash_distance) {
        let shown: Vec<String> = n.iter().map(|x| format!("{x:.4}")).collect();
        println!(
            "Distance to the Nash solution ({}): {d:.4}",
            shown.join(", ")
        );
    }
    if let Some(z) = in_zone {
        println!("In the agreement zone: {}", if z { "yes" } else { "no" });
    }
    if let Some(why) = &analysis_skipped {
        println!("\nNo comparison with the analysis (frontier, Nash point, zone): {why}.");
    }
    if let Some(p) = &set.trace {
        println!("Trace: {}", p.display());
    }
    Ok(())
}

/// The picture of a run: the first two parties' utility space and everyone's utility over time.
fn picture(
    scenario: &Scenario,
    seats: &[Seat],
    report: &accord_analysis::Report,
    summary: &Summary,
    trace: &[TraceEvent],
    seed: u64,
) -> accord_plot::Picture {
    let two = |u: &[f64]| (u[0], u[1]);
    let ids = accord_plot::sample_outcomes(scenario, seed);
    let outcomes = ids
        .iter()
        .map(|&o| (seats[0].index.utility(o), seats[1].index.utility(o)))
        .collect();
    let (pts, sols) = if report.zone.is_empty() {
        (&report.pareto_frontier, &report.solutions)
    } else {
        (&report.zone.pareto_frontier, &report.zone.solutions)
    };
    let pick =
        |s: &Option<accord_analysis::Solution>| s.as_ref().map(|x| two(&pts[x.point].utilities));
    let names: Vec<String> = seats.iter().map(|s| s.name.clone()).collect();
    let mut offers: Vec<(String, Vec<(f64, f64)>)> = names
        .iter()
        .map(|n| (format!("offers of {n}"), Vec::new()))
        .collect();
    let mut drafts = Vec::new();
    let mut own: Vec<Vec<(f64, f64)>> = vec![Vec::new(); seats.len()];
    let mut received: Vec<Vec<(f64, f64)>> = vec![Vec::new(); seats.len()];
    for e in trace {
        let Some(u) = &e.utilities else { continue };
        match e.step {
            Step::Offer { party, .. } => {
                offers[party].1.push(two(u));
                for (i, x) in u.iter().enumerate() {
                    if i == party {
                        own[i].push((e.t, *x));
                    } else {
                        received[i].push((e.t, *x));
                    }
                }
            }
            Step::Draft { .. } | Step::Final { .. } => {
                drafts.push(two(u));
                for (i, x) in u.iter().enumerate() {
                    own[i].push((e.t, *x));
                }
            }
            _ => {}
        }
    }
    let single_text = !drafts.is_empty();
    if single_text {
        offers = vec![("drafts of the mediator".to_string(), drafts)];
    }
    let over_time = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                n.clone(),
                std::mem::take(&mut own[i]),
                std::mem::take(&mut received[i]),
            )
        })
        .collect();
    let more = if seats.len() > 2 {
        format!(
            " (utility space of the first two of {} parties)",
            seats.len()
        )
    } else {
        String::new()
    };
    accord_plot::Picture {
        title: format!("{}{more}", scenario.name),
        axes: (names[0].clone(), names[1].clone()),
        outcomes,
        crossing: Vec::new(),
        frontier: report
            .pareto_frontier
            .iter()
            .map(|p| two(&p.utilities))
            .collect(),
        frontier_is_curve: seats.len() == 2,
        time_labels: if single_text {
            ("utility of each draft".into(), String::new())
        } else {
            ("own offers".into(), "offers received".into())
        },
        nash: pick(&sols.nash),
        kalai_smorodinsky: pick(&sols.kalai_smorodinsky),
        reservations: (Some(seats[0].reservation), Some(seats[1].reservation)),
        offers,
        agreement: summary.agreement.map(|_| two(&summary.utilities)),
        over_time,
    }
}

/// `accord analyze --plot`: the utility space of the first two parties, with the draft.
pub fn plot_analysis(
    scenario: &Scenario,
    report: &accord_analysis::Report,
    path: &std::path::Path,
) -> Result<()> {
    if report.parties.len() < 2 {
        bail!("a utility-space picture needs two negotiating parties");
    }
    let m = accord_analysis::Model::new(scenario)?;
    let drafts: Vec<Outcome> = report
        .draft
        .as_ref()
        .map(|d| d.outcome.clone())
        .into_iter()
        .collect();
    let picture = accord_plot::analysis_picture(scenario, &m, report, &drafts);
    let svg = accord_plot::svg(&picture)?;
    let (svg_path, png_path) = (path.with_extension("svg"), path.with_extension("png"));
    std::fs::write(&svg_path, &svg).with_context(|| format!("writing {}", svg_path.display()))?;
    std::fs::write(&png_path, accord_plot::png(&svg)?)
        .with_context(|| format!("writing {}", png_path.display()))?;
    eprintln!("plot: {} and {}", svg_path.display(), png_path.display());
    Ok(())
}

/// Which issues' values are ordered numbers (what a one-text mediator may know of the issues).
fn numeric_issues(scenario: &Scenario) -> Vec<bool> {
    scenario
        .space
        .issues()
        .iter()
        .map(|i| i.is_numeric())
        .collect()
}
