//! The plan: every negotiation of a tournament numbered 0..total in a fixed order (protocol,
//! then domain, then who sits where, then repetition), so that negotiation `i` is the same run
//! wherever and whenever it is computed: its seed comes from the tournament seed and `i`, never
//! from a thread or a shard.

use crate::config::{Config, ProtocolKind, ProtocolSetting, Votes};
use crate::row::Row;
use crate::TournamentError;
use accord_analysis::{analyze, Options};
use accord_model::{Rng, Scenario};
use accord_protocol::{sao::Failure, Deadline, VoteMode};
use accord_strategy::{
    is_deterministic, mediator, negotiator, one_text_mediator, run_one_text, run_sao,
    run_single_text, voter, Critic, Negotiator, NoTrace, Seat, Truthful, UtilityIndex, Voter,
};
use std::sync::Arc;

/// A domain made ready to negotiate on: one shared utility index per party, and the analysis
/// results every negotiation is measured against.
pub struct Domain {
    /// Its name in results (unique within the tournament).
    pub name: String,
    /// Where it came from (a path, or the generator's settings).
    pub source: String,
    /// The negotiating seats.
    pub seats: Vec<Seat>,
    /// The Nash point results are measured against (the zone's, else the whole space's).
    pub nash: Option<Vec<f64>>,
    /// The Pareto frontier (utilities), for distances.
    pub frontier: Vec<Vec<f64>>,
    /// A fingerprint of the scenario (its JSON form), so a resumed run can tell a changed file.
    pub(crate) fingerprint: u64,
    /// Shared by every result on the domain.
    shared: (Arc<str>, Arc<[String]>, Arc<[f64]>),
    /// The outcome space, to name an agreement's values.
    space: accord_model::OutcomeSpace,
    /// Whether each issue's values are ordered numbers (what one-text mediators know of them).
    numeric: Vec<bool>,
}

impl Domain {
    /// An outcome index as `{issue: value}` in issue order (option names as strings, integers
    /// and reals as numbers).
    pub fn outcome_values(
        &self,
        index: accord_protocol::Offer,
    ) -> Option<serde_json::Map<String, serde_json::Value>> {
        let outcome = self.space.outcome(index)?;
        let mut m = serde_json::Map::with_capacity(outcome.values().len());
        for (issue, &k) in self.space.issues().iter().zip(outcome.values()) {
            let v = match issue.value(k) {
                accord_model::Value::Option(s) => serde_json::Value::String(s),
                accord_model::Value::Integer(i) => i.into(),
                accord_model::Value::Real(x) => x.into(),
            };
            m.insert(issue.name.clone(), v);
        }
        Some(m)
    }
}

impl Domain {
    /// Prepares `scenario`: builds the indexes and analyses it once.
    pub fn prepare(
        name: String,
        source: String,
        scenario: &Scenario,
    ) -> Result<Domain, TournamentError> {
        let bad = |message: String| TournamentError::Domain {
            domain: source.clone(),
            message,
        };
        let parties = scenario.negotiators();
        if parties.len() < 2 {
            return Err(bad("a domain needs at least two negotiating parties".into()));
        }
        let mut seats = Vec::with_capacity(parties.len());
        for &i in &parties {
            let p = &scenario.parties[i];
            let prefs = p
                .preferences
                .as_ref()
                .ok_or_else(|| bad(format!("party `{}` has no preferences", p.name)))?;
            let index = UtilityIndex::build(&scenario.space, prefs, &p.red_lines)
                .map_err(|e| bad(format!("party `{}`: {e}", p.name)))?;
            seats.push(Seat {
                name: p.name.clone(),
                index: Arc::new(index),
                reservation: p.reservation.unwrap_or(0.0),
                discount: p.discount,
            });
        }
        // Beyond the exact analysis's 2^128 outcomes the domain still runs; its rows then have
        // no distance to the frontier or the Nash point (null), as a domain without analysis.
        let (nash, frontier) = match analyze(scenario, &Options::default()) {
            Ok(report) => (
                report.reference_nash().map(<[f64]>::to_vec),
                report
                    .pareto_frontier
                    .iter()
                    .map(|p| p.utilities.clone())
                    .collect(),
            ),
            Err(accord_analysis::AnalysisError::SpaceTooLarge(_)) => (None, Vec::new()),
            Err(e) => return Err(bad(e.to_string())),
        };
        let shared = (
            Arc::from(name.as_str()),
            seats.iter().map(|s| s.name.clone()).collect(),
            seats.iter().map(|s| s.reservation).collect(),
        );
        Ok(Domain {
            shared,
            nash,
            frontier,
            name,
            source,
            seats,
            fingerprint: crate::fnv1a(accord_formats::to_json(scenario).as_bytes()),
            space: scenario.space.clone(),
            numeric: scenario
                .space
                .issues()
                .iter()
                .map(|i| i.is_numeric())
                .collect(),
        })
    }
}

