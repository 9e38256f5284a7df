//! Preferences without weights in `accord serve` (issue 13): a party of the cease-fire talks
//! ranks and rates, compares texts and answers walk-away questions over the API; the preferences
//! the server proposes are checked against a hand computation (rank-order-centroid weights,
//! word-scale scores) and against brute force over all 144 texts; the utility the room then
//! shows on a draft is checked the same way. Also: who may ask (a party for its own seat only),
//! input refused with 422 in words naming the field, rules checked as typed and said in words,
//! and errors about saved preferences without internal paths.

use common::server::{call, create, ok, seat_person, sign_up, start, Server};
use serde_json::{json, Value};

mod common;

/// The cease-fire issues and their options, in the scenario's order.
const ISSUES: [(&str, &[&str]); 6] = [
    ("hostages", &["none", "some", "all"]),
    ("ceasefire", &["pause", "permanent"]),
    ("withdrawal", &["none", "partial", "full"]),
    ("withdrawal_language", &["possibility", "guaranteed"]),
    ("rafah", &["not_addressed", "no_offensive"]),
    ("humanitarian", &["current", "expanded"]),
];

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Every text of the space, as option indices.
fn all_texts() -> Vec<[usize; 6]> {
    let mut out = Vec::new();
    for a in 0..3 {
        for b in 0..2 {
            for c in 0..3 {
                for d in 0..2 {
                    for e in 0..2 {
                        for g in 0..2 {
                            out.push([a, b, c, d, e, g]);
                        }
                    }
                }
            }
        }
    }
    out
}

fn text_json(t: &[usize; 6]) -> Value {
    json!(ISSUES
        .iter()
        .zip(t)
        .map(|((i, opts), &k)| (i.to_string(), json!(opts[k])))
        .collect::<serde_json::Map<_, _>>())
}

fn text_of(v: &Value) -> [usize; 6] {
    let mut t = [0; 6];
    for (k, (issue, opts)) in ISSUES.iter().enumerate() {
        let name = v[*issue].as_str().unwrap_or_else(|| panic!("{v}"));
        t[k] = opts.iter().position(|o| *o == name).unwrap();
    }
    t
}

/// Weights and scores (by option index) as plain numbers.
struct Prefs {
    w: [f64; 6],
    s: Vec<Vec<f64>>,
}

impl Prefs {
    fn utility(&self, t: &[usize; 6]) -> f64 {
        (0..6).map(|i| self.w[i] * self.s[i][t[i]]).sum()
    }

    /// From the scenario format's party fields as the server sends them.
    fn of(p: &Value) -> Prefs {
        let mut w = [0.0; 6];
        let mut s = Vec::new();
        for (k, (issue, opts)) in ISSUES.iter().enumerate() {
            w[k] = f(&p["weights"][issue]);
            s.push(opts.iter().map(|o| f(&p["scores"][issue][o])).collect());
        }
        Prefs { w, s }
    }
}

/// Kendall's tau-a between two lists of utilities.
fn kendall(a: &[f64], b: &[f64]) -> f64 {
    let (mut c, mut d) = (0.0, 0.0);
    for i in 0..a.len() {
        for j in i + 1..a.len() {
            let x = (a[i] - a[j]) * (b[i] - b[j]);
            if x > 0.0 {
                c += 1.0;
            } else if x < 0.0 {
                d += 1.0;
            }
        }
    }
    let n = a.len() as f64;
    (c - d) / (n * (n - 1.0) / 2.0)
}

struct Talks {
    base: String,
    med: String,
    isr: String,
    ham: String,
}

fn talks(s: &Server) -> Talks {
    let med = sign_up(s, "med");
    let isr = sign_up(s, "israel");
    let ham = sign_up(s, "hamas");
    let base = create(s, &med, "ceasefire");
    seat_person(s, &med, &base, "israel", &isr);
    seat_person(s, &med, &base, "hamas", &ham);
    Talks {
        base,
        med,
        isr,
        ham,
    }
}

fn post(s: &Server, path: &str, token: &str, body: Value) -> (u16, Value) {
    call(s, "POST", path, Some(token), Some(body))
}

