//! `accord`: the command-line front of Accord. Parses arguments, reads files through
//! `accord-formats`, runs `accord-analysis`, prints. No analysis logic lives here.

mod draft;
mod human;
mod negotiate;
mod text;
mod tournament;

use accord_analysis::{analyze, Options};
use accord_formats::{draft_from_doc, load, ReadOptions, Scalar};
use accord_model::{Role, Scenario};
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "accord", version, about = "Mediated negotiation: analysis of scenarios", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The inputs every command reads.
#[derive(clap::Args)]
struct Input {
    /// An Accord scenario (`.toml`, or `.json` in the same schema); or a folder holding a
    /// GENIUS (XML) or GeniusWeb (JSON) domain and its profiles; or the domain file followed
    /// by the profiles, in party order.
    #[arg(required = true, num_args = 1..)]
    inputs: Vec<PathBuf>,
    /// Accept what GENIUS's own parser accepts (unescaped `&`, missing whitespace between
    /// attributes, issues without type, duplicate items), with a warning for each repair.
    #[arg(long)]
    lenient: bool,
}

impl Input {
    /// Reads the inputs; lenient repairs go to stderr as warnings.
    fn load(&self) -> Result<Scenario> {
        let loaded = load(
            &self.inputs,
            ReadOptions {
                lenient: self.lenient,
            },
        )?;
        for w in &loaded.warnings {
            eprintln!("warning: {w}");
        }
        Ok(loaded.scenario)
    }

