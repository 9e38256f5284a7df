#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

// Input: domain XML, NUL, profile XML, NUL, profile XML...
fuzz_target!(|data: &[u8]| {
    let parts = common::parts(data);
    let Some((domain, profiles)) = parts.split_first() else { return };
    let named: Vec<(String, &str)> = profiles.iter().enumerate().map(|(i, p)| (format!("p{i}"), p.as_str())).collect();
    let refs: Vec<(&str, &str, &str)> = named.iter().map(|(n, t)| ("profile.xml", *t, n.as_str())).collect();
    for lenient in [false, true] {
        let mut warnings = Vec::new();
        let opts = accord_formats::ReadOptions { lenient };
        if let Ok(s) = accord_formats::genius::parse_genius("domain.xml", domain, &refs, opts, &mut warnings) {
            common::exercise(&s);
        }
    }
});
