//! `accord tournament` as a user runs it: the shipped example, a run killed with SIGKILL and
//! rerun, shards given by flag and by a cluster's environment, merged.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{accord_with as accord, root};

/// `accord tournament CONFIG --out OUT`.
fn tournament(config: &Path, out: &Path) -> (i32, String, String) {
    let (config, out) = (config.to_str().unwrap(), out.to_str().unwrap());
    accord(&["tournament", config, "--out", out], &[])
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn same_outputs(a: &Path, b: &Path) {
    for f in [
        "results.jsonl",
        "results.csv",
        "summary.txt",
        "summary.csv",
        "summary.svg",
    ] {
        assert!(
            read(&a.join(f)) == read(&b.join(f)),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn the_example_runs_and_ends_with_a_table_and_a_plot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("example");
    let (code, stdout, stderr) = accord(
        &[
            "tournament",
            "examples/tournament.toml",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    // One league per protocol, every strategy and mediator ranked.
    for name in [
        "boulware",
        "linear",
        "conceder",
        "tft",
        "hardliner",
        "random",
        "bayes-nash",
        "nash-seeking",
        "random-flipping",
    ] {
        assert!(stdout.contains(name), "{name} missing from\n{stdout}");
    }
    assert!(
        stdout.starts_with("protocol")
            && stdout.contains("sao/100")
            && stdout.contains("single-text/100")
    );
    assert_eq!(read(&out.join("summary.txt")), stdout);
    let rows = read(&out.join("results.jsonl")).lines().count();
    // 5 two-party random domains + trade + ceasefire: 36 lineups each, of which the 25 without
    // `random` are deterministic and run once, the other 11 run 50 repetitions; coalition: 216
    // lineups, 125 of them deterministic; single text: 8 domains x 6 mediators x 50 (every
    // mediator draws at random).
    assert_eq!(rows, 7 * (25 + 11 * 50) + (125 + 91 * 50) + 8 * 6 * 50);
    // The standings say what their unit is.
    assert!(stdout.contains("independent units"), "{stdout}");
    assert_eq!(read(&out.join("results.csv")).lines().count(), rows + 1);
    assert!(read(&out.join("summary.svg")).contains("Standings: example"));
    // Not a terminal: no progress bar in the output.
    assert!(!stderr.contains('['), "{stderr}");
}

const HEAVY: &str = r#"
seed = 3
repetitions = 2000
strategies = ["hardliner", "boulware", "random"]
[[random_domains]]
count = 2
issues = 3
values = 10
seed = 40
[[protocols]]
protocol = "sao"
rounds = 1000
"#;

#[test]
fn a_killed_run_resumes_to_the_results_of_an_uninterrupted_one() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("heavy.toml");
    std::fs::write(&config, HEAVY).unwrap();
    let cut = tmp.path().join("cut");
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args([
            "tournament",
            config.to_str().unwrap(),
            "--out",
            cut.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    // Kill it (SIGKILL) as soon as the first results are in both files.
    let results = cut.join("results.jsonl");
    let csv = cut.join("results.csv");
    let start = Instant::now();
    while std::fs::metadata(&results).map_or(0, |m| m.len()) == 0
        || std::fs::read_to_string(&csv).map_or(0, |t| t.lines().count()) < 2
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no results after 60 s"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("kill");
    child.wait().expect("reaped");
    // 9 lineups per domain: the 4 without `random` run once, the other 5 2000 times.
    let total = 2 * (4 + 5 * 2000);
    let done = read(&results).lines().count();
    assert!(done < total, "the run finished before it could be killed");
    // A torn line, as a crash in the middle of a write leaves.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&results)
        .unwrap();
    std::io::Write::write_all(&mut f, b"{\"index\":9").unwrap();
    drop(f);
    let (code, _, stderr) = tournament(&config, &cut);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("resumed"), "{stderr}");
    let whole = tmp.path().join("whole");
    let (code, _, stderr) = tournament(&config, &whole);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(read(&whole.join("results.jsonl")).lines().count(), total);
    same_outputs(&cut, &whole);
}

#[test]
fn shards_from_flags_and_cluster_environments_merge_to_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let config = "examples/tournament.toml";
    let dir = |n: &str| tmp.path().join(n).to_str().unwrap().to_string();
    let (code, _, e) = accord(&["tournament", config, "--out", &dir("single")], &[]);
    assert_eq!(code, 0, "{e}");
    // Shard 0 by flag, 1 as a Kubernetes Indexed Job pod, 2 as a Slurm array task.
    let (code, _, e) = accord(
        &["tournament", config, "--out", &dir("s0"), "--shard", "0/3"],
        &[],
    );
    assert_eq!(code, 0, "{e}");
    let (code, _, e) = accord(
        &["tournament", config, "--out", &dir("s1"), "--shard", "3"],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert_eq!(code, 0, "{e}");
    let (code, _, e) = accord(
        &["tournament", config, "--out", &dir("s2")],
        &[
            ("SLURM_ARRAY_TASK_ID", "12"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
    );
    assert_eq!(code, 0, "{e}");
    assert!(e.contains("shard 2/3"), "{e}");
    let (code, _, e) = accord(
        &[
            "tournament",
            "merge",
            &dir("s2"),
            &dir("s0"),
            &dir("s1"),
            "--out",
            &dir("merged"),
        ],
        &[],
    );
    assert_eq!(code, 0, "{e}");
    same_outputs(&tmp.path().join("single"), &tmp.path().join("merged"));
    // Merging an incomplete set says what is missing.
    let (code, _, e) = accord(
        &["tournament", "merge", &dir("s0"), "--out", &dir("m2")],
        &[],
    );
    assert_eq!(code, 1);
    assert!(e.contains("missing: 1/3, 2/3"), "{e}");
}

#[test]
fn configuration_errors_name_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("bad.toml");
    std::fs::write(
        &config,
        "strategies = [\"boulware\"]\ndomains = [\"missing.toml\"]\n",
    )
    .unwrap();
    let (code, _, e) = accord(
        &[
            "tournament",
            config.to_str().unwrap(),
            "--out",
            tmp.path().join("o").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert!(
        e.contains("domain missing.toml") && e.contains("missing.toml"),
        "{e}"
    );
    std::fs::write(&config, "strategies = [\"boulware\"]\nrepetitions = -1\n").unwrap();
    let (code, _, e) = accord(
        &[
            "tournament",
            config.to_str().unwrap(),
            "--out",
            tmp.path().join("o").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert!(e.contains("bad.toml:2:15"), "{e}");
}

#[test]
fn a_result_is_replayed_by_accord_negotiate_with_its_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("t.toml");
    let trade = root().join("scenarios/trade.toml");
    std::fs::write(
        &config,
        format!(
            "seed = 9\nrepetitions = 2\nstrategies = [\"boulware\", \"tft\", \"random\"]\nmediators = [\"nash-seeking\"]\ndomains = [{:?}]\n[[protocols]]\nprotocol = \"sao\"\nrounds = 50\n[[protocols]]\nprotocol = \"single-text\"\nrounds = 30\n",
            trade.to_str().unwrap()
        ),
    )
    .unwrap();
    let out = tmp.path().join("o");
    let (code, _, e) = tournament(&config, &out);
    assert_eq!(code, 0, "{e}");
    let text = read(&out.join("results.jsonl"));
    let mut checked = 0;
    for line in text.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let seed = row["seed"].as_u64().unwrap().to_string();
        let parties: Vec<&str> = row["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let mut args: Vec<String> = vec![
            "negotiate".into(),
            "scenarios/trade.toml".into(),
            "--json".into(),
            "--seed".into(),
            seed,
        ];
        if row["mediator"].is_null() {
            args.extend(["--rounds".into(), "50".into()]);
            for (p, s) in parties.iter().zip(row["strategies"].as_array().unwrap()) {
                args.extend(["--strategy".into(), format!("{p}={}", s.as_str().unwrap())]);
            }
        } else {
            args.extend([
                "--rounds".into(),
                "30".into(),
                "--protocol".into(),
                "single-text".into(),
            ]);
            args.extend([
                "--mediator".into(),
                row["mediator"].as_str().unwrap().into(),
            ]);
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, e) = accord(&refs, &[]);
        assert_eq!(code, 0, "{e}");
        let replay: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(replay["utilities"], row["utilities"], "{line}");
        assert_eq!(replay["rounds"], row["rounds"], "{line}");
        checked += 1;
    }
    // SAO: the 4 lineups of boulware and tft run once, the 5 with `random` twice.
    assert_eq!(checked, 4 + 5 * 2 + 2);
}
