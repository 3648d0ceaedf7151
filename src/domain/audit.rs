//! The audit trail's events and the hash that chains them.
//!
//! Each row's hash is SHA-256 over a length-prefixed encoding of its fields and
//! the previous row's hash, so editing, deleting or reordering any row breaks
//! the chain from that row on.

use crate::domain::role::Role;
use sha2::{Digest, Sha256};
use strum::{Display, EnumIter, EnumString, IntoStaticStr};

/// The hash that stands before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened. Stored in SCREAMING_SNAKE_CASE (`LOGIN_FAILED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditAction {
    Login,
    LoginFailed,
    LockedOut,
    Logout,
    SessionLock,
    Unlock,
    Create,
    Update,
    Delete,
    Restore,
    Merge,
    // a merge undone by an administrator: both records as they were
    Unmerge,
    Read,
    Search,
    Import,
    Export,
    // pharmacy
    Receive,
    Dispense,
    ReverseDispense,
    Adjust,
    // beds
    Admit,
    Transfer,
    Discharge,
    // backups: a checked copy taken (BACKUP), and the hospital replaced by
    // one (RESTORE_BACKUP; RESTORE is a deleted patient brought back)
    Backup,
    RestoreBackup,
    // the event count and head hash written to the checkpoint log outside
    // the file; the log's line carries this event's number and hash
    Checkpoint,
    // the clinical record: a note signed, an addendum added, a record
    // marked entered in error, a record opened by breaking the glass
    Sign,
    Addendum,
    EnteredInError,
    BreakGlass,
    // staff on wards: a doctor or nurse assigned to a ward, and the end of
    // that assignment
    AssignWard,
    EndWardAssignment,
    // prescriptions and the medication round: a prescription written, a
    // failed check overridden with a reason, a prescription stopped, an
    // inpatient order completed at discharge, a dose recorded, a dose
    // record corrected
    Prescribe,
    OverrideCheck,
    StopPrescription,
    CompletePrescription,
    RecordDose,
    CorrectDose,
    // the laboratory: tests ordered, an order cancelled, a specimen
    // collected or rejected, results entered, verified (by a second
    // technician, or by the one who entered them where the hospital allows
    // it), corrected, and a critical result acknowledged
    LabOrder,
    CancelLabOrder,
    CollectSpecimen,
    RejectSpecimen,
    EnterResults,
    VerifyResults,
    LabSelfVerify,
    CorrectResult,
    AcknowledgeResult,
    // billing: a tariff price set from a date, a patient's payer scheme set,
    // a bill opened or closed, a charge posted or reversed, a payment taken
    // or refunded, a cashier's day closed
    SetPrice,
    SetPatientScheme,
    OpenBill,
    CloseBill,
    PostCharge,
    ReverseCharge,
    TakePayment,
    RefundPayment,
    CloseCashUp,
}

/// Who did it. `id` is absent for the system itself and for failed sign-ins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<String>,
    pub name: String,
    pub role: Option<Role>,
}

impl Actor {
    /// The program acting on its own (creating a hospital, migrations).
    pub fn system() -> Self {
        Actor {
            id: None,
            name: "system".to_string(),
            role: None,
        }
    }

    /// Someone not signed in, e.g. a failed sign-in: `name` is the account's
    /// user name, or the tag of a name no account has (never its text).
    pub fn anonymous(name: &str) -> Self {
        Actor {
            id: None,
            name: name.to_string(),
            role: None,
        }
    }
}

/// One event as a change records it; the store adds sequence, time and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    pub patient_id: Option<String>,
    /// A short human summary. Never a password, hash or secret.
    pub summary: String,
}

impl AuditEvent {
    pub fn new(action: AuditAction, entity: &'static str, summary: impl Into<String>) -> Self {
        AuditEvent {
            action,
            entity,
            entity_id: None,
            patient_id: None,
            summary: summary.into(),
        }
    }

    pub fn on(mut self, entity_id: impl Into<String>) -> Self {
        self.entity_id = Some(entity_id.into());
        self
    }

    pub fn for_patient(mut self, patient_id: impl Into<String>) -> Self {
        self.patient_id = Some(patient_id.into());
        self
    }
}

/// A stored audit row, exactly as hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub patient_id: Option<String>,
    pub summary: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A row's hashed fields, borrowed (so that verifying a million rows does not
/// copy them).
#[derive(Debug, Clone, Copy)]
pub struct AuditFields<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor_name: &'a str,
    pub actor_role: Option<&'a str>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    pub patient_id: Option<&'a str>,
    pub summary: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

