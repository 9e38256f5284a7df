//! Running a tournament into a folder, resuming it, and merging shards.
//!
//! A folder holds `tournament.json` (what ran: fingerprint, plan size, shard), `results.jsonl`
//! and `results.csv` (one line per negotiation, in plan order), and the summary
//! (`summary.txt`, `summary.csv`, `summary.svg`, `summary.png`). Results are computed in parallel a chunk at a
//! time and written in plan order by one writer thread while the next chunk computes, so the
//! files are byte-for-byte the same whatever the number of threads, and a killed run leaves a
//! prefix of its shard (plus at most one partial line, which a rerun cuts off).

use crate::row::{csv_header, Row};
use crate::summary::{self, Standing, Standings};
use crate::{Tournament, TournamentError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

/// Negotiations computed per parallel batch.
const CHUNK: u64 = 8192;
/// Negotiations one task runs and encodes into one buffer.
const PIECE: u64 = 256;

/// The slice of the plan one process runs: negotiations `i` with `i % count == index`
/// (strided, so every shard gets a mix of domains and strategies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// The whole plan.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// The shard from `--shard I/N` or `--shard N` (the index then comes from the cluster:
    /// `JOB_COMPLETION_INDEX` on a Kubernetes Indexed Job, `SLURM_ARRAY_TASK_ID` less
    /// `SLURM_ARRAY_TASK_MIN` in a Slurm array), or, with no flag, from a Slurm array's
    /// environment alone. `env` reads an environment variable.
    pub fn resolve(
        spec: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Shard, String> {
        let num = |s: &str, what: &str| -> Result<u64, String> {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("{what} must be a whole number, found `{s}`"))
        };
        let from_env = || -> Result<Option<u64>, String> {
            if let Some(i) = env("JOB_COMPLETION_INDEX") {
                return num(&i, "JOB_COMPLETION_INDEX").map(Some);
            }
            if let Some(i) = env("SLURM_ARRAY_TASK_ID") {
                let min = env("SLURM_ARRAY_TASK_MIN")
                    .map(|m| num(&m, "SLURM_ARRAY_TASK_MIN"))
                    .transpose()?
                    .unwrap_or(0);
                return num(&i, "SLURM_ARRAY_TASK_ID")?
                    .checked_sub(min)
                    .map(Some)
                    .ok_or_else(|| "SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN".into());
            }
            Ok(None)
        };
        let shard = match spec {
            Some(s) => match s.split_once('/') {
                Some((i, n)) => Shard {
                    index: num(i, "the shard index")?,
                    count: num(n, "the shard count")?,
                },
                None => {
                    let count = num(s, "the shard count")?;
                    let index = from_env()?.ok_or_else(|| {
                        format!("--shard {s} takes this shard's index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, and neither is set; give it as --shard I/{s}")
                    })?;
                    Shard { index, count }
                }
            },
            None => match (from_env()?, env("SLURM_ARRAY_TASK_COUNT")) {
                (Some(index), Some(n)) if env("JOB_COMPLETION_INDEX").is_none() => Shard {
                    index,
                    count: num(&n, "SLURM_ARRAY_TASK_COUNT")?,
                },
                (Some(_), _) => {
                    return Err("a cluster shard index is set (JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID) but not the number of shards: pass --shard N (N = the Job's completions or the array's size), or --shard 0/1 to run the whole tournament".into())
                }
                (None, _) => Shard::ALL,
            },
        };
        if shard.count == 0 || shard.index >= shard.count {
            return Err(format!(
                "shard {}/{}: the index must be below the count (shards are numbered from 0)",
                shard.index, shard.count
            ));
        }
        Ok(shard)
    }

    /// Negotiations of this shard in a plan of `total`.
    pub fn len(&self, total: u64) -> u64 {
        if total > self.index {
            (total - self.index - 1) / self.count + 1
        } else {
            0
        }
    }

    /// Whether the shard is empty in a plan of `total`.
    pub fn is_empty(&self, total: u64) -> bool {
        self.len(total) == 0
    }

    /// The plan number of this shard's `k`-th negotiation.
    pub fn nth(&self, k: u64) -> u64 {
        self.index + k * self.count
    }
}

/// Told how far a run has got (a progress bar, or nothing).
pub trait Progress: Sync {
    /// The run starts: `total` negotiations in this shard, `done` of them already in the folder.
    fn begin(&self, _total: u64, _done: u64) {}
    /// `n` more are written.
    fn advance(&self, _n: u64) {}
    /// The run is over.
    fn finish(&self) {}
}

