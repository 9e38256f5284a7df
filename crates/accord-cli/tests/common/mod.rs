//! What the end-to-end tests share: the repository root and running the binary. Each test
//! binary uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (commands run there, as a user in a clone would).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `accord` with `args` and extra environment variables: exit code, stdout, stderr.
pub fn accord_with(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .output()
        .expect("accord runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub mod ceasefire;
pub mod server;