/// One protocol setting on one domain: a run of consecutive negotiation numbers.
#[derive(Debug, Clone)]
struct Block {
    start: u64,
    protocol: usize,
    domain: usize,
    /// Who sits where: indices into `strategies` per seat (SAO), or one index into `mediators`.
    lineups: Arc<Vec<Vec<usize>>>,
    /// Per lineup, the number of negotiations of the block up to and including its own (its
    /// repetitions: the configuration's, or 1 when no competitor at the table draws on the
    /// seed, since its repetitions could not differ).
    ends: Arc<Vec<u64>>,
    /// Per lineup, each seat's strategy name (single text: the voter), shared by the results.
    names: Arc<Vec<Arc<[String]>>>,
    /// The protocol's label.
    label: Arc<str>,
}

/// A tournament ready to run: its configuration, prepared domains and the numbered plan.
pub struct Tournament {
    /// The configuration.
    pub config: Config,
    /// The domains, in configuration order (files first, then generated ones).
    pub domains: Vec<Domain>,
    blocks: Vec<Block>,
    total: u64,
}

/// One negotiation of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    /// Its number.
    pub index: u64,
    /// Index into the configuration's protocols.
    pub protocol: usize,
    /// Index into the domains.
    pub domain: usize,
    /// SAO: a strategy index per seat; single text: the mediator index.
    pub lineup: Vec<usize>,
    /// Repetition number, from 0.
    pub repetition: u32,
}

impl Tournament {
    /// Loads the domains a configuration names (`config_file` locates relative paths) and
    /// numbers every negotiation.
    pub fn load(
        config: Config,
        config_file: &std::path::Path,
    ) -> Result<Tournament, TournamentError> {
        Tournament::load_with(config, config_file, Vec::new())
    }

    /// Like [`Tournament::load`], with `extra` domains given as scenarios (name, source,
    /// scenario) after the configuration's files and generated domains: a program that holds
    /// its scenarios in memory (the Python package) needs no files.
    pub fn load_with(
        config: Config,
        config_file: &std::path::Path,
        extra: Vec<(String, String, Scenario)>,
    ) -> Result<Tournament, TournamentError> {
        let opts = accord_formats::ReadOptions {
            lenient: config.lenient,
        };
        let mut prepared: Vec<(String, String, Scenario)> = Vec::new();
        for (path, written) in config
            .domain_paths(config_file)
            .into_iter()
            .zip(&config.domains)
        {
            let loaded = accord_formats::load(std::slice::from_ref(&path), opts).map_err(|e| {
                TournamentError::Domain {
                    domain: written.clone(),
                    message: e.to_string(),
                }
            })?;
            prepared.push((
                loaded.scenario.name.clone(),
                written.clone(),
                loaded.scenario,
            ));
        }
        for r in &config.random_domains {
            for k in 0..r.count as u64 {
                let seed = r.seed.wrapping_add(k);
                let s = random_domain(r.parties, r.issues, r.values, seed, r.reservation);
                let source = format!(
                    "random: {} parties, {} issues x {} values, seed {seed}",
                    r.parties, r.issues, r.values
                );
                prepared.push((s.name.clone(), source, s));
            }
        }
        prepared.extend(extra);
        let names = unique_names(prepared.iter().map(|p| p.0.clone()).collect());
        let domains = prepared
            .iter()
            .zip(names)
            .map(|((_, source, s), name)| Domain::prepare(name, source.clone(), s))
            .collect::<Result<Vec<_>, _>>()?;
        Tournament::new(config, domains)
    }

