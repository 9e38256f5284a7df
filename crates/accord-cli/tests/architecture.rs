//! Keeps ARCHITECTURE.md true (after rust-analyzer's `tidy`): the crate dependencies it lists
//! are the ones Cargo sees, only the binary prints, and SQL lives only in the server's store.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The dependency table of ARCHITECTURE.md: crate -> accord crates it depends on.
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let start = text
        .find("| crate | depends on |")
        .expect("ARCHITECTURE.md has the dependency table");
    text[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let deps = cells[1]
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(String::from)
                .collect();
            (cells[0].to_string(), deps)
        })
        .collect()
}

/// What Cargo sees: every workspace crate and its (normal) accord dependencies.
fn actual() -> BTreeMap<String, BTreeSet<String>> {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| d["name"].as_str())
                .filter(|n| n.starts_with("accord"))
                .map(String::from)
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn the_documented_dependencies_are_cargos() {
    assert_eq!(
        documented(),
        actual(),
        "ARCHITECTURE.md's dependency table and Cargo.toml disagree"
    );
}

/// Rust sources under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_binary_prints() {
    let mut offenders = Vec::new();
    for krate in std::fs::read_dir(root().join("crates")).unwrap() {
        let krate = krate.unwrap().path();
        if krate.ends_with("accord-cli") || !krate.join("src").is_dir() {
            continue;
        }
        let mut files = Vec::new();
        sources(&krate.join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if ["println!", "eprintln!", "print!(", "eprint!(", "dbg!("]
                    .iter()
                    .any(|m| code.contains(m))
                {
                    offenders.push(format!("{}:{}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "libraries log through `tracing` and return values; only accord-cli prints: {offenders:?}"
    );
}

#[test]
fn sql_lives_only_in_the_store() {
    let src = root().join("crates/accord-server/src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut checked = 0;
    let mut offenders = Vec::new();
    for file in files {
        if file.starts_with(src.join("store")) {
            continue;
        }
        checked += 1;
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if ["SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM"]
                .iter()
                .any(|k| line.contains(&format!("\"{k}")))
            {
                offenders.push(format!("{}:{}", file.display(), n + 1));
            }
        }
    }
    assert!(checked >= 8, "only {checked} server files found");
    assert!(
        offenders.is_empty(),
        "SQL outside crates/accord-server/src/store: {offenders:?}"
    );
}
