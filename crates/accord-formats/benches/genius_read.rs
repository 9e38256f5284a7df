//! Reading a GENIUS domain whose one discrete issue has N items, with two profiles (issue 18:
//! reading was quadratic in N). Prints the wall time of `accord_formats::load` per N.
//!
//! `cargo bench -p accord-formats --bench genius_read` (add `-- 200000` for one size).

use accord_formats::{load, ReadOptions};
use std::fmt::Write as _;
use std::time::Instant;

fn write(dir: &std::path::Path, items: usize) {
    let mut d = String::from("<negotiation_template><utility_space><objective index=\"0\" name=\"big\" type=\"objective\">\n<issue index=\"1\" name=\"Big\" type=\"discrete\">\n");
    for k in 0..items {
        writeln!(
            d,
            "<item index=\"{}\" value=\"Item {k}, kind {}\"/>",
            k + 1,
            k % 7
        )
        .unwrap();
    }
    d.push_str("</issue>\n<issue index=\"2\" name=\"Small\" type=\"discrete\"><item index=\"1\" value=\"a\"/><item index=\"2\" value=\"b\"/></issue>\n</objective></utility_space></negotiation_template>\n");
    std::fs::write(dir.join("big_domain.xml"), d).unwrap();
    for party in 0..2 {
        let mut p = String::from("<utility_space><objective index=\"0\" name=\"big\" type=\"objective\">\n<weight index=\"1\" value=\"0.5\"/><weight index=\"2\" value=\"0.5\"/>\n<issue index=\"1\" name=\"Big\" type=\"discrete\">\n");
        for k in (0..items).rev() {
            let e = if party == 0 {
                k % 1000 + 1
            } else {
                1000 - k % 1000
            };
            writeln!(
                p,
                "<item index=\"{}\" value=\"Item {k}, kind {}\" evaluation=\"{e}\"/>",
                k + 1,
                k % 7
            )
            .unwrap();
        }
        p.push_str("</issue>\n<issue index=\"2\" name=\"Small\" type=\"discrete\"><item index=\"1\" value=\"a\" evaluation=\"1\"/><item index=\"2\" value=\"b\" evaluation=\"2\"/></issue>\n</objective></utility_space>\n");
        std::fs::write(dir.join(format!("big_{party}.xml")), p).unwrap();
    }
}

fn main() {
    let sizes: Vec<usize> = match std::env::args().skip(1).find_map(|a| a.parse().ok()) {
        Some(n) => vec![n],
        None => vec![25_000, 50_000, 100_000, 200_000],
    };
    let base = std::env::temp_dir().join(format!("accord-genius-read-{}", std::process::id()));
    for n in sizes {
        let dir = base.join(n.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        write(&dir, n);
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let t = Instant::now();
            let loaded = load(std::slice::from_ref(&dir), ReadOptions::default()).unwrap();
            let secs = t.elapsed().as_secs_f64();
            assert_eq!(loaded.scenario.space.size_u128().unwrap(), 2 * n as u128);
            best = best.min(secs);
            if secs > 5.0 {
                break; // one run is enough to show a slow size
            }
        }
        println!(
            "genius_read: {n} items, domain + 2 profiles: {:.3} s (best of up to 3)",
            best
        );
    }
    let _ = std::fs::remove_dir_all(&base);
}