impl Progress for () {}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// Negotiations in this shard.
    pub total: u64,
    /// Found already done in the folder (a resumed run).
    pub resumed: u64,
    /// Run now.
    pub ran: u64,
    /// The standings over the folder's results.
    pub standings: Vec<Standing>,
}

/// What a folder's `tournament.json` records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    name: Option<String>,
    fingerprint: String,
    total: u64,
    shard: Shard,
    seats: usize,
}

const MANIFEST: &str = "tournament.json";
const JSONL: &str = "results.jsonl";
const CSV: &str = "results.csv";

fn io(path: &Path) -> impl Fn(std::io::Error) -> TournamentError + '_ {
    move |e| TournamentError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn out_err(path: &Path, message: impl Into<String>) -> TournamentError {
    TournamentError::Output {
        path: path.display().to_string(),
        message: message.into(),
    }
}

fn read_manifest(dir: &Path) -> Result<Option<Manifest>, TournamentError> {
    let path = dir.join(MANIFEST);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| out_err(&path, format!("not a tournament manifest: {e}"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&path)(e)),
    }
}

fn write_manifest(dir: &Path, m: &Manifest) -> Result<(), TournamentError> {
    let path = dir.join(MANIFEST);
    let text = serde_json::to_string_pretty(m).unwrap_or_default();
    std::fs::write(&path, text + "\n").map_err(io(&path))
}

/// Runs this shard of `t` into `dir`, completing whatever an earlier run there left undone.
pub fn run(
    t: &Tournament,
    dir: &Path,
    shard: Shard,
    progress: &dyn Progress,
) -> Result<RunReport, TournamentError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let _lock = lock(dir)?;
    let manifest = Manifest {
        format: 1,
        name: t.config.name.clone(),
        fingerprint: t.fingerprint(),
        total: t.total(),
        shard,
        seats: t.max_seats(),
    };
    match read_manifest(dir)? {
        Some(old) if old == manifest => {}
        Some(old) if old.fingerprint != manifest.fingerprint => {
            return Err(out_err(dir, "holds the results of a different tournament (its configuration or a domain changed); choose another --out folder, or delete this one to start over"));
        }
        Some(old) => {
            return Err(out_err(dir, format!("holds shard {}/{} of this tournament, not {}/{}; give each shard its own folder", old.shard.index, old.shard.count, shard.index, shard.count)));
        }
        None if dir.join(JSONL).exists() || dir.join(CSV).exists() => {
            return Err(out_err(
                dir,
                "holds results without a tournament.json; choose another --out folder",
            ));
        }
        None => write_manifest(dir, &manifest)?,
    }
    let n = shard.len(t.total());
    let seats = manifest.seats;
    let (done, prior) = recover(dir, shard)?;
    progress.begin(n, done);
    let (jpath, cpath) = (dir.join(JSONL), dir.join(CSV));
    let open = |p: &Path| {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .map(|f| BufWriter::with_capacity(1 << 20, f))
            .map_err(io(p))
    };
    let mut json = open(&jpath)?;
    let fresh_csv = std::fs::metadata(&cpath).map_or(true, |m| m.len() == 0);
    let mut csv_out = open(&cpath)?;
    if fresh_csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(csv_header(seats))
            .map_err(|e| out_err(&cpath, e.to_string()))?;
        let header = w.into_inner().map_err(|e| out_err(&cpath, e.to_string()))?;
        csv_out.write_all(&header).map_err(io(&cpath))?;
    }
    // Results are encoded in parallel; one writer thread appends them in plan order and folds
    // the standings (in plan order too, so the sums are the same on every run).
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Encoded>>(2);
    let (jpath, cpath) = (&jpath, &cpath);
    let mut standings = prior;
    let standings_ref = &mut standings;
    std::thread::scope(|scope| -> Result<(), TournamentError> {
        let writer = scope.spawn(move || -> Result<(), TournamentError> {
            for chunk in rx {
                let mut count = 0;
                for e in &chunk {
                    json.write_all(&e.json).map_err(io(jpath))?;
                    csv_out.write_all(&e.csv).map_err(io(cpath))?;
                    for row in &e.rows {
                        standings_ref.add(row);
                    }
                    count += e.rows.len() as u64;
                }
                // Whole chunks reach the files: a kill leaves complete lines but the last.
                json.flush().map_err(io(jpath))?;
                csv_out.flush().map_err(io(cpath))?;
                progress.advance(count);
            }
            Ok(())
        });
        let mut k = done;
        let mut failure = None;
        while k < n {
            let end = (k + CHUNK).min(n);
            let pieces = (end - k).div_ceil(PIECE);
            let encoded: Result<Vec<Encoded>, TournamentError> = (0..pieces)
                .into_par_iter()
                .map(|p| {
                    let from = k + p * PIECE;
                    encode(t, shard, from..(from + PIECE).min(end), seats, cpath)
                })
                .collect();
            match encoded {
                Ok(chunk) => {
                    if tx.send(chunk).is_err() {
                        break; // the writer failed; its error is reported below
                    }
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
            k = end;
        }
        drop(tx);
        let written = writer
            .join()
            .map_err(|_| out_err(dir, "the result writer stopped unexpectedly"))?;
        written?;
        failure.map_or(Ok(()), Err)
    })?;
    progress.finish();
    let standings = write_summary(dir, manifest.name.as_deref(), &standings)?;
    Ok(RunReport {
        total: n,
        resumed: done,
        ran: n - done,
        standings,
    })
}

/// Consecutive results of a shard with their JSON lines and CSV records.
struct Encoded {
    rows: Vec<Row>,
    json: Vec<u8>,
    csv: Vec<u8>,
}

/// Runs the shard's negotiations `range` and encodes their results.
fn encode(
    t: &Tournament,
    shard: Shard,
    range: std::ops::Range<u64>,
    seats: usize,
    cpath: &Path,
) -> Result<Encoded, TournamentError> {
    let n = (range.end - range.start) as usize;
    let bad = |e: csv::Error| out_err(cpath, e.to_string());
    let mut json = Vec::with_capacity(n * 512);
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(n * 256));
    let mut rows = Vec::with_capacity(n);
    for j in range {
        let row = t.run(shard.nth(j))?;
        serde_json::to_writer(&mut json, &row).map_err(|e| out_err(cpath, e.to_string()))?;
        json.push(b'\n');
        row.write_csv(&mut w, seats).map_err(bad)?;
        rows.push(row);
    }
    let csv = w.into_inner().map_err(|e| bad(e.into_error().into()))?;
    Ok(Encoded { rows, json, csv })
}

