//! A party's bonuses and penalties (the scenario format's `terms`) in `accord serve` (issue 13):
//! the coalition scenario's Farmers' League keeps a penalty "when fuel tax is raise and farm
//! support is not raise"; its delegate reads it back, has its condition said in words, changes
//! the amount, adds a bonus built from labels, and the utility its room shows on a draft is the
//! hand computation with the edited terms. Amounts beyond the 0-1 scale and conditions naming
//! no option are refused in words.

use common::server::{call, create, ok, seat_person, sign_up, start};
use serde_json::{json, Value};

mod common;

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn bonuses_and_penalties_are_read_said_in_words_and_edited() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&format!(
        "sqlite://{}",
        dir.path().join("terms.db").display()
    ));
    let med = sign_up(&s, "informateur");
    let farmer = sign_up(&s, "farmer");
    let base = create(&s, &med, "coalition");
    let view = ok(call(&s, "GET", &base, Some(&med), None), 200);
    let seat = view["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .find(|x| x.contains("Farmers"))
        .expect("the Farmers' League seat");
    seat_person(&s, &med, &base, &seat, &farmer);
    let prefs_path = format!("{base}/seats/{}/preferences", urlencode(&seat));

    // ---- The scenario's penalty, as the delegate reads it. ----
    let got = ok(call(&s, "GET", &prefs_path, Some(&farmer), None), 200);
    let terms = &got["preferences"]["terms"];
    assert_eq!(
        terms,
        &json!([{"when": "fuel_tax = raise and farm_support != raise", "value": -0.2}]),
        "{got}"
    );
    let check = |rule: &str| {
        ok(
            call(
                &s,
                "POST",
                &format!("{base}/rules/check"),
                Some(&farmer),
                Some(json!({"rule": rule, "kind": "condition"})),
            ),
            200,
        )
    };
    let c = check(terms[0]["when"].as_str().unwrap());
    assert_eq!(c["valid"], true);
    assert_eq!(
        c["sentence"], "Fuel tax is raise and farm support is not raise",
        "{c}"
    );
    // A condition built from labels (as the page's builder offers them) reads as names.
    let c = check("Minimum wage <= 2 and Finance ministry = farmers");
    assert_eq!(
        c["rule"], "minimum_wage <= 2 and finance_ministry = farmers",
        "{c}"
    );
    assert_eq!(
        c["sentence"], "Minimum wage is at most 2 and finance ministry is farmers",
        "{c}"
    );
    let bad = check("fuel_tax = doubled");
    assert_eq!(bad["valid"], false);
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .contains("“fuel tax” has no option “doubled” (options: cut, freeze, raise)"),
        "{bad}"
    );

    // ---- Edited: a heavier penalty and a new bonus; saved and read back. ----
    let mut p = got["preferences"].clone();
    p["terms"] = json!([
        {"when": "fuel_tax = raise and farm_support != raise", "value": -0.3},
        {"when": "minimum_wage <= 2 and finance_ministry = farmers", "value": 0.1},
    ]);
    ok(
        call(
            &s,
            "PUT",
            &prefs_path,
            Some(&farmer),
            Some(json!({"preferences": p, "consent": "private"})),
        ),
        200,
    );
    let back = ok(call(&s, "GET", &prefs_path, Some(&farmer), None), 200);
    assert_eq!(back["preferences"]["terms"], p["terms"], "{back}");
    assert_eq!(back["source"], "party");

    // Refused in words: an amount typed as a percentage, a condition on an option that is not.
    for (terms, words) in [
        (
            json!([{"when": "fuel_tax = raise", "value": -20}]),
            "bonus or penalty 1 is -20; an amount runs from -1",
        ),
        (
            json!([{"when": "fuel_tax = raise", "value": 0.1}, {"when": "fuel_tax = doubled", "value": 0.1}]),
            "Bonus or penalty 2 (when “fuel_tax = doubled”): after “fuel_tax =”: “fuel tax” has no option “doubled”",
        ),
    ] {
        let mut q = p.clone();
        q["terms"] = terms;
        let (status, e) = call(
            &s,
            "PUT",
            &prefs_path,
            Some(&farmer),
            Some(json!({"preferences": q, "consent": "private"})),
        );
        assert_eq!(status, 400, "{e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{message}");
        assert!(!message.contains("parties["), "{message}");
    }

    // ---- The room's utility on drafts, against the hand computation with the edited terms. ----
    // The League: weights 0.15 / 0.35 / 0.35 / 0.15; minimum wage triangular through (0, 0.6),
    // (3, 1), (10, 0); fuel tax cut 1, freeze 0.6, raise 0; farm support cut 0, keep 0.5,
    // raise 1; finance ministry progress 0.2, farmers 1, liberals 0.5.
    let cases: [(i64, &str, &str, &str, f64); 3] = [
        // 4 %: 1 - 1/7 on the way down from the peak; the penalty applies (raise, keep).
        (
            4,
            "raise",
            "keep",
            "liberals",
            0.15 * (6.0 / 7.0) + 0.35 * 0.0 + 0.35 * 0.5 + 0.15 * 0.5 - 0.3,
        ),
        // 2 %: 0.6 + 0.4 · 2/3 on the way up; the bonus applies (farmers), not the penalty.
        (
            2,
            "raise",
            "raise",
            "farmers",
            0.15 * (0.6 + 0.4 * 2.0 / 3.0) + 0.35 * 0.0 + 0.35 * 1.0 + 0.15 * 1.0 + 0.1,
        ),
        // Neither applies.
        (
            3,
            "freeze",
            "keep",
            "progress",
            0.15 + 0.35 * 0.6 + 0.35 * 0.5 + 0.15 * 0.2,
        ),
    ];
    for (k, (wage, fuel, farm, finance, hand)) in cases.into_iter().enumerate() {
        ok(
            call(
                &s,
                "POST",
                &format!("{base}/drafts"),
                Some(&med),
                Some(
                    json!({"base_version": k, "respond_within_seconds": 600, "clauses": [
                        {"issue": "minimum_wage", "value": wage},
                        {"issue": "fuel_tax", "value": fuel},
                        {"issue": "farm_support", "value": farm},
                        {"issue": "finance_ministry", "value": finance},
                    ]}),
                ),
            ),
            201,
        );
        let a = ok(
            call(
                &s,
                "GET",
                &format!("{base}/seats/{}/assessment", urlencode(&seat)),
                Some(&farmer),
                None,
            ),
            200,
        );
        let u = f(&a["draft"]["utility"]);
        assert!((u - hand).abs() < 1e-9, "draft {}: {u} vs {hand}", k + 1);
    }
}

/// A seat name in a URL path (it may hold a space or an apostrophe).
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
