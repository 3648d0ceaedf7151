//! One value of a pushed row, carried from SQLite to PostgreSQL unchanged,
//! and read back from either side alike so that the two can be compared.

use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};
use std::error::Error as StdError;

/// A value of one of the file's storage classes.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Cell {
    /// The value SQLite holds.
    pub fn from_sqlite(v: ValueRef<'_>) -> Cell {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Integer(i),
            ValueRef::Real(f) => Cell::Real(f),
            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
        }
    }

    /// The `n` values of a SQLite row from its column `from` on.
    pub fn from_sqlite_row(
        row: &rusqlite::Row,
        from: usize,
        n: usize,
    ) -> rusqlite::Result<Vec<Cell>> {
        (from..from + n)
            .map(|c| row.get_ref(c).map(Cell::from_sqlite))
            .collect()
    }

    /// The value as SQLite takes it as a parameter.
    pub fn to_sqlite(&self) -> rusqlite::types::Value {
        use rusqlite::types::Value;
        match self {
            Cell::Null => Value::Null,
            Cell::Integer(i) => Value::Integer(*i),
            Cell::Real(f) => Value::Real(*f),
            Cell::Text(t) => Value::Text(t.clone()),
            Cell::Blob(b) => Value::Blob(b.clone()),
        }
    }

    /// A key part from the JSON array the outbox holds for a table without
    /// rowids (`json_array(...)` of its key columns).
    pub fn from_json(v: &serde_json::Value) -> Option<Cell> {
        match v {
            serde_json::Value::Null => Some(Cell::Null),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(Cell::Integer)
                .or_else(|| n.as_f64().map(Cell::Real)),
            serde_json::Value::String(s) => Some(Cell::Text(s.clone())),
            _ => None,
        }
    }

    /// The value as JSON, for a walk's position kept centrally.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Integer(i) => (*i).into(),
            Cell::Real(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Cell::Text(t) => t.clone().into(),
            Cell::Blob(b) => hex::encode(b).into(),
        }
    }

    /// Feeds the value into a digest so that the same row read from the file
    /// and from the central store gives the same sum.
    pub fn digest(&self, h: &mut Sha256) {
        match self {
            Cell::Null => h.update([0u8]),
            Cell::Integer(i) => {
                h.update([1u8]);
                h.update(i.to_be_bytes());
            }
            Cell::Real(f) => {
                h.update([2u8]);
                h.update(f.to_bits().to_be_bytes());
            }
            Cell::Text(t) => {
                h.update([3u8]);
                h.update((t.len() as u64).to_be_bytes());
                h.update(t.as_bytes());
            }
            Cell::Blob(b) => {
                h.update([4u8]);
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
}

impl ToSql for Cell {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match (self, ty) {
            (Cell::Null, _) => Ok(IsNull::Yes),
            (Cell::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (Cell::Integer(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Cell::Real(f), &Type::FLOAT8) => f.to_sql(ty, out),
            (Cell::Text(t), &Type::TEXT) => t.to_sql(ty, out),
            (Cell::Blob(b), &Type::BYTEA) => b.to_sql(ty, out),
            (cell, ty) => Err(format!(
                "a {} value cannot go into a central column of type {ty}: run `wardline central init` with this version of wardline",
                cell.class()
            )
            .into()),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT8 | Type::FLOAT8 | Type::TEXT | Type::BYTEA)
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(match *ty {
            Type::INT8 => Cell::Integer(i64::from_sql(ty, raw)?),
            Type::FLOAT8 => Cell::Real(f64::from_sql(ty, raw)?),
            Type::TEXT => Cell::Text(String::from_sql(ty, raw)?),
            Type::BYTEA => Cell::Blob(Vec::<u8>::from_sql(ty, raw)?),
            _ => {
                return Err(
                    format!("a central column of type {ty} is not one wardline writes").into(),
                );
            }
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Cell::Null)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT8 | Type::FLOAT8 | Type::TEXT | Type::BYTEA)
    }
}

impl Cell {
    fn class(&self) -> &'static str {
        match self {
            Cell::Null => "null",
            Cell::Integer(_) => "integer",
            Cell::Real(_) => "real",
            Cell::Text(_) => "text",
            Cell::Blob(_) => "blob",
        }
    }
}
