//! SQLite through rusqlite, used in place on the calling task: a statement on a local file takes
//! microseconds, less than a hand-off to a database thread and back (what sqlx's SQLite driver
//! does twice per statement). Checkpoints, the only slow part of a commit, run on a thread of
//! their own; readers are taken from a free list and put back.

use super::sql::{decode_error, Cell, Param};
use super::StoreError;
use rusqlite::types::ValueRef;
use std::sync::{Arc, Mutex as SyncMutex};
use tokio::sync::Mutex;

/// SQLite's writer connection.
pub(crate) struct Writer {
    pub(crate) conn: rusqlite::Connection,
}

/// Opens SQLite's writer connection on the database file of `url` (created and migrated
/// already), and starts the checkpoint thread.
pub(crate) fn open_writer(url: &str) -> Result<Arc<Mutex<Writer>>, StoreError> {
    let path = sqlite_path(url);
    let conn = rusqlite::Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // WAL with NORMAL: a commit survives the process being killed (the durability test checks
    // it); an operating-system crash or power loss may lose the last commits.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    let writer = Arc::new(Mutex::new(Writer { conn }));
    // Checkpoints move to a thread of their own; should it fail to start, commits keep
    // checkpointing as SQLite does by default.
    if checkpoints(path)?.start(Arc::downgrade(&writer)) {
        if let Ok(w) = writer.try_lock() {
            w.conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
        }
    }
    Ok(writer)
}

/// The file of an SQLite URL (`sqlite://PATH?options`, `sqlite:PATH`).
fn sqlite_path(url: &str) -> String {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    rest.split('?').next().unwrap_or(rest).to_string()
}

/// The checkpoint thread, ready to run.
struct Checkpoints {
    conn: rusqlite::Connection,
}

/// Opens the checkpoint thread's connection. Its busy timeout bounds how long a restarting
/// checkpoint waits for readers that still read from the log (reads take microseconds).
fn checkpoints(path: String) -> Result<Checkpoints, StoreError> {
    let conn = rusqlite::Connection::open(&path)?;
    conn.execute_batch("PRAGMA busy_timeout = 50; PRAGMA synchronous = NORMAL;")?;
    Ok(Checkpoints { conn })
}

/// How often the log is copied into the database.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// The log's length, in pages, from which on it is started again (64 MB of 4 KB pages).
const RESTART_FROM_PAGES: i64 = 16_384;

impl Checkpoints {
    /// Until the store is gone, every `CHECKPOINT_EVERY`: a passive checkpoint copies the
    /// write-ahead log into the database without blocking the writer or a reader. When the log
    /// has grown past `RESTART_FROM_PAGES`, a restarting checkpoint follows while the thread
    /// holds the writer (so no commit waits on SQLite's busy handler): it copies the little
    /// written meanwhile and waits for readers to leave the log, so the next commit writes the
    /// log from its start again. Without it, readers that never pause keep the log growing
    /// (checkpoint starvation: 230 MB in 8 s under the load benchmark); with it the log stays
    /// bounded. Failures are reported, not fatal: the log grows until a later round succeeds.
    /// Whether the thread started.
    fn start(self, writer: std::sync::Weak<Mutex<Writer>>) -> bool {
        let conn = self.conn;
        // The log's length in pages after the checkpoint, when it ran.
        let checkpoint = move |mode: &str| -> Option<i64> {
            match conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
                r.get::<_, i64>(1)
            }) {
                Ok(pages) => Some(pages),
                Err(e) => {
                    tracing::error!(error = %e, mode, "SQLite checkpoint failed");
                    None
                }
            }
        };
        let spawned = std::thread::Builder::new()
            .name("accord-checkpoint".into())
            .spawn(move || loop {
                std::thread::sleep(CHECKPOINT_EVERY);
                let Some(writer) = writer.upgrade() else {
                    break;
                };
                if checkpoint("PASSIVE").is_some_and(|pages| pages >= RESTART_FROM_PAGES) {
                    let held = writer.blocking_lock();
                    checkpoint("RESTART");
                    drop(held);
                }
            });
        match spawned {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, "no checkpoint thread; commits checkpoint instead");
                false
            }
        }
    }
}

/// Connections for reads outside transactions (WAL: they never wait for the writer).
pub(crate) struct Readers {
    path: String,
    free: SyncMutex<Vec<rusqlite::Connection>>,
}

impl Readers {
    pub(crate) fn new(url: &str) -> Readers {
        Readers {
            path: sqlite_path(url),
            free: SyncMutex::new(Vec::new()),
        }
    }

    /// Runs a read on a free connection (a new one when all are busy).
    pub(crate) fn query(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Vec<Cell>>, StoreError> {
        let taken = self.free.lock().ok().and_then(|mut f| f.pop());
        let conn = match taken {
            Some(c) => c,
            None => {
                let c = rusqlite::Connection::open_with_flags(
                    &self.path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                c.execute_batch("PRAGMA busy_timeout = 5000;")?;
                c.set_prepared_statement_cache_capacity(64);
                c
            }
        };
        let out = query(&conn, sql, params);
        if let Ok(mut f) = self.free.lock() {
            f.push(conn);
        }
        out
    }
}

fn unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.code == rusqlite::ErrorCode::ConstraintViolation
            && matches!(f.extended_code, rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY | rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE))
}

/// Binds `$1`, `$2`, ... by name, wherever they appear.
fn bind(stmt: &mut rusqlite::CachedStatement<'_>, params: &[Param<'_>]) -> rusqlite::Result<()> {
    for (i, p) in params.iter().enumerate() {
        if let Some(k) = stmt.parameter_index(&format!("${}", i + 1))? {
            stmt.raw_bind_parameter(k, p)?;
        }
    }
    Ok(())
}

/// A statement that changes rows; a unique key already taken is `Conflict`.
pub(crate) fn exec(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<u64, StoreError> {
    let run = || -> rusqlite::Result<usize> {
        let mut stmt = conn.prepare_cached(sql)?;
        bind(&mut stmt, params)?;
        stmt.raw_execute()
    };
    match run() {
        Ok(n) => Ok(n as u64),
        Err(e) if unique_violation(&e) => Err(StoreError::Conflict("already recorded".into())),
        Err(e) => Err(e.into()),
    }
}

/// A statement that returns rows of integers, text and NULLs.
pub(crate) fn query(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Vec<Cell>>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, params)?;
    let width = stmt.column_count();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(width);
        for i in 0..width {
            row.push(match r.get_ref(i)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Text(t) => Cell::Text(match std::str::from_utf8(t) {
                    Ok(text) => text.to_owned(),
                    Err(_) => String::from_utf8_lossy(t).into_owned(),
                }),
                ValueRef::Real(_) | ValueRef::Blob(_) => {
                    return Err(decode_error("column type in a"))
                }
            });
        }
        out.push(row);
    }
    Ok(out)
}
