//! The mediation workbench in a real browser: `e2e/run.sh` (Debian's Chromium driven by
//! playwright-core) against this build's `accord serve`. A mediator and two parties in separate
//! browser contexts take the ceasefire scenario from setup to agreement, two mediators merge a
//! conflicting edit, and more; see `docs/workbench.md`. `run.sh` first runs `e2e/merge.test.mjs`,
//! the unit test of the desk's merge of drafts (`web/merge.js`).
//! Needs Node.js with npm and Chromium (`e2e/run.sh` installs Chromium when it may); screenshots
//! go to `e2e/screenshots/`.

use std::process::Command;

mod common;

#[test]
fn the_workbench_in_chromium() {
    let script = common::root().join("e2e/run.sh");
    let status = Command::new("sh")
        .arg(&script)
        .env("ACCORD_BIN", env!("CARGO_BIN_EXE_accord"))
        // The pages compiled into the binary are the ones under test.
        .env_remove("ACCORD_WEB_DIR")
        .status()
        .unwrap_or_else(|e| panic!("{} could not start: {e}", script.display()));
    assert!(
        status.success(),
        "the browser test failed ({status}); its output is above"
    );
}