    /// The `[phasing]` of a single Accord scenario file, if it has one.
    fn phasing(&self) -> Result<Option<accord_model::Phasing>> {
        match self.inputs.as_slice() {
            [path]
                if path.is_file()
                    && path.extension().is_some_and(|e| e == "toml" || e == "json") =>
            {
                Ok(accord_formats::read_phased_scenario(path)?.1)
            }
            _ => Ok(None),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a scenario: agreement zone, blocking red lines, what would have to give,
    /// Pareto frontier, Nash and other solutions, improvements on the draft.
    Analyze {
        #[command(flatten)]
        input: Input,
        /// Print machine-readable JSON (see docs/analysis-json.md) instead of the report.
        #[arg(long)]
        json: bool,
        /// Analyse this draft instead of the scenario's: `issue=value,issue=value,...`, every
        /// issue given once. A name or value containing `,`, `=`, `"` or outer spaces goes in
        /// double quotes, a `"` inside them written twice, as the report prints them:
        /// `--draft 'Invitations="Custom, Printed",Food=Catering'`.
        #[arg(long)]
        draft: Option<String>,
        /// Outcomes listed per frontier point when several give the same utilities.
        #[arg(long, default_value_t = 8)]
        ties: usize,
        /// Improvements on the draft listed.
        #[arg(long, default_value_t = 10)]
        improvements: usize,
        /// Draw the utility space of the first two parties (outcomes, frontier, Nash and
        /// Kalai-Smorodinsky points, reservation values, the draft) as PATH.svg and PATH.png.
        #[arg(long)]
        plot: Option<PathBuf>,
        /// Search steps each exact search (with red lines or nonlinear terms) may take before
        /// the analysis stops with an error instead of running for hours.
        #[arg(long, default_value_t = 1_000_000_000)]
        search_budget: u64,
    },
    /// Convert a scenario (Accord, GENIUS or GeniusWeb input) to Accord TOML or JSON, or to
    /// GENIUS XML (a folder with the domain and one profile per party).
    Export {
        #[command(flatten)]
        input: Input,
        /// Target format.
        #[arg(long, value_enum)]
        to: Target,
        /// Output file (TOML/JSON; standard output when absent) or folder (GENIUS, required).
        #[arg(long)]
        out: Option<PathBuf>,
        /// With `--to genius`: leave out what GENIUS XML cannot hold (red lines; nonlinear terms
        /// beside weighted scores, negative terms, terms that are not ranges on integer
        /// issues), with a warning on stderr for each item left out (which party, which rule),
        /// instead of stopping with an error.
        #[arg(long)]
        drop_red_lines: bool,
    },
    /// Run a negotiation: alternating offers between agents, or a mediator's single text voted
    /// on by the parties; optionally one seat played by you at the terminal.
    Negotiate {
        #[command(flatten)]
        input: Input,
        /// Negotiate phased texts: the scenario file's `[phasing]` proposal, a package per fixed
        /// phase (the issues once per phase, named `issue (phase)`), each party valuing a text
        /// at its expected utility of that phased agreement (docs/negotiate.md). `settled`: the
        /// open phases settled now as well.
        #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "as-proposed")]
        phased: Option<PhasedShape>,
        #[command(flatten)]
        settings: negotiate::Settings,
    },
    /// Run a tournament (strategies x domains x seats x repetitions x protocols) from a TOML
    /// configuration, in parallel, into an output folder; or `merge` shard folders.
    Tournament(tournament::Args),
    /// Serve live mediation over HTTP: accounts, seats, confidential preferences, drafts,
    /// responses, deadlines, the mediator's analysis, live events (see docs/serve.md).
    Serve {
        /// Port to listen on (0: any free port, printed at start).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// Database: `sqlite://PATH` (created on first start; the default) or
        /// `postgres://USER@HOST:PORT/DB`.
        #[arg(long, default_value = "sqlite://accord.db")]
        database: String,
        /// Mark the session cookie `Secure` (the server is reached over HTTPS); also
        /// `ACCORD_SECURE_COOKIES=1`.
        #[arg(long)]
        secure_cookies: bool,
        /// Behind a reverse proxy: take the client's address (for sign-in limits) from the last
        /// `X-Forwarded-For` entry, and mark the cookie `Secure` when `X-Forwarded-Proto` is
        /// `https`; also `ACCORD_TRUST_PROXY=1`. Only behind a proxy that sets these headers.
        #[arg(long)]
        trust_proxy: bool,
    },
    /// Write the document of a draft (the scenario's own by default): title, parties,
    /// mediators, date, the clauses with their wording, a signature block; no party's
    /// confidential preferences. Markdown or PDF, chosen by the extension of --out.
    Document {
        #[command(flatten)]
        input: Input,
        /// The draft to write instead of the scenario's: `issue=value,issue=value,...`, every
        /// issue given once, quoted as for `accord analyze --draft`.
        #[arg(long)]
        draft: Option<String>,
        /// The file to write: PATH.md (Markdown) or PATH.pdf (PDF).
        #[arg(long)]
        out: PathBuf,
    },
    /// Validate a scenario file and summarise it.
    Check {
        #[command(flatten)]
        input: Input,
    },
}

/// Which phased texts `accord negotiate --phased` negotiates.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PhasedShape {
    /// The proposal's phases, open phases left open: a package for each fixed phase.
    AsProposed,
    /// The proposal's phases with every open phase settled now: a package for every phase.
    Settled,
}

/// Formats `accord export` writes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Target {
    /// Accord scenario TOML.
    Toml,
    /// Accord scenario JSON.
    Json,
    /// GENIUS XML: a domain file and one profile per negotiating party.
    Genius,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Analyze {
            input,
            json,
            draft,
            ties,
            improvements,
            plot,
            search_budget,
        } => {
            let scenario = input.load()?;
            let draft = draft
                .map(|d| parse_draft(&scenario, &d))
                .transpose()
                .context("--draft")?;
            let opts = Options {
                tied_outcomes: ties,
                improvements,
                draft,
                search_budget,
                ..Options::default()
            };
            let report = analyze(&scenario, &opts)?;
            let phased = input
                .phasing()?
                .map(|p| accord_analysis::phased::analyze_phased(&scenario, &p));
            if let Some(path) = &plot {
                negotiate::plot_analysis(&scenario, &report, path)?;
            }
            if json {
                let mut value = accord_analysis::json::report(&scenario, &report);
                if let (Some(pr), Some(obj)) = (&phased, value.as_object_mut()) {
                    obj.insert(
                        "phased".into(),
                        accord_analysis::phased::to_json(&scenario, pr),
                    );
                }
                emit(&(serde_json::to_string_pretty(&value)? + "\n"))?;
            } else {
                let mut out = text::report(&scenario, &report);
                if let Some(pr) = &phased {
                    out.push_str(&text::phased(&scenario, pr));
                }
                emit(&out)?;
            }
        }
        Command::Export {
            input,
            to,
            out,
            drop_red_lines,
        } => {
            if drop_red_lines && !matches!(to, Target::Genius) {
                bail!("--drop-red-lines goes with --to genius (TOML and JSON keep red lines)");
            }
            let scenario = input.load()?;
            export(&scenario, to, out.as_deref(), drop_red_lines)?;
        }
        Command::Negotiate {
            input,
            phased,
            settings,
        } => {
            let scenario = input.load()?;
            match phased {
                None => negotiate::run(&scenario, settings)?,
                Some(shape) => {
                    let mut phasing = input.phasing()?.ok_or_else(|| {
                        anyhow::anyhow!("--phased needs one Accord scenario file (TOML or JSON) with a [phasing] table")
                    })?;
                    if shape == PhasedShape::Settled {
                        phasing.agreement = phasing
                            .agreement
                            .with_open_phases_settled()
                            .ok_or_else(|| {
                                anyhow::anyhow!(
                                    "--phased settled: the proposal leaves no phase open"
                                )
                            })?;
                    }
                    let flat = accord_model::flatten(&scenario, &phasing)
                        .context("the phased texts as one package")?;
                    negotiate::run(&flat.scenario, settings)?;
                }
            }
        }
        Command::Tournament(args) => tournament::command(args)?,
        Command::Serve {
            port,
            host,
            database,
            secure_cookies,
            trust_proxy,
        } => {
            // Request logs and internal errors' causes on stderr; RUST_LOG adjusts (e.g. `debug`).
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info,tower_http=info".into()),
                )
                .with_writer(std::io::stderr)
                .init();
            let env = accord_server::accounts::ServeOptions::from_env();
            let options = accord_server::accounts::ServeOptions {
                secure_cookies: secure_cookies || env.secure_cookies,
                trust_proxy: trust_proxy || env.trust_proxy,
            };
            let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
            runtime
                .block_on(accord_server::serve_with(
                    (host, port).into(),
                    &database,
                    options,
                ))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        Command::Document { input, draft, out } => {
            document(&input, draft.as_deref(), &out)?;
        }
        Command::Check { input } => {
            let scenario = input.load()?;
            emit(&check_summary(&input.inputs[0], &scenario))?;
        }
    }
    Ok(())
}

