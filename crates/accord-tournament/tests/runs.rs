//! Whole tournaments through the library: shards merged equal a single run byte for byte,
//! runs are deterministic whatever the threads, a cut-off run resumes to the same files, and
//! folders of another tournament are refused.

use accord_tournament::{config::Config, merge, run, Shard, Tournament};
use std::path::Path;

const CONFIG: &str = r#"
name = "test"
seed = 11
repetitions = 3
strategies = ["boulware", "conceder", "tft", "time:0.5,freq"]
mediators = ["nash-seeking", "random-flipping"]
[[random_domains]]
count = 2
issues = 3
values = 6
seed = 5
reservation = [0.1, 0.4]
[[random_domains]]
count = 1
parties = 3
issues = 3
values = 4
seed = 9
[[protocols]]
protocol = "sao"
rounds = 60
[[protocols]]
protocol = "single-text"
rounds = 40
"#;

fn tournament(text: &str) -> Tournament {
    let config = Config::parse(text, "test.toml").expect("config");
    Tournament::load(config, Path::new("test.toml")).expect("tournament")
}

/// Every output file, as text (so a failure shows the differing text, not bytes).
fn files(dir: &Path) -> Vec<(String, String)> {
    [
        "results.jsonl",
        "results.csv",
        "summary.txt",
        "summary.csv",
        "summary.svg",
    ]
    .iter()
    .map(|f| {
        (
            f.to_string(),
            std::fs::read_to_string(dir.join(f)).expect(f),
        )
    })
    .collect()
}

#[test]
fn plan_counts_every_lineup_seat_and_repetition() {
    let t = tournament(CONFIG);
    // SAO: 2 two-party domains x 4^2 lineups + 1 three-party domain x 4^3, x 3 repetitions;
    // single text: 3 domains x 2 mediators x 3 repetitions.
    assert_eq!(t.total(), (2 * 16 + 64) * 3 + 3 * 2 * 3);
    let no_self = CONFIG.replace("repetitions = 3", "repetitions = 3\nself_play = false");
    // 4*3 ordered pairs, 4*3*2 ordered triples.
    assert_eq!(tournament(&no_self).total(), (2 * 12 + 24) * 3 + 18);
    let unordered = CONFIG.replace(
        "repetitions = 3",
        "repetitions = 3\nself_play = false\nrotate_roles = false",
    );
    // C(4,2) pairs and C(4,3) triples.
    assert_eq!(tournament(&unordered).total(), (2 * 6 + 4) * 3 + 18);
    // Every negotiation number maps to one pairing; repetitions are innermost.
    let p = t.pairing(4).expect("in range");
    assert_eq!(
        (p.protocol, p.domain, p.lineup.clone(), p.repetition),
        (0, 0, vec![0, 1], 1)
    );
    assert!(t.pairing(t.total()).is_none());
}

