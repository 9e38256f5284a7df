//! Round trips that lose nothing: import -> export (GENIUS XML, Accord TOML) -> import gives the
//! same utility, for every party, on every outcome (a fixed sample of 200,000 outcomes for the
//! 10^10-outcome nonlinear domains).

use accord_analysis::testing::Rng;
use accord_formats::{load, parse_scenario, to_genius, to_toml, Format, ReadOptions};
use accord_model::Scenario;
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    assert!(
        p.join("domains").is_dir(),
        "the shared domains are missing: expected {}",
        p.display()
    );
    p
}

fn inputs() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for sub in ["domains/genius", "domains/anl2023"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(shared().join(sub))
            .expect("folder")
            .map(|e| e.expect("entry").path())
            .collect();
        dirs.sort();
        v.extend(dirs);
    }
    v
}

fn same_utilities(a: &Scenario, b: &Scenario, what: &str) {
    assert_eq!(
        a.space.size_u128().unwrap(),
        b.space.size_u128().unwrap(),
        "{what}: outcome count"
    );
    let pa: Vec<_> = a
        .parties
        .iter()
        .filter_map(|p| p.preferences.as_ref())
        .collect();
    let pb: Vec<_> = b
        .parties
        .iter()
        .filter_map(|p| p.preferences.as_ref())
        .collect();
    assert_eq!(pa.len(), pb.len(), "{what}: parties");
    for (x, y) in a.parties.iter().zip(&b.parties) {
        assert_eq!(
            x.reservation, y.reservation,
            "{what}: reservation of {}",
            x.name
        );
        assert_eq!(x.discount, y.discount, "{what}: discount of {}", x.name);
    }
    let size = a.space.size_u64().expect("the shipped domains fit 64 bits");
    let mut rng = Rng::new(7);
    let sample: Box<dyn Iterator<Item = u64>> = if size <= 2_000_000 {
        Box::new(0..size)
    } else {
        Box::new((0..200_000).map(move |_| rng.below(size)))
    };
    for index in sample {
        let oa = a
            .space
            .outcome(accord_model::U256::from(index))
            .expect("in range");
        let ob = b
            .space
            .outcome(accord_model::U256::from(index))
            .expect("in range");
        for (x, y) in pa.iter().zip(&pb) {
            let (ux, uy) = (x.utility(&a.space, &oa), y.utility(&b.space, &ob));
            assert!(
                (ux - uy).abs() < 1e-12,
                "{what}: outcome {index}: {ux} vs {uy}"
            );
        }
    }
}

#[test]
fn genius_and_toml_exports_lose_nothing() {
    let tmp = std::env::temp_dir().join(format!("accord-roundtrip-{}", std::process::id()));
    for input in inputs() {
        let what = input.display().to_string();
        let original = load(std::slice::from_ref(&input), ReadOptions { lenient: true })
            .unwrap_or_else(|e| panic!("{e}"))
            .scenario;

        let toml = to_toml(&original).unwrap_or_else(|e| panic!("{what}: {e}"));
        let back = parse_scenario(&toml, Format::Toml, "export.toml")
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(back, original, "{what}: TOML round trip");

        let files = to_genius(&original).unwrap_or_else(|e| panic!("{what}: {e}"));
        let dir = tmp.join(input.file_name().expect("name"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut paths = vec![dir.join(&files.domain.0)];
        std::fs::write(&paths[0], &files.domain.1).expect("write");
        for (name, text) in &files.profiles {
            let p = dir.join(name);
            std::fs::write(&p, text).expect("write");
            paths.push(p);
        }
        // Strict mode: what Accord writes is well-formed.
        let back = load(&paths, ReadOptions { lenient: false })
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .scenario;
        same_utilities(&original, &back, &what);
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn shipped_scenarios_without_red_lines_export_to_genius() {
    // Red lines have no GENIUS form: the export says so instead of dropping them.
    let s = accord_formats::read_scenario(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/ceasefire.toml"),
    )
    .expect("scenario");
    let e = to_genius(&s).unwrap_err().to_string();
    assert!(
        e.contains("GENIUS XML has no red lines: `ceasefire != permanent` of `israel`"),
        "{e}"
    );
}

#[test]
fn dropping_what_genius_cannot_hold_keeps_everything_else() {
    // Every shipped scenario exports once its red lines (and terms GENIUS cannot hold) are left
    // out; each is reported, and the rest reads back with the same utilities.
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 3);
    for path in names {
        let what = path.display().to_string();
        let s = accord_formats::read_scenario(&path).expect("scenario");
        let (files, dropped) =
            accord_formats::to_genius_dropping(&s).unwrap_or_else(|e| panic!("{what}: {e}"));
        // The expected scenario: negotiators only, without red lines and the dropped terms.
        let mut expected = s.clone();
        expected
            .parties
            .retain(|p| p.role == accord_model::Role::Party);
        let red_lines: usize = expected.parties.iter().map(|p| p.red_lines.len()).sum();
        for p in &mut expected.parties {
            for r in p.red_lines.drain(..) {
                assert!(
                    dropped.iter().any(|d| d.party == p.name
                        && d.kind == "red line"
                        && d.rule == r.rule.to_string()),
                    "{what}: red line `{}` of `{}` not reported in {dropped:?}",
                    r.rule,
                    p.name
                );
            }
            let prefs = p.preferences.as_mut().expect("preferences");
            prefs.terms.retain(|t| {
                !dropped
                    .iter()
                    .any(|d| d.party == p.name && d.kind == "term" && d.rule == t.rule.to_string())
            });
        }
        let terms = dropped.iter().filter(|d| d.kind == "term").count();
        assert_eq!(dropped.len(), red_lines + terms, "{what}: {dropped:?}");
        assert!(
            red_lines > 0,
            "{what}: the shipped scenarios have red lines"
        );
        let out = tmp.path().join(path.file_stem().expect("stem"));
        std::fs::create_dir_all(&out).expect("dir");
        let mut paths = vec![out.join(&files.domain.0)];
        std::fs::write(&paths[0], &files.domain.1).expect("write");
        for (name, text) in &files.profiles {
            paths.push(out.join(name));
            std::fs::write(paths.last().unwrap(), text).expect("write");
        }
        let back = load(&paths, ReadOptions { lenient: false })
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .scenario;
        same_utilities(&expected, &back, &what);
    }
}
