//! PostgreSQL's connections: a small pool of the store's own (issue 18).
//!
//! sqlx's pool tests every connection handed back to it with a ping
//! (`PoolConnection::return_to_pool`): a round trip to the database after every statement run
//! outside a transaction and after every transaction, which on this project's two-core benchmark
//! machine cost about as much as the statement itself. Here a connection whose work finished
//! (`Conn::done`: a read collected, a transaction committed) goes back to the idle ones as it is.
//!
//! **Invariant:** a connection is handed out again only in a known state, outside any
//! transaction and with no answer of the database still on its way. One dropped before its work
//! finished (a request that went away mid-statement, a transaction dropped without `commit`, an
//! error) is first rolled back on a task of its own (`ROLLBACK`, after sqlx drains what is still
//! to come), so no transaction, and no lock, outlives its request; one that fails that is closed.
//! A connection idle for a second or more is pinged before use, and replaced if it is dead.
//!
//! The connections are sqlx's own PostgreSQL ones, not its `Any` driver's: `Any` copied every
//! row into rows of its own, and reading a text column as an integer first (as `Any` rows must
//! be tried) built an error message for each text cell (`sql::pg_query` reads each column by
//! its declared type).

use super::sql::{pg_query, Cell, Param};
use super::StoreError;
use sqlx::{Connection, Executor, PgConnection};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// At most `size` connections to one database, opened when first needed.
pub(crate) struct Pool {
    url: String,
    /// Connections not in use, each with when it was last handed back.
    idle: Mutex<Vec<(PgConnection, Instant)>>,
    /// One per connection that may be open (idle or in use).
    permits: Arc<Semaphore>,
}

impl Pool {
    pub(crate) fn new(url: &str, size: u32) -> Arc<Pool> {
        Arc::new(Pool {
            url: url.to_string(),
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(size.max(1) as usize)),
        })
    }

    /// A connection, waiting while all are in use.
    pub(crate) async fn get(self: &Arc<Self>) -> Result<Conn, StoreError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        loop {
            let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
            let conn = match idle {
                // Used within the last second: known to be alive.
                Some((c, at)) if at.elapsed() < Duration::from_secs(1) => c,
                Some((mut c, _)) => match c.ping().await {
                    Ok(()) => c,
                    Err(_) => continue,
                },
                None => PgConnection::connect(&self.url).await?,
            };
            return Ok(Conn {
                conn: Some(conn),
                pool: self.clone(),
                permit: Some(permit),
                done: false,
            });
        }
    }

    /// One statement outside any transaction (see `sql::pg_query`).
    pub(crate) async fn query(
        self: &Arc<Self>,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Vec<Cell>>, StoreError> {
        let mut c = self.get().await?;
        let rows = pg_query(c.raw(), sql, params).await?;
        c.done();
        Ok(rows)
    }

    fn put_back(&self, conn: PgConnection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push((conn, Instant::now()));
        }
    }
}

/// A connection in use; handed back when dropped (see the module's invariant).
pub(crate) struct Conn {
    conn: Option<PgConnection>,
    pool: Arc<Pool>,
    permit: Option<OwnedSemaphorePermit>,
    /// Whether its last work finished, leaving it outside any transaction.
    done: bool,
}

impl Conn {
    /// The connection, for work that is not finished until `done` says so.
    pub(crate) fn raw(&mut self) -> &mut PgConnection {
        self.done = false;
        self.conn
            .as_mut()
            .expect("a connection is taken only when dropped")
    }

    /// Its work finished, outside any transaction: it may be handed out again as it is.
    pub(crate) fn done(&mut self) {
        self.done = true;
    }

    /// Starts a transaction.
    pub(crate) async fn begin(&mut self) -> Result<(), StoreError> {
        self.raw().execute("BEGIN").await?;
        Ok(())
    }

