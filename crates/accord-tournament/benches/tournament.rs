//! Tournament throughput (`cargo bench -p accord-tournament --bench tournament`): the NegMAS
//! baseline's tournament shape (4 strategies: Boulware, Conceder, Linear, tit-for-tat; 5 random
//! 1,000-outcome domains; every ordered pair including self-play; SAO, 100 rounds), scaled up by
//! repetitions, run with `accord_tournament::run` into a temporary folder: results written to
//! JSON lines and CSV, summary included. Peak RSS is read after each size to show that memory
//! stays flat as the tournament grows. `TOURNAMENT_REPS=a,b,..` picks the sizes.

use accord_tournament::{config::Config, run, Shard, Tournament};
use rayon::prelude::*;
use std::time::Instant;

#[path = "../../../bench/peak_rss.rs"]
mod peak_rss;
use peak_rss::peak_rss_mb;

fn main() {
    let reps: Vec<u32> = std::env::var("TOURNAMENT_REPS")
        .unwrap_or_else(|_| "300,3000,12000".into())
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect();
    println!("| negotiations | seconds | negotiations/s | without writing, negotiations/s | agreement | peak RSS MB |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for r in reps {
        let text = format!(
            r#"
name = "bench"
seed = 1
repetitions = {r}
repeat_deterministic = true
strategies = ["boulware", "conceder", "linear", "tft"]
[[random_domains]]
count = 5
issues = 3
values = 10
seed = 3000
[[protocols]]
protocol = "sao"
rounds = 100
"#
        );
        let config = Config::parse(&text, "bench.toml").expect("config");
        let dir = tempfile::tempdir().expect("temp dir");
        let start = Instant::now();
        let t = Tournament::load(config, &dir.path().join("bench.toml")).expect("tournament");
        let report = run(&t, &dir.path().join("out"), Shard::ALL, &()).expect("run");
        let secs = start.elapsed().as_secs_f64();
        // The same negotiations without writing anything, for the cost of the results files.
        let bare = Instant::now();
        let agreed = (0..t.total())
            .into_par_iter()
            .filter(|&i| t.run(i).expect("run").agreement)
            .count();
        let bare = bare.elapsed().as_secs_f64();
        // Streamed, so the check adds nothing to the peak RSS measured.
        let file = std::fs::File::open(dir.path().join("out/results.jsonl")).expect("results");
        let written = std::io::BufRead::lines(std::io::BufReader::new(file))
            .filter(|l| l.as_ref().expect("line").contains("\"agreement\":true"))
            .count();
        assert_eq!(agreed, written, "same agreements with and without writing");
        let agree = agreed as f64 / t.total() as f64;
        println!(
            "| {} | {secs:.2} | {:.0} | {:.0} | {agree:.3} | {:.1} |",
            report.total,
            report.total as f64 / secs,
            report.total as f64 / bare,
            peak_rss_mb()
        );
    }
}