impl AuditFields<'_> {
    /// The hash these fields should carry, as 64 lower-case hex digits.
    pub fn expected_hash(&self) -> [u8; 64] {
        let mut h = Sha256::new();
        let mut field = |v: Option<&str>| match v {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
        };
        let seq = self.seq.to_string();
        field(Some(&seq));
        field(Some(self.at));
        field(self.actor_id);
        field(Some(self.actor_name));
        field(self.actor_role);
        field(Some(self.action));
        field(Some(self.entity));
        field(self.entity_id);
        field(self.patient_id);
        field(Some(self.summary));
        field(Some(self.prev_hash));
        let mut out = [0u8; 64];
        // 32 bytes always fit 64 hex digits.
        let _ = hex::encode_to_slice(h.finalize(), &mut out);
        out
    }
}

impl AuditRecord {
    /// The fields as hashed.
    pub fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            seq: self.seq,
            at: &self.at,
            actor_id: self.actor_id.as_deref(),
            actor_name: &self.actor_name,
            actor_role: self.actor_role.as_deref(),
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id.as_deref(),
            patient_id: self.patient_id.as_deref(),
            summary: &self.summary,
            prev_hash: &self.prev_hash,
            hash: &self.hash,
        }
    }

    /// The hash this row should carry, given its fields and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        String::from_utf8_lossy(&self.fields().expected_hash()).into_owned()
    }
}

/// Where a chain first goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("event {found} follows event {previous}: events are missing or out of order")]
    Gap { previous: i64, found: i64 },
    #[error(
        "event {seq} does not link to the event before it: a row was deleted, inserted or reordered"
    )]
    BrokenLink { seq: i64 },
    #[error("event {seq} does not match its hash: the row was edited")]
    Edited { seq: i64 },
}

impl ChainBreak {
    /// The sequence number where the chain breaks.
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Gap { found, .. } => *found,
            ChainBreak::BrokenLink { seq } | ChainBreak::Edited { seq } => *seq,
        }
    }
}

/// Walks a chain in sequence order, one record at a time.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    pub count: i64,
    pub head: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            count: 0,
            head: GENESIS_HASH.to_string(),
        }
    }
}

impl ChainVerifier {
    /// Checks the next record; on success it becomes the head.
    pub fn push(&mut self, r: &AuditRecord) -> Result<(), ChainBreak> {
        self.push_fields(&r.fields())
    }

    /// [`ChainVerifier::push`] on borrowed fields.
    pub fn push_fields(&mut self, r: &AuditFields) -> Result<(), ChainBreak> {
        if r.seq != self.count + 1 {
            return Err(ChainBreak::Gap {
                previous: self.count,
                found: r.seq,
            });
        }
        if r.prev_hash != self.head {
            return Err(ChainBreak::BrokenLink { seq: r.seq });
        }
        if r.expected_hash() != r.hash.as_bytes() {
            return Err(ChainBreak::Edited { seq: r.seq });
        }
        self.count = r.seq;
        self.head.clear();
        self.head.push_str(r.hash);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64, prev: &str, summary: &str) -> AuditRecord {
        let mut r = AuditRecord {
            seq,
            at: "2026-01-01T00:00:00.000000Z".into(),
            actor_id: None,
            actor_name: "system".into(),
            actor_role: None,
            action: "CREATE".into(),
            entity: "user".into(),
            entity_id: Some("u1".into()),
            patient_id: None,
            summary: summary.into(),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        r.hash = r.compute_hash();
        r
    }

    #[test]
    fn a_chain_verifies_and_edits_break_it() {
        let a = record(1, GENESIS_HASH, "one");
        let b = record(2, &a.hash, "two");
        let mut v = ChainVerifier::default();
        v.push(&a).unwrap();
        v.push(&b).unwrap();
        assert_eq!(v.count, 2);

        let mut edited = b.clone();
        edited.summary = "changed".into();
        let mut v = ChainVerifier::default();
        v.push(&a).unwrap();
        assert_eq!(v.push(&edited), Err(ChainBreak::Edited { seq: 2 }));

        let mut v = ChainVerifier::default();
        assert_eq!(
            v.push(&b),
            Err(ChainBreak::Gap {
                previous: 0,
                found: 2
            })
        );
    }

    #[test]
    fn none_and_empty_hash_differently() {
        let mut a = record(1, GENESIS_HASH, "x");
        let h1 = a.compute_hash();
        a.entity_id = Some(String::new());
        assert_ne!(h1, a.compute_hash());
    }
}
