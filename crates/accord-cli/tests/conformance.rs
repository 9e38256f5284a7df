//! Conformance: every shared ANAC domain loads as GENIUS reads it, and its analysis matches
//! independent reference values (`shared/reference/README.md`, each ANL 2023 `specials.json`,
//! the `pareto.xml` frontiers of the nonlinear domains). Tolerance 1e-6 on utilities.
//!
//! The shared folder sits beside the repository (`../shared`, as in CI). Missing, these tests
//! fail: they never skip.

use accord_analysis::{analyze, Options, Report};
use accord_formats::{load, ReadOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};

const TOL: f64 = 1e-6;

fn shared() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    assert!(
        p.join("domains").is_dir(),
        "the shared domains are missing: expected {} (the repository's sibling `shared/`)",
        p.display()
    );
    p
}

fn genius(folder: &str) -> PathBuf {
    shared().join("domains/genius").join(folder)
}

fn analyse(paths: &[PathBuf], lenient: bool) -> (accord_model::Scenario, Report) {
    let loaded = load(paths, ReadOptions { lenient }).unwrap_or_else(|e| panic!("{e}"));
    let report = analyze(&loaded.scenario, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    (loaded.scenario, report)
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= TOL)
}

/// The report's frontier equals `reference` (any order), point by point within TOL.
fn assert_same_frontier(name: &str, r: &Report, mut reference: Vec<Vec<f64>>) {
    let mut ours: Vec<Vec<f64>> = r
        .pareto_frontier
        .iter()
        .map(|p| p.utilities.clone())
        .collect();
    reference.sort_by(|a, b| a[0].total_cmp(&b[0]));
    ours.sort_by(|a, b| a[0].total_cmp(&b[0]));
    assert_eq!(ours.len(), reference.len(), "{name}: frontier {ours:?}");
    for (a, b) in ours.iter().zip(&reference) {
        assert!(close(a, b), "{name}: frontier {a:?} vs {b:?}");
    }
}

fn solution(r: &Report, s: &Option<accord_analysis::Solution>) -> Vec<f64> {
    let s = s.as_ref().expect("a solution");
    r.pareto_frontier[s.point].utilities.clone()
}

