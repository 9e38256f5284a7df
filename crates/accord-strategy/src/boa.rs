//! Negotiating agents for alternating offers, split the way the field splits them (BOA):
//! a bidding (offering) strategy, an acceptance condition, and an opponent model.

use crate::index::{decode, UtilityIndex};
use accord_model::Rng;
use accord_protocol::Offer;
use std::sync::Arc;

/// What a part of an agent sees when it decides.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The agent's utility index.
    pub index: &'a UtilityIndex,
    /// Its reservation value (0 when none).
    pub reservation: f64,
    /// Normalised time in [0, 1].
    pub t: f64,
}

impl Context<'_> {
    /// The lowest utility the agent will ever offer or accept.
    pub fn floor(&self) -> f64 {
        self.reservation.max(self.index.min())
    }
}

/// Chooses the agent's next offer.
pub trait Offering: Send {
    /// The next offer: (its utility to the agent, the outcome).
    fn next(
        &mut self,
        ctx: &Context,
        model: Option<&dyn OpponentModel>,
        rng: &mut Rng,
    ) -> (f64, Offer);

    /// Told the agent's utility of each offer the opponents make.
    fn observe(&mut self, _ctx: &Context, _utility: f64) {}
}

/// Decides whether to accept an offer.
pub trait Acceptance: Send {
    /// `offered`: the offer's utility to the agent; `next`: the utility of the offer it would
    /// make instead.
    fn accept(&self, ctx: &Context, offered: f64, next: f64) -> bool;
}

/// Estimates what the opponents want from the offers they make.
pub trait OpponentModel: Send {
    /// Learns from an offer.
    fn update(&mut self, offer: Offer);
    /// Estimated opponent utility of an outcome, in [0, 1].
    fn estimate(&self, outcome: Offer) -> f64;
}

/// Concedes with time: target(t) = floor + (best - floor) * (1 - t^(1/e)).
/// e < 1 is Boulware (holds firm, concedes late), e = 1 linear, e > 1 Conceder.
#[derive(Debug, Clone)]
pub struct TimeDependent {
    /// The concession exponent.
    pub e: f64,
    /// Where the last target was found in the index (the next is usually next to it).
    hint: usize,
}

impl TimeDependent {
    /// A time-dependent strategy with exponent `e` (> 0).
    pub fn new(e: f64) -> Self {
        TimeDependent {
            e,
            hint: usize::MAX,
        }
    }

    /// The utility aimed at, at time t.
    pub fn target(&self, ctx: &Context) -> f64 {
        let (lo, hi) = (ctx.floor(), ctx.index.max());
        let k = 1.0 / self.e;
        // The classic exponents have cheap exact forms (t^5, t, sqrt t).
        let f = if k.fract() == 0.0 && k <= 16.0 {
            ctx.t.powi(k as i32)
        } else if k == 0.5 {
            ctx.t.sqrt()
        } else {
            ctx.t.powf(k)
        };
        lo + (hi - lo) * (1.0 - f)
    }
}

/// With an opponent model, among the outcomes just above the target, the one the opponent
/// likes most; otherwise the one closest above the target. `hint` is where the previous
/// target was found.
fn pick(
    ctx: &Context,
    target: f64,
    model: Option<&dyn OpponentModel>,
    hint: &mut usize,
) -> (f64, Offer) {
    let ix = ctx.index;
    let first = ix.closest_above_near(target, hint);
    let Some(model) = model else {
        return first.pair();
    };
    let window = 0.02 * (ix.max() - ctx.floor()).max(1e-9);
    let mut best = first.pair();
    let mut best_est = model.estimate(best.1);
    let mut cur = first;
    for _ in 1..32 {
        let Some(next) = ix.after(cur) else { break };
        cur = next;
        let (u, o) = next.pair();
        if u > target + window {
            break;
        }
        let est = model.estimate(o);
        if est > best_est {
            best = (u, o);
            best_est = est;
        }
    }
    best
}

impl Offering for TimeDependent {
    fn next(
        &mut self,
        ctx: &Context,
        model: Option<&dyn OpponentModel>,
        _: &mut Rng,
    ) -> (f64, Offer) {
        let target = self.target(ctx);
        pick(ctx, target, model, &mut self.hint)
    }
}

