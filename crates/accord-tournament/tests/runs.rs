//! Whole tournaments through the library: shards merged equal a single run byte for byte,
//! runs are deterministic whatever the threads, a cut-off run resumes to the same files, and
//! folders of another tournament are refused.

use accord_tournament::{config::Config, merge, run, Shard, Tournament};
use std::path::Path;

const CONFIG: &str = r#"
name = "test"
seed = 11
repetitions = 3
strategies = ["boulware", "conceder", "tft", "time:0.5,freq", "random"]
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
    // SAO: 2 two-party domains x 5^2 lineups + 1 three-party domain x 5^3. A lineup of the
    // four deterministic strategies runs once (its repetitions could not differ), one with
    // `random` 3 times: 4^2 + (25 - 16) x 3 per two-party domain, 4^3 + (125 - 64) x 3 on the
    // three-party one. Single text: every mediator draws at random: 3 domains x 2 x 3.
    assert_eq!(t.total(), 2 * (16 + 9 * 3) + (64 + 61 * 3) + 3 * 2 * 3);
    let no_self = CONFIG.replace("repetitions = 3", "repetitions = 3\nself_play = false");
    // 5*4 ordered pairs (4*3 deterministic), 5*4*3 ordered triples (4*3*2 deterministic).
    assert_eq!(
        tournament(&no_self).total(),
        2 * (12 + 8 * 3) + (24 + 36 * 3) + 18
    );
    let unordered = CONFIG.replace(
        "repetitions = 3",
        "repetitions = 3\nself_play = false\nrotate_roles = false",
    );
    // C(5,2) pairs (C(4,2) deterministic) and C(5,3) triples (C(4,3) deterministic).
    assert_eq!(
        tournament(&unordered).total(),
        2 * (6 + 4 * 3) + (4 + 6 * 3) + 18
    );
    // Every negotiation number maps to one pairing; repetitions are innermost.
    let at = |i: u64| {
        let p = t.pairing(i).expect("in range");
        (
            p.protocol,
            p.domain,
            p.lineup,
            p.repetition,
            t.repetitions_of(i),
        )
    };
    assert_eq!(at(0), (0, 0, vec![0, 0], 0, Some(1)));
    assert_eq!(at(3), (0, 0, vec![0, 3], 0, Some(1)));
    assert_eq!(at(4), (0, 0, vec![0, 4], 0, Some(3)));
    assert_eq!(at(6), (0, 0, vec![0, 4], 2, Some(3)));
    assert_eq!(at(7), (0, 0, vec![1, 0], 0, Some(1)));
    let last = t.total() - 1;
    assert_eq!(at(last), (1, 2, vec![1], 2, Some(3)));
    assert!(t.pairing(t.total()).is_none());
    assert!(t.repetitions_of(t.total()).is_none());
}

#[test]
fn lineups_run_once_are_the_same_with_any_seed() {
    // What the plan runs once because every competitor is deterministic must not depend on
    // the seed: the same negotiation under another tournament seed ends the same way.
    let a = tournament(CONFIG);
    let b = tournament(&CONFIG.replace("seed = 11", "seed = 12"));
    assert_eq!(a.total(), b.total());
    let mut once = 0;
    for i in 0..a.total() {
        if a.repetitions_of(i) != Some(1) {
            continue;
        }
        once += 1;
        let (x, y) = (a.run(i).expect("run"), b.run(i).expect("run"));
        assert_ne!(x.seed, y.seed);
        assert_eq!(
            (x.outcome, &x.utilities, x.rounds, &x.failure),
            (y.outcome, &y.utilities, y.rounds, &y.failure),
            "negotiation {i}: {:?}",
            a.pairing(i)
        );
    }
    assert_eq!(once, 2 * 16 + 64);
    // And `random` does depend on it (else running it 3 times would be the same waste).
    let differs = (0..a.total())
        .filter(|&i| a.repetitions_of(i) == Some(3) && a.pairing(i).unwrap().protocol == 0)
        .any(|i| a.run(i).unwrap().outcome != b.run(i).unwrap().outcome);
    assert!(differs);
}