    /// Numbers the negotiations of `config` over already prepared `domains`.
    pub fn new(config: Config, domains: Vec<Domain>) -> Result<Tournament, TournamentError> {
        let mut blocks = Vec::new();
        let mut start = 0u64;
        type Lineups = (Arc<Vec<Vec<usize>>>, Arc<Vec<u64>>);
        let mut cache: Vec<(usize, Lineups)> = Vec::new();
        let medi: Arc<Vec<Vec<usize>>> =
            Arc::new((0..config.mediators.len()).map(|m| vec![m]).collect());
        let one_text: Arc<Vec<Vec<usize>>> = Arc::new(
            (0..config.one_text_mediators.len())
                .map(|m| vec![m])
                .collect(),
        );
        let reps = config.repetitions as u64;
        // Cumulative negotiation counts per lineup: one run for a deterministic table.
        let ends = |lineups: &[Vec<usize>], deterministic: &dyn Fn(&[usize]) -> bool| {
            let mut end = 0u64;
            let ends: Option<Vec<u64>> = lineups
                .iter()
                .map(|l| {
                    end = end.checked_add(if deterministic(l) { 1 } else { reps })?;
                    Some(end)
                })
                .collect();
            ends.map(Arc::new).ok_or(TournamentError::TooLarge)
        };
        // `repeat_deterministic` treats every competitor as drawing on the seed.
        let once =
            |kind: &str, spec: &str| !config.repeat_deterministic && is_deterministic(kind, spec);
        let det_strategy: Vec<bool> = config
            .strategies
            .iter()
            .map(|s| once("negotiator", s))
            .collect();
        let det_mediator: Vec<bool> = config
            .mediators
            .iter()
            .map(|m| once("mediator", m))
            .collect();
        for (p, setting) in config.protocols.iter().enumerate() {
            for (d, domain) in domains.iter().enumerate() {
                let (lineups, ends) = match setting.protocol {
                    ProtocolKind::SingleText => {
                        let voter = once("voter", setting.voter());
                        let e = ends(&medi, &|l| voter && det_mediator[l[0]])?;
                        (medi.clone(), e)
                    }
                    // Every one-text mediator draws on the seed (its first draft is random),
                    // and so does no party: truthful answers.
                    ProtocolKind::OneText => {
                        let e = ends(&one_text, &|_| false)?;
                        (one_text.clone(), e)
                    }
                    ProtocolKind::Sao => {
                        let k = domain.seats.len();
                        match cache.iter().find(|(n, _)| *n == k) {
                            Some((_, l)) => l.clone(),
                            None => {
                                let l = Arc::new(lineups(&config, k)?);
                                let e = ends(&l, &|l| l.iter().all(|&s| det_strategy[s]))?;
                                cache.push((k, (l.clone(), e.clone())));
                                (l, e)
                            }
                        }
                    }
                };
                let count = ends.last().copied().unwrap_or(0);
                if count == 0 {
                    return Err(TournamentError::Domain {
                        domain: domain.source.clone(),
                        message: format!(
                            "{} seats but only {} strategies and self_play = false: no lineup fills it",
                            domain.seats.len(),
                            config.strategies.len()
                        ),
                    });
                }
                let k = domain.seats.len();
                let names = lineups
                    .iter()
                    .map(|l| match setting.protocol {
                        ProtocolKind::Sao => {
                            l.iter().map(|&s| config.strategies[s].clone()).collect()
                        }
                        ProtocolKind::SingleText => vec![setting.voter().to_string(); k].into(),
                        ProtocolKind::OneText => vec!["truthful".to_string(); k].into(),
                    })
                    .collect();
                blocks.push(Block {
                    start,
                    protocol: p,
                    domain: d,
                    lineups,
                    ends,
                    names: Arc::new(names),
                    label: Arc::from(setting.label()),
                });
                start = start.checked_add(count).ok_or(TournamentError::TooLarge)?;
            }
        }
        Ok(Tournament {
            config,
            domains,
            blocks,
            total: start,
        })
    }

    /// Number of negotiations.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Most seats at one table (the CSV has this many seat columns).
    pub fn max_seats(&self) -> usize {
        self.domains
            .iter()
            .map(|d| d.seats.len())
            .max()
            .unwrap_or(0)
    }

