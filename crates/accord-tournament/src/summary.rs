//! Standings per competitor: folded one result at a time, so memory does not grow with the
//! tournament. A competitor is a strategy (alternating offers: the seats it took) or a mediator
//! (single text: the seats of the tables it mediated).
//!
//! The unit of the statistics is the **table**: one league, domain and lineup (who sits where,
//! or which mediator), with its repetitions. A competitor's figure at a table is the mean over
//! its seats there and the table's repetitions; its standing is the mean over its tables, and
//! the confidence interval comes from the spread across tables. Repetitions of one table share
//! everything but the seed, and seats at one table share the negotiation, so neither is an
//! independent observation; a table of deterministic competitors runs once (its repetitions
//! could not differ) and counts once, like every other table.

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

/// One competitor's figures over all its tables: each table adds its means once.
#[derive(Debug, Clone, Default)]
struct Acc {
    seats: u64,
    utility: Moments,
    agreement: Moments,
    welfare: Moments,
    advantage: Moments,
    nash: Moments,
}

/// One competitor's sums at the table being folded.
#[derive(Debug, Clone, Copy, Default)]
struct Partial {
    seats: u64,
    utility: f64,
    agreement: f64,
    welfare: f64,
    advantage: f64,
    nash: f64,
    nash_n: u64,
}

/// The table being folded: (protocol, domain, strategies, mediator) and each competitor's sums.
#[derive(Debug, Clone, Default)]
struct Table {
    key: Option<(String, String, Vec<String>, Option<String>)>,
    partials: Vec<(usize, Partial)>,
}

impl Table {
    fn same(&self, row: &Row) -> bool {
        match &self.key {
            Some((p, d, s, m)) => {
                **p == *row.protocol
                    && **d == *row.domain
                    && s.as_slice() == &*row.strategies
                    && m.as_deref() == row.mediator.as_deref()
            }
            None => false,
        }
    }
}

/// One competitor's standing in one protocol league. Every mean is over its tables (see the
/// module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// The protocol setting, e.g. `sao/100`.
    pub protocol: String,
    /// The strategy or mediator.
    pub competitor: String,
    /// Seats taken in the negotiations that ran.
    pub seats: u64,
    /// Tables (league, domain, lineup) it sat at: the independent units of the statistics.
    pub tables: u64,
    /// Mean (discounted) utility.
    pub utility: f64,
    /// Half-width of its 95% confidence interval, from the spread across its tables.
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

/// Folds results into standings. Results must come in plan order (the rows of one table
/// together), as a results file holds them.
#[derive(Debug, Clone, Default)]
pub struct Standings {
    /// (protocol, competitor) in order of first appearance.
    keys: Vec<(String, String)>,
    accs: Vec<Acc>,
    /// The table whose rows are being folded.
    table: Table,
}

impl Standings {
    fn slot(&mut self, protocol: &str, competitor: &str) -> usize {
        match self
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
        }
    }

    /// Adds the folded table's means to its competitors' figures and starts afresh.
    fn close_table(&mut self) {
        for (i, p) in self.table.partials.drain(..) {
            let acc = &mut self.accs[i];
            let n = p.seats as f64;
            acc.seats += p.seats;
            acc.utility.add(p.utility / n);
            acc.agreement.add(p.agreement / n);
            acc.welfare.add(p.welfare / n);
            acc.advantage.add(p.advantage / n);
            if p.nash_n > 0 {
                acc.nash.add(p.nash / p.nash_n as f64);
            }
        }
        self.table.key = None;
    }

    /// Adds one result.
    pub fn add(&mut self, row: &Row) {
        if row.repetition == 0 || !self.table.same(row) {
            self.close_table();
            self.table.key = Some((
                row.protocol.to_string(),
                row.domain.to_string(),
                row.strategies.to_vec(),
                row.mediator.as_deref().map(str::to_string),
            ));
        }
        for s in 0..row.parties.len() {
            let who = row.mediator.as_deref().unwrap_or(&row.strategies[s]);
            let i = self.slot(&row.protocol, who);
            let k = match self.table.partials.iter().position(|(j, _)| *j == i) {
                Some(k) => k,
                None => {
                    self.table.partials.push((i, Partial::default()));
                    self.table.partials.len() - 1
                }
            };
            let p = &mut self.table.partials[k].1;
            p.seats += 1;
            p.utility += row.discounted[s];
            p.agreement += if row.agreement { 1.0 } else { 0.0 };
            p.welfare += row.welfare;
            p.advantage += row.advantages[s];
            if let Some(d) = row.distance_to_nash {
                p.nash += d;
                p.nash_n += 1;
            }
        }
    }

    /// The standings: leagues in order of appearance, best mean utility first within each.
    pub fn finish(&self) -> Vec<Standing> {
        let mut done = self.clone();
        done.close_table();
        let mut out: Vec<Standing> = done
            .keys
            .iter()
            .zip(&done.accs)
            .map(|((p, c), a)| Standing {
                protocol: p.clone(),
                competitor: c.clone(),
                seats: a.seats,
                tables: a.utility.n,
                utility: a.utility.mean().unwrap_or(0.0),
                utility_ci95: a.utility.ci95(),
                agreement_rate: a.agreement.mean().unwrap_or(0.0),
                welfare: a.welfare.mean().unwrap_or(0.0),
                advantage: a.advantage.mean().unwrap_or(0.0),
                distance_to_nash: a.nash.mean(),
            })
            .collect();
        let league = |p: &str| done.keys.iter().position(|(q, _)| q == p);
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
        "tables",
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
            s.tables.to_string(),
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
    out.push_str(TABLE_NOTE);
    out
}

/// What the standings' figures are means of, printed under the table.
pub const TABLE_NOTE: &str = "\
Means over tables (a table: one league, domain and lineup; its repetitions and a competitor's
seats there averaged into one figure). The 95% CI is a normal approximation over the
competitor's tables, the independent units. A table whose competitors are all deterministic
ran once, since its repetitions could not differ.
";

/// The standings as CSV.
pub fn csv(standings: &[Standing]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "protocol",
        "competitor",
        "seats",
        "tables",
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
            s.tables.to_string(),
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
        y_label: "mean utility over tables (95% CI)".into(),
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
