//! The statements' common currency for both backends: parameters, the cells read back, and
//! running a statement on PostgreSQL through sqlx.

use super::StoreError;
use rusqlite::types::{ToSqlOutput, ValueRef};
use sqlx::Row;

/// A statement parameter.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    /// Text.
    Text(&'a str),
    /// Text or NULL.
    OptText(Option<&'a str>),
    /// An integer.
    Int(i64),
    /// An integer or NULL.
    OptInt(Option<i64>),
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Param::Text(s) | Param::OptText(Some(s)) => {
                ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
            }
            Param::OptText(None) => ToSqlOutput::Borrowed(ValueRef::Null),
            Param::Int(i) | Param::OptInt(Some(i)) => ToSqlOutput::Borrowed(ValueRef::Integer(i)),
            Param::OptInt(None) => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}

/// A column value as the store reads it back from a write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Cell {
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Cell::Text(t) => Some(t.clone()),
            _ => None,
        }
    }
    pub(crate) fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            _ => None,
        }
    }
}

pub(crate) fn decode_error(what: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(format!("unexpected {what} row").into()))
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    params: &[Param<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for p in params {
        q = match *p {
            Param::Text(s) => q.bind(s),
            Param::OptText(s) => q.bind(s),
            Param::Int(i) => q.bind(i),
            Param::OptInt(i) => q.bind(i),
        };
    }
    q
}

/// A statement on PostgreSQL (through sqlx); a unique key already taken is `Conflict`.
pub(crate) async fn pg_exec<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<u64, StoreError> {
    match bind_all(sqlx::query(sql), params).execute(conn).await {
        Ok(r) => Ok(r.rows_affected()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::Conflict("already recorded".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Rows of integers, text and NULLs from PostgreSQL (through sqlx).
pub(crate) async fn pg_query<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Vec<Cell>>, StoreError> {
    let rows = bind_all(sqlx::query(sql), params).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
                        Ok(v.map_or(Cell::Null, Cell::Int))
                    } else {
                        Ok(r.try_get::<Option<String>, _>(i)?
                            .map_or(Cell::Null, Cell::Text))
                    }
                })
                .collect::<Result<Vec<Cell>, sqlx::Error>>()
        })
        .collect::<Result<_, _>>()
        .map_err(StoreError::Db)
}