    /// A fingerprint of everything that decides the results: the configuration and each
    /// domain's content. A resumed or merged run must match it.
    pub fn fingerprint(&self) -> String {
        let mut text = serde_json::to_string(&self.config).unwrap_or_default();
        for d in &self.domains {
            text.push_str(&format!("|{}:{:016x}", d.name, d.fingerprint));
        }
        text.push_str(concat!("|accord ", env!("CARGO_PKG_VERSION")));
        // Plan 2: lineups of deterministic competitors run once (plan 1 repeated them), so a
        // folder written by the older plan is refused rather than resumed into a mix.
        text.push_str("|plan 2");
        format!("{:016x}", crate::fnv1a(text.as_bytes()))
    }

    fn block(&self, index: u64) -> Option<&Block> {
        if index >= self.total {
            return None;
        }
        Some(&self.blocks[self.blocks.partition_point(|b| b.start <= index) - 1])
    }

    /// The block holding `index`, the lineup's position in it, and the repetition.
    fn locate(&self, index: u64) -> Option<(&Block, usize, u32)> {
        let b = self.block(index)?;
        let local = index - b.start;
        let l = b.ends.partition_point(|&end| end <= local);
        let first = if l == 0 { 0 } else { b.ends[l - 1] };
        Some((b, l, (local - first) as u32))
    }

    /// Negotiation `index` of the plan.
    pub fn pairing(&self, index: u64) -> Option<Pairing> {
        let (b, l, repetition) = self.locate(index)?;
        Some(Pairing {
            index,
            protocol: b.protocol,
            domain: b.domain,
            lineup: b.lineups[l].clone(),
            repetition,
        })
    }

    /// How many times the lineup of negotiation `index` runs: the configuration's
    /// repetitions, or 1 when every competitor at its table is deterministic (see
    /// [`accord_strategy::is_deterministic`]): runs differing only in their seed are the same.
    pub fn repetitions_of(&self, index: u64) -> Option<u32> {
        let (b, l, _) = self.locate(index)?;
        let first = if l == 0 { 0 } else { b.ends[l - 1] };
        Some((b.ends[l] - first) as u32)
    }

    /// Runs negotiation `index` and measures its result.
    pub fn run(&self, index: u64) -> Result<Row, TournamentError> {
        let p = self.pairing(index).ok_or(TournamentError::TooLarge)?;
        let (block, l, _) = self.locate(index).ok_or(TournamentError::TooLarge)?;
        let names = block.names[l].clone();
        let setting: &ProtocolSetting = &self.config.protocols[p.protocol];
        let domain = &self.domains[p.domain];
        let seats = &domain.seats;
        let seed = Rng::derive(self.config.seed, index).next_u64();
        let mut rng = Rng::new(seed);
        let deadline = Deadline::rounds(setting.rounds);
        let failed = |e: &dyn std::fmt::Display| TournamentError::Run {
            index,
            message: e.to_string(),
        };
        let (mediator_name, summary) = match setting.protocol {
            ProtocolKind::Sao => {
                let mut agents = names
                    .iter()
                    .zip(seats)
                    .map(|(spec, seat)| negotiator(spec, seat.index.clone(), seat.reservation))
                    .collect::<Result<Vec<Box<dyn Negotiator>>, _>>()
                    .map_err(|e| failed(&e))?;
                let summary = run_sao(
                    seats,
                    &mut agents,
                    deadline,
                    &mut rng,
                    &mut || 0.0,
                    &mut NoTrace,
                )
                .map_err(|e| failed(&e))?;
                (None, summary)
            }
            ProtocolKind::SingleText => {
                let name = &self.config.mediators[p.lineup[0]];
                let spec = setting.voter();
                let mut voters = seats
                    .iter()
                    .map(|seat| voter(spec, seat.index.clone(), seat.reservation))
                    .collect::<Result<Vec<Box<dyn Voter>>, _>>()
                    .map_err(|e| failed(&e))?;
                let mut m = mediator(name).map_err(|e| failed(&e))?;
                let mode = match setting.votes {
                    Votes::Accept => VoteMode::AcceptReject,
                    Votes::Feedback => VoteMode::Feedback,
                };
                let summary = run_single_text(
                    seats,
                    &mut voters,
                    m.as_mut(),
                    deadline,
                    mode,
                    &mut rng,
                    &mut || 0.0,
                    &mut NoTrace,
                )
                .map_err(|e| failed(&e))?;
                (Some(Arc::from(name.as_str())), summary)
            }
            ProtocolKind::OneText => {
                let name = &self.config.one_text_mediators[p.lineup[0]];
                let mut critics: Vec<Box<dyn Critic>> = seats
                    .iter()
                    .map(|seat| {
                        Box::new(Truthful::new(seat.index.clone(), seat.reservation, 0.0)) as _
                    })
                    .collect();
                let mut m = one_text_mediator(name).map_err(|e| failed(&e))?;
                let summary = run_one_text(
                    seats,
                    &mut critics,
                    m.as_mut(),
                    deadline,
                    setting.feedback(),
                    &domain.numeric,
                    &mut rng,
                    &mut || 0.0,
                    &mut NoTrace,
                )
                .map_err(|e| failed(&e))?;
                (Some(Arc::from(name.as_str())), summary)
            }
        };
        let agreed = summary.agreement.is_some();
        let (domain_name, parties, reservations) = domain.shared.clone();
        let distance_to_frontier = (agreed && !domain.frontier.is_empty()).then(|| {
            domain
                .frontier
                .iter()
                .map(|f| accord_analysis::distance(f, &summary.utilities))
                .fold(f64::INFINITY, f64::min)
        });
        let distance_to_nash = match (&domain.nash, agreed) {
            (Some(n), true) => Some(accord_analysis::distance(n, &summary.utilities)),
            _ => None,
        };
        Ok(Row {
            index,
            protocol: block.label.clone(),
            domain: domain_name,
            repetition: p.repetition,
            seed,
            parties,
            strategies: names,
            mediator: mediator_name,
            agreement: agreed,
            outcome_values: summary.agreement.and_then(|o| domain.outcome_values(o)),
            outcome: summary.agreement,
            advantages: summary
                .discounted
                .iter()
                .zip(reservations.iter())
                .map(|(u, r)| u - r)
                .collect(),
            welfare: summary.discounted.iter().sum(),
            utilities: summary.utilities,
            discounted: summary.discounted,
            reservations,
            rounds: summary.rounds,
            failure: summary.failure.map(|f| match f {
                Failure::Deadline => "deadline".to_string(),
                Failure::EndedBy(s) => format!(
                    "ended by {}",
                    seats.get(s).map_or("the mediator", |x| x.name.as_str())
                ),
                Failure::FinalRejected => "final text rejected".to_string(),
            }),
            distance_to_frontier,
            distance_to_nash,
        })
    }
}

