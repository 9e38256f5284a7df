//! Rules said in words, for people who do not read the rule language: "If hostages is all, then
//! ceasefire must be permanent and withdrawal must be full". Built from the compiled rule (each
//! comparison's set of allowed values), so every way of writing a rule that means the same
//! reads the same, and names are shown as labels (`no_offensive` as "no offensive").

use super::{Expr, Rule};
use crate::issue::{Issue, IssueKind};

/// How a rule is said: as a condition ("is") or as what must hold ("must be"), the mood of a
/// red line.
#[derive(Clone, Copy, PartialEq)]
enum Mood {
    Is,
    Must,
}

/// A rule with negations pushed down to the comparisons.
enum Plain {
    Const(bool),
    /// A comparison, the values it allows, and whether it reads as a negation.
    Atom(usize, Vec<bool>, bool),
    And(Vec<Plain>),
    Or(Vec<Plain>),
    If(Box<Plain>, Box<Plain>),
}

impl Plain {
    fn compound(&self) -> bool {
        matches!(self, Plain::And(_) | Plain::Or(_) | Plain::If(..))
    }
}

/// A name as people read it: underscores as spaces.
pub fn label(name: &str) -> String {
    name.replace('_', " ")
}

fn first_upper(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// "a", "a or b", "a, b or c".
fn list(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}

impl Rule {
    fn plain(&self, e: &Expr, negate: bool) -> Plain {
        match e {
            Expr::Const(b) => Plain::Const(*b != negate),
            Expr::Atom(a) => {
                let atom = &self.atoms[*a];
                let n = atom.allowed.len() * 64;
                let set = (0..n as u32).map(|v| atom.allows(v) != negate).collect();
                Plain::Atom(*a, set, atom.negated != negate)
            }
            Expr::Not(x) => self.plain(x, !negate),
            Expr::And(xs) if !negate => {
                Plain::And(xs.iter().map(|x| self.plain(x, false)).collect())
            }
            Expr::And(xs) => Plain::Or(xs.iter().map(|x| self.plain(x, true)).collect()),
            Expr::Or(xs) if !negate => Plain::Or(xs.iter().map(|x| self.plain(x, false)).collect()),
            Expr::Or(xs) => Plain::And(xs.iter().map(|x| self.plain(x, true)).collect()),
            Expr::Implies(a, b) if !negate => Plain::If(
                Box::new(self.plain(a, false)),
                Box::new(self.plain(b, false)),
            ),
            // not (a => b) is a and not b.
            Expr::Implies(a, b) => Plain::And(vec![self.plain(a, false), self.plain(b, true)]),
        }
    }

    /// The rule in words, from the issues' and options' labels: as a red line (what must hold,
    /// `must = true`: "Withdrawal must not be full") or as a condition ("withdrawal is not
    /// full"). Starts with a capital letter, without a final full stop.
    ///
    /// ```
    /// use accord_model::{Issue, IssueKind, IssueOption, Rule};
    /// let d = |name: &str, opts: &[&str]| Issue {
    ///     name: name.into(),
    ///     description: None,
    ///     kind: IssueKind::Discrete {
    ///         options: opts.iter().map(|o| IssueOption { name: o.to_string(), wording: None }).collect(),
    ///     },
    /// };
    /// let issues = [d("hostages", &["none", "some", "all"]), d("ceasefire", &["pause", "permanent"]),
    ///     d("rafah", &["not_addressed", "no_offensive"])];
    /// let r = Rule::parse("hostages = all => ceasefire = permanent and rafah = no_offensive", &issues).unwrap();
    /// assert_eq!(r.describe(&issues, true),
    ///     "If hostages is all, then ceasefire must be permanent and rafah must be no offensive");
    /// ```
    pub fn describe(&self, issues: &[Issue], must: bool) -> String {
        let plain = self.plain(&self.expr, false);
        let mood = if must { Mood::Must } else { Mood::Is };
        first_upper(&self.say(&plain, issues, mood, true))
    }

    fn say(&self, p: &Plain, issues: &[Issue], mood: Mood, top: bool) -> String {
        match p {
            Plain::Const(true) => match mood {
                Mood::Must => "anything is acceptable".into(),
                Mood::Is => "always".into(),
            },
            Plain::Const(false) => match mood {
                Mood::Must => "no text is acceptable".into(),
                Mood::Is => "never".into(),
            },
            Plain::Atom(a, set, negated) => {
                let issue = &issues[self.atoms[*a].issue];
                atom_words(issue, set, *negated, mood)
            }
            Plain::And(xs) => {
                let nested = xs.iter().any(Plain::compound);
                let parts: Vec<String> = xs
                    .iter()
                    .map(|x| self.say(x, issues, mood, false))
                    .collect();
                if nested {
                    parts.join(", and ")
                } else {
                    list(&parts, "and")
                }
            }
            Plain::Or(xs) => {
                let nested = xs.iter().any(Plain::compound);
                let parts: Vec<String> = xs
                    .iter()
                    .map(|x| self.say(x, issues, mood, false))
                    .collect();
                if nested || !top {
                    format!("either {}", parts.join(", or "))
                } else {
                    list(&parts, "or")
                }
            }
            Plain::If(a, b) => format!(
                "if {}, then {}",
                self.say(a, issues, Mood::Is, false),
                self.say(b, issues, mood, false)
            ),
        }
    }
}

/// One comparison: "withdrawal must not be full", "beef quota is at most 10".
fn atom_words(issue: &Issue, set: &[bool], negated: bool, mood: Mood) -> String {
    let n = issue.size() as usize;
    let name = label(&issue.name);
    let value = |k: usize| label(&issue.value(k as u32).to_string());
    let allowed: Vec<usize> = (0..n).filter(|&k| set.get(k) == Some(&true)).collect();
    let refused: Vec<usize> = (0..n).filter(|&k| set.get(k) != Some(&true)).collect();
    let (be, not_be) = match mood {
        Mood::Must => ("must be", "must not be"),
        Mood::Is => ("is", "is not"),
    };
    if allowed.is_empty() {
        return match mood {
            Mood::Must => format!("{name} cannot take any value"),
            Mood::Is => format!("{name} takes none of its values"),
        };
    }
    if refused.is_empty() {
        return match mood {
            Mood::Must => format!("{name} may take any value"),
            Mood::Is => format!("{name} takes any value"),
        };
    }
    if allowed.len() == 1 && !(negated && refused.len() == 1) {
        return format!("{name} {be} {}", value(allowed[0]));
    }
    if refused.len() == 1 {
        return format!("{name} {not_be} {}", value(refused[0]));
    }
    let numeric = !matches!(issue.kind, IssueKind::Discrete { .. });
    let (lo, hi) = (allowed[0], allowed[allowed.len() - 1]);
    let contiguous = hi - lo + 1 == allowed.len();
    if numeric && contiguous {
        let at = match mood {
            Mood::Must => "must be",
            Mood::Is => "is",
        };
        return if lo == 0 {
            format!("{name} {at} at most {}", value(hi))
        } else if hi == n - 1 {
            format!("{name} {at} at least {}", value(lo))
        } else {
            format!("{name} {at} between {} and {}", value(lo), value(hi))
        };
    }
    if allowed.len() <= refused.len() || refused.len() > 12 {
        if allowed.len() > 12 {
            return format!("{name} {be} one of {} values", allowed.len());
        }
        let items: Vec<String> = allowed.iter().map(|&k| value(k)).collect();
        return format!("{name} {be} {}", list(&items, "or"));
    }
    let items: Vec<String> = refused.iter().map(|&k| value(k)).collect();
    match (mood, items.len()) {
        (Mood::Must, 2) => format!("{name} must be neither {} nor {}", items[0], items[1]),
        (Mood::Is, 2) => format!("{name} is neither {} nor {}", items[0], items[1]),
        (Mood::Must, _) => format!("{name} must be none of {}", list(&items, "and")),
        (Mood::Is, _) => format!("{name} is none of {}", list(&items, "and")),
    }
}

#[cfg(test)]
mod tests {
    use crate::issue::{Issue, IssueKind};
    use crate::Rule;

    fn issues() -> Vec<Issue> {
        let d = Issue::discrete;
        vec![
            d("hostages", &["none", "some", "all"]),
            d("ceasefire", &["pause", "permanent"]),
            d("withdrawal", &["none", "partial", "full"]),
            d("rafah", &["not_addressed", "no_offensive"]),
            Issue {
                name: "beef_quota".into(),
                description: None,
                kind: IssueKind::Integer { min: 0, max: 40 },
            },
        ]
    }

    fn red(text: &str) -> String {
        Rule::parse(text, &issues())
            .unwrap()
            .describe(&issues(), true)
    }

    #[test]
    fn red_lines_in_words() {
        assert_eq!(red("withdrawal != full"), "Withdrawal must not be full");
        assert_eq!(
            red("withdrawal not in {full}"),
            "Withdrawal must not be full"
        );
        assert_eq!(
            red("not (withdrawal = full)"),
            "Withdrawal must not be full"
        );
        assert_eq!(red("rafah = no_offensive"), "Rafah must be no offensive");
        assert_eq!(red("withdrawal >= partial"), "Withdrawal must not be none");
        assert_eq!(red("hostages in {none, some}"), "Hostages must not be all");
        assert_eq!(red("beef_quota <= 10"), "Beef quota must be at most 10");
        assert_eq!(
            red("beef_quota in 5..10"),
            "Beef quota must be between 5 and 10"
        );
        assert_eq!(red("beef_quota > 30"), "Beef quota must be at least 31");
        assert_eq!(
            red("hostages = all => ceasefire = permanent and withdrawal = full"),
            "If hostages is all, then ceasefire must be permanent and withdrawal must be full"
        );
        assert_eq!(
            red("hostages != none or ceasefire = pause"),
            "Hostages must not be none or ceasefire must be pause"
        );
        assert_eq!(
            red("not (hostages = all and ceasefire = pause)"),
            "Hostages must not be all or ceasefire must not be pause"
        );
        assert_eq!(
            red("(hostages = all and ceasefire = pause) or withdrawal = none"),
            "Either hostages must be all and ceasefire must be pause, or withdrawal must be none"
        );
        let is = |t: &str| {
            Rule::parse(t, &issues())
                .unwrap()
                .describe(&issues(), false)
        };
        assert_eq!(is("rafah = no_offensive"), "Rafah is no offensive");
        // Two options: said the way it was written.
        assert_eq!(
            red("ceasefire != permanent"),
            "Ceasefire must not be permanent"
        );
        assert_eq!(
            red("not (ceasefire = permanent)"),
            "Ceasefire must not be permanent"
        );
        assert_eq!(red("ceasefire = pause"), "Ceasefire must be pause");
        assert_eq!(red("not (ceasefire != pause)"), "Ceasefire must be pause");
    }
}