#[test]
fn every_strategy_judged_deterministic_ignores_the_seed() {
    // Each negotiator `is_deterministic` accepts, options included, against each other: the
    // same run under two tournament seeds.
    let config = |seed: u64| {
        format!(
            r#"
seed = {seed}
strategies = ["boulware", "linear", "conceder", "time:0.5,freq", "tft", "hardliner", "linear,ac=next|time:0.9"]
[[random_domains]]
issues = 3
values = 8
seed = 21
reservation = [0.2, 0.5]
[[protocols]]
protocol = "sao"
rounds = 80
"#
        )
    };
    let (a, b) = (tournament(&config(1)), tournament(&config(2)));
    assert_eq!(a.total(), 49);
    for i in 0..a.total() {
        assert_eq!(a.repetitions_of(i), Some(1));
        let (x, y) = (a.run(i).expect("run"), b.run(i).expect("run"));
        assert_ne!(x.seed, y.seed);
        assert_eq!(
            (x.outcome, &x.utilities, x.rounds),
            (y.outcome, &y.utilities, y.rounds),
            "{:?}",
            x.strategies
        );
    }
}

#[test]
fn standings_count_each_table_once() {
    let t = tournament(CONFIG);
    let tmp = tempfile::tempdir().expect("tmp");
    let report = run(&t, tmp.path(), Shard::ALL, &()).expect("run");
    // Recomputed from the results file: per (league, domain, lineup) table, boulware's mean
    // over its seats and repetitions; its standing is the mean of those.
    let text = std::fs::read_to_string(tmp.path().join("results.jsonl")).unwrap();
    type Table = (String, String, Vec<String>);
    let mut tables: Vec<(Table, f64, u64)> = Vec::new();
    for line in text.lines() {
        let row: accord_tournament::Row = serde_json::from_str(line).expect("row");
        if row.mediator.is_some() {
            continue;
        }
        let key = (
            row.protocol.to_string(),
            row.domain.to_string(),
            row.strategies.to_vec(),
        );
        for (s, name) in row.strategies.iter().enumerate() {
            if name != "boulware" {
                continue;
            }
            match tables.iter_mut().find(|(k, _, _)| *k == key) {
                Some(t) => {
                    t.1 += row.discounted[s];
                    t.2 += 1;
                }
                None => tables.push((key.clone(), row.discounted[s], 1)),
            }
        }
    }
    // Lineups with boulware: 25 - 16 per two-party domain, 125 - 64 on the three-party one.
    assert_eq!(tables.len(), 2 * 9 + 61);
    let means: Vec<f64> = tables.iter().map(|(_, u, n)| u / *n as f64).collect();
    let mean = means.iter().sum::<f64>() / means.len() as f64;
    let var = means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (means.len() - 1) as f64;
    let ci = 1.96 * var.sqrt() / (means.len() as f64).sqrt();
    let b = report
        .standings
        .iter()
        .find(|s| s.protocol == "sao/60" && s.competitor == "boulware")
        .expect("boulware's standing");
    assert_eq!(b.tables, 79);
    assert_eq!(b.seats, tables.iter().map(|t| t.2).sum::<u64>());
    assert!((b.utility - mean).abs() < 1e-12, "{} vs {mean}", b.utility);
    assert!((b.utility_ci95.unwrap() - ci).abs() < 1e-12);
    // Repeating the deterministic tables anyway runs them 3 times, and changes nothing in a
    // league of deterministic strategies but the seats: each table still counts once. (Other
    // lineups get other negotiation numbers, so other seeds: compare the SAO league without
    // `random` only.)
    let det = CONFIG.replace(", \"random\"]", "]");
    let base = tournament(&det);
    let repeated = tournament(&det.replace(
        "repetitions = 3",
        "repetitions = 3\nrepeat_deterministic = true",
    ));
    assert_eq!(base.total(), 2 * 16 + 64 + 3 * 2 * 3);
    assert_eq!(repeated.total(), (2 * 16 + 64) * 3 + 3 * 2 * 3);
    let sao = |t: &Tournament, dir: &str| -> Vec<accord_tournament::Standing> {
        let r = run(t, &tmp.path().join(dir), Shard::ALL, &()).expect("run");
        r.standings
            .into_iter()
            .filter(|s| s.protocol == "sao/60")
            .collect()
    };
    let (once, thrice) = (sao(&base, "base"), sao(&repeated, "repeated"));
    assert_eq!(once.len(), 4);
    for (x, y) in once.iter().zip(&thrice) {
        assert_eq!((&x.competitor, x.tables), (&y.competitor, y.tables));
        assert!(y.seats == 3 * x.seats, "{x:?} vs {y:?}");
        assert!((x.utility - y.utility).abs() < 1e-12, "{x:?} vs {y:?}");
        assert!((x.utility_ci95.unwrap() - y.utility_ci95.unwrap()).abs() < 1e-12);
        assert!((x.agreement_rate - y.agreement_rate).abs() < 1e-12);
    }
    // The summary names its unit.
    let summary = std::fs::read_to_string(tmp.path().join("summary.txt")).unwrap();
    assert!(summary.contains("tables"), "{summary}");
    assert!(summary.contains("independent units"), "{summary}");
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
                // The outcome by name: random domains have issues i0, i1, i2 of options v0..,
                // 6 values each (4 on the three-party domain), the last issue fastest.
                let r = if d.seats.len() == 3 { 4 } else { 6 };
                let want: serde_json::Map<String, serde_json::Value> = (0..3u32)
                    .map(|j| {
                        let v = u64::try_from(o).unwrap() / (r as u64).pow(2 - j) % r as u64;
                        (format!("i{j}"), serde_json::Value::from(format!("v{v}")))
                    })
                    .collect();
                assert_eq!(row.outcome_values.as_ref(), Some(&want), "{line}");
            }
            None => {
                assert!(!row.agreement && row.failure.is_some());
                assert!(row.outcome_values.is_none());
                assert_eq!(row.utilities, row.reservations.to_vec());
            }
        }
        assert!((row.welfare - row.discounted.iter().sum::<f64>()).abs() < 1e-12);
    }
    // The CSV carries the same object, as JSON in one column beside the index.
    let mut csv = csv::Reader::from_path(tmp.path().join("results.csv")).expect("csv");
    let header = csv.headers().expect("header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(at("outcome_values"), at("outcome") + 1);
    for (record, line) in csv.records().zip(text.lines()) {
        let record = record.expect("record");
        let row: accord_tournament::Row = serde_json::from_str(line).expect("row");
        let cell = &record[at("outcome_values")];
        match &row.outcome_values {
            Some(m) => assert_eq!(
                &serde_json::from_str::<serde_json::Value>(cell).unwrap(),
                &serde_json::Value::Object(m.clone())
            ),
            None => assert_eq!(cell, ""),
        }
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

#[test]
fn one_text_leagues_run_their_mediators_and_agree_only_in_the_zone() {
    let config = r#"
name = "one-text"
seed = 3
repetitions = 2
one_text_mediators = ["thompson-nash", "random-drafts"]
[[random_domains]]
count = 2
issues = 3
values = 5
seed = 5
reservation = [0.1, 0.4]
[[protocols]]
protocol = "one-text"
rounds = 30
feedback = "graded5"
"#;
    let t = tournament(config);
    let tmp = tempfile::tempdir().expect("tmp");
    run(&t, tmp.path(), Shard::ALL, &()).expect("run");
    let text = std::fs::read_to_string(tmp.path().join("results.jsonl")).unwrap();
    let rows: Vec<accord_tournament::Row> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("row"))
        .collect();
    // 2 domains x 2 mediators x 2 repetitions.
    assert_eq!(rows.len(), 8);
    let mut agreed = 0;
    for row in &rows {
        assert_eq!(&*row.protocol, "one-text/30/graded5");
        assert!(row.strategies.iter().all(|s| &**s == "truthful"));
        let m = row.mediator.as_deref().expect("a mediator");
        assert!(m == "thompson-nash" || m == "random-drafts", "{m}");
        if row.agreement {
            agreed += 1;
            // The final text binds only when every party accepts it: truthful parties accept
            // only what is worth their reservation value.
            for (u, r) in row.utilities.iter().zip(row.reservations.iter()) {
                assert!(u >= r, "{row:?}");
            }
        } else {
            assert!(row.failure.is_some());
        }
    }
    assert!(agreed > 0);
    for (bad, message) in [
        (
            "domains = [\"a\"]\n[[protocols]]\nprotocol = \"one-text\"\nrounds = 10\n",
            "needs one_text_mediators",
        ),
        (
            "one_text_mediators = [\"thompson-nash\"]\ndomains = [\"a\"]\n[[protocols]]\nprotocol = \"one-text\"\nrounds = 10\nfeedback = \"graded\"\n",
            "unknown feedback `graded`",
        ),
        (
            "one_text_mediators = [\"bayes-nash\"]\ndomains = [\"a\"]\n",
            "unknown one-text mediator `bayes-nash`",
        ),
    ] {
        let e = Config::parse(bad, "t.toml").unwrap_err().to_string();
        assert!(e.contains(message), "{e}");
    }
}
