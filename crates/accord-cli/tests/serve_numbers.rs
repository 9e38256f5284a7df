//! The numbers `accord serve` shows a party (its room) and a mediator (the desk) are the
//! engine's on the same merged scenario: checked against `accord analyze --json` run on a
//! scenario file the test writes from what the parties saved, and against a brute-force
//! recomputation (issue 12's six cases: `serve_issue_12.rs`). SQLite and PostgreSQL.

use common::ceasefire::*;
use common::server::{ok, start};
use serde_json::{json, Value};

mod common;

/// Test A: every number of the room and the desk against `accord analyze --json` on the merged
/// scenario, and each clause's best change against a brute-force recomputation.
fn numbers_match_the_engine(database: &str) {
    let s = start(database);
    let t = talks(&s, "numbers");
    // Israel types 5/3/2/1/4/0 (the server must divide by 15); Hamas the scenario's weights
    // times ten. Both share with the mediators.
    let israel_typed = [5.0, 3.0, 2.0, 1.0, 4.0, 0.0];
    let hamas_typed = [0.0, 3.5, 3.0, 1.5, 2.0, 0.0];
    let saved = ok(
        put_preferences(
            &s,
            &t,
            "israel",
            &t.isr,
            json!({"preferences": {"reservation": 0.6, "weights": weights(israel_typed), "scores": israel_scores(), "red_lines": [{"rule": ISRAEL_RED_LINE}]}, "consent": "shared"}),
        ),
        200,
    );
    assert!(close(f(&saved["weights_rescaled_from"]), 15.0), "{saved}");
    assert!(
        close(f(&saved["preferences"]["weights"]["hostages"]), 1.0 / 3.0),
        "{saved}"
    );
    let saved = ok(
        put_preferences(
            &s,
            &t,
            "hamas",
            &t.ham,
            json!({"preferences": {"reservation": 0.3, "weights": weights(hamas_typed), "scores": hamas_scores(), "red_lines": [{"rule": HAMAS_RED_LINE}]}, "share_with_mediator": true}),
        ),
        200,
    );
    assert_eq!(saved["consent"], "shared");
    assert!(close(f(&saved["weights_rescaled_from"]), 10.0), "{saved}");
    let israel = Party::new(israel_typed, israel_scores(), 0.6, vec![israel_respects]);
    let hamas = Party::new(hamas_typed, hamas_scores(), 0.3, vec![hamas_respects]);
    // What the server stored is what the test computed.
    for (seat, token, party) in [("israel", &t.isr, &israel), ("hamas", &t.ham, &hamas)] {
        let p = get(&s, &format!("{}/seats/{seat}/preferences", t.base), token);
        for (i, _) in ISSUES {
            assert!(
                close(f(&p["preferences"]["weights"][i]), party.weights[i]),
                "{seat}.{i}: {p}"
            );
        }
    }
    let draft = outcome([
        "some",
        "pause",
        "partial",
        "possibility",
        "no_offensive",
        "expanded",
    ]);
    circulate(&s, &t, 0, &draft);

    // The merged scenario as a file: the shipped issues, the parties' preferences as saved
    // (normalised by the test), the draft on the table.
    let text = std::fs::read_to_string(common::root().join("scenarios/ceasefire.toml")).unwrap();
    let issues = &text[..text.find("[[parties]]").unwrap()];
    let mut file = issues.to_string();
    file += &israel.toml("israel", &[ISRAEL_RED_LINE]);
    file += &hamas.toml("hamas", &[HAMAS_RED_LINE]);
    file += "[[parties]]\nname = \"egypt\"\nrole = \"mediator\"\n\n[draft]\n";
    for (i, _) in ISSUES {
        file += &format!("{i} = \"{}\"\n", draft[i]);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("merged.toml");
    std::fs::write(&path, &file).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["analyze", path.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{file}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["parties"], json!(["israel", "hamas"]));

    // The rooms: each party's assessment (and the mediator's copy, both share).
    for (k, (seat, token, party)) in [("israel", &t.isr, &israel), ("hamas", &t.ham, &hamas)]
        .into_iter()
        .enumerate()
    {
        let a = get(&s, &format!("{}/seats/{seat}/assessment", t.base), token);
        let desk = get(&s, &format!("{}/seats/{seat}/assessment", t.base), &t.med);
        assert_eq!(a, desk, "the mediator sees what the party sees");
        let u = f(&a["draft"]["utility"]);
        assert!(close(u, f(&report["draft"]["utilities"][k])), "{seat}: {a}");
        assert!(close(u, party.utility(&draft)), "{seat}: {a}");
        assert!((0.0..=1.0).contains(&u));
        assert!(close(f(&a["reservation"]), f(&report["reservations"][k])));
        assert_eq!(
            a["draft"]["within_red_lines"], report["draft"]["respects_red_lines"][k],
            "{seat}"
        );
        assert_eq!(
            a["draft"]["above_reservation"],
            json!(f(&report["draft"]["utilities"][k]) >= f(&report["reservations"][k])),
            "{seat}"
        );
        assert_eq!(
            a["draft"]["red_lines_crossed"],
            json!(party.crossed(&draft)),
            "{seat}"
        );
        for (issue, _) in ISSUES {
            let got = &clause(&a, issue)["best_change"];
            match party.best_change(&draft, issue) {
                None => assert!(got.is_null(), "{seat}.{issue}: {got}"),
                Some((value, u, c)) => {
                    assert_eq!(got["value"], value, "{seat}.{issue}: {got}");
                    assert!(close(f(&got["utility"]), u), "{seat}.{issue}: {got}");
                    assert!((0.0..=1.0).contains(&f(&got["utility"])));
                    assert_eq!(got["red_lines_crossed"], json!(c), "{seat}.{issue}");
                }
            }
        }
    }
    // This draft is interesting: below Israel's walk-away point, above Hamas's.
    assert!(israel.utility(&draft) < 0.6 && hamas.utility(&draft) >= 0.3);

    // The desk: the analysis against the same report.
    let an = get(&s, &format!("{}/analysis", t.base), &t.med);
    assert_eq!(an["parties"], json!(["israel", "hamas"]), "{an}");
    assert_eq!(an["left_out"], json!([]));
    let zone_count = report["agreement_zone"]["count"].as_u64().unwrap();
    assert!(zone_count > 0, "a zone to count: {report}");
    assert_eq!(an["zone"]["count"], json!(zone_count.to_string()), "{an}");
    assert_eq!(an["zone"]["exists"], json!(zone_count > 0));
    assert_eq!(
        an["zone"]["outcomes"],
        json!(report["outcome_count"].to_string())
    );
    assert_eq!(
        outcome_of_clauses(&an["nash"]),
        outcome_of_object(&report["agreement_zone"]["solutions"]["nash"]["outcome"]),
        "{an}"
    );
    let improvements = &an["draft"]["improvements"];
    let count = report["draft"]["improvements"]["count"].as_u64().unwrap();
    assert!(count > 0);
    assert_eq!(improvements["count"], json!(count.to_string()), "{an}");
    let mut ours: Vec<Outcome> = improvements["best"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| outcome_of_clauses(&b["clauses"]))
        .collect();
    let mut theirs: Vec<Outcome> = report["draft"]["improvements"]["best"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| outcome_of_object(&b["outcome"]))
        .collect();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs, "{an}");
    for b in improvements["best"].as_array().unwrap() {
        let o = outcome_of_clauses(&b["clauses"]);
        let free = israel.crossed(&o) + hamas.crossed(&o) == 0;
        assert_eq!(b["within_red_lines"], json!(free), "{b}");
        // Every improvement is one: both weakly better off, one strictly.
        assert!(israel.utility(&o) >= israel.utility(&draft) - 1e-9);
        assert!(hamas.utility(&o) >= hamas.utility(&draft) - 1e-9);
    }
    // The standing the desk shows for each party.
    let standing = an["draft"]["standing"].as_array().unwrap();
    assert_eq!(standing.len(), 2, "{an}");
    for (k, seat) in ["israel", "hamas"].iter().enumerate() {
        let st = standing.iter().find(|x| x["party"] == *seat).unwrap();
        assert_eq!(
            st["within_red_lines"],
            report["draft"]["respects_red_lines"][k]
        );
        assert_eq!(
            st["above_reservation"],
            json!(f(&report["draft"]["utilities"][k]) >= f(&report["reservations"][k]))
        );
    }
}

crate::on_sqlite_and_postgres!(
    numbers_match_accord_analyze_on_sqlite,
    numbers_match_accord_analyze_on_postgres,
    "numbers.db",
    "numbers",
    numbers_match_the_engine
);
