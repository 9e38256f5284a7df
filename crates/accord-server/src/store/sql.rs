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
    mut q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    params: &[Param<'q>],
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
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
    conn: impl sqlx::Executor<'c, Database = sqlx::Postgres>,
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

/// How a column of PostgreSQL's is read into a `Cell`.
#[derive(Clone, Copy)]
enum ColumnKind {
    Int2,
    Int4,
    Int8,
    /// What `pg_notify` returns: read as NULL.
    Void,
    /// Text, and anything else, which then fails to decode as text with sqlx's own error.
    Text,
}

impl ColumnKind {
    fn of(column: &sqlx::postgres::PgColumn) -> ColumnKind {
        use sqlx::{Column, TypeInfo};
        match column.type_info().name() {
            "INT2" => ColumnKind::Int2,
            "INT4" => ColumnKind::Int4,
            "INT8" => ColumnKind::Int8,
            "VOID" => ColumnKind::Void,
            _ => ColumnKind::Text,
        }
    }
}

/// Rows of integers, text and NULLs from PostgreSQL (through sqlx's own driver: each column is
/// decoded by its declared type, once, where the `Any` driver copied every row and a failed
/// integer decode of each text cell built an error message).
pub(crate) async fn pg_query<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Postgres>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Vec<Cell>>, StoreError> {
    let rows = bind_all(sqlx::query(sql), params).fetch_all(conn).await?;
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let kinds: Vec<ColumnKind> = first.columns().iter().map(ColumnKind::of).collect();
    rows.iter()
        .map(|r| {
            kinds
                .iter()
                .enumerate()
                .map(|(i, kind)| {
                    let int = |v: Option<i64>| v.map_or(Cell::Null, Cell::Int);
                    Ok(match kind {
                        ColumnKind::Int2 => int(r.try_get::<Option<i16>, _>(i)?.map(i64::from)),
                        ColumnKind::Int4 => int(r.try_get::<Option<i32>, _>(i)?.map(i64::from)),
                        ColumnKind::Int8 => int(r.try_get::<Option<i64>, _>(i)?),
                        ColumnKind::Void => Cell::Null,
                        ColumnKind::Text => r
                            .try_get::<Option<String>, _>(i)?
                            .map_or(Cell::Null, Cell::Text),
                    })
                })
                .collect::<Result<Vec<Cell>, sqlx::Error>>()
        })
        .collect::<Result<_, _>>()
        .map_err(StoreError::Db)
}
