//! One negotiation's result, as a JSON line and as a CSV row. The field names are a contract
//! (`docs/tournament.md`). What many results share (names, reservation values) is shared
//! (`Arc`), not copied per result.

use accord_protocol::Offer;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The result of one negotiation of a tournament.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Its number in the plan.
    pub index: u64,
    /// The protocol setting, e.g. `sao/100`.
    pub protocol: Arc<str>,
    /// The domain's name.
    pub domain: Arc<str>,
    /// Repetition, from 0.
    pub repetition: u32,
    /// The run's seed: `accord negotiate DOMAIN --seed SEED` with the same strategies and
    /// deadline replays it.
    pub seed: u64,
    /// The seats' party names, in seat order.
    pub parties: Arc<[String]>,
    /// Each seat's strategy (single text: its voter).
    pub strategies: Arc<[String]>,
    /// The mediator (single text).
    pub mediator: Option<Arc<str>>,
    /// Whether they agreed.
    pub agreement: bool,
    /// The agreement's outcome index (mixed radix over the issues, first issue most
    /// significant), if any. JSON: a number up to 2^53, a string of decimal digits beyond
    /// (so that readers parsing numbers as doubles never round it); CSV: decimal digits.
    #[serde(with = "offer_json")]
    pub outcome: Option<Offer>,
    /// The same agreement as `{issue: value}` in issue order (a discrete issue's option name, an
    /// integer or a real number), if any. CSV: the JSON object in one column.
    #[serde(default)]
    pub outcome_values: Option<serde_json::Map<String, serde_json::Value>>,
    /// Each seat's utility of the agreement (its reservation value without one).
    pub utilities: Vec<f64>,
    /// The same, discounted at the time of agreement where the domain discounts.
    pub discounted: Vec<f64>,
    /// Reservation values.
    pub reservations: Arc<[f64]>,
    /// Discounted utility minus reservation value, per seat.
    pub advantages: Vec<f64>,
    /// Sum of the discounted utilities.
    pub welfare: f64,
    /// Rounds used.
    pub rounds: u32,
    /// Why it ended without agreement.
    pub failure: Option<String>,
    /// Distance in utility space from the agreement to the Pareto frontier.
    pub distance_to_frontier: Option<f64>,
    /// Distance from the agreement to the Nash point.
    pub distance_to_nash: Option<f64>,
}

/// The CSV header for tables of up to `seats` seats.
pub fn csv_header(seats: usize) -> Vec<String> {
    let mut h: Vec<String> = [
        "index",
        "protocol",
        "domain",
        "repetition",
        "seed",
        "mediator",
        "agreement",
        "outcome",
        "outcome_values",
        "rounds",
        "welfare",
        "distance_to_frontier",
        "distance_to_nash",
        "failure",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for s in 1..=seats {
        for f in [
            "party",
            "strategy",
            "utility",
            "discounted",
            "reservation",
            "advantage",
        ] {
            h.push(format!("{f}_{s}"));
        }
    }
    h
}

impl Row {
    /// Writes the row as one CSV record, padded to `seats` seats. Numbers are written in their
    /// shortest round-trip form (ryu), without building a string per field.
    pub fn write_csv<W: std::io::Write>(
        &self,
        w: &mut csv::Writer<W>,
        seats: usize,
    ) -> Result<(), csv::Error> {
        let mut int = itoa::Buffer::new();
        let mut float = ryu::Buffer::new();
        let mut num = |w: &mut csv::Writer<W>, x: f64| w.write_field(float.format(x));
        w.write_field(int.format(self.index))?;
        w.write_field(self.protocol.as_bytes())?;
        w.write_field(self.domain.as_bytes())?;
        w.write_field(int.format(self.repetition))?;
        w.write_field(int.format(self.seed))?;
        w.write_field(self.mediator.as_deref().unwrap_or(""))?;
        w.write_field(if self.agreement { "true" } else { "false" })?;
        match self.outcome {
            Some(o) => match u64::try_from(o) {
                Ok(small) => w.write_field(int.format(small))?,
                Err(_) => w.write_field(o.to_string())?,
            },
            None => w.write_field("")?,
        }
        match &self.outcome_values {
            Some(m) => {
                let text = serde_json::to_string(m).map_err(std::io::Error::other)?;
                w.write_field(text)?
            }
            None => w.write_field("")?,
        }
        w.write_field(int.format(self.rounds))?;
        num(w, self.welfare)?;
        for d in [self.distance_to_frontier, self.distance_to_nash] {
            match d {
                Some(x) => num(w, x)?,
                None => w.write_field("")?,
            }
        }
        w.write_field(self.failure.as_deref().unwrap_or(""))?;
        for s in 0..seats {
            if s < self.parties.len() {
                w.write_field(&self.parties[s])?;
                w.write_field(&self.strategies[s])?;
                for x in [
                    self.utilities[s],
                    self.discounted[s],
                    self.reservations[s],
                    self.advantages[s],
                ] {
                    num(w, x)?;
                }
            } else {
                for _ in 0..6 {
                    w.write_field("")?;
                }
            }
        }
        w.write_record(None::<&[u8]>)
    }
}

/// An optional outcome index in JSON by the rule of `accord_analysis::json::index`: a number up
/// to 2^53, a string of decimal digits beyond; either is read back.
mod offer_json {
    use accord_protocol::Offer;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(offer: &Option<Offer>, s: S) -> Result<S::Ok, S::Error> {
        match offer {
            None => s.serialize_none(),
            Some(o) => match u64::try_from(*o) {
                Ok(small) if small <= 1u64 << 53 => s.serialize_u64(small),
                _ => s.serialize_str(&o.to_string()),
            },
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Number(u64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Offer>, D::Error> {
        match Option::<Repr>::deserialize(d)? {
            None => Ok(None),
            Some(Repr::Number(n)) => Ok(Some(Offer::from(n))),
            Some(Repr::Text(t)) => Offer::from_str_radix(&t, 10)
                .map(Some)
                .map_err(|e| D::Error::custom(format!("outcome index `{t}`: {e}"))),
        }
    }
}