struct Row {
    folder: &'static str,
    profiles: [&'static str; 2],
    outcomes: u128,
    /// (reference count, ours): see `float_noise` below for the two that differ.
    pareto_full: (usize, usize),
    pareto_rational: (usize, usize),
    nash: [f64; 2],
    ks: [f64; 2],
    max_welfare: [f64; 2],
    welfare_ties: usize,
    opposition: f64,
}

/// The table of `shared/reference/README.md`.
///
/// Two frontier counts differ by design. The reference keeps points that a floating-point
/// comparison separates although they are equal in exact arithmetic: in Party,
/// (0.7850000000000001, 0.9041) is kept beside (0.7849999999999999, 0.9286), which dominates it
/// (both first utilities are exactly 0.785); SupermarketB has four such points, e.g.
/// (0.9400000000000001, 0.4850000000000001). Accord treats utilities within 1e-12 as equal, so
/// it reports 10 and 39. (Checked with an independent brute-force enumeration in Python.)
const TABLE: &[Row] = &[
    Row {
        folder: "Laptop",
        profiles: ["Laptop-C-prof1.xml", "Laptop-C-prof2.xml"],
        outcomes: 27,
        pareto_full: (4, 4),
        pareto_rational: (4, 4),
        nash: [1.000052, 0.815105],
        ks: [0.874024, 0.874024],
        max_welfare: [1.000052, 0.815105],
        welfare_ties: 1,
        opposition: 0.159605,
    },
    Row {
        folder: "ItexvsCypress",
        profiles: ["ItexvsCypress_Itex.xml", "ItexvsCypress_Cypress.xml"],
        outcomes: 180,
        pareto_full: (18, 18),
        pareto_rational: (18, 18),
        nash: [0.721478, 0.670478],
        ks: [0.721478, 0.670478],
        max_welfare: [0.721478, 0.670478],
        welfare_ties: 1,
        opposition: 0.431462,
    },
    Row {
        folder: "EnglandZimbabwe",
        profiles: ["England.xml", "Zimbabwe.xml"],
        outcomes: 576,
        pareto_full: (25, 25),
        pareto_rational: (25, 25),
        nash: [0.910916, 0.733218],
        ks: [0.822286, 0.786570],
        max_welfare: [0.910916, 0.733218],
        welfare_ties: 1,
        opposition: 0.272117,
    },
    Row {
        folder: "Grocery",
        profiles: ["Grocery_domain_mary.xml", "Grocery_domain_sam.xml"],
        outcomes: 1600,
        pareto_full: (7, 7),
        pareto_rational: (7, 7),
        nash: [0.84, 0.895],
        ks: [0.84, 0.895],
        max_welfare: [0.84, 0.895],
        welfare_ties: 2,
        opposition: 0.191377,
    },
    Row {
        folder: "Party",
        profiles: ["party1_utility.xml", "party2_utility.xml"],
        outcomes: 3072,
        pareto_full: (11, 10),
        pareto_rational: (11, 10),
        nash: [0.785, 0.928565],
        ks: [0.848333, 0.856491],
        max_welfare: [0.785, 0.928565],
        welfare_ties: 1,
        opposition: 0.2088,
    },
    Row {
        folder: "CameraB",
        profiles: ["Camera-B-prof1.xml", "Camera-B-prof2.xml"],
        outcomes: 3600,
        pareto_full: (16, 16),
        pareto_rational: (16, 16),
        nash: [0.820651, 0.8907],
        ks: [0.839401, 0.818371],
        max_welfare: [0.820651, 0.8907],
        welfare_ties: 1,
        opposition: 0.21003,
    },
    Row {
        folder: "EnergySmallB",
        profiles: ["EnergySmall-B-prof1.xml", "EnergySmall-B-prof2.xml"],
        outcomes: 15625,
        pareto_full: (92, 92),
        pareto_rational: (72, 72),
        nash: [0.683271, 0.7093],
        ks: [0.687874, 0.701324],
        max_welfare: [0.683271, 0.7093],
        welfare_ties: 1,
        opposition: 0.429877,
    },
    Row {
        folder: "Wholesaler",
        profiles: ["Wholesaler-prof1.xml", "Wholesaler-prof2.xml"],
        outcomes: 56700,
        pareto_full: (15, 15),
        pareto_rational: (11, 11),
        nash: [0.775, 0.79],
        ks: [0.775, 0.79],
        max_welfare: [0.775, 0.79],
        welfare_ties: 1,
        opposition: 0.307774,
    },
    Row {
        folder: "SupermarketB",
        profiles: ["Supermarket-B-prof1.xml", "Supermarket-B-prof2.xml"],
        outcomes: 112896,
        pareto_full: (43, 39),
        pareto_rational: (43, 39),
        nash: [0.855, 0.68],
        ks: [0.75, 0.76],
        max_welfare: [0.915, 0.62],
        welfare_ties: 4,
        opposition: 0.346554,
    },
    Row {
        folder: "Travel",
        profiles: ["travel_chox.xml", "travel_fanny.xml"],
        outcomes: 188160,
        pareto_full: (12, 12),
        pareto_rational: (12, 12),
        nash: [0.882412, 0.802015],
        ks: [0.882412, 0.802015],
        max_welfare: [0.919558, 0.764879],
        welfare_ties: 1,
        opposition: 0.230271,
    },
];

fn domain_file(folder: &Path, profiles: &[&str]) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "xml")
                && !profiles
                    .iter()
                    .any(|q| p.file_name().is_some_and(|n| n == *q))
                && p.file_name().is_some_and(|n| n != "pareto.xml")
        })
        .collect();
    assert_eq!(files.len(), 1, "one domain file in {}", folder.display());
    files.remove(0)
}

#[test]
fn genius_reference_table() {
    for row in TABLE {
        let folder = genius(row.folder);
        let mut paths = vec![domain_file(&folder, &row.profiles)];
        paths.extend(row.profiles.iter().map(|p| folder.join(p)));
        let (s, r) = analyse(&paths, false);
        let name = row.folder;
        assert_eq!(
            s.space.size_u128().unwrap(),
            row.outcomes,
            "{name}: outcomes"
        );
        assert_eq!(
            r.pareto_frontier.len(),
            row.pareto_full.1,
            "{name}: frontier (reference {})",
            row.pareto_full.0
        );
        assert_eq!(
            r.zone.pareto_frontier.len(),
            row.pareto_rational.1,
            "{name}: rational frontier"
        );
        assert!(
            close(&solution(&r, &r.solutions.nash), &row.nash),
            "{name}: nash {:?}",
            solution(&r, &r.solutions.nash)
        );
        assert!(
            close(&solution(&r, &r.solutions.equal_utility), &row.ks),
            "{name}: KS (GENIUS) = equal_utility"
        );
        let mw = r.solutions.max_welfare.as_ref().expect("max welfare");
        let mw_sum: f64 = r.pareto_frontier[mw.point].utilities.iter().sum();
        assert!(
            (mw_sum - row.max_welfare.iter().sum::<f64>()).abs() <= 2.0 * TOL,
            "{name}: welfare"
        );
        assert_eq!(mw.ties, row.welfare_ties, "{name}: welfare ties");
        assert!(
            (r.opposition - row.opposition).abs() <= TOL,
            "{name}: opposition {}",
            r.opposition
        );
    }
}