/// Holds `DIR/.lock` exclusively while a run or merge writes there, so that two processes
/// (a retried pod beside the old one, a double submission) never append to the same files.
fn lock(dir: &Path) -> Result<File, TournamentError> {
    let path = dir.join(".lock");
    let f = File::create(&path).map_err(io(&path))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(out_err(
            dir,
            "another `accord tournament` is writing here; wait for it or use another folder",
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(io(&path)(e)),
    }
}

/// Byte offsets just past each complete JSON line of `path` that parses as a row of `shard`
/// in order; stops at the first that does not (a partial last line).
fn complete_json_rows(path: &Path, shard: Shard) -> Result<Vec<u64>, TournamentError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(path)(e)),
    };
    let mut reader = BufReader::new(file);
    let (mut ends, mut pos, mut buf) = (Vec::new(), 0u64, Vec::new());
    loop {
        buf.clear();
        let got = reader.read_until(b'\n', &mut buf).map_err(io(path))?;
        if got == 0 || buf.last() != Some(&b'\n') {
            break;
        }
        let Ok(row) = serde_json::from_slice::<Row>(&buf) else {
            break;
        };
        let want = shard.nth(ends.len() as u64);
        if row.index != want {
            return Err(out_err(path, format!("line {} holds negotiation {} where {want} was expected; the file was changed by hand or belongs to another plan", ends.len() + 1, row.index)));
        }
        pos += got as u64;
        ends.push(pos);
    }
    Ok(ends)
}

/// Byte offsets just past the header and each complete record of a CSV file.
fn complete_csv_rows(path: &Path) -> Result<Vec<u64>, TournamentError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(path)(e)),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut ends = Vec::new();
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        let end = reader.position().byte();
        // A record not ended by a newline was cut short.
        if end == 0 || bytes.get(end as usize - 1) != Some(&b'\n') {
            break;
        }
        ends.push(end);
    }
    Ok(ends)
}

