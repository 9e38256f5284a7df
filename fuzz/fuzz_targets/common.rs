//! Shared by the fuzz targets: analyse what parsed, when it is small enough to be quick.
//!
//! The analysis takes the same paths (frontier, zone, red lines, budgets) on 2,000 outcomes as
//! on 20,000, at a tenth of the time, so the targets reach tens of millions of executions.

use accord_analysis::{analyze, Options};
use accord_model::Scenario;

pub fn exercise(s: &Scenario) {
    if s.space.size() <= 2_000 {
        let opts = Options { count_budget: 1_000_000, ..Options::default() };
        let _ = analyze(s, &opts);
    }
    let _ = accord_formats::to_toml(s);
    let _ = accord_formats::to_json(s);
    let _ = accord_formats::to_genius(s);
}

#[allow(dead_code)]
/// Splits input into parts at NUL bytes (domain, then profiles).
pub fn parts(data: &[u8]) -> Vec<String> {
    data.split(|b| *b == 0).map(|p| String::from_utf8_lossy(p).into_owned()).collect()
}
