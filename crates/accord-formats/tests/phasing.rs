//! `[phasing]`: read in TOML and JSON, errors placed at file:line:column.

use accord_formats::{parse_phased_scenario, parse_scenario, Format};
use accord_model::{OpenValue, PhaseTerms, Scope, Trigger};

const BASE: &str = r#"
name = "t"
[[issues]]
name = "hostages"
options = ["some", "all"]
[[issues]]
name = "ceasefire"
options = ["pause", "permanent"]
[[parties]]
name = "a"
reservation = 0.4
weights = { hostages = 1.0, ceasefire = 0.0 }
scores = { hostages = { some = 0.3, all = 1.0 }, ceasefire = { pause = 0.5, permanent = 0.5 } }
"#;

fn with(phasing: &str) -> String {
    format!("{BASE}{phasing}")
}

const GOOD: &str = r#"
[[phasing.phases]]
name = "one"
days = 42
clauses = { hostages = "some", ceasefire = "pause" }
[[phasing.phases]]
name = "two"
days = 42
clauses = { ceasefire = "permanent" }
[[phasing.phases]]
name = "three"
days = 10
open = { agenda = ["hostages"], trigger = { phase = "one", day = 16 } }
[phasing.parties.a]
trust = 0.8
open_value = 0.5
red_lines = [{ rule = "ceasefire != permanent", scope = "one" }]
"#;

#[test]
fn reads_phases_and_views() {
    let (s, p) = parse_phased_scenario(&with(GOOD), Format::Toml, "t.toml").unwrap();
    let p = p.unwrap();
    let ph = p.agreement.phases();
    assert_eq!(ph.len(), 3);
    // Later phases inherit what they do not change.
    assert_eq!(ph[1].fixed().unwrap().0, vec![0, 1]);
    assert_eq!(
        ph[2].terms,
        PhaseTerms::Open {
            agenda: vec![0],
            trigger: Trigger::Day { phase: 0, day: 16 }
        }
    );
    assert_eq!(p.views[0].trust, 0.8);
    assert_eq!(p.views[0].open_value, OpenValue::Expected(0.5));
    assert_eq!(
        p.views[0].red_lines.as_ref().unwrap()[0].scope,
        Scope::Phase(0)
    );
    // The one-shot reader accepts the file and ignores the phasing.
    assert_eq!(
        parse_scenario(&with(GOOD), Format::Toml, "t.toml").unwrap(),
        s
    );
}

#[test]
fn json_reads_the_same() {
    let toml_doc: toml::Value = toml::from_str(&with(GOOD)).unwrap();
    let json = serde_json::to_string_pretty(&toml_doc).unwrap();
    let (_, a) = parse_phased_scenario(&json, Format::Json, "t.json").unwrap();
    let (_, b) = parse_phased_scenario(&with(GOOD), Format::Toml, "t.toml").unwrap();
    assert_eq!(a, b);
}

#[test]
fn errors_have_line_and_column() {
    let bad = GOOD.replace("scope = \"one\"", "scope = \"first\"");
    let text = with(&bad);
    let e = parse_phased_scenario(&text, Format::Toml, "t.toml").unwrap_err();
    let line = text
        .lines()
        .position(|l| l.contains("scope = \"first\""))
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line), "{e}");
    assert!(e.to_string().starts_with(&format!("t.toml:{line}:")), "{e}");
    assert!(e.message.contains("no phase is called `first`"), "{e}");

    let bad = GOOD.replace("day = 16", "day = 60");
    let e = parse_phased_scenario(&with(&bad), Format::Toml, "t.toml").unwrap_err();
    assert!(e.line.is_some() && e.message.contains("day 60"), "{e}");

    let bad = GOOD.replace("trust = 0.8", "trust = 1.5");
    let text = with(&bad);
    let e = parse_phased_scenario(&text, Format::Toml, "t.toml").unwrap_err();
    let line = text
        .lines()
        .position(|l| l.contains("trust = 1.5"))
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line), "{e}");

    let bad = GOOD.replace("ceasefire = \"permanent\" }", "ceasefire = \"forever\" }");
    let e = parse_phased_scenario(&with(&bad), Format::Toml, "t.toml").unwrap_err();
    assert!(e.line.is_some() && e.message.contains("forever"), "{e}");
}