/// Israel's ranking (hostages first, then rafah, ceasefire, withdrawal; the last two tied) and
/// words; "unacceptable" on no hostages released and on a permanent end.
fn israel_rating() -> Value {
    json!({
        "importance": {"hostages": 1, "rafah": 2, "ceasefire": 3, "withdrawal": 4, "withdrawal_language": 5, "humanitarian": 5},
        "ratings": {
            "hostages": {"none": "unacceptable", "some": "poor", "all": "best"},
            "ceasefire": {"pause": "best", "permanent": "unacceptable"},
            "withdrawal": {"none": "best", "partial": "acceptable", "full": "poor"},
            "withdrawal_language": {"possibility": "good", "guaranteed": "acceptable"},
            "rafah": {"not_addressed": "best", "no_offensive": "poor"},
            "humanitarian": {"current": "good", "expanded": "good"},
        },
        "confirm_red_lines": ["ceasefire"],
    })
}

/// The same by hand. Rank-order centroid over n = 6 positions: position r weighs
/// (1/6)·(1/r + … + 1/6); the tied last two share positions 5 and 6 equally; humanitarian is
/// rated alike throughout, so it makes no difference: weight 0, the rest renormalised. Scores:
/// unacceptable 0, poor 1/4, acceptable 1/2, good 3/4, best 1, rescaled per issue so that its
/// worst-rated option scores 0 and its best 1.
fn israel_by_hand() -> Prefs {
    let c = |r: usize| (r..=6).map(|j| 1.0 / j as f64).sum::<f64>() / 6.0;
    let tail = (c(5) + c(6)) / 2.0;
    let total = 1.0 - tail;
    // hostages 1st, ceasefire 3rd, withdrawal 4th, language tied 5th-6th, rafah 2nd.
    let w = [c(1), c(3), c(4), tail, c(2), 0.0].map(|x| x / total);
    let s = vec![
        vec![0.0, 0.25, 1.0],
        vec![1.0, 0.0],
        vec![1.0, (0.5 - 0.25) / 0.75, 0.0],
        vec![1.0, 0.0],
        vec![1.0, 0.0],
        vec![1.0, 1.0],
    ];
    Prefs { w, s }
}

/// A party that crosses no permanent end.
fn respects(t: &[usize; 6]) -> bool {
    t[1] != 1
}

