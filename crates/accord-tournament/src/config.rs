//! The tournament configuration file (TOML): who plays, on which domains, under which rules.
//! Documented with an example in `docs/tournament.md`; `examples/tournament.toml` is a complete one.

use crate::TournamentError;
use accord_model::PathSegment;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A tournament as its file describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// A name for the tournament (shown in the summary).
    #[serde(default)]
    pub name: Option<String>,
    /// The tournament seed: negotiation `i` runs with a seed derived from this and `i`.
    #[serde(default)]
    pub seed: u64,
    /// How many times every pairing runs (with different seeds). A pairing of deterministic
    /// competitors only runs once, since its repetitions could not differ, unless
    /// `repeat_deterministic` is set.
    #[serde(default = "one")]
    pub repetitions: u32,
    /// Run deterministic pairings `repetitions` times too (identical runs: for throughput
    /// measurements that must run as many negotiations as another tool does).
    #[serde(default)]
    pub repeat_deterministic: bool,
    /// Whether a strategy may meet itself.
    #[serde(default = "yes")]
    pub self_play: bool,
    /// Whether every strategy plays every seat (all orders of a pairing), as in ANAC; when
    /// false, each combination of strategies plays once, in the order the list gives.
    #[serde(default = "yes")]
    pub rotate_roles: bool,
    /// Alternating-offers strategies (specs as `accord negotiate --strategy` takes them).
    #[serde(default)]
    pub strategies: Vec<String>,
    /// Mediators competing under single-text protocols.
    #[serde(default)]
    pub mediators: Vec<String>,
    /// Mediators competing under the one-text protocol.
    #[serde(default)]
    pub one_text_mediators: Vec<String>,
    /// Domains: Accord scenario files, or GENIUS / GeniusWeb domain folders, relative to the
    /// configuration file.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Randomly generated additive domains.
    #[serde(default)]
    pub random_domains: Vec<RandomDomains>,
    /// Protocol settings; each is a separate league. Default: alternating offers, 100 rounds.
    #[serde(default)]
    pub protocols: Vec<ProtocolSetting>,
    /// Read GENIUS files leniently (repairing what it can, as `--lenient` does).
    #[serde(default)]
    pub lenient: bool,
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

/// `count` random additive domains: weights U(0,1) normalised, value scores U(0,1) (the NegMAS
/// baseline's generator), reservation values drawn from `reservation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomDomains {
    /// How many domains.
    #[serde(default = "one")]
    pub count: u32,
    /// Negotiating parties per domain.
    #[serde(default = "two")]
    pub parties: usize,
    /// Issues per domain.
    pub issues: usize,
    /// Values per issue.
    pub values: usize,
    /// Seed of the first domain (the others follow: seed + 1, ...).
    #[serde(default)]
    pub seed: u64,
    /// Reservation values are drawn uniformly from `[low, high]`; none when absent.
    #[serde(default)]
    pub reservation: Option<[f64; 2]>,
}

fn two() -> usize {
    2
}

/// Which protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProtocolKind {
    /// Stacked alternating offers.
    Sao,
    /// Mediated single negotiating text (binding rules).
    SingleText,
    /// The one-text procedure: drafts do not bind, only the final vote does.
    OneText,
}

/// How voters answer in a single-text protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Votes {
    /// Accept or reject.
    #[default]
    Accept,
    /// Better, worse or same.
    Feedback,
}

/// One protocol setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolSetting {
    /// The protocol.
    pub protocol: ProtocolKind,
    /// The deadline in rounds (tournaments use round deadlines only, so results do not depend
    /// on the machine's speed).
    pub rounds: u32,
    /// Single text: how parties vote.
    #[serde(default)]
    pub votes: Votes,
    /// Single text: every party's voter.
    #[serde(default)]
    pub voter: Option<String>,
    /// One text: what parties answer besides the straw poll (`accept`, `binary`, `graded5`;
    /// default `binary`).
    #[serde(default)]
    pub feedback: Option<String>,
}

