//! `wardline central verify`: the central copy of a hospital's audit trail
//! checked as the hospital checks its own (every event's hash, every link,
//! no gap), and held against the hospital file when it is at hand: the
//! central store is a second, off-site witness of each hospital's chain.

use super::CentralError;
use crate::domain::audit::{AuditFields, ChainBreak, ChainVerifier};
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

/// The central copy of a chain, walked to its end or to where it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CentralChain {
    Intact { count: i64, head: String },
    Broken(ChainBreak),
}

/// Walks the central copy of `code`'s audit trail in order.
pub fn chain(client: &mut Client, code: &str) -> Result<CentralChain, CentralError> {
    let known = client.query_opt("SELECT 1 FROM hospitals WHERE code = $1", &[&code])?;
    if known.is_none() {
        return Err(CentralError::Central(format!(
            "the central store holds no hospital {code}: check the code with `wardline central status --db URL`"
        )));
    }
    let mut verifier = ChainVerifier::default();
    let mut rows = client.query_raw(
        "SELECT seq, at, actor_id, actor_name, actor_role, action, entity, entity_id, patient_id,
                summary, prev_hash, hash
           FROM audit_log WHERE hospital = $1 ORDER BY seq",
        [&code],
    )?;
    while let Some(r) = rows.next()? {
        let fields = AuditFields {
            seq: r.try_get(0)?,
            at: r.try_get(1)?,
            actor_id: r.try_get(2)?,
            actor_name: r.try_get(3)?,
            actor_role: r.try_get(4)?,
            action: r.try_get(5)?,
            entity: r.try_get(6)?,
            entity_id: r.try_get(7)?,
            patient_id: r.try_get(8)?,
            summary: r.try_get(9)?,
            prev_hash: r.try_get(10)?,
            hash: r.try_get(11)?,
        };
        if let Err(b) = verifier.push_fields(&fields) {
            return Ok(CentralChain::Broken(b));
        }
    }
    Ok(CentralChain::Intact {
        count: verifier.count,
        head: verifier.head,
    })
}
