//! The audit trail's rows: appending inside a write, reading, verifying.

use super::StoreError;
use crate::domain::audit::{
    Actor, AuditEvent, AuditFields, AuditRecord, ChainBreak, ChainVerifier, GENESIS_HASH,
};
use crate::domain::time::format_ts;
use rusqlite::{Connection, OptionalExtension, Row, Transaction};

/// Appends events after the current head. Only [`super::Db::write`] and
/// the migrator call this, always inside an IMMEDIATE transaction, so the
/// head read here cannot move before the insert.
pub fn append(tx: &Transaction, actor: &Actor, events: &[AuditEvent]) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let at = format_ts(chrono::Utc::now());
    let mut chain = Chain::from_head(tx)?;
    for e in events {
        chain.push(&at, actor, e)?;
    }
    Ok(())
}

/// Where rows of the trail are built and inserted, for [`append`] and the
/// bench's synthetic trails alike: each event after the head the chain
/// started from, chained to the one before.
pub(crate) struct Chain<'t> {
    insert: rusqlite::CachedStatement<'t>,
    seq: i64,
    prev: String,
}

impl<'t> Chain<'t> {
    /// Starts after the trail's current head, in the caller's transaction.
    pub(crate) fn from_head(tx: &'t Transaction) -> Result<Chain<'t>, StoreError> {
        let (seq, prev) = head(tx)?;
        let insert = tx.prepare_cached(
            "INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_role, action, entity,
                                    entity_id, patient_id, summary, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        Ok(Chain { insert, seq, prev })
    }

    /// Appends `event`, done by `actor` at `at` (stored text form).
    pub(crate) fn push(
        &mut self,
        at: &str,
        actor: &Actor,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut r = AuditRecord {
            seq: self.seq + 1,
            at: at.to_string(),
            actor_id: actor.id.clone(),
            actor_name: actor.name.clone(),
            actor_role: actor.role.map(|r| r.to_string()),
            action: event.action.to_string(),
            entity: event.entity.to_string(),
            entity_id: event.entity_id.clone(),
            patient_id: event.patient_id.clone(),
            summary: event.summary.clone(),
            prev_hash: std::mem::take(&mut self.prev),
            hash: String::new(),
        };
        r.hash = r.compute_hash();
        self.insert.execute(rusqlite::params![
            r.seq,
            r.at,
            r.actor_id,
            r.actor_name,
            r.actor_role,
            r.action,
            r.entity,
            r.entity_id,
            r.patient_id,
            r.summary,
            r.prev_hash,
            r.hash
        ])?;
        self.seq = r.seq;
        self.prev = r.hash;
        Ok(())
    }

    /// The `seq` of the last event appended (the head's when none was).
    pub(crate) fn seq(&self) -> i64 {
        self.seq
    }
}

/// The last sequence number and hash (0 and the genesis hash when empty).
pub fn head(conn: &Connection) -> Result<(i64, String), StoreError> {
    let row = conn
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.unwrap_or((0, GENESIS_HASH.to_string())))
}

/// The hash of event `seq`, if there is one.
pub fn hash_at(conn: &Connection, seq: i64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .optional()?)
}

pub(crate) const COLUMNS: &str =
    "seq, at, actor_id, actor_name, actor_role, action, entity, entity_id,
                       patient_id, summary, prev_hash, hash";

pub(crate) fn record(r: &Row) -> rusqlite::Result<AuditRecord> {
    Ok(AuditRecord {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor_id: r.get(2)?,
        actor_name: r.get(3)?,
        actor_role: r.get(4)?,
        action: r.get(5)?,
        entity: r.get(6)?,
        entity_id: r.get(7)?,
        patient_id: r.get(8)?,
        summary: r.get(9)?,
        prev_hash: r.get(10)?,
        hash: r.get(11)?,
    })
}

/// The newest `limit` events, newest first.
pub fn recent(conn: &Connection, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit as i64], record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The first event of `action` whose summary holds `needle` (an imported
/// file's fingerprint), oldest first. Reads the whole trail: for commands
/// that are rare and slow anyway, such as an import.
pub fn first_with(
    conn: &Connection,
    action: &str,
    needle: &str,
) -> Result<Option<AuditRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE action = ?1 AND instr(summary, ?2) > 0
         ORDER BY seq LIMIT 1"
    ))?;
    Ok(stmt.query_row([action, needle], record).optional()?)
}

/// The result of walking the whole chain.
#[derive(Debug)]
pub enum ChainState {
    Intact { count: i64, head: String },
    Broken(ChainBreak),
}

/// Walks every event in sequence order, in one read transaction so that
/// concurrent appends cannot be half-seen.
pub fn verify_chain(conn: &Connection) -> Result<ChainState, StoreError> {
    let tx = conn.unchecked_transaction()?;
    let mut verifier = ChainVerifier::default();
    {
        let mut stmt = tx.prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| r.get_ref(i).and_then(|v| v.as_str().map_err(Into::into));
            let maybe = |i: usize| {
                r.get_ref(i)
                    .and_then(|v| v.as_str_or_null().map_err(Into::into))
            };
            let fields = AuditFields {
                seq: r.get(0)?,
                at: text(1)?,
                actor_id: maybe(2)?,
                actor_name: text(3)?,
                actor_role: maybe(4)?,
                action: text(5)?,
                entity: text(6)?,
                entity_id: maybe(7)?,
                patient_id: maybe(8)?,
                summary: text(9)?,
                prev_hash: text(10)?,
                hash: text(11)?,
            };
            if let Err(b) = verifier.push_fields(&fields) {
                return Ok(ChainState::Broken(b));
            }
        }
    }
    tx.finish()?;
    Ok(ChainState::Intact {
        count: verifier.count,
        head: verifier.head,
    })
}

/// The action of event `seq`, if there is one.
pub fn action_at(conn: &Connection, seq: i64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT action FROM audit_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .optional()?)
}

/// An event as the checkpoint log names it: its number, time and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub at: String,
    pub hash: String,
}

/// Every event of `action`, in order, as number, time and hash.
pub fn anchors_of(conn: &Connection, action: &str) -> Result<Vec<Anchor>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, at, hash FROM audit_log WHERE action = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([action], |r| {
        Ok(Anchor {
            seq: r.get(0)?,
            at: r.get(1)?,
            hash: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Event `seq` as the checkpoint log names it, if there is one.
pub fn anchor_at(conn: &Connection, seq: i64) -> Result<Option<Anchor>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT seq, at, hash FROM audit_log WHERE seq = ?1",
            [seq],
            |r| {
                Ok(Anchor {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    hash: r.get(2)?,
                })
            },
        )
        .optional()?)
}
