#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

// Input: domain JSON, NUL, profile JSON, NUL, profile JSON...
fuzz_target!(|data: &[u8]| {
    let parts = common::parts(data);
    let Some((domain, profiles)) = parts.split_first() else { return };
    let named: Vec<(String, &str)> = profiles.iter().enumerate().map(|(i, p)| (format!("p{i}"), p.as_str())).collect();
    let refs: Vec<(&str, &str, &str)> = named.iter().map(|(n, t)| ("profile.json", *t, n.as_str())).collect();
    if let Ok(s) = accord_formats::geniusweb::parse_geniusweb("domain.json", domain, &refs) {
        common::exercise(&s);
    }
});
