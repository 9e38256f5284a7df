#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(s) = accord_formats::parse_scenario(text, accord_formats::Format::Toml, "fuzz.toml") {
            common::exercise(&s);
        }
    }
});
