//! Shared by the Rust benches that report memory (`#[path]`-included, so no engine crate reads
//! `/proc`): the process's peak resident memory so far.

/// Peak resident memory of this process so far (Linux `VmHWM`), in MB; NaN elsewhere.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
