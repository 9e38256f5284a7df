//! `accord tournament`: runs a tournament configuration into a folder (resuming what a previous
//! run left), or merges shard folders; prints the standings.

use accord_tournament::{config::Config, merge, run, Progress, Shard, Tournament};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

/// `accord tournament` arguments.
#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// The tournament configuration (TOML; see docs/tournament.md and examples/tournament.toml).
    #[arg(required = true)]
    config: Option<PathBuf>,
    /// Output folder: results.jsonl, results.csv, summary.txt/.csv/.svg. Rerunning into the same
    /// folder completes what is missing.
    #[arg(long, required = true)]
    out: Option<PathBuf>,
    /// Run one slice: `I/N` (shard I of N, from 0), or `N` with I taken from
    /// JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array).
    #[arg(long)]
    shard: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Combine the output folders of every shard of one tournament into one folder, the same
    /// as a single run would have written.
    Merge {
        /// The shard folders.
        #[arg(required = true, num_args = 1..)]
        dirs: Vec<PathBuf>,
        /// Where the merged results go.
        #[arg(long)]
        out: PathBuf,
    },
}

/// A progress bar with rate and time left, drawn only on a terminal.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn begin(&self, total: u64, done: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
        self.0.reset_eta();
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Runs the command.
pub fn command(args: Args) -> Result<()> {
    if let Some(Action::Merge { dirs, out }) = args.action {
        let paths: Vec<&std::path::Path> = dirs.iter().map(PathBuf::as_path).collect();
        let standings = merge(&paths, &out)?;
        print!("{}", accord_tournament::summary::table(&standings));
        eprintln!(
            "merged {} shards into {}: results.jsonl, results.csv, summary.txt/.csv/.svg/.png",
            dirs.len(),
            out.display()
        );
        return Ok(());
    }
    let (Some(file), Some(out)) = (args.config, args.out) else {
        anyhow::bail!("give a configuration file and --out DIR");
    };
    let shard = Shard::resolve(args.shard.as_deref(), &|k| std::env::var(k).ok())
        .map_err(anyhow::Error::msg)?;
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting the number of threads")?;
    }
    let config = Config::read(&file)?;
    let started = Instant::now();
    let t = Tournament::load(config, &file)?;
    eprintln!(
        "{} negotiations ({} domains){}; domains prepared in {:.2} s",
        t.total(),
        t.domains.len(),
        if shard == Shard::ALL {
            String::new()
        } else {
            format!(
                ", shard {}/{}: {}",
                shard.index,
                shard.count,
                shard.len(t.total())
            )
        },
        started.elapsed().as_secs_f64()
    );
    let bar = ProgressBar::with_draw_target(
        Some(shard.len(t.total())),
        if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} negotiations, {rate}, {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        )
        .progress_chars("=> "),
    );
    let start = Instant::now();
    let report = run(&t, &out, shard, &Bar(bar))?;
    let secs = start.elapsed().as_secs_f64();
    print!("{}", accord_tournament::summary::table(&report.standings));
    if report.resumed > 0 {
        eprintln!(
            "resumed: {} negotiations were already done, {} ran now",
            report.resumed, report.ran
        );
    }
    eprintln!(
        "{} negotiations in {secs:.2} s ({:.0}/s); results in {}: results.jsonl, results.csv, summary.txt/.csv/.svg/.png",
        report.ran,
        report.ran as f64 / secs.max(1e-9),
        out.display()
    );
    Ok(())
}