/// Nash bids given in the reference README (GENIUS semantics).
#[test]
fn genius_nash_bids() {
    let cases: [(&str, &[&str]); 4] = [
        ("Laptop", &["HP", "60 Gb", "19'' LCD"]),
        (
            "ItexvsCypress",
            &[
                "$3.47",
                "45 days",
                "30 days after delivery",
                "5% spoilage allowed",
            ],
        ),
        (
            "CameraB",
            &[
                "Canon",
                "APS-C",
                "High end model",
                "Manfrotto",
                "Lowepro",
                "Battery Grip",
            ],
        ),
        (
            "Travel",
            &[
                "Hospitality",
                "Nightlife and entertainment",
                "International cuisine",
                "Markets",
                "Cinema",
                "Bike tours",
                "Monuments",
            ],
        ),
    ];
    for (folder, bid) in cases {
        let (s, r) = analyse(&[genius(folder)], false);
        let nash = r.solutions.nash.as_ref().expect("nash");
        let outcome = &r.pareto_frontier[nash.point].outcomes[0];
        let values: Vec<String> = s
            .space
            .describe(outcome)
            .into_iter()
            .map(|(_, v)| v.to_string())
            .collect();
        assert_eq!(
            values,
            bid.iter().map(|b| b.to_string()).collect::<Vec<_>>(),
            "{folder}"
        );
    }
}

/// The 50 ANL 2023 domains against their own `specials.json`.
#[test]
fn anl2023_specials() {
    let root = shared().join("domains/anl2023");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("anl2023")
        .map(|e| e.expect("entry").path())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 50);
    for d in dirs {
        let name = d.display().to_string();
        let sp: Value = serde_json::from_str(
            &std::fs::read_to_string(d.join("specials.json")).expect("specials"),
        )
        .expect("json");
        let (s, r) = analyse(std::slice::from_ref(&d), false);
        assert_eq!(
            s.space.size_u64().unwrap(),
            sp["size"].as_u64().expect("size"),
            "{name}"
        );
        let utils = |v: &Value| -> Vec<f64> {
            v["utility"]
                .as_array()
                .expect("utility")
                .iter()
                .map(|x| x.as_f64().expect("number"))
                .collect()
        };
        let reference = sp["pareto_front"]
            .as_array()
            .expect("front")
            .iter()
            .map(utils)
            .collect();
        assert_same_frontier(&name, &r, reference);
        assert!(
            close(&solution(&r, &r.solutions.nash), &utils(&sp["nash"])),
            "{name}: nash"
        );
        let kalai = solution(&r, &r.solutions.equal_utility);
        assert!(
            close(&kalai, &utils(&sp["kalai"])),
            "{name}: kalai = equal_utility"
        );
        let sw: f64 = utils(&sp["social_welfare"]).iter().sum();
        let ours_sw: f64 = solution(&r, &r.solutions.max_welfare).iter().sum();
        assert!((sw - ours_sw).abs() <= 2.0 * TOL, "{name}: social welfare");
        // ANL's "opposition" is the distance from (1, 1) to its kalai point (checked on all 50);
        // Accord's `opposition` is GENIUS's (closest outcome), never larger.
        let anl_opposition = ((1.0 - kalai[0]).powi(2) + (1.0 - kalai[1]).powi(2)).sqrt();
        assert!(
            (anl_opposition - sp["opposition"].as_f64().expect("opposition")).abs() <= TOL,
            "{name}: ANL opposition"
        );
        assert!(r.opposition <= anl_opposition + TOL);
    }
}

