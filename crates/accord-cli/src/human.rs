//! A person in one seat, at the terminal: shown the offer or draft on the table with what it
//! means to them (their own utility only), asked for a decision.

use accord_model::{Rng, Scenario};
use accord_protocol::{Ballot, Offer, VoteMode};
use accord_strategy::{Negotiator, Seat, VoteView, Voter};
use std::io::{BufRead, Write};

fn describe(s: &Scenario, offer: Offer) -> String {
    let Some(o) = s.space.outcome(offer) else {
        return "?".into();
    };
    s.space
        .issues()
        .iter()
        .zip(&o.0)
        .map(|(issue, &k)| match issue.wording(k) {
            Some(w) => format!(
                "  {} = {}: {w}",
                crate::draft::quote(&issue.name),
                crate::draft::quote(&issue.value(k).to_string())
            ),
            None => format!(
                "  {} = {}",
                crate::draft::quote(&issue.name),
                crate::draft::quote(&issue.value(k).to_string())
            ),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Warnings about an outcome for this party only: its own red lines and reservation value.
fn warnings(s: &Scenario, seat: &Seat, offer: Offer) -> String {
    let mut out = String::new();
    if let (Some(o), Some(party)) = (s.space.outcome(offer), s.party(&seat.name)) {
        for r in &party.red_lines {
            if !r.rule.holds(&o.0) {
                out.push_str(&format!("  ! crosses your red line `{}`\n", r.rule));
            }
        }
    }
    if seat.index.utility(offer) < seat.reservation {
        out.push_str("  ! worth less to you than no agreement (your reservation value)\n");
    }
    out
}

/// Tells the person their seat and the range of their own utilities (nobody else's).
fn introduce(verb: &str, seat: &Seat) {
    println!(
        "You {verb} as `{}`. Outcomes within your red lines are worth {:.3} to {:.3} to you; your reservation value is {:.3}. You see only your own utilities.",
        seat.name,
        seat.index.min(),
        seat.index.max(),
        seat.reservation
    );
}

fn ask(prompt: &str) -> String {
    print!("{prompt}");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    // End of input reads as an empty answer (the caller's default).
    let _ = std::io::stdin().lock().read_line(&mut line);
    line.trim().to_string()
}

/// Parses `issue=value,...` (quoted as `--draft` takes it, see `draft.rs`) into a full
/// outcome, starting from `base`.
fn parse_outcome(s: &Scenario, base: Offer, text: &str) -> Result<Offer, String> {
    let mut values = s.space.outcome(base).ok_or("no base outcome")?.0;
    for (k, v) in crate::draft::parse(text).map_err(|e| e.to_string())? {
        let i = s.space.issue_index(&k).ok_or(format!("no issue `{k}`"))?;
        values[i] = s.space.issues()[i]
            .parse_value(&v)
            .ok_or(format!("`{v}` is not a value of `{k}`"))?;
    }
    s.space
        .index(&accord_model::Outcome(values))
        .ok_or("not an outcome".into())
}

/// Parses one amendment, `issue=value` (quoted as `--draft` takes it).
fn amendment(s: &Scenario, text: &str) -> Result<(usize, u32), String> {
    let pairs = crate::draft::parse(text).map_err(|e| e.to_string())?;
    let [(k, v)] = pairs.as_slice() else {
        return Err("an amendment changes one clause: issue=value".into());
    };
    let i = s.space.issue_index(k).ok_or(format!("no issue `{k}`"))?;
    let value = s.space.issues()[i]
        .parse_value(v)
        .ok_or_else(|| s.space.issues()[i].not_a_value(v))?;
    Ok((i, value))
}

/// A person negotiating by alternating offers.
pub struct HumanNegotiator {
    scenario: Scenario,
    seat: Seat,
    last: Option<Offer>,
}

impl HumanNegotiator {
    /// The person in `seat`.
    pub fn new(scenario: &Scenario, seat: Seat) -> Self {
        introduce("negotiate", &seat);
        HumanNegotiator {
            scenario: scenario.clone(),
            seat,
            last: None,
        }
    }
}

impl Negotiator for HumanNegotiator {
    fn propose(&mut self, t: f64, _: &mut Rng) -> Offer {
        let best = self.seat.index.best().outcome;
        let base = self.last.unwrap_or(best);
        loop {
            println!(
                "\n[t = {t:.2}] Your offer. Current proposal of yours (utility {:.3}):\n{}",
                self.seat.index.utility(base),
                describe(&self.scenario, base)
            );
            let answer = ask("Change clauses as issue=value,... (Enter keeps it; `best` for your best outcome): ");
            let offer = match answer.as_str() {
                "" => Ok(base),
                "best" => Ok(best),
                text => parse_outcome(&self.scenario, base, text),
            };
            match offer {
                Ok(o) => {
                    self.last = Some(o);
                    return o;
                }
                Err(e) => println!("  {e}"),
            }
        }
    }

    fn respond(&mut self, offer: Offer, t: f64, _: &mut Rng) -> bool {
        println!(
            "\n[t = {t:.2}] Offer on the table (your utility {:.3}, reservation {:.3}):\n{}\n{}",
            self.seat.index.utility(offer),
            self.seat.reservation,
            describe(&self.scenario, offer),
            warnings(&self.scenario, &self.seat, offer)
        );
        loop {
            match ask("Accept? [y/n] ").to_ascii_lowercase().as_str() {
                "y" | "yes" => return true,
                "n" | "no" | "" => return false,
                _ => println!("  answer y or n"),
            }
        }
    }

    fn observe(&mut self, _: Offer, _: f64) {}

    fn utility(&self, offer: Offer) -> f64 {
        self.seat.index.utility(offer)
    }
}

/// A person voting on a mediator's drafts.
pub struct HumanVoter {
    scenario: Scenario,
    seat: Seat,
}

impl HumanVoter {
    /// The person in `seat`.
    pub fn new(scenario: &Scenario, seat: Seat) -> Self {
        introduce("vote", &seat);
        HumanVoter {
            scenario: scenario.clone(),
            seat,
        }
    }
}

impl Voter for HumanVoter {
    fn vote(&mut self, view: &VoteView, _: &mut Rng) -> (Ballot, Option<(usize, u32)>) {
        let standing = view
            .accepted
            .map(|a| format!("{:.3}", self.seat.index.utility(a)))
            .unwrap_or_else(|| "none yet".into());
        println!(
            "\n[t = {:.2}] Draft (your utility {:.3}; standing text {standing}):\n{}\n{}",
            view.t,
            self.seat.index.utility(view.draft),
            describe(&self.scenario, view.draft),
            warnings(&self.scenario, &self.seat, view.draft)
        );
        loop {
            let prompt = match view.mode {
                VoteMode::AcceptReject => "accept, reject, or amend issue=value: ",
                VoteMode::Feedback => "better, worse or same (than the previous draft): ",
            };
            let a = ask(prompt);
            match (view.mode, a.as_str()) {
                (VoteMode::AcceptReject, "accept" | "a" | "y") => return (Ballot::Accept, None),
                (VoteMode::AcceptReject, "reject" | "r" | "n" | "") => {
                    return (Ballot::Reject, None)
                }
                (VoteMode::Feedback, "better" | "b") => return (Ballot::Better, None),
                (VoteMode::Feedback, "worse" | "w") => return (Ballot::Worse, None),
                (VoteMode::Feedback, "same" | "s" | "") => return (Ballot::Same, None),
                (VoteMode::AcceptReject, text) if text.contains('=') => {
                    // One clause: `issue=value`.
                    let text = text.trim_start_matches("amend").trim();
                    match amendment(&self.scenario, text) {
                        Ok(a) => return (Ballot::Reject, Some(a)),
                        Err(e) => println!("  {e}"),
                    }
                }
                _ => println!("  not understood"),
            }
        }
    }

    fn utility(&self, offer: Offer) -> f64 {
        self.seat.index.utility(offer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_names_values_with_separators_in_quotes() {
        let s = accord_formats::parse_scenario(
            r#"
name = "p"
[[issues]]
name = "Invitations"
type = "discrete"
options = ["Custom, Printed", "Plain"]
[[issues]]
name = "Food"
type = "discrete"
options = ["Catering", "Chips"]
[[parties]]
name = "a"
weights = { Invitations = 1, Food = 0 }
scores = { Invitations = { "Custom, Printed" = 1, Plain = 0 }, Food = { Catering = 1, Chips = 0 } }
"#,
            accord_formats::Format::Toml,
            "p.toml",
        )
        .expect("scenario");
        // Outcomes: Invitations first (most significant): 0 = (Custom, Catering).
        assert_eq!(
            parse_outcome(&s, Offer::from(3u64), r#"Invitations="Custom, Printed""#),
            Ok(Offer::from(1u64))
        );
        assert_eq!(
            parse_outcome(&s, Offer::from(0u64), r#"Invitations=Plain, Food=Chips"#),
            Ok(Offer::from(3u64))
        );
        assert!(
            parse_outcome(&s, Offer::from(0u64), "Invitations=Custom, Printed")
                .unwrap_err()
                .contains("without `=`")
        );
        assert_eq!(
            amendment(&s, r#"Invitations="Custom, Printed""#),
            Ok((0, 0))
        );
        assert_eq!(
            amendment(&s, "Invitations=Plain,Food=Chips"),
            Err("an amendment changes one clause: issue=value".into())
        );
        assert!(describe(&s, Offer::from(0u64)).contains(r#"Invitations = "Custom, Printed""#));
    }
}