impl ProtocolSetting {
    /// A short label, e.g. `sao/100` or `single-text/100`.
    pub fn label(&self) -> String {
        let name = match self.protocol {
            ProtocolKind::Sao => "sao",
            ProtocolKind::SingleText => "single-text",
            ProtocolKind::OneText => "one-text",
        };
        match self.protocol {
            ProtocolKind::OneText => format!("{name}/{}/{}", self.rounds, self.feedback()),
            ProtocolKind::Sao => format!("{name}/{}", self.rounds),
            // Voting rules tell single-text leagues apart.
            ProtocolKind::SingleText => {
                let votes = match self.votes {
                    Votes::Accept => "",
                    Votes::Feedback => "/feedback",
                };
                let voter = match self.voter() {
                    "hill-climber" => String::new(),
                    other => format!("/{other}"),
                };
                format!("{name}/{}{votes}{voter}", self.rounds)
            }
        }
    }

    /// What parties answer with (one text; a bad name was refused when the configuration
    /// was read).
    pub fn feedback(&self) -> accord_protocol::Feedback {
        self.feedback
            .as_deref()
            .and_then(|f| f.parse().ok())
            .unwrap_or(accord_protocol::Feedback::Binary)
    }

    /// The voter spec (single text).
    pub fn voter(&self) -> &str {
        self.voter.as_deref().unwrap_or("hill-climber")
    }
}