/// Nonlinear hyper-rectangle profiles, 10^10 outcomes: the frontier by pruned search equals the
/// shipped `pareto.xml` (plain `u1, u2` lines).
#[test]
fn nonlinear_frontiers_match_pareto_xml() {
    for folder in ["Nonlinear-S-1NIKFRT-1", "ANAC2014-10issues"] {
        let dir = genius(folder);
        let (s, r) = analyse(std::slice::from_ref(&dir), true);
        assert_eq!(s.space.size_u128().unwrap(), 10_000_000_000, "{folder}");
        assert_eq!(r.frontier_method, accord_analysis::Method::Enumeration);
        let text = std::fs::read_to_string(dir.join("pareto.xml")).expect("pareto.xml");
        let reference = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                l.split(',')
                    .map(|x| x.trim().parse::<f64>().expect("number"))
                    .collect()
            })
            .collect();
        assert_same_frontier(folder, &r, reference);
    }
}

#[test]
fn multilateral_and_numeric_domains_load() {
    for folder in ["Politics-3party", "Dinner-3party"] {
        let (s, r) = analyse(&[genius(folder)], false);
        assert_eq!(r.parties.len(), 3, "{folder}");
        // Decomposition agrees with enumeration on three parties.
        let m = accord_analysis::Model::new(&s).expect("model");
        let by_search =
            accord_analysis::visitors::frontier(&m, accord_analysis::visitors::Filter::All, 1);
        assert_eq!(by_search.len(), r.pareto_frontier.len(), "{folder}");
    }
    // Integer issue, linear evaluator with parameter0/parameter1: agent A scores 1 - 0.0005 v.
    let (s, _) = analyse(&[genius("WebService-integer")], false);
    assert_eq!(s.space.size_u128().unwrap(), 2001);
    let a = s.parties[0].preferences.as_ref().expect("preferences");
    let o = accord_model::Outcome(vec![1000]);
    assert!((a.utility(&s.space, &o) - 0.5).abs() < 1e-12);
    // Real issue, linear evaluator 1.3333333333 - 0.033333333 v on [10, 40], 100 grid steps;
    // at 10 it gives 1.0000000033, kept within [0, 1].
    let (s, _) = analyse(&[genius("Fuzzy-real")], false);
    assert_eq!(s.space.size_u128().unwrap(), 101);
    let buyer = s.parties[0].preferences.as_ref().expect("preferences");
    let at = |k: u32| buyer.utility(&s.space, &accord_model::Outcome(vec![k]));
    assert_eq!(at(0), 1.0);
    assert!((at(50) - (1.3333333333 - 0.033333333 * 25.0)).abs() < 1e-9);
}

/// The malformed real-world files: strict mode names file, line, column and the problem;
/// lenient mode loads them and says what it repaired.
#[test]
fn malformed_files_strict_and_lenient() {
    let dir = genius("SmartPhone-malformed");
    let e = load(std::slice::from_ref(&dir), ReadOptions { lenient: false })
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("SmartPhone.xml:45:27: not well-formed XML: malformed entity reference (GENIUS's own parser may accept it: try --lenient)"),
        "{e}"
    );
    let l = load(&[dir], ReadOptions { lenient: true }).expect("lenient");
    assert_eq!(l.warnings.len(), 3);
    assert!(l.warnings[0].message.contains("unescaped `&`"));
    assert!(l
        .scenario
        .space
        .issues()
        .iter()
        .any(|i| i.option_index("AT & T Mobility").is_some()));

    let dir = genius("AMPOvsCity");
    let e = load(std::slice::from_ref(&dir), ReadOptions { lenient: false })
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("ampo_vs_city_template.xml:6:3: issue `Increase in starting salaries` has no `type`/`etype` attribute; read as discrete (GENIUS accepts this; use --lenient)"),
        "{e}"
    );
    let l = load(&[dir], ReadOptions { lenient: true }).expect("lenient");
    assert_eq!(l.scenario.space.size_u128().unwrap(), 1_944_000);
    let dup = l
        .warnings
        .iter()
        .find(|w| w.message.contains("evaluated twice"))
        .expect("duplicate item warning");
    assert_eq!(dup.line, Some(15));
    assert!(
        dup.message.contains("the last one (8) wins"),
        "{}",
        dup.message
    );
    // The last evaluation wins: 8 / 100 for value `0` of the first issue, weight 0.457.
    let ampo = l.scenario.parties[0]
        .preferences
        .as_ref()
        .expect("preferences");
    assert!((ampo.issue_table(&l.scenario.space, 0)[0] - 0.457 * 0.08).abs() < 1e-12);

    for folder in ["Nonlinear-S-1NIKFRT-1", "ANAC2014-10issues"] {
        let e = load(&[genius(folder)], ReadOptions { lenient: false })
            .unwrap_err()
            .to_string();
        assert!(e.contains("profile-1.xml:3:1: not well-formed XML"), "{e}");
    }
}