#[test]
fn preferences_without_weights() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&format!(
        "sqlite://{}",
        dir.path().join("elicit.db").display()
    ));
    let t = talks(&s);
    let seat = format!("{}/seats/israel", t.base);

    // ---- Rank and rate: the proposal against the hand computation. ----
    let proposal = ok(
        post(
            &s,
            &format!("{seat}/elicitation/rating"),
            &t.isr,
            israel_rating(),
        ),
        200,
    );
    let hand = israel_by_hand();
    let got = Prefs::of(&proposal["preferences"]);
    for i in 0..6 {
        assert!(
            close(got.w[i], hand.w[i]),
            "weight {i}: {} vs {}",
            got.w[i],
            hand.w[i]
        );
        for (k, x) in hand.s[i].iter().enumerate() {
            assert!(close(got.s[i][k], *x), "score {i}/{k}: {proposal}");
        }
    }
    assert!(close(got.w.iter().sum(), 1.0));
    // No walk-away point yet; only the confirmed red line is in the preferences.
    assert!(
        proposal["preferences"]["reservation"].is_null(),
        "{proposal}"
    );
    let red = proposal["preferences"]["red_lines"].as_array().unwrap();
    assert_eq!(red.len(), 1, "{proposal}");
    assert_eq!(red[0]["rule"], "ceasefire != permanent");
    let proposed = proposal["proposed_red_lines"].as_array().unwrap();
    assert_eq!(proposed.len(), 2);
    assert_eq!(proposed[0]["issue"], "hostages");
    assert_eq!(proposed[0]["sentence"], "Hostages must not be none");
    assert_eq!(proposed[0]["confirmed"], false);
    assert_eq!(proposed[1]["sentence"], "Ceasefire must not be permanent");
    assert_eq!(proposed[1]["confirmed"], true);
    // The best texts, against brute force over the 144 texts within the red line.
    let mut ranked: Vec<f64> = all_texts()
        .iter()
        .filter(|x| respects(x))
        .map(|x| hand.utility(x))
        .collect();
    ranked.sort_by(|a, b| b.total_cmp(a));
    let best = proposal["implications"]["best"].as_array().unwrap();
    assert_eq!(best.len(), 5);
    for (b, u) in best.iter().zip(&ranked) {
        assert!(close(f(&b["utility"]), *u), "{b}");
        let x = text_of(&b["values"]);
        assert!(respects(&x) && close(hand.utility(&x), *u));
    }
    let sentences = proposal["implications"]["sentences"].to_string();
    assert!(
        sentences.contains("What matters most to you: hostages ("),
        "{sentences}"
    );
    assert!(
        sentences.contains("Humanitarian makes no difference to you."),
        "{sentences}"
    );
    assert!(
        sentences.contains("Red line: Ceasefire must not be permanent."),
        "{sentences}"
    );
    assert!(
        sentences.contains("Your walk-away point is not set yet"),
        "{sentences}"
    );
    // Labels, not ids, in what a person reads.
    assert_eq!(best[0]["clauses"][4]["value_label"], "not addressed");
    assert_eq!(best[0]["clauses"][3]["issue_label"], "withdrawal language");
    assert!(!sentences.contains("not_addressed") && !sentences.contains("withdrawal_language"));

    // ---- The walk-away point as texts: a party whose true walk-away point is 0.6. ----
    let truth = 0.6;
    let mut answers: Vec<Value> = Vec::new();
    let mut previous: Option<(f64, f64)> = None;
    let state = loop {
        let state = ok(
            post(
                &s,
                &format!("{seat}/elicitation/walk-away"),
                &t.isr,
                json!({"preferences": proposal["preferences"], "answers": answers}),
            ),
            200,
        );
        let (lo, hi) = (f(&state["between"][0]), f(&state["between"][1]));
        if answers.is_empty() {
            assert_eq!((lo, hi), (0.0, 1.0));
        }
        let Some(q) = state["question"].as_object() else {
            break state;
        };
        assert_eq!(
            q["prompt"],
            "Would you accept this text rather than no agreement?"
        );
        let x = text_of(&q["text"]["values"]);
        let u = hand.utility(&x);
        // Bisection by hand: the text within the red line, strictly inside what is still open,
        // whose utility is nearest the middle.
        let mid = (lo + hi) / 2.0;
        let nearest = all_texts()
            .iter()
            .filter(|y| respects(y))
            .map(|y| hand.utility(y))
            .filter(|&v| v > lo + 1e-12 && v < hi - 1e-12)
            .map(|v| (v - mid).abs())
            .fold(f64::INFINITY, f64::min);
        assert!(close((u - mid).abs(), nearest), "asked {u}, middle {mid}");
        assert!(respects(&x));
        if let Some((plo, phi)) = previous {
            assert!(lo >= plo && hi <= phi, "the interval only narrows");
        }
        previous = Some((lo, hi));
        answers.push(json!({"text": q["text"]["values"], "accept": u >= truth}));
    };
    assert_eq!(state["asked"], answers.len());
    assert!(answers.len() <= 6);
    let reservation = f(&state["reservation"]);
    let (lo, hi) = (f(&state["between"][0]), f(&state["between"][1]));
    assert!(close(reservation, (lo + hi) / 2.0));
    assert!(lo < truth + 1e-9 && hi >= truth - 1e-9, "{lo} {hi}");
    assert!(close(f(&state["preferences"]["reservation"]), reservation));
    // Just above and just below the walk-away point, by brute force.
    let above = &state["implications"]["accepted"][0];
    let below = &state["implications"]["refused"][0];
    let up = ranked
        .iter()
        .copied()
        .filter(|&u| u >= reservation)
        .fold(f64::INFINITY, f64::min);
    let down = ranked
        .iter()
        .copied()
        .filter(|&u| u < reservation)
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(
        close(f(&above["utility"]), up) && close(f(&below["utility"]), down),
        "{state}"
    );
    let said = state["implications"]["sentences"].to_string();
    assert!(said.contains("you would accept “"), "{said}");
    assert!(
        said.contains("rather than no agreement, but not “"),
        "{said}"
    );
    assert!(state["inconsistencies"].as_array().unwrap().is_empty());
    // Answers that disagree with the preferences are shown back.
    let best_text = best[0]["values"].clone();
    let worse = state["implications"]["refused"][0]["values"].clone();
    let odd = ok(
        post(
            &s,
            &format!("{seat}/elicitation/walk-away"),
            &t.isr,
            json!({"preferences": proposal["preferences"], "answers": [
                {"text": best_text, "accept": false}, {"text": worse, "accept": true}]}),
        ),
        200,
    );
    assert_eq!(odd["inconsistencies"][0]["answers"], json!([1, 2]), "{odd}");
    assert!(odd["question"].is_null());

    // ---- Confirmed and saved with the existing endpoint; the room's utility on a draft. ----
    ok(
        call(
            &s,
            "PUT",
            &format!("{seat}/preferences"),
            Some(&t.isr),
            Some(json!({"preferences": state["preferences"], "consent": "private"})),
        ),
        200,
    );
    let draft = [2, 0, 1, 0, 1, 0]; // all, pause, partial, possibility, no offensive, current
    ok(
        call(
            &s,
            "POST",
            &format!("{}/drafts", t.base),
            Some(&t.med),
            Some(json!({"base_version": 0, "respond_within_seconds": 600,
                "clauses": ISSUES.iter().zip(draft).map(|((i, o), k)| json!({"issue": i, "value": o[k]})).collect::<Vec<_>>()})),
        ),
        201,
    );
    let a = ok(
        call(&s, "GET", &format!("{seat}/assessment"), Some(&t.isr), None),
        200,
    );
    // By hand: c1·1 + c3·1 + c4·(1/3) + tail·1 + c2·0 + 0, over 1 − tail.
    assert!(
        close(f(&a["draft"]["utility"]), hand.utility(&draft)),
        "{a}"
    );
    assert_eq!(
        a["draft"]["above_reservation"],
        json!(hand.utility(&draft) >= reservation)
    );

    // ---- Comparisons: a party with the scenario's numbers for Israel answers truthfully. ----
    let truth_prefs = Prefs {
        w: [0.5, 0.15, 0.1, 0.05, 0.2, 0.0],
        s: vec![
            vec![0.0, 0.3, 1.0],
            vec![1.0, 0.0],
            vec![1.0, 0.5, 0.0],
            vec![1.0, 0.0],
            vec![1.0, 0.0],
            vec![0.5, 0.5],
        ],
    };
    let walk_away = 0.55;
    let path = format!("{seat}/elicitation/comparisons");
    let mut answers: Vec<Value> = Vec::new();
    let mut asked_compare = 0;
    let state = loop {
        let req = json!({"answers": answers});
        let state = ok(post(&s, &path, &t.isr, req.clone()), 200);
        // Stateless and deterministic: the same answers get the same question.
        let again = ok(post(&s, &path, &t.isr, req), 200);
        assert_eq!(state["question"], again["question"]);
        let Some(q) = state["question"].as_object() else {
            break state;
        };
        if q["kind"] == "compare" {
            asked_compare += 1;
            assert_eq!(
                q["prompt"],
                "Which of these two texts would you rather sign?"
            );
            let (x, y) = (text_of(&q["a"]["values"]), text_of(&q["b"]["values"]));
            assert_ne!(x, y);
            let (ux, uy) = (truth_prefs.utility(&x), truth_prefs.utility(&y));
            let answer = if (ux - uy).abs() < 1e-9 {
                "same"
            } else if ux > uy {
                "a"
            } else {
                "b"
            };
            answers.push(json!({"a": q["a"]["values"], "b": q["b"]["values"], "answer": answer}));
        } else {
            assert_eq!(q["kind"], "walk_away");
            let x = text_of(&q["text"]["values"]);
            answers.push(json!({"text": q["text"]["values"], "accept": truth_prefs.utility(&x) >= walk_away}));
        }
        assert!(answers.len() <= 30, "the budgets bound the questions");
    };
    assert!((1..=25).contains(&asked_compare), "{asked_compare}");
    assert_eq!(state["compared"], asked_compare);
    assert!(
        state["inconsistencies"].as_array().unwrap().is_empty(),
        "{state}"
    );
    let fitted = Prefs::of(&state["preferences"]);
    assert!(close(fitted.w.iter().sum(), 1.0));
    let texts = all_texts();
    let true_u: Vec<f64> = texts.iter().map(|x| truth_prefs.utility(x)).collect();
    let fit_u: Vec<f64> = texts.iter().map(|x| fitted.utility(x)).collect();
    let tau = kendall(&true_u, &fit_u);
    assert!(tau > 0.7, "Kendall tau {tau}");
    // The fit's own best text and utilities, recomputed from the numbers it sent.
    let best = &state["implications"]["best"][0];
    let top = fit_u.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(close(f(&best["utility"]), top), "{best}");
    assert!(close(fitted.utility(&text_of(&best["values"])), top));
    let fitted_reservation = f(&state["preferences"]["reservation"]);
    assert!((0.0..=1.0).contains(&fitted_reservation));
    // Contradicting answers are found and numbered.
    let (x, y) = (text_json(&texts[0]), text_json(&texts[143]));
    let bad = ok(
        post(
            &s,
            &path,
            &t.isr,
            json!({"answers": [
                {"a": x, "b": y, "answer": "a"}, {"a": y, "b": x, "answer": "a"}]}),
        ),
        200,
    );
    assert_eq!(bad["inconsistencies"][0]["answers"], json!([1, 2]), "{bad}");
    assert!(bad["inconsistencies"][0]["sentence"]
        .as_str()
        .unwrap()
        .contains("Answers 1 and 2"));
    // A hybrid: the rating as the starting point, its confirmed red line kept.
    let hybrid = ok(
        post(
            &s,
            &path,
            &t.isr,
            json!({"rating": israel_rating(), "answers": []}),
        ),
        200,
    );
    assert_eq!(
        hybrid["preferences"]["red_lines"][0]["rule"],
        "ceasefire != permanent"
    );
    assert_eq!(hybrid["question"]["kind"], "compare");

    // ---- Who may ask: a party for its own seat only; elicitation reads nobody's data. ----
    let outsider = sign_up(&s, "outsider");
    for (token, path, want) in [
        (&t.ham, format!("{seat}/elicitation/rating"), 403),
        (&t.med, format!("{seat}/elicitation/rating"), 403),
        (
            &t.med,
            format!("{}/seats/egypt/elicitation/rating", t.base),
            403,
        ),
        (&outsider, format!("{seat}/elicitation/rating"), 404),
        (&t.ham, format!("{seat}/elicitation/comparisons"), 403),
        (&t.med, format!("{seat}/elicitation/walk-away"), 403),
        (&t.ham, format!("{seat}/elicitation/implications"), 403),
    ] {
        let body = if path.ends_with("rating") {
            israel_rating()
        } else if path.ends_with("comparisons") {
            json!({})
        } else {
            json!({"preferences": proposal["preferences"]})
        };
        let (status, v) = post(&s, &path, token, body);
        assert_eq!(status, want, "{path}: {v}");
        assert!(v["error"]["message"].is_string());
    }
    let (status, _) = call(
        &s,
        "POST",
        &format!("{seat}/elicitation/rating"),
        None,
        Some(israel_rating()),
    );
    assert_eq!(status, 401);

    // ---- Input that cannot be used: 422, in words naming the field. ----
    let mut unknown = israel_rating();
    unknown["ratings"]["withdrawal"]["total"] = json!("good");
    let mut word = israel_rating();
    word["ratings"]["hostages"]["all"] = json!("great");
    let mut missing = israel_rating();
    missing["importance"]
        .as_object_mut()
        .unwrap()
        .remove("rafah");
    let mut unrated = israel_rating();
    unrated["ratings"]["withdrawal"]
        .as_object_mut()
        .unwrap()
        .remove("full");
    let mut all_bad = israel_rating();
    all_bad["ratings"]["ceasefire"] = json!({"pause": "unacceptable", "permanent": "unacceptable"});
    let one = json!({"a": text_json(&texts[0]), "b": text_json(&texts[1]), "answer": "a"});
    let mut partial_text = text_json(&texts[0]);
    partial_text.as_object_mut().unwrap().remove("rafah");
    let mut wrong_option = text_json(&texts[0]);
    wrong_option["withdrawal"] = json!("total");
    for (path, body, field) in [
        ("rating", unknown, "ratings.withdrawal.total: “withdrawal” has no option “total”"),
        ("rating", word, "ratings.hostages.all: “great” is not on the scale"),
        ("rating", missing, "importance.rafah:"),
        ("rating", unrated, "ratings.withdrawal: rate every option of “withdrawal”; “full” has no rating"),
        ("rating", all_bad, "option of “ceasefire” is rated unacceptable"),
        ("comparisons", json!({"answers": vec![one.clone(); 31]}), "answers: 31 answers"),
        ("comparisons", json!({"answers": [{"a": text_json(&texts[0]), "b": text_json(&texts[0]), "answer": "a"}]}), "answers[0]: the two texts of a comparison are the same"),
        ("comparisons", json!({"answers": [{"a": text_json(&texts[0]), "b": text_json(&texts[1]), "answer": "left"}]}), "answers[0].answer: “left” is not an answer"),
        ("comparisons", json!({"answers": [{"a": partial_text, "b": text_json(&texts[1]), "answer": "a"}]}), "answers[0].a: a text settles every issue, and this one gives no value for “rafah”"),
        ("comparisons", json!({"answers": [{"text": wrong_option, "accept": true}]}), "answers[0].text.withdrawal: “withdrawal” has no option “total”"),
        ("comparisons", json!({"answers": [{"a": text_json(&texts[0]), "accept": true}]}), "answers[0]: an answer is either a comparison"),
        ("comparisons", json!({"budget": 400}), "budget: ask from 1 to 40 comparisons"),
        ("walk-away", json!({"preferences": {"weights": {"hostages": 1}, "red_lines": ["withdrawal = total"]}}), "preferences: Red line 1 (“withdrawal = total”): after “withdrawal =”: “withdrawal” has no option “total”"),
        ("walk-away", json!({"preferences": proposal["preferences"], "questions": 50}), "questions: ask at most 12"),
    ] {
        let (status, v) = post(&s, &format!("{seat}/elicitation/{path}"), &t.isr, body);
        assert_eq!(status, 422, "{path}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(field) || message.contains(field), "{path}: {message}");
        assert!(!message.contains("parties["), "{message}");
    }
    // Not JSON of the right shape at all: 400, as everywhere in the API.
    let (status, _) = post(
        &s,
        &format!("{seat}/elicitation/rating"),
        &t.isr,
        json!({"importance": 3}),
    );
    assert_eq!(status, 400);

    // ---- Rules checked as typed, and said in words. ----
    let check = |rule: &str| {
        ok(
            post(
                &s,
                &format!("{}/rules/check", t.base),
                &t.ham,
                json!({"rule": rule}),
            ),
            200,
        )
    };
    let v = check("Rafah = no offensive");
    assert_eq!(v["valid"], true);
    assert_eq!(v["rule"], "rafah = no_offensive");
    assert_eq!(v["sentence"], "Rafah must be no offensive");
    let v = check("hostages = all => ceasefire = permanent and withdrawal = full");
    assert_eq!(
        v["sentence"],
        "If hostages is all, then ceasefire must be permanent and withdrawal must be full"
    );
    let v = check("withdrawal = total");
    assert_eq!(v["valid"], false);
    assert_eq!(
        v["message"],
        "After “withdrawal =”: “withdrawal” has no option “total” (options: none, partial, full)"
    );
    assert_eq!(v["at"], 14);
    let v = check("withdrawal_language = strong");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("“withdrawal language” has no option “strong”"),
        "{v}"
    );
    let (status, _) = post(
        &s,
        &format!("{}/rules/check", t.base),
        &outsider,
        json!({"rule": "x"}),
    );
    assert_eq!(status, 404);

    // ---- Saving: a bad red line named by its number and text; scores out of 10. ----
    let mut p = state["preferences"].clone();
    p["red_lines"] = json!(["rafah = no_offensive", "withdrawal = total"]);
    let (status, v) = call(
        &s,
        "PUT",
        &format!("{seat}/preferences"),
        Some(&t.isr),
        Some(json!({"preferences": p})),
    );
    assert_eq!(status, 400, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("Red line 2 (“withdrawal = total”): after “withdrawal =”: “withdrawal” has no option “total”"), "{message}");
    let mut p = state["preferences"].clone();
    p["scores"]["hostages"] = json!({"none": 0, "some": 3, "all": 10});
    let (status, v) = call(
        &s,
        "PUT",
        &format!("{seat}/preferences"),
        Some(&t.isr),
        Some(json!({"preferences": p})),
    );
    assert_eq!(status, 400, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("if you scored out of 10, divide every score by 10"),
        "{message}"
    );

    // ---- In the OpenAPI document, with their schemas. ----
    let doc = ok(call(&s, "GET", "/openapi.json", None, None), 200);
    for p in ["rating", "comparisons", "walk-away", "implications"] {
        assert!(
            doc["paths"][format!("/api/negotiations/{{id}}/seats/{{seat}}/elicitation/{p}")]
                ["post"]
                .is_object(),
            "{p}"
        );
    }
    assert!(doc["paths"]["/api/negotiations/{id}/rules/check"]["post"].is_object());
    for schema in [
        "RatingInput",
        "ComparisonRequest",
        "ComparisonState",
        "Proposal",
        "WalkAwayState",
        "RuleChecked",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}
