//! `accord analyze`: the report for people. What a mediator acts on comes first (is there a
//! deal, what blocks it, what would have to give, what improves on the draft), the geometry after.

use accord_analysis::{FrontierPoint, Report, Solution, DEFINITIONS};
use accord_model::{Outcome, Role, Scenario};
use std::fmt::Write;

/// A plain text table: header, rows, columns padded to their widest cell.
fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::from("  ");
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    out.push_str(&line(
        &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
    ));
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

fn describe(s: &Scenario, o: &Outcome) -> String {
    s.space
        .describe(o)
        .into_iter()
        // Quoted where a name or value holds `,`, `=` or `"`, so `--draft` reads it back.
        .map(|(k, v)| crate::draft::pair(&k, &v.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn utils(u: &[f64]) -> Vec<String> {
    u.iter().map(|x| format!("{x:.4}")).collect()
}

fn frontier_table(s: &Scenario, r: &Report, pts: &[FrontierPoint], limit: usize) -> String {
    let mut header = vec!["#".to_string()];
    header.extend(r.parties.iter().cloned());
    header.push("ties".into());
    header.push("outcome".into());
    let mut rows: Vec<Vec<String>> = pts
        .iter()
        .take(limit)
        .enumerate()
        .map(|(i, p)| {
            let mut row = vec![(i + 1).to_string()];
            row.extend(utils(&p.utilities));
            row.push(p.count.to_string());
            row.push(describe(s, &p.outcomes[0]));
            row
        })
        .collect();
    if pts.len() > limit {
        let mut row = vec!["...".to_string()];
        row.extend(r.parties.iter().map(|_| String::new()));
        row.push(String::new());
        row.push(format!("{} more points (see --json)", pts.len() - limit));
        rows.push(row);
    }
    table(&header, &rows)
}

fn solutions_table(
    s: &Scenario,
    r: &Report,
    pts: &[FrontierPoint],
    sols: &accord_analysis::Solutions,
) -> String {
    let mut header = vec!["solution".to_string()];
    header.extend(r.parties.iter().cloned());
    header.push("outcome".into());
    let entries: [(&str, &Option<Solution>); 5] = [
        ("nash", &sols.nash),
        ("kalai_smorodinsky", &sols.kalai_smorodinsky),
        ("egalitarian", &sols.egalitarian),
        ("max_welfare", &sols.max_welfare),
        ("equal_utility", &sols.equal_utility),
    ];
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|(name, sol)| {
            let mut row = vec![name.to_string()];
            match sol {
                None => {
                    row.extend(r.parties.iter().map(|_| "-".to_string()));
                    row.push("(no point gives every party its reservation value)".into());
                }
                Some(x) => {
                    let p = &pts[x.point];
                    row.extend(utils(&p.utilities));
                    let mut o = describe(s, &p.outcomes[0]);
                    if x.ties > 1 {
                        o.push_str(&format!("  ({} frontier points tie)", x.ties));
                    }
                    row.push(o);
                }
            }
            row
        })
        .collect();
    table(&header, &rows)
}

/// The full report.
pub fn report(s: &Scenario, r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Accord analysis: {}", s.name);
    let _ = writeln!(o, "{}", "=".repeat(18 + s.name.chars().count()));
    let others: Vec<String> = s
        .parties
        .iter()
        .filter(|p| p.role != Role::Party)
        .map(|p| format!("{} ({})", p.name, p.role))
        .collect();
    let _ = writeln!(o, "Negotiating parties: {}", r.parties.join(", "));
    if !others.is_empty() {
        let _ = writeln!(o, "Other seats: {}", others.join(", "));
    }
    let _ = writeln!(
        o,
        "Outcome space: {} issues ({}), {} outcomes",
        s.space.issues().len(),
        s.space
            .issues()
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        r.outcome_count
    );
    let res: Vec<String> = r
        .parties
        .iter()
        .zip(&r.reservations)
        .map(|(p, v)| match v {
            Some(x) => format!("{p} {x}"),
            None => format!("{p} none (0)"),
        })
        .collect();
    let _ = writeln!(o, "Reservation values: {}", res.join(", "));
    o.push('\n');

    // 1. Is there a deal?
    let zone = &r.zone;
    if zone.is_empty() {
        let _ = writeln!(o, "AGREEMENT ZONE: EMPTY. No outcome respects every red line and gives every party at least its reservation value.");
    } else {
        match zone.count {
            Some(c) => {
                let _ = writeln!(
                    o,
                    "AGREEMENT ZONE: {c} of {} outcomes respect every red line and give every party at least its reservation value.",
                    r.outcome_count
                );
            }
            None => {
                let _ = writeln!(
                    o,
                    "AGREEMENT ZONE: not empty (its Pareto frontier has {} points); too many of the {} outcomes to count them all within the search budget.",
                    zone.pareto_frontier.len(),
                    r.outcome_count
                );
            }
        }
    }
    let _ = writeln!(
        o,
        "  (zone frontier: {}; count: {})",
        zone.method, zone.count_method
    );
    o.push('\n');

    if !r.red_lines.is_empty() {
        let _ = writeln!(o, "Red lines");
        let rows: Vec<Vec<String>> = r
            .red_lines
            .iter()
            .enumerate()
            .map(|(i, rl)| {
                vec![
                    format!("R{}", i + 1),
                    r.parties[rl.party].clone(),
                    rl.rule.clone(),
                    rl.source.clone().unwrap_or_default(),
                ]
            })
            .collect();
        o.push_str(&table(
            &["id".into(), "party".into(), "rule".into(), "source".into()],
            &rows,
        ));
        o.push('\n');
    }

    // 2. What blocks it and what would have to give.
    if zone.is_empty() {
        if r.blocking.is_empty() {
            let _ = writeln!(
                o,
                "No relaxation of red lines or reservation values opens the zone.\n"
            );
        } else {
            let _ = writeln!(
                o,
                "WHAT WOULD HAVE TO GIVE: each line below is a smallest set of concessions that opens the zone."
            );
            for (i, b) in r.blocking.iter().enumerate() {
                let mut parts: Vec<String> = b
                    .red_lines
                    .iter()
                    .map(|&c| {
                        format!(
                            "{} relaxes red line R{} `{}`",
                            r.parties[r.red_lines[c].party],
                            c + 1,
                            r.red_lines[c].rule
                        )
                    })
                    .collect();
                parts.extend(b.reservations.iter().map(|&p| {
                    format!(
                        "{} accepts less than its reservation value {} (down to {:.4})",
                        r.parties[p], r.disagreement[p], b.utilities[p]
                    )
                }));
                let _ = writeln!(o, "  {}. {}", i + 1, parts.join("; and "));
                let shown: Vec<String> = r
                    .parties
                    .iter()
                    .zip(&b.utilities)
                    .map(|(p, u)| format!("{p} {u:.4}"))
                    .collect();
                let _ = writeln!(
                    o,
                    "     best deal it allows: {}\n     utilities: {}",
                    describe(s, &Outcome(b.outcome.clone())),
                    shown.join(", ")
                );
            }
            let blockers: std::collections::BTreeSet<usize> = r
                .blocking
                .iter()
                .flat_map(|b| b.red_lines.iter().copied())
                .collect();
            if !blockers.is_empty() {
                let names: Vec<String> = blockers.iter().map(|c| format!("R{}", c + 1)).collect();
                let _ = writeln!(
                    o,
                    "  Red lines involved in the impasse: {}",
                    names.join(", ")
                );
            }
            o.push('\n');
        }
    }

    // 3. The draft.
    if let Some(d) = &r.draft {
        let imp = &d.improvements;
        let _ = writeln!(o, "DRAFT ON THE TABLE: {}", describe(s, &d.outcome));
        let rows: Vec<Vec<String>> = r
            .parties
            .iter()
            .enumerate()
            .map(|(p, name)| {
                let crossed: Vec<String> = d
                    .crossed
                    .iter()
                    .filter(|&&c| r.red_lines[c].party == p)
                    .map(|c| format!("R{}", c + 1))
                    .collect();
                let rational = imp.draft_utilities[p] >= r.disagreement[p] - accord_analysis::EPS;
                vec![
                    name.clone(),
                    format!("{:.4}", imp.draft_utilities[p]),
                    if rational { "yes".into() } else { "no".into() },
                    if crossed.is_empty() {
                        "none".into()
                    } else {
                        crossed.join(", ")
                    },
                ]
            })
            .collect();
        o.push_str(&table(
            &[
                "party".into(),
                "utility".into(),
                "meets reservation".into(),
                "red lines crossed".into(),
            ],
            &rows,
        ));
        match imp.count {
            Some(0) => {
                let _ = writeln!(o, "  No outcome is at least as good for every party and better for one: the draft is Pareto-optimal.");
            }
            n => {
                let n = n.map_or("many".to_string(), |c| c.to_string());
                let _ = writeln!(
                    o,
                    "  {n} outcomes are at least as good for every party and better for at least one. Best by Nash product:"
                );
                let mut header = vec!["#".to_string()];
                header.extend(r.parties.iter().cloned());
                header.push("nash".into());
                header.push("outcome".into());
                let rows: Vec<Vec<String>> = imp
                    .best
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let mut row = vec![(i + 1).to_string()];
                        row.extend(utils(&b.utilities));
                        row.push(format!("{:.4}", b.nash_product));
                        row.push(describe(s, &Outcome(b.outcome.clone())));
                        row
                    })
                    .collect();
                o.push_str(&table(&header, &rows));
            }
        }
        o.push('\n');
    }

    // 4. Solutions and frontiers.
    if !zone.is_empty() {
        let _ = writeln!(o, "Solutions within the agreement zone");
        o.push_str(&solutions_table(
            s,
            r,
            &zone.pareto_frontier,
            &zone.solutions,
        ));
        o.push('\n');
        let _ = writeln!(
            o,
            "Pareto frontier of the agreement zone: {} points",
            zone.pareto_frontier.len()
        );
        o.push_str(&frontier_table(s, r, &zone.pareto_frontier, 20));
        o.push('\n');
    }
    let _ = writeln!(o, "Solutions over all outcomes (red lines ignored)");
    o.push_str(&solutions_table(s, r, &r.pareto_frontier, &r.solutions));
    o.push('\n');
    let _ = writeln!(
        o,
        "Pareto frontier over all outcomes (red lines ignored): {} points, by {}",
        r.pareto_frontier.len(),
        r.frontier_method
    );
    o.push_str(&frontier_table(s, r, &r.pareto_frontier, 20));
    o.push('\n');
    let ideal: Vec<String> = r
        .parties
        .iter()
        .zip(r.ideal.iter().zip(&r.worst))
        .map(|(p, (hi, lo))| format!("{p} {lo:.4}..{hi:.4}"))
        .collect();
    let _ = writeln!(o, "Utility ranges (worst..ideal): {}", ideal.join(", "));
    let _ = writeln!(o, "Opposition: {:.6}", r.opposition);
    o.push('\n');
    let _ = writeln!(o, "Definitions");
    for (k, v) in DEFINITIONS {
        let _ = writeln!(o, "  {k}: {v}");
    }
    o
}