/// Every lineup of `k` seats: all orders (rotate_roles) or each combination once.
fn lineups(config: &Config, k: usize) -> Result<Vec<Vec<usize>>, TournamentError> {
    let s = config.strategies.len();
    if (s as f64).powi(k as i32) > 1e7 {
        return Err(TournamentError::TooLarge);
    }
    let mut out = Vec::new();
    let mut cur = vec![0usize; k];
    if s == 0 {
        return Ok(out);
    }
    loop {
        let sorted = cur.windows(2).all(|w| w[0] <= w[1]);
        let distinct = {
            let mut c = cur.clone();
            c.sort_unstable();
            c.windows(2).all(|w| w[0] != w[1])
        };
        if (config.rotate_roles || sorted) && (config.self_play || distinct) {
            out.push(cur.clone());
        }
        // Next tuple, last seat fastest.
        let mut i = k;
        loop {
            if i == 0 {
                return Ok(out);
            }
            i -= 1;
            cur[i] += 1;
            if cur[i] < s {
                break;
            }
            cur[i] = 0;
        }
    }
}

fn unique_names(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        let mut name = n.clone();
        let mut k = 2;
        while out.contains(&name) {
            name = format!("{n}#{k}");
            k += 1;
        }
        out.push(name);
    }
    out
}

/// A random additive domain (the NegMAS baseline's generator: weights U(0,1) normalised,
/// scores U(0,1)), with reservation values from `reservation`.
pub fn random_domain(
    parties: usize,
    issues: usize,
    values: usize,
    seed: u64,
    reservation: Option<[f64; 2]>,
) -> Scenario {
    let mut s = accord_analysis::testing::random_additive(parties, &vec![values; issues], seed);
    if let Some([lo, hi]) = reservation {
        let mut rng = Rng::derive(seed, u64::MAX);
        for p in &mut s.parties {
            p.reservation = Some(lo + (hi - lo) * rng.unit());
        }
    }
    s
}
