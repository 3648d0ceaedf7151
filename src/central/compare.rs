//! Each pushed table's row count and a sum of its rows, read alike from a
//! hospital file and from the central store, so that the two can be held
//! side by side: the same rows give the same sum whatever their order.

use super::CentralError;
use super::cell::Cell;
use super::tables::{Mirror, quote};
use postgres::Client;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A table's rows counted and summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableSum {
    pub rows: u64,
    /// The lane-wise wrapping sum of each row's SHA-256: independent of
    /// order, and a row held twice counts twice.
    pub sum: [u64; 4],
}

impl TableSum {
    fn add(&mut self, row: &[Cell]) {
        let mut h = Sha256::new();
        for cell in row {
            cell.digest(&mut h);
        }
        let d = h.finalize();
        for (lane, bytes) in self.sum.iter_mut().zip(d.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(bytes);
            *lane = lane.wrapping_add(u64::from_be_bytes(b));
        }
        self.rows += 1;
    }
}

/// The sums of every pushed table of a hospital file.
pub fn local_sums(
    conn: &Connection,
    mirrors: &[Mirror],
) -> Result<BTreeMap<String, TableSum>, CentralError> {
    let mut out = BTreeMap::new();
    for m in mirrors {
        let mut sum = TableSum::default();
        let mut stmt = conn.prepare(&format!(
            "SELECT {} FROM {}",
            m.column_list(),
            quote(&m.name)
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let cells = Cell::from_sqlite_row(row, 0, m.columns.len())?;
            sum.add(&cells);
        }
        out.insert(m.name.clone(), sum);
    }
    Ok(out)
}

/// The sums of the same tables as the central store holds them for `code`.
pub fn central_sums(
    client: &mut Client,
    code: &str,
    mirrors: &[Mirror],
) -> Result<BTreeMap<String, TableSum>, CentralError> {
    let mut out = BTreeMap::new();
    for m in mirrors {
        let mut sum = TableSum::default();
        let sql = format!(
            "SELECT {} FROM {} WHERE hospital = $1",
            m.column_list(),
            quote(&m.name)
        );
        for row in client.query(&sql, &[&code])? {
            let cells = (0..m.columns.len())
                .map(|c| row.try_get::<_, Cell>(c))
                .collect::<Result<Vec<_>, _>>()?;
            sum.add(&cells);
        }
        out.insert(m.name.clone(), sum);
    }
    Ok(out)
}