#[test]
fn shards_merge_to_exactly_the_single_run() {
    let t = tournament(CONFIG);
    let tmp = tempfile::tempdir().expect("tmp");
    let single = tmp.path().join("single");
    let report = run(&t, &single, Shard::ALL, &()).expect("single run");
    assert_eq!(report.total, t.total());
    let mut shard_dirs = Vec::new();
    for i in 0..3 {
        let d = tmp.path().join(format!("shard-{i}"));
        let r = run(&t, &d, Shard { index: i, count: 3 }, &()).expect("shard");
        assert_eq!(r.total, Shard { index: i, count: 3 }.len(t.total()));
        shard_dirs.push(d);
    }
    let merged = tmp.path().join("merged");
    // Any order of the shard folders.
    let dirs: Vec<&Path> = shard_dirs.iter().rev().map(|d| d.as_path()).collect();
    let standings = merge(&dirs, &merged).expect("merge");
    assert_eq!(standings, report.standings);
    assert_eq!(files(&single), files(&merged));
    // A missing shard is named.
    let err = merge(&dirs[..2], &tmp.path().join("m2"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing: 0/3"), "{err}");
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let t = tournament(CONFIG);
    let tmp = tempfile::tempdir().expect("tmp");
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let three = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .expect("pool");
    one.install(|| run(&t, &tmp.path().join("a"), Shard::ALL, &()))
        .expect("run");
    three
        .install(|| run(&t, &tmp.path().join("b"), Shard::ALL, &()))
        .expect("run");
    assert_eq!(files(&tmp.path().join("a")), files(&tmp.path().join("b")));
    // Another seed is another tournament.
    let other = tournament(&CONFIG.replace("seed = 11", "seed = 12"));
    run(&other, &tmp.path().join("c"), Shard::ALL, &()).expect("run");
    assert_ne!(
        std::fs::read(tmp.path().join("a/results.jsonl")).unwrap(),
        std::fs::read(tmp.path().join("c/results.jsonl")).unwrap()
    );
}

#[test]
fn a_cut_off_run_resumes_to_the_same_files() {
    let t = tournament(CONFIG);
    let tmp = tempfile::tempdir().expect("tmp");
    let full = tmp.path().join("full");
    run(&t, &full, Shard::ALL, &()).expect("run");
    // What a killed run leaves: the first lines of both files, the last line torn.
    let cut = tmp.path().join("cut");
    std::fs::create_dir_all(&cut).unwrap();
    std::fs::copy(full.join("tournament.json"), cut.join("tournament.json")).unwrap();
    let json = std::fs::read_to_string(full.join("results.jsonl")).unwrap();
    let csv = std::fs::read_to_string(full.join("results.csv")).unwrap();
    let keep_json: String = json.lines().take(37).map(|l| format!("{l}\n")).collect();
    let torn = &json.lines().nth(37).unwrap()[..40];
    std::fs::write(cut.join("results.jsonl"), keep_json + torn).unwrap();
    // The CSV got further than the JSON lines: both are cut back to what both hold.
    let keep_csv: String = csv.lines().take(1 + 50).map(|l| format!("{l}\n")).collect();
    std::fs::write(cut.join("results.csv"), keep_csv).unwrap();
    let report = run(&t, &cut, Shard::ALL, &()).expect("resume");
    assert_eq!((report.resumed, report.ran), (37, t.total() - 37));
    assert_eq!(files(&full), files(&cut));
    // Running a finished tournament again runs nothing and changes nothing.
    let again = run(&t, &cut, Shard::ALL, &()).expect("rerun");
    assert_eq!(again.ran, 0);
    assert_eq!(files(&full), files(&cut));
}

#[test]
fn a_folder_of_another_tournament_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path().join("out");
    run(&tournament(CONFIG), &d, Shard::ALL, &()).expect("run");
    let other = tournament(&CONFIG.replace("rounds = 60", "rounds = 61"));
    let err = run(&other, &d, Shard::ALL, &()).unwrap_err().to_string();
    assert!(err.contains("different tournament"), "{err}");
    let err = run(&tournament(CONFIG), &d, Shard { index: 1, count: 2 }, &())
        .unwrap_err()
        .to_string();
    assert!(err.contains("give each shard its own folder"), "{err}");
}

#[test]
fn results_measure_what_they_claim() {
    let t = tournament(CONFIG);
    let tmp = tempfile::tempdir().expect("tmp");
    run(&t, tmp.path(), Shard::ALL, &()).expect("run");
    let text = std::fs::read_to_string(tmp.path().join("results.jsonl")).unwrap();
    for line in text.lines() {
        let row: accord_tournament::Row = serde_json::from_str(line).expect("row");
        let d = &t.domains[t
            .domains
            .iter()
            .position(|d| *d.name == *row.domain)
            .unwrap()];
        // Utilities are the seats' utilities of the outcome; advantage = utility - reservation.
        match row.outcome {
            Some(o) => {
                assert!(row.agreement);
                for (s, seat) in d.seats.iter().enumerate() {
                    assert_eq!(row.utilities[s], seat.index.utility(o));
                    assert!(
                        (row.advantages[s] - (row.discounted[s] - seat.reservation)).abs() < 1e-12
                    );
                }
                // No outcome is farther from the frontier than 0 when it is on it, and the
                // distance is never negative.
                assert!(row.distance_to_frontier.unwrap() >= 0.0);
            }
            None => {
                assert!(!row.agreement && row.failure.is_some());
                assert_eq!(row.utilities, row.reservations.to_vec());
            }
        }
        assert!((row.welfare - row.discounted.iter().sum::<f64>()).abs() < 1e-12);
    }
}

#[test]
fn merge_refuses_a_torn_shard_and_its_own_input() {
    let t = tournament(CONFIG);
    let tmp = tempfile::tempdir().expect("tmp");
    let dirs: Vec<_> = (0..2).map(|i| tmp.path().join(format!("s{i}"))).collect();
    for (i, d) in dirs.iter().enumerate() {
        run(
            &t,
            d,
            Shard {
                index: i as u64,
                count: 2,
            },
            &(),
        )
        .expect("shard");
    }
    let refs: Vec<&Path> = dirs.iter().map(|d| d.as_path()).collect();
    // A kill between the JSON and the CSV flush: the CSV is short by a torn record.
    let csv = std::fs::read_to_string(dirs[1].join("results.csv")).unwrap();
    std::fs::write(dirs[1].join("results.csv"), &csv[..csv.len() - 7]).unwrap();
    let err = merge(&refs, &tmp.path().join("m")).unwrap_err().to_string();
    assert!(err.contains("rerun it"), "{err}");
    // Rerunning the shard mends it.
    run(&t, &dirs[1], Shard { index: 1, count: 2 }, &()).expect("resume");
    merge(&refs, &tmp.path().join("m")).expect("merge");
    let err = merge(&refs, &dirs[0]).unwrap_err().to_string();
    assert!(err.contains("is one of the shard folders"), "{err}");
}

#[test]
fn leagues_are_told_apart_and_never_doubled() {
    let feedback = CONFIG.replace(
        "protocol = \"single-text\"\nrounds = 40",
        "protocol = \"single-text\"\nrounds = 40\n[[protocols]]\nprotocol = \"single-text\"\nrounds = 40\nvotes = \"feedback\"",
    );
    let t = tournament(&feedback);
    let labels: Vec<String> = t.config.protocols.iter().map(|p| p.label()).collect();
    assert_eq!(
        labels,
        ["sao/60", "single-text/40", "single-text/40/feedback"]
    );
    let doubled = CONFIG.replace(
        "rounds = 60\n",
        "rounds = 60\n[[protocols]]\nprotocol = \"sao\"\nrounds = 60\n",
    );
    let err = Config::parse(&doubled, "t.toml").unwrap_err().to_string();
    assert!(err.contains("a second `sao/60` league"), "{err}");
}
