//! Standings per competitor: folded one result at a time, so memory does not grow with the
//! tournament. A competitor is a strategy (alternating offers: one observation per seat it
//! took) or a mediator (single text: one observation per seat of the tables it mediated).

use crate::row::Row;
use serde::Serialize;

/// Running mean and variance (Welford).
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean)
    }

    /// Half-width of the normal-approximation 95% confidence interval of the mean.
    fn ci95(&self) -> Option<f64> {
        (self.n > 1).then(|| 1.96 * (self.m2 / (self.n - 1) as f64).sqrt() / (self.n as f64).sqrt())
    }
}

#[derive(Debug, Clone, Default)]
struct Acc {
    utility: Moments,
    agreement: Moments,
    welfare: Moments,
    advantage: Moments,
    nash: Moments,
}

/// One competitor's standing in one protocol league.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// The protocol setting, e.g. `sao/100`.
    pub protocol: String,
    /// The strategy or mediator.
    pub competitor: String,
    /// Seats taken (observations).
    pub seats: u64,
    /// Mean (discounted) utility.
    pub utility: f64,
    /// Half-width of its 95% confidence interval.
    pub utility_ci95: Option<f64>,
    /// Share of its negotiations that reached agreement.
    pub agreement_rate: f64,
    /// Mean welfare (sum of every seat's utility) of its negotiations.
    pub welfare: f64,
    /// Mean utility above the reservation value.
    pub advantage: f64,
    /// Mean distance of its agreements to the Nash point.
    pub distance_to_nash: Option<f64>,
}

/// Folds results into standings.
#[derive(Debug, Clone, Default)]
pub struct Standings {
    /// (protocol, competitor) in order of first appearance.
    keys: Vec<(String, String)>,
    accs: Vec<Acc>,
}

impl Standings {
    fn slot(&mut self, protocol: &str, competitor: &str) -> &mut Acc {
        let i = match self
            .keys
            .iter()
            .position(|(p, c)| p == protocol && c == competitor)
        {
            Some(i) => i,
            None => {
                self.keys.push((protocol.into(), competitor.into()));
                self.accs.push(Acc::default());
                self.keys.len() - 1
            }
        };
        &mut self.accs[i]
    }

    /// Adds one result.
    pub fn add(&mut self, row: &Row) {
        for s in 0..row.parties.len() {
            let who = row.mediator.as_deref().unwrap_or(&row.strategies[s]);
            let acc = self.slot(&row.protocol, who);
            acc.utility.add(row.discounted[s]);
            acc.agreement.add(if row.agreement { 1.0 } else { 0.0 });
            acc.welfare.add(row.welfare);
            acc.advantage.add(row.advantages[s]);
            if let Some(d) = row.distance_to_nash {
                acc.nash.add(d);
            }
        }
    }

    /// The standings: leagues in order of appearance, best mean utility first within each.
    pub fn finish(&self) -> Vec<Standing> {
        let mut out: Vec<Standing> = self
            .keys
            .iter()
            .zip(&self.accs)
            .map(|((p, c), a)| Standing {
                protocol: p.clone(),
                competitor: c.clone(),
                seats: a.utility.n,
                utility: a.utility.mean().unwrap_or(0.0),
                utility_ci95: a.utility.ci95(),
                agreement_rate: a.agreement.mean().unwrap_or(0.0),
                welfare: a.welfare.mean().unwrap_or(0.0),
                advantage: a.advantage.mean().unwrap_or(0.0),
                distance_to_nash: a.nash.mean(),
            })
            .collect();
        let league = |p: &str| self.keys.iter().position(|(q, _)| q == p);
        out.sort_by(|a, b| {
            league(&a.protocol)
                .cmp(&league(&b.protocol))
                .then(b.utility.total_cmp(&a.utility))
                .then(a.competitor.cmp(&b.competitor))
        });
        out
    }
}

fn f3(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.3}"))
}

/// The standings as an aligned text table.
pub fn table(standings: &[Standing]) -> String {
    let header = [
        "protocol",
        "rank",
        "competitor",
        "seats",
        "utility",
        "± 95% CI",
        "agreement",
        "welfare",
        "advantage",
        "Nash dist.",
    ];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut rank = 0;
    let mut league = "";
    for s in standings {
        if s.protocol != league {
            league = &s.protocol;
            rank = 0;
        }
        rank += 1;
        rows.push(vec![
            s.protocol.clone(),
            rank.to_string(),
            s.competitor.clone(),
            s.seats.to_string(),
            format!("{:.3}", s.utility),
            f3(s.utility_ci95),
            format!("{:.1}%", 100.0 * s.agreement_rate),
            format!("{:.3}", s.welfare),
            format!("{:.3}", s.advantage),
            f3(s.distance_to_nash),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (x, w))| {
                // Text columns left-aligned, numbers right-aligned.
                if c == 0 || c == 2 {
                    format!("{x:<w$}")
                } else {
                    format!("{x:>w$}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.push('\n');
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// The standings as CSV.
pub fn csv(standings: &[Standing]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "protocol",
        "competitor",
        "seats",
        "utility",
        "utility_ci95",
        "agreement_rate",
        "welfare",
        "advantage",
        "distance_to_nash",
    ])?;
    for s in standings {
        w.write_record([
            s.protocol.clone(),
            s.competitor.clone(),
            s.seats.to_string(),
            s.utility.to_string(),
            s.utility_ci95.map(|x| x.to_string()).unwrap_or_default(),
            s.agreement_rate.to_string(),
            s.welfare.to_string(),
            s.advantage.to_string(),
            s.distance_to_nash
                .map(|x| x.to_string())
                .unwrap_or_default(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The standings as a bar chart: mean utility with its confidence interval, per competitor.
pub fn chart(title: &str, standings: &[Standing]) -> accord_plot::Bars {
    let mut leagues: Vec<&str> = Vec::new();
    for s in standings {
        if !leagues.contains(&s.protocol.as_str()) {
            leagues.push(&s.protocol);
        }
    }
    accord_plot::Bars {
        title: title.to_string(),
        y_label: "mean utility (95% CI)".into(),
        bars: standings
            .iter()
            .map(|s| accord_plot::Bar {
                group: leagues.iter().position(|l| *l == s.protocol).unwrap_or(0),
                label: if leagues.len() > 1 {
                    format!("{} {}", s.protocol, s.competitor)
                } else {
                    s.competitor.clone()
                },
                value: s.utility,
                error: s.utility_ci95,
                note: Some(format!("{:.0}% agree", 100.0 * s.agreement_rate)),
            })
            .collect(),
    }
}
