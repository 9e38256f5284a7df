//! GENIUS reading is linear in the number of items (issue 18): a discrete issue of 200,000 items
//! is read, with its profiles, and every item keeps its name, order and evaluation. Before the
//! fix, duplicate checks and value lookups scanned the items one by one (quadratic: over 60 s);
//! the figure lives in BENCHMARKS.md, never in a timed assertion here.

use accord_formats::{load, ReadOptions};
use accord_model::{IssueKind, ValueFunction};
use std::fmt::Write as _;
use std::path::PathBuf;

const ITEMS: usize = 200_000;

fn item_name(k: usize) -> String {
    // Names with the separators users meet in ANAC files (spaces, commas, an escaped `&`).
    format!("Item {k}, kind &amp; size {}", k % 7)
}

fn evaluation(party: usize, k: usize) -> usize {
    // 1..=1000, different for both parties; the maximum (1000) is reached.
    if party == 0 {
        k % 1000 + 1
    } else {
        1000 - k % 1000
    }
}

fn domain_xml(items: usize, duplicate: bool) -> String {
    let mut s = String::with_capacity(items * 60);
    s.push_str("<negotiation_template>\n<utility_space>\n<objective index=\"0\" name=\"big\" type=\"objective\" etype=\"objective\">\n");
    s.push_str("<issue index=\"1\" name=\"Big\" type=\"discrete\" etype=\"discrete\" vtype=\"discrete\">\n");
    for k in 0..items {
        writeln!(s, "<item index=\"{}\" value=\"{}\"/>", k + 1, item_name(k)).unwrap();
    }
    if duplicate {
        writeln!(
            s,
            "<item index=\"{}\" value=\"{}\"/>",
            items + 1,
            item_name(3)
        )
        .unwrap();
    }
    s.push_str("</issue>\n<issue index=\"2\" name=\"Small\" type=\"discrete\" etype=\"discrete\" vtype=\"discrete\">\n");
    s.push_str("<item index=\"1\" value=\"a\"/>\n<item index=\"2\" value=\"b\"/>\n</issue>\n");
    s.push_str("</objective>\n</utility_space>\n</negotiation_template>\n");
    s
}

fn profile_xml(party: usize, items: usize, duplicate: bool) -> String {
    let mut s = String::with_capacity(items * 80);
    s.push_str("<utility_space>\n<objective index=\"0\" name=\"big\" type=\"objective\" etype=\"objective\">\n");
    writeln!(
        s,
        "<weight index=\"1\" value=\"{}\"/>",
        0.6 - 0.2 * party as f64
    )
    .unwrap();
    writeln!(
        s,
        "<weight index=\"2\" value=\"{}\"/>",
        0.4 + 0.2 * party as f64
    )
    .unwrap();
    s.push_str("<issue index=\"1\" name=\"Big\" type=\"discrete\" etype=\"discrete\" vtype=\"discrete\">\n");
    // Listed in reverse: the profile's order need not be the domain's.
    for k in (0..items).rev() {
        writeln!(
            s,
            "<item index=\"{}\" value=\"{}\" evaluation=\"{}\"/>",
            k + 1,
            item_name(k),
            evaluation(party, k)
        )
        .unwrap();
    }
    if duplicate {
        // Evaluated twice: the last one wins, as in GENIUS.
        writeln!(
            s,
            "<item index=\"1\" value=\"{}\" evaluation=\"1000\"/>",
            item_name(0)
        )
        .unwrap();
    }
    s.push_str("</issue>\n<issue index=\"2\" name=\"Small\" type=\"discrete\" etype=\"discrete\" vtype=\"discrete\">\n");
    s.push_str("<item index=\"1\" value=\"a\" evaluation=\"1\"/>\n<item index=\"2\" value=\"b\" evaluation=\"2\"/>\n</issue>\n");
    s.push_str("</objective>\n</utility_space>\n");
    s
}

fn write_folder(duplicate: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let folder = dir.path().join("big");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(folder.join("big_domain.xml"), domain_xml(ITEMS, duplicate)).unwrap();
    std::fs::write(folder.join("big_a.xml"), profile_xml(0, ITEMS, duplicate)).unwrap();
    std::fs::write(folder.join("big_b.xml"), profile_xml(1, ITEMS, duplicate)).unwrap();
    (dir, folder)
}

#[test]
fn a_genius_issue_of_200000_items_is_read_whole() {
    let (_dir, folder) = write_folder(false);
    let loaded = load(&[folder], ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.scenario;
    assert_eq!(s.space.size_u128().unwrap(), 2 * ITEMS as u128);
    let IssueKind::Discrete { options } = &s.space.issues()[0].kind else {
        panic!("Big should be discrete");
    };
    assert_eq!(options.len(), ITEMS);
    for k in [0, 1, 999, 1000, 123_456, ITEMS - 1] {
        assert_eq!(options[k].name, item_name(k).replace("&amp;", "&"));
    }
    assert_eq!(s.parties.len(), 2);
    for (p, party) in s.parties.iter().enumerate() {
        let prefs = party.preferences.as_ref().expect("preferences");
        let ValueFunction::Table(t) = &prefs.functions[0] else {
            panic!("a table");
        };
        assert_eq!(t.len(), ITEMS);
        for k in [0, 1, 999, 1000, 123_456, ITEMS - 1] {
            let want = evaluation(p, k) as f64 / 1000.0;
            assert!(
                (t[k] - want).abs() < 1e-12,
                "party {p}, item {k}: {} != {want}",
                t[k]
            );
        }
    }
}

#[test]
fn duplicates_among_200000_items_are_found_strictly_and_repaired_leniently() {
    let (_dir, folder) = write_folder(true);
    let e = load(std::slice::from_ref(&folder), ReadOptions::default()).unwrap_err();
    // The duplicate stands on the line after the last item: header (4 lines) + ITEMS.
    assert_eq!(e.line, Some(4 + ITEMS + 1), "{e}");
    assert!(
        e.message
            .contains("lists value `Item 3, kind & size 3` twice"),
        "{e}"
    );
    assert!(e.message.contains("--lenient"), "{e}");

    let loaded = load(&[folder], ReadOptions { lenient: true }).unwrap_or_else(|e| panic!("{e}"));
    let messages: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].contains("twice"), "{messages:?}");
    assert!(
        messages[1..].iter().all(|m| m.contains("evaluated twice")),
        "{messages:?}"
    );
    let a = loaded.scenario.parties[0].preferences.as_ref().unwrap();
    let ValueFunction::Table(t) = &a.functions[0] else {
        panic!("a table");
    };
    // Item 0 was evaluated 1 first, then 1000: the last one wins.
    assert_eq!(t[0], 1.0);
    assert_eq!(t.len(), ITEMS);
}