/// Mirrors the opponent: concedes, in its own utility, as much as the opponent's last offer
/// conceded to it (relative tit-for-tat); starts at its best outcome.
#[derive(Debug, Clone)]
pub struct TitForTat {
    target: Option<f64>,
    last_seen: Option<f64>,
    hint: usize,
}

impl Default for TitForTat {
    fn default() -> Self {
        TitForTat {
            target: None,
            last_seen: None,
            hint: usize::MAX,
        }
    }
}

impl Offering for TitForTat {
    fn next(
        &mut self,
        ctx: &Context,
        model: Option<&dyn OpponentModel>,
        _: &mut Rng,
    ) -> (f64, Offer) {
        let target = *self.target.get_or_insert(ctx.index.max());
        pick(ctx, target.max(ctx.floor()), model, &mut self.hint)
    }

    fn observe(&mut self, ctx: &Context, utility: f64) {
        if let Some(prev) = self.last_seen {
            let conceded = utility - prev;
            if conceded > 0.0 {
                let t = self.target.unwrap_or(ctx.index.max());
                self.target = Some((t - conceded).max(ctx.floor()));
            }
        }
        self.last_seen = Some(utility);
    }
}

/// Never concedes: always its best outcome.
#[derive(Debug, Clone, Default)]
pub struct Hardliner;

impl Offering for Hardliner {
    fn next(&mut self, ctx: &Context, _: Option<&dyn OpponentModel>, _: &mut Rng) -> (f64, Offer) {
        ctx.index.best().pair()
    }
}

/// A random outcome at or above the agent's floor (the baseline).
#[derive(Debug, Clone, Default)]
pub struct RandomOffering;

impl Offering for RandomOffering {
    fn next(
        &mut self,
        ctx: &Context,
        _: Option<&dyn OpponentModel>,
        rng: &mut Rng,
    ) -> (f64, Offer) {
        ctx.index.random_at_least(ctx.floor(), rng).pair()
    }
}

/// Acceptance conditions; `Any` and `All` combine them.
#[derive(Debug, Clone, PartialEq)]
pub enum AcceptWhen {
    /// AC_next: the offer is at least as good as the agent's own next offer.
    Next,
    /// AC_const: the offer is worth at least this much.
    Const(f64),
    /// AC_time: the time is at least this far (any acceptable offer then).
    Time(f64),
    /// Any of these holds.
    Any(Vec<AcceptWhen>),
    /// All of these hold.
    All(Vec<AcceptWhen>),
}

impl Acceptance for AcceptWhen {
    fn accept(&self, ctx: &Context, offered: f64, next: f64) -> bool {
        match self {
            AcceptWhen::Next => offered >= next,
            AcceptWhen::Const(a) => offered >= *a,
            AcceptWhen::Time(t) => ctx.t >= *t,
            AcceptWhen::Any(v) => v.iter().any(|a| a.accept(ctx, offered, next)),
            AcceptWhen::All(v) => v.iter().all(|a| a.accept(ctx, offered, next)),
        }
    }
}

/// Frequency opponent model: values an opponent offers often are valued; issues whose value it
/// rarely changes weigh more (the classic HardHeaded / frequency model).
#[derive(Debug, Clone)]
pub struct FrequencyModel {
    radices: Vec<u32>,
    counts: Vec<Vec<u32>>,
    changes: Vec<u32>,
    last: Option<Vec<u32>>,
    scratch: Vec<u32>,
}

impl FrequencyModel {
    /// A model for outcomes over issues of these sizes.
    pub fn new(radices: &[u32]) -> Self {
        FrequencyModel {
            radices: radices.to_vec(),
            counts: radices.iter().map(|&r| vec![0; r as usize]).collect(),
            changes: vec![0; radices.len()],
            last: None,
            scratch: vec![0; radices.len()],
        }
    }
}

impl OpponentModel for FrequencyModel {
    fn update(&mut self, offer: Offer) {
        decode(offer, &self.radices, &mut self.scratch);
        for (i, &v) in self.scratch.iter().enumerate() {
            self.counts[i][v as usize] += 1;
            if self.last.as_ref().is_some_and(|l| l[i] != v) {
                self.changes[i] += 1;
            }
        }
        self.last = Some(self.scratch.clone());
    }

