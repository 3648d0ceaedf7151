//! Synthetic audit trails for the bench and for tests: events appended in
//! bulk with times and actors of their own (the trail's one writer,
//! [`super::audit::append`], stamps the real clock and the signed-in
//! actor), each chained to the one before exactly as `append` chains it,
//! so that `audit verify` holds over the result. Never used on a real
//! hospital: the bench builds its own files, the tests temporary ones.

use super::StoreError;
use super::audit::head;
use crate::domain::audit::{Actor, AuditEvent, AuditRecord};
use crate::domain::time::format_ts;
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

/// One event with the instant and the actor it is written with.
#[derive(Debug, Clone)]
pub struct Stamped {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub event: AuditEvent,
}

/// Appends `events` after the current head, in order, in the caller's
/// transaction (one prepared insert); returns the new head's `seq`.
pub fn append_stamped(
    tx: &Transaction,
    events: impl IntoIterator<Item = Stamped>,
) -> Result<i64, StoreError> {
    let (mut seq, mut prev) = head(tx)?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_role, action, entity,
                                entity_id, patient_id, summary, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for s in events {
        seq += 1;
        let mut r = AuditRecord {
            seq,
            at: format_ts(s.at),
            actor_id: s.actor.id,
            actor_name: s.actor.name,
            actor_role: s.actor.role.map(|r| r.to_string()),
            action: s.event.action.to_string(),
            entity: s.event.entity.to_string(),
            entity_id: s.event.entity_id,
            patient_id: s.event.patient_id,
            summary: s.event.summary,
            prev_hash: prev,
            hash: String::new(),
        };
        r.hash = r.compute_hash();
        insert.execute(rusqlite::params![
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
        prev = r.hash;
    }
    Ok(seq)
}
