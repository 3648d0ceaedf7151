//! Synthetic audit trails for the bench and for tests: events appended in
//! bulk with times and actors of their own (the trail's one writer,
//! [`super::audit::append`], stamps the real clock and the signed-in
//! actor), each chained to the one before exactly as `append` chains it,
//! so that `audit verify` holds over the result. Never used on a real
//! hospital: the bench builds its own files, the tests temporary ones.

use super::StoreError;
use super::audit::Chain;
use crate::domain::audit::{Actor, AuditEvent};
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
    let mut chain = Chain::from_head(tx)?;
    for s in events {
        chain.push(&format_ts(s.at), &s.actor, &s.event)?;
    }
    Ok(chain.seq())
}