/// Cuts both result files back to the rows complete in both; returns how many that is, and
/// the standings over them.
fn recover(dir: &Path, shard: Shard) -> Result<(u64, Standings), TournamentError> {
    let (jpath, cpath) = (dir.join(JSONL), dir.join(CSV));
    let json = complete_json_rows(&jpath, shard)?;
    let csv = complete_csv_rows(&cpath)?;
    // csv[0] ends the header.
    let rows = json.len().min(csv.len().saturating_sub(1));
    let cut = |path: &Path, len: u64| -> Result<(), TournamentError> {
        if path.exists() {
            let f = OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(io(path))?;
            f.set_len(len).map_err(io(path))?;
        }
        Ok(())
    };
    cut(&jpath, if rows == 0 { 0 } else { json[rows - 1] })?;
    // Without even a header, the CSV starts afresh.
    cut(&cpath, csv.get(rows).copied().unwrap_or(0))?;
    let standings = if rows == 0 {
        Standings::default()
    } else {
        fold(&jpath)?
    };
    Ok((rows as u64, standings))
}

/// The standings over a results file.
fn fold(path: &Path) -> Result<Standings, TournamentError> {
    let reader = BufReader::new(File::open(path).map_err(io(path))?);
    let mut standings = Standings::default();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(io(path))?;
        let row: Row = serde_json::from_str(&line)
            .map_err(|e| out_err(path, format!("line {}: {e}", n + 1)))?;
        standings.add(&row);
    }
    Ok(standings)
}

/// Writes `summary.txt`, `summary.csv`, `summary.svg` and `summary.png` into `dir`.
fn write_summary(
    dir: &Path,
    name: Option<&str>,
    standings: &Standings,
) -> Result<Vec<Standing>, TournamentError> {
    let result = standings.finish();
    let write = |file: &str, bytes: &[u8]| -> Result<(), TournamentError> {
        let p = dir.join(file);
        std::fs::write(&p, bytes).map_err(io(&p))
    };
    write("summary.txt", summary::table(&result).as_bytes())?;
    write(
        "summary.csv",
        &summary::csv(&result).map_err(|e| out_err(dir, e.to_string()))?,
    )?;
    let title = format!("Standings: {}", name.unwrap_or("tournament"));
    let svg = accord_plot::bars_svg(&summary::chart(&title, &result))
        .map_err(|e| out_err(dir, e.to_string()))?;
    write("summary.svg", svg.as_bytes())?;
    let png = accord_plot::png(&svg).map_err(|e| out_err(dir, e.to_string()))?;
    write("summary.png", &png)?;
    Ok(result)
}