    /// Commits the transaction; the connection is then done.
    pub(crate) async fn commit(&mut self) -> Result<(), StoreError> {
        self.raw().execute("COMMIT").await?;
        self.done();
        Ok(())
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let (pool, permit) = (self.pool.clone(), self.permit.take());
        if self.done {
            pool.put_back(conn);
            drop(permit);
            return;
        }
        // Unfinished: undone before anyone else gets it. Outside a runtime (never in the
        // server) it is closed, which ends its transaction too.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if conn.execute("ROLLBACK").await.is_ok() {
                    pool.put_back(conn);
                }
                drop(permit);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The database the tests may use (`.ci/run` makes sure it answers).
    fn url() -> String {
        let base = std::env::var("ACCORD_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        format!("{base}/test")
    }

    async fn count(pool: &Arc<Pool>, table: &str) -> i64 {
        let rows = pool
            .query(&format!("SELECT COUNT(*) FROM {table}"), &[])
            .await
            .expect("count");
        rows[0][0].int().expect("an integer")
    }

    /// Each column is read by its declared type: integers of every width as integers, text as
    /// text, NULLs of either as NULL, and `pg_notify`'s `void` as NULL (see `sql::pg_query`).
    #[tokio::test]
    async fn columns_are_read_by_their_declared_types() {
        let pool = Pool::new(&url(), 1);
        let rows = pool
            .query(
                "SELECT CAST(2 AS SMALLINT), CAST(-4 AS INTEGER), CAST($1 AS BIGINT), $2, \
                 CAST(NULL AS TEXT), CAST(NULL AS BIGINT), pg_notify('accord_column_test', '')",
                &[Param::Int(1 << 40), Param::Text("clause")],
            )
            .await
            .expect("a row");
        assert_eq!(
            rows,
            vec![vec![
                Cell::Int(2),
                Cell::Int(-4),
                Cell::Int(1 << 40),
                Cell::Text("clause".into()),
                Cell::Null,
                Cell::Null,
                Cell::Null,
            ]]
        );
        assert!(pool
            .query("SELECT 1 WHERE false", &[])
            .await
            .expect("no rows")
            .is_empty());
    }

    /// The module's invariant: a connection dropped inside a transaction (a request that went
    /// away before `commit`) comes back to the next user rolled back, outside any transaction,
    /// holding no lock.
    #[tokio::test]
    async fn a_connection_dropped_mid_transaction_comes_back_rolled_back() {
        let table = format!("pool_rollback_{}", std::process::id());
        // One connection, so the next user gets the very one that was dropped.
        let pool = Pool::new(&url(), 1);
        for sql in [
            format!("DROP TABLE IF EXISTS {table}"),
            format!("CREATE TABLE {table} (x INTEGER)"),
        ] {
            pool.query(&sql, &[]).await.expect("a fresh table");
        }
        {
            let mut c = pool.get().await.expect("a connection");
            c.begin().await.expect("begin");
            c.raw()
                .execute(format!("INSERT INTO {table} VALUES (1)").as_str())
                .await
                .expect("insert");
            c.raw()
                .execute(format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE").as_str())
                .await
                .expect("lock");
            // Dropped here without `commit`.
        }
        assert_eq!(count(&pool, &table).await, 0, "the insert was rolled back");
        // The same connection, outside any transaction: a savepoint needs a transaction block.
        assert!(
            pool.query("SAVEPOINT probe", &[]).await.is_err(),
            "no transaction left open"
        );
        // No lock left: another connection writes at once (a lock kept would time out).
        let other = Pool::new(&url(), 1);
        other
            .query("SET lock_timeout = '5s'", &[])
            .await
            .expect("a timeout");
        other
            .query(&format!("INSERT INTO {table} VALUES (2)"), &[])
            .await
            .expect("no lock kept");
        assert_eq!(count(&pool, &table).await, 1);
        pool.query(&format!("DROP TABLE {table}"), &[])
            .await
            .expect("dropped");
    }
}