impl Config {
    /// Parses and checks a configuration; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, TournamentError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| accord_formats::line_column(text, s.start))
                .unzip();
            TournamentError::Config {
                file: file.into(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        if config.protocols.is_empty() {
            config.protocols.push(ProtocolSetting {
                protocol: ProtocolKind::Sao,
                rounds: 100,
                votes: Votes::Accept,
                voter: None,
                feedback: None,
            });
        }
        config.check().map_err(|(path, message)| {
            let (line, column) = accord_formats::locate_toml(text, &path)
                .map(|o| accord_formats::line_column(text, o))
                .unzip();
            TournamentError::Config {
                file: file.into(),
                line,
                column,
                message: format!("{}: {message}", render(&path)),
            }
        })?;
        Ok(config)
    }

    /// Reads a configuration file.
    pub fn read(path: &Path) -> Result<Config, TournamentError> {
        let text = std::fs::read_to_string(path).map_err(|e| TournamentError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Domain paths resolved against the folder of the configuration file.
    pub fn domain_paths(&self, config_file: &Path) -> Vec<PathBuf> {
        let base = config_file.parent().unwrap_or(Path::new("."));
        self.domains.iter().map(|d| base.join(d)).collect()
    }

    fn check(&self) -> Result<(), (Vec<PathSegment>, String)> {
        let key = |k: &str| vec![PathSegment::Key(k.into())];
        let at = |k: &str, i: usize| vec![PathSegment::Key(k.into()), PathSegment::Index(i)];
        if self.repetitions == 0 {
            return Err((key("repetitions"), "must be at least 1".into()));
        }
        if self.domains.is_empty() && self.random_domains.is_empty() {
            return Err((
                key("domains"),
                "no domains: list scenario files or domain folders, or add [[random_domains]]"
                    .into(),
            ));
        }
        for (i, s) in self.strategies.iter().enumerate() {
            check_spec(s, |s| {
                accord_strategy::negotiator(s, dummy_index(), 0.0).map(drop)
            })
            .map_err(|m| (at("strategies", i), m))?;
        }
        for (i, s) in self.one_text_mediators.iter().enumerate() {
            accord_strategy::one_text_mediator(s)
                .map_err(|e| (at("one_text_mediators", i), e.to_string()))?;
        }
        for (i, s) in self.mediators.iter().enumerate() {
            accord_strategy::mediator(s).map_err(|e| (at("mediators", i), e.to_string()))?;
        }
        for (i, r) in self.random_domains.iter().enumerate() {
            let here = at("random_domains", i);
            if r.count == 0 || r.parties < 2 || r.issues == 0 || r.values < 2 {
                return Err((
                    here,
                    "needs count >= 1, parties >= 2, issues >= 1 and values >= 2".into(),
                ));
            }
            if r.parties > 16 {
                return Err((here, "at most 16 parties per random domain".into()));
            }
            if !accord_strategy::index::fits_uniform(
                u32::try_from(r.values).unwrap_or(u32::MAX),
                u32::try_from(r.issues).unwrap_or(u32::MAX),
            ) {
                return Err((
                    here,
                    format!(
                        "{}^{} outcomes are more than a tournament indexes (outcome indices must be below 2^256)",
                        r.values, r.issues,
                    ),
                ));
            }
            if let Some([lo, hi]) = r.reservation {
                if !(0.0..=1.0).contains(&lo) || !(lo..=1.0).contains(&hi) {
                    return Err((here, "reservation must be [low, high] within [0, 1]".into()));
                }
            }
        }
        for (i, p) in self.protocols.iter().enumerate() {
            let here = at("protocols", i);
            if self.protocols[..i].iter().any(|q| q.label() == p.label()) {
                return Err((
                    here,
                    format!(
                        "a second `{}` league: each protocol setting once",
                        p.label()
                    ),
                ));
            }
            if p.rounds == 0 {
                return Err((here, "rounds must be at least 1".into()));
            }
            match p.protocol {
                ProtocolKind::Sao if self.strategies.is_empty() => {
                    return Err((
                        key("strategies"),
                        "an alternating-offers league needs strategies".into(),
                    ))
                }
                ProtocolKind::SingleText if self.mediators.is_empty() => {
                    return Err((
                        key("mediators"),
                        "a single-text league needs mediators".into(),
                    ))
                }
                ProtocolKind::SingleText => {
                    check_spec(p.voter(), |s| {
                        accord_strategy::voter(s, dummy_index(), 0.0).map(drop)
                    })
                    .map_err(|m| (here.clone(), m))?;
                }
                ProtocolKind::OneText if self.one_text_mediators.is_empty() => {
                    return Err((
                        key("one_text_mediators"),
                        "a one-text league needs one_text_mediators".into(),
                    ))
                }
                ProtocolKind::OneText | ProtocolKind::Sao => {}
            }
            match (&p.feedback, p.protocol) {
                (Some(f), ProtocolKind::OneText) => {
                    f.parse::<accord_protocol::Feedback>()
                        .map_err(|e| (here.clone(), e.to_string()))?;
                }
                (Some(_), _) => {
                    return Err((
                        here.clone(),
                        "feedback applies to one-text leagues (single text: votes)".into(),
                    ))
                }
                (None, _) => {}
            }
        }
        Ok(())
    }
}

fn check_spec(
    spec: &str,
    build: impl Fn(&str) -> Result<(), accord_strategy::StrategyError>,
) -> Result<(), String> {
    build(spec).map_err(|e| e.to_string())
}

/// A two-outcome index, to check that a strategy spec builds.
fn dummy_index() -> std::sync::Arc<accord_strategy::UtilityIndex> {
    use std::sync::OnceLock;
    static INDEX: OnceLock<std::sync::Arc<accord_strategy::UtilityIndex>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let s = accord_analysis::testing::random_additive(2, &[2], 0);
            let prefs = s.parties[0].preferences.as_ref().expect("generated");
            std::sync::Arc::new(
                accord_strategy::UtilityIndex::build(&s.space, prefs, &[]).expect("two outcomes"),
            )
        })
        .clone()
}

fn render(path: &[PathSegment]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSegment::Key(k) if s.is_empty() => s.push_str(k),
            PathSegment::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            PathSegment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line_and_what_was_expected() {
        let e = Config::parse(
            "strategies = [\"boulware\",\n  \"bolware\"]\ndomains = [\"a.toml\"]\n",
            "t.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("t.toml:2:3: strategies[1]: unknown strategy `bolware`"),
            "{e}"
        );
        let e = Config::parse("seed = 1\nrepetition = 2\n", "t.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.toml:2:1: unknown field `repetition`"),
            "{e}"
        );
        let e = Config::parse("strategies = [\"linear\"]\n", "t.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no domains"), "{e}");
        let e = Config::parse(
            "mediators = [\"nash-seeking\"]\ndomains = [\"a\"]\n[[protocols]]\nprotocol = \"sao\"\nrounds = 10\n",
            "t.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("needs strategies"), "{e}");
    }

    #[test]
    fn defaults_are_one_sao_league_with_every_seat_rotated() {
        let c = Config::parse("strategies = [\"linear\"]\ndomains = [\"a\"]\n", "t").unwrap();
        assert_eq!(c.protocols.len(), 1);
        assert_eq!(c.protocols[0].label(), "sao/100");
        assert!(c.self_play && c.rotate_roles);
        assert_eq!((c.repetitions, c.seed), (1, 0));
    }
}