/// Combines the shard folders `dirs` of one tournament into `out`: results in plan order,
/// byte-for-byte what a single run writes, and the summary over all of them.
pub fn merge(dirs: &[&Path], out: &Path) -> Result<Vec<Standing>, TournamentError> {
    let mut shards: Vec<(Manifest, &Path)> = Vec::new();
    for d in dirs {
        let m = read_manifest(d)?.ok_or_else(|| {
            out_err(
                d,
                "no tournament.json: not the output folder of `accord tournament`",
            )
        })?;
        shards.push((m, d));
    }
    let Some((first, _)) = shards.first().cloned() else {
        return Err(out_err(out, "nothing to merge: name the shard folders"));
    };
    let count = first.shard.count;
    for (m, d) in &shards {
        if m.fingerprint != first.fingerprint || m.total != first.total {
            return Err(out_err(
                d,
                format!(
                    "belongs to a different tournament than {}",
                    shards[0].1.display()
                ),
            ));
        }
        if m.shard.count != count {
            return Err(out_err(
                d,
                format!(
                    "is shard {}/{}, but {} is one of {count}",
                    m.shard.index,
                    m.shard.count,
                    shards[0].1.display()
                ),
            ));
        }
    }
    shards.sort_by_key(|(m, _)| m.shard.index);
    let have: Vec<u64> = shards.iter().map(|(m, _)| m.shard.index).collect();
    let missing: Vec<String> = (0..count)
        .filter(|i| !have.contains(i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() || have.len() as u64 != count {
        return Err(out_err(
            out,
            format!(
                "the shards must each be given once; missing: {}",
                if missing.is_empty() {
                    "none (one is given twice)".to_string()
                } else {
                    missing.join(", ")
                }
            ),
        ));
    }
    for (m, d) in &shards {
        let rows = complete_json_rows(&d.join(JSONL), m.shard)?.len() as u64;
        // The header and one record per negotiation, each complete.
        let csv_rows = (complete_csv_rows(&d.join(CSV))?.len() as u64).saturating_sub(1);
        let want = m.shard.len(m.total);
        if rows != want || csv_rows != want {
            return Err(out_err(d, format!("shard {}/{count} has {} of its {want} negotiations; rerun it (it resumes) before merging", m.shard.index, rows.min(csv_rows))));
        }
    }
    // Writing the output must not destroy an input.
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(o) = canonical(out) {
        if shards
            .iter()
            .any(|(_, d)| canonical(d).as_ref() == Some(&o))
        {
            return Err(out_err(
                out,
                "is one of the shard folders: merge into another folder",
            ));
        }
    }
    std::fs::create_dir_all(out).map_err(io(out))?;
    let _lock = lock(out)?;
    let manifest = Manifest {
        shard: Shard::ALL,
        ..first.clone()
    };
    if let Some(old) = read_manifest(out)? {
        if old != manifest {
            return Err(out_err(
                out,
                "holds other results; choose another --out folder",
            ));
        }
    }
    write_manifest(out, &manifest)?;
    let (jpath, cpath) = (out.join(JSONL), out.join(CSV));
    let mut json = BufWriter::new(File::create(&jpath).map_err(io(&jpath))?);
    let mut csv = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(BufWriter::new(File::create(&cpath).map_err(io(&cpath))?));
    let csv_err = |p: &Path, e: csv::Error| out_err(p, e.to_string());
    csv.write_record(csv_header(manifest.seats))
        .map_err(|e| csv_err(&cpath, e))?;
    let mut inputs = Vec::new();
    for (_, d) in &shards {
        let (jp, cp) = (d.join(JSONL), d.join(CSV));
        let j = BufReader::new(File::open(&jp).map_err(io(&jp))?);
        let c = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(BufReader::new(File::open(&cp).map_err(io(&cp))?));
        inputs.push((j, c, cp));
    }
    // Shard s holds negotiations s, s + N, ...: plan order is round robin over the shards.
    let mut line = Vec::new();
    let mut record = csv::ByteRecord::new();
    for i in 0..first.total {
        let (j, c, cp) = &mut inputs[(i % count) as usize];
        line.clear();
        j.read_until(b'\n', &mut line).map_err(io(&jpath))?;
        json.write_all(&line).map_err(io(&jpath))?;
        if !c
            .read_byte_record(&mut record)
            .map_err(|e| csv_err(cp, e))?
        {
            return Err(out_err(cp, format!("ends before negotiation {i}")));
        }
        csv.write_byte_record(&record)
            .map_err(|e| csv_err(&cpath, e))?;
    }
    json.flush().map_err(io(&jpath))?;
    csv.flush().map_err(io(&cpath))?;
    drop((json, csv));
    write_summary(out, manifest.name.as_deref(), &fold(&jpath)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shards_come_from_the_flag_or_the_cluster() {
        let none = env(&[]);
        assert_eq!(Shard::resolve(None, &none), Ok(Shard::ALL));
        assert_eq!(
            Shard::resolve(Some("2/5"), &none),
            Ok(Shard { index: 2, count: 5 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "3")]);
        assert_eq!(
            Shard::resolve(Some("4"), &k8s),
            Ok(Shard { index: 3, count: 4 })
        );
        // An Indexed Job does not say how many completions there are.
        assert!(Shard::resolve(None, &k8s)
            .unwrap_err()
            .contains("--shard N"));
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::resolve(None, &slurm),
            Ok(Shard { index: 2, count: 4 })
        );
        assert_eq!(
            Shard::resolve(Some("4"), &slurm),
            Ok(Shard { index: 2, count: 4 })
        );
        // The flag's own index wins over the environment.
        assert_eq!(
            Shard::resolve(Some("0/4"), &slurm),
            Ok(Shard { index: 0, count: 4 })
        );
        assert!(Shard::resolve(Some("4/4"), &none)
            .unwrap_err()
            .contains("below the count"));
        assert!(Shard::resolve(Some("x/4"), &none)
            .unwrap_err()
            .contains("whole number"));
        assert!(Shard::resolve(Some("3"), &none)
            .unwrap_err()
            .contains("neither is set"));
    }

    #[test]
    fn strided_shards_cover_the_plan_once() {
        for total in [0u64, 1, 2, 7, 30] {
            let mut seen = Vec::new();
            for index in 0..3 {
                let s = Shard { index, count: 3 };
                seen.extend((0..s.len(total)).map(|k| s.nth(k)));
            }
            seen.sort_unstable();
            assert_eq!(seen, (0..total).collect::<Vec<_>>());
        }
    }
}