    fn estimate(&self, outcome: Offer) -> f64 {
        let mut values = vec![0u32; self.radices.len()];
        decode(outcome, &self.radices, &mut values);
        let weights: Vec<f64> = self
            .changes
            .iter()
            .map(|&c| 1.0 / (1.0 + c as f64))
            .collect();
        let total: f64 = weights.iter().sum();
        let mut u = 0.0;
        for (i, &v) in values.iter().enumerate() {
            let max = *self.counts[i].iter().max().unwrap_or(&0);
            if max > 0 {
                u += weights[i] / total * self.counts[i][v as usize] as f64 / max as f64;
            }
        }
        u
    }
}

/// A seat in an alternating-offers negotiation.
pub trait Negotiator: Send {
    /// The offer to make at time t.
    fn propose(&mut self, t: f64, rng: &mut Rng) -> Offer;
    /// Whether to accept `offer` at time t.
    fn respond(&mut self, offer: Offer, t: f64, rng: &mut Rng) -> bool;
    /// Sees an offer another party made.
    fn observe(&mut self, offer: Offer, t: f64);
    /// The agent's utility of an outcome (undiscounted).
    fn utility(&self, offer: Offer) -> f64;

    /// Whether the agent ends the negotiation instead of acting: no outcome it may accept is
    /// worth its reservation value, so no deal can serve it.
    fn walks_away(&self) -> bool {
        false
    }
}

/// An agent assembled from a bidding strategy, an acceptance condition and an optional opponent
/// model.
pub struct BoaAgent {
    index: Arc<UtilityIndex>,
    reservation: f64,
    offering: Box<dyn Offering>,
    acceptance: AcceptWhen,
    model: Option<Box<dyn OpponentModel>>,
    /// The offer planned while deciding on the opponent's (reused when rejecting), valid when
    /// `has_planned`. Two fields rather than an `Option<(f64, Offer)>`: the 256-bit offer is then
    /// stored and read back whole at one place, which keeps small-domain negotiations free of
    /// store-forwarding stalls (measured: 10-20% of a step).
    planned: Offer,
    has_planned: bool,
}

impl BoaAgent {
    /// Assembles an agent.
    pub fn new(
        index: Arc<UtilityIndex>,
        reservation: f64,
        offering: Box<dyn Offering>,
        acceptance: AcceptWhen,
        model: Option<Box<dyn OpponentModel>>,
    ) -> Self {
        BoaAgent {
            index,
            reservation,
            offering,
            acceptance,
            model,
            planned: Offer::ZERO,
            has_planned: false,
        }
    }

    fn context(&self, t: f64) -> Context<'_> {
        Context {
            index: &self.index,
            reservation: self.reservation,
            t,
        }
    }

    fn plan(&mut self, t: f64, rng: &mut Rng) -> (f64, Offer) {
        let ctx = Context {
            index: &self.index,
            reservation: self.reservation,
            t,
        };
        // (Not `self.context(t)`: the offering is borrowed mutably alongside.)
        self.offering.next(&ctx, self.model.as_deref(), rng)
    }
}

impl Negotiator for BoaAgent {
    fn propose(&mut self, t: f64, rng: &mut Rng) -> Offer {
        if std::mem::take(&mut self.has_planned) {
            self.planned
        } else {
            self.plan(t, rng).1
        }
    }

    fn respond(&mut self, offer: Offer, t: f64, rng: &mut Rng) -> bool {
        let offered = self.index.utility(offer);
        let next = self.plan(t, rng);
        self.planned = next.1;
        self.has_planned = true;
        let ctx = self.context(t);
        self.index.acceptable(offer)
            && offered >= self.reservation
            && self.acceptance.accept(&ctx, offered, next.0)
    }

    fn observe(&mut self, offer: Offer, t: f64) {
        if let Some(m) = self.model.as_mut() {
            m.update(offer);
        }
        let ctx = Context {
            index: &self.index,
            reservation: self.reservation,
            t,
        };
        self.offering.observe(&ctx, self.index.utility(offer));
    }

    fn utility(&self, offer: Offer) -> f64 {
        self.index.utility(offer)
    }

    fn walks_away(&self) -> bool {
        self.index.max() < self.reservation
    }
}