/// `accord document`: the date is today's (UTC), read here, never in the document crate.
fn document(input: &Input, draft: Option<&str>, out: &std::path::Path) -> Result<()> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let pdf = match ext.as_deref() {
        Some("md") => false,
        Some("pdf") => true,
        _ => bail!(
            "--out {}: the file name must end in .md (Markdown) or .pdf (PDF)",
            out.display()
        ),
    };
    let scenario = input.load()?;
    let draft = draft
        .map(|d| parse_draft(&scenario, d))
        .transpose()
        .context("--draft")?;
    if draft.is_none() && scenario.draft.is_none() {
        bail!("the scenario has no draft: give one with --draft issue=value,...");
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let date = accord_document::date_of_unix_ms(now_ms);
    let doc = accord_document::Document::from_scenario(&scenario, draft.as_ref(), &date)?;
    let bytes = if pdf {
        accord_document::to_pdf(&doc)?
    } else {
        accord_document::to_markdown(&doc).into_bytes()
    };
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

fn export(
    scenario: &Scenario,
    to: Target,
    out: Option<&std::path::Path>,
    drop_red_lines: bool,
) -> Result<()> {
    let text = match to {
        Target::Toml => accord_formats::to_toml(scenario)?,
        Target::Json => accord_formats::to_json(scenario),
        Target::Genius => {
            let Some(dir) = out else {
                bail!("--to genius writes several files: give a folder with --out");
            };
            let files = if drop_red_lines {
                let (files, dropped) = accord_formats::to_genius_dropping(scenario)?;
                for d in &dropped {
                    eprintln!("warning: {d}");
                }
                files
            } else {
                accord_formats::to_genius(scenario).map_err(|e| {
                    // Name the flag when it would let the export through.
                    let hint = if accord_formats::to_genius_dropping(scenario).is_ok() {
                        ". With --drop-red-lines the export leaves out what GENIUS cannot hold, with a warning for each item"
                    } else {
                        ""
                    };
                    anyhow::anyhow!("{e}{hint}")
                })?
            };
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            for (name, text) in std::iter::once(&files.domain).chain(&files.profiles) {
                let path = dir.join(name);
                std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!("wrote {}", path.display());
            }
            return Ok(());
        }
    };
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => emit(&text)?,
    }
    Ok(())
}

/// Writes to standard output; a reader that stopped early (`| head`) is not an error.
fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn parse_draft(scenario: &Scenario, text: &str) -> Result<accord_model::Outcome> {
    let map: BTreeMap<String, Scalar> = draft::parse(text)?
        .into_iter()
        .map(|(k, v)| (k, Scalar::Text(v)))
        .collect();
    draft_from_doc(&map, &scenario.space).map_err(|e| anyhow::anyhow!("{e}"))
}

fn check_summary(file: &std::path::Path, s: &Scenario) -> String {
    let mut out = format!(
        "{}: ok: scenario `{}`, {} issues, {} outcomes\n",
        file.display(),
        s.name,
        s.space.issues().len(),
        s.space.size()
    );
    for p in &s.parties {
        let mut line = format!("  {} ({})", p.name, p.role);
        if !p.red_lines.is_empty() {
            line.push_str(&format!(", {} red line(s)", p.red_lines.len()));
        }
        if let Some(r) = p.reservation {
            line.push_str(&format!(", reservation {r}"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    if s.draft.is_some() {
        out.push_str("  draft on the table: yes\n");
    }
    for p in &s.parties {
        if let Some(prefs) = &p.preferences {
            let sum: f64 = prefs.weights.iter().sum();
            // Purely nonlinear preferences (GENIUS hyper-rectangles) have no weights to sum.
            let nonlinear_only = sum == 0.0 && !prefs.terms.is_empty();
            if (sum - 1.0).abs() > 1e-6 && !nonlinear_only {
                out.push_str(&format!(
                    "warning: weights of `{}` sum to {sum:.6}, not 1; utilities are used as written\n",
                    p.name
                ));
            }
        }
    }
    if !s.parties.iter().any(|p| p.role == Role::Party) {
        out.push_str("warning: no seat has role \"party\"; there is nothing to analyse\n");
    }
    out
}