/// The phased section of `accord analyze`: sequencing and deferral as "what would have to
/// give", with the trust each party must place in later phases.
pub fn phased(s: &Scenario, r: &accord_analysis::phased::PhasedReport) -> String {
    use accord_analysis::phased::{PhasedEval, ShapeKind, MAX_PHASED_AGREEMENTS};
    use accord_model::PhaseTerms;
    let mut o = String::new();
    let _ = writeln!(o, "\nPhased agreements");
    let _ = writeln!(o, "-----------------");
    let _ = writeln!(
        o,
        "Method: exhaustive enumeration of agreements with the proposed phases (every package in each fixed \
         phase), at most {MAX_PHASED_AGREEMENTS} per shape. A party values a phased agreement by its expected \
         utility over where the process may stop, at its own trust that each next phase is carried out."
    );
    let trust: Vec<String> = r
        .parties
        .iter()
        .zip(&r.trust)
        .map(|(p, t)| format!("{p} {t:.2}"))
        .collect();
    let _ = writeln!(o, "Trust (as stated in the scenario): {}", trust.join(", "));
    match r.one_shot_zone {
        Some(0) => {
            let _ = writeln!(o, "One-shot: no single package is in the zone.");
        }
        Some(n) => {
            let _ = writeln!(o, "One-shot: {n} packages are in the zone.");
        }
        None => {}
    }
    let describe = |e: &PhasedEval| {
        let mut t = String::new();
        for ph in e.agreement.phases() {
            match &ph.terms {
                PhaseTerms::Fixed(out) => {
                    let clauses: Vec<String> = s
                        .space
                        .describe(out)
                        .into_iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    let _ = writeln!(
                        t,
                        "    {} ({} days): {}",
                        ph.name,
                        ph.duration_days,
                        clauses.join(", ")
                    );
                }
                PhaseTerms::Open { agenda, .. } => {
                    let names: Vec<&str> = agenda
                        .iter()
                        .map(|&i| s.space.issues()[i].name.as_str())
                        .collect();
                    let _ = writeln!(
                        t,
                        "    {} ({} days): open, to be negotiated: {}",
                        ph.name,
                        ph.duration_days,
                        names.join(", ")
                    );
                }
            }
        }
        for (j, p) in r.parties.iter().enumerate() {
            let th = match e.thresholds[j] {
                Some(x) => format!("needs trust >= {x:.3}"),
                None => "below its walk-away value even at full trust".into(),
            };
            let rl = if e.red_lines_ok[j] {
                ""
            } else {
                "; crosses its red lines"
            };
            let _ = writeln!(
                t,
                "    {p}: expected utility {:.3} (walk-away {:.3}), {th}{rl}",
                e.expected[j], r.disagreement[j]
            );
        }
        t
    };
    let _ = writeln!(
        o,
        "The proposed phased agreement is {}in the zone:",
        if r.proposed.in_zone { "" } else { "not " }
    );
    o.push_str(&describe(&r.proposed));
    for shape in &r.shapes {
        let label = match shape.kind {
            ShapeKind::AsProposed => "Deferral (open phases left open, fixed phases varied)",
            ShapeKind::Settled => "Sequencing (every phase's terms fixed now)",
        };
        match shape.in_zone {
            None => {
                let _ = writeln!(
                    o,
                    "{label}: {} agreements, too many to enumerate.",
                    shape.agreements
                );
            }
            Some(n) => {
                let _ = writeln!(
                    o,
                    "{label}: {n} of {} agreements in the zone.",
                    shape.agreements
                );
                if n > 0 && r.one_shot_zone == Some(0) {
                    let _ = writeln!(o, "  No single package is in the zone, but these phased agreements are (best first):");
                }
                for (k, e) in shape.best.iter().enumerate() {
                    let _ = writeln!(o, "  {}.", k + 1);
                    o.push_str(&describe(e));
                }
            }
        }
    }
    o
}
