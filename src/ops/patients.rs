//! The registration desk's changes and reads: register, edit, verify, open,
//! search, delete, restore and merge. Reads of patient data are audited too:
//! opening a record is a READ event; a search is one SEARCH event with the
//! final query, written when a result is opened or the search is left.

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::duplicates::{Person, compare};
use crate::domain::ids::Id;
use crate::domain::merge;
use crate::domain::mrn::{self, MrnQuery};
use crate::domain::patient::{Field, Patient, PatientDetails, PatientInput, validate};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::patient_merges;
use crate::store::patient_search::{self, Found, MatchKind};
use crate::store::patients::{self, PatientRow, Stamp};
use chrono::{DateTime, Utc};
use strum::IntoEnumIterator;

fn stamp(by: &Session, at: DateTime<Utc>) -> Stamp<'_> {
    Stamp {
        user_id: Some(by.user.id.as_str()),
        at,
    }
}

fn event(action: AuditAction, p: &Patient, summary: impl Into<String>) -> AuditEvent {
    AuditEvent::new(action, "patient", summary)
        .on(p.id.as_str())
        .for_patient(p.id.as_str())
}

/// The record holding exactly the MRN typed (with or without prefix,
/// dashes or check character), deleted or merged away included: it does
/// not lead on to a survivor, as a search does. `None` when no record has
/// it; a wrong check character is refused, naming it. The caller checks
/// the role first: this reads no patient data on its own account.
pub(crate) fn by_typed_mrn(db: &Db, typed: &str) -> Result<Option<Patient>> {
    let seq = match mrn::parse_query(typed) {
        Some(MrnQuery::Checked { seq, .. } | MrnQuery::Unchecked { seq, .. }) => seq,
        Some(MrnQuery::WrongCheck { typed }) => {
            return Err(Error::Refused(format!(
                "the check character of {typed} does not match its digits: a character is probably mistyped; check the MRN"
            )));
        }
        None => return Ok(None),
    };
    let Ok(seq) = i64::try_from(seq) else {
        return Ok(None);
    };
    Ok(patients::get_by_seq(db.conn(), seq)?)
}

/// Checks the form against the hospital's date format and today's date.
pub fn check(db: &Db, input: &PatientInput, now: DateTime<Utc>) -> Result<PatientDetails> {
    let settings = db.settings()?;
    validate(
        input,
        crate::domain::clock::local_date(settings.time_zone, now),
        settings.date_pattern(),
    )
    .map_err(Error::Invalid)
}

/// A patient who may be the one being registered, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub row: PatientRow,
    /// Why it matched: "same phone", "similar name and birth date", or both.
    pub reason: String,
    /// Which fields typed agree with the patient's; the list is ranked by it.
    pub agreement: crate::domain::duplicates::Agreement,
}

/// Possible duplicates of what is typed so far: the same phone, or a birth
/// date within a year (five when estimated) and a name that sounds alike.
pub fn duplicates(
    db: &Db,
    by: &Session,
    input: &PatientInput,
    exclude: Option<&Id>,
    now: DateTime<Utc>,
) -> Result<Vec<Duplicate>> {
    by.require(Permission::RegisterPatients, "register patients")?;
    let settings = db.settings()?;
    let today = crate::domain::clock::local_date(settings.time_zone, now);
    let pattern = settings.date_pattern();
    let (birth, years) =
        match crate::domain::patient::parse_date(input.get(Field::BirthDate), pattern) {
            Some(d) => (Some(d), 1),
            None => (
                crate::domain::patient::estimated_birth_date(input.get(Field::EstimatedAge), today),
                5,
            ),
        };
    let exclude_seq = match exclude {
        Some(id) => db
            .conn()
            .query_row(
                "SELECT seq FROM patients WHERE id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .ok(),
        None => None,
    };
    let found = patient_search::possible_duplicates(
        db.conn(),
        [
            input.get(Field::GivenName),
            input.get(Field::MiddleName),
            input.get(Field::FamilyName),
        ],
        birth,
        years,
        input.get(Field::Phone),
        exclude_seq,
    )?;
    let seqs: Vec<i64> = found.iter().map(|(s, _)| *s).collect();
    let rows = patients::rows(db.conn(), &seqs)?;
    let full_name = crate::domain::patient::full_name(
        input.get(Field::GivenName),
        input.get(Field::MiddleName),
        input.get(Field::FamilyName),
    );
    let typed = Person {
        name: &full_name,
        birth_date: crate::domain::patient::parse_date(input.get(Field::BirthDate), pattern),
        phone: input.get(Field::Phone),
        sex: crate::domain::patient::Sex::parse(input.get(Field::Sex)),
    };
    let mut list: Vec<Duplicate> = rows
        .into_iter()
        .zip(found)
        .map(|(row, (_, reasons))| {
            let agreement = compare(
                &typed,
                &Person {
                    name: &row.name,
                    birth_date: Some(row.birth_date),
                    phone: &row.phone,
                    sex: Some(row.sex),
                },
            );
            Duplicate {
                row,
                reason: reasons.join(" + "),
                agreement,
            }
        })
        .collect();
    list.sort_by_key(|d| std::cmp::Reverse(d.agreement.rank()));
    Ok(list)
}

/// Registers a patient. `despite` lists the MRNs of possible duplicates the
/// user saw and saved over; the audit event records them.
pub fn register(
    db: &mut Db,
    by: &Session,
    input: &PatientInput,
    despite: &[String],
    now: DateTime<Utc>,
) -> Result<Patient> {
    by.require(Permission::RegisterPatients, "register patients")?;
    let details = check(db, input, now)?;
    let prefix = db.settings()?.mrn_prefix;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::RegisterPatients, "register patients")?;
        let p = patients::insert(tx, &prefix, &details, "", &stamp(by, now))?;
        let mut summary = format!("registered {}", p.mrn);
        if !despite.is_empty() {
            summary.push_str(&format!(
                " despite possible duplicates {}",
                despite.join(", ")
            ));
        }
        Ok::<_, Error>((p.clone(), vec![event(AuditAction::Create, &p, summary)]))
    })
}

/// Saves an edit made from `version`; refused when the record changed meanwhile.
pub fn update(
    db: &mut Db,
    by: &Session,
    id: &Id,
    version: i64,
    input: &PatientInput,
    now: DateTime<Utc>,
) -> Result<Patient> {
    by.require(Permission::RegisterPatients, "edit patients")?;
    let details = check(db, input, now)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::RegisterPatients, "edit patients")?;
        let before = patients::get(tx, id)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        if before.merged_into.is_some() {
            return Err(Error::Refused(
                "this record was merged into another: edit the surviving record".into(),
            ));
        }
        patients::update(tx, id, version, &details, &stamp(by, now))?;
        let changed: Vec<&str> = Field::iter()
            .filter(|f| before.details.text(*f) != details.text(*f))
            .map(|f| f.column())
            .collect();
        let after = patients::get(tx, id)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        let summary = if changed.is_empty() {
            format!("{}: saved without changes", after.mrn)
        } else {
            format!("{}: changed {}", after.mrn, changed.join(", "))
        };
        Ok::<_, Error>((
            after.clone(),
            vec![event(AuditAction::Update, &after, summary)],
        ))
    })
}

/// The record as it stands now, re-read for an edit that another terminal
/// overtook (the edit's opening was already a READ event).
pub fn current(db: &Db, by: &Session, id: &Id) -> Result<Option<Patient>> {
    by.require(Permission::RegisterPatients, "edit patient records")?;
    Ok(patients::get(db.conn(), id)?)
}

/// Opens a record: a READ event.
pub fn open(db: &mut Db, by: &Session, id: &Id) -> Result<Patient> {
    open_with(db, by, id, Vec::new(), Vec::new())
}

/// [`open`], committing the other events of the same step in the same
/// transaction: `before` the patient's READ (the search that found the
/// patient) and `after` it (the clinical record's READ).
pub(crate) fn open_with(
    db: &mut Db,
    by: &Session,
    id: &Id,
    before: Vec<AuditEvent>,
    after: Vec<AuditEvent>,
) -> Result<Patient> {
    by.require(Permission::FindPatients, "open patient records")?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::FindPatients, "open patient records")?;
        let p = patients::get(tx, id)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        if p.deleted_at.is_some() && !by.role().can(Permission::DeleteRestoreMergePatients) {
            return Err(Error::NotFound(
                "that record was deleted: ask an administrator".into(),
            ));
        }
        let mut events = before;
        events.push(event(AuditAction::Read, &p, format!("opened {}", p.mrn)));
        events.extend(after);
        Ok::<_, Error>((p, events))
    })
}

/// The patient with this MRN (typed with or without prefix and dashes), as
/// a command names a patient; `None` when no patient has it.
pub fn by_mrn(db: &Db, by: &Session, mrn: &str) -> Result<Option<Patient>> {
    let found = find(db, by, mrn, false)?;
    let Some(hit) = found.hits.iter().find(|h| h.kind == MatchKind::Mrn) else {
        return Ok(None);
    };
    Ok(patients::get_by_seq(db.conn(), hit.seq)?)
}

/// Finds patients; `with_deleted` (admins only) adds soft-deleted ones.
pub fn find(db: &Db, by: &Session, query: &str, with_deleted: bool) -> Result<Found> {
    by.require(Permission::FindPatients, "search patients")?;
    let pattern = db.settings()?.date_pattern();
    let mut found = patient_search::search(db.conn(), query, pattern)?;
    if with_deleted {
        by.require(
            Permission::DeleteRestoreMergePatients,
            "see deleted patients",
        )?;
        let deleted = patient_search::search_deleted(db.conn(), query, pattern)?;
        found.hits.extend(deleted.hits);
    }
    Ok(found)
}

/// The list rows for some hits.
pub fn rows(db: &Db, seqs: &[i64]) -> Result<Vec<PatientRow>> {
    Ok(patients::rows(db.conn(), seqs)?)
}

/// Records a search: one SEARCH event holding the final query.
pub fn record_search(db: &mut Db, by: &Session, query: &str, results: usize) -> Result<()> {
    let Some(e) = search_event(query, results) else {
        return Ok(());
    };
    db.write(&by.actor(), |_| Ok::<_, Error>(((), vec![e])))
}

/// The SEARCH event of a search's final query (`None` for an empty one),
/// for [`record_search`] or to commit with the opening of a result.
pub fn search_event(query: &str, results: usize) -> Option<AuditEvent> {
    let query = query.trim();
    (!query.is_empty()).then(|| {
        AuditEvent::new(
            AuditAction::Search,
            "patient",
            format!("searched {query:?}: {results} found"),
        )
    })
}

/// Marks the patient's identity verified by the signed-in user.
pub fn verify_identity(db: &mut Db, by: &Session, id: &Id, now: DateTime<Utc>) -> Result<Patient> {
    by.require(Permission::RegisterPatients, "verify identities")?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::RegisterPatients, "verify identities")?;
        patients::set_verified(tx, id, &stamp(by, now))?;
        let p = patients::get(tx, id)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        Ok::<_, Error>((
            p.clone(),
            vec![event(
                AuditAction::Update,
                &p,
                format!("{}: identity verified", p.mrn),
            )],
        ))
    })
}

fn reason_required(reason: &str) -> Result<String> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(Error::Refused(
            "type a reason: it is kept with the record".into(),
        ));
    }
    if r.chars().count() > 200 {
        return Err(Error::Refused(
            "the reason is too long: at most 200 characters".into(),
        ));
    }
    Ok(r.to_string())
}

/// Soft-deletes a patient with a reason (admin only).
pub fn delete(
    db: &mut Db,
    by: &Session,
    id: &Id,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Patient> {
    by.require(Permission::DeleteRestoreMergePatients, "delete patients")?;
    let reason = reason_required(reason)?;
    db.write(&by.actor(), |tx| {
        authorize(
            tx,
            by,
            Permission::DeleteRestoreMergePatients,
            "delete patients",
        )?;
        let p = patients::get(tx, id)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        if p.deleted_at.is_some() {
            return Err(Error::Refused(format!("{} is already deleted", p.mrn)));
        }
        if p.merged_into.is_some() {
            return Err(Error::Refused(format!(
                "{} was merged into another record",
                p.mrn
            )));
        }
        let account =
            crate::store::users::account_of_patient(tx, id)?.filter(|u| u.disabled_at.is_none());
        patients::soft_delete(tx, id, &reason, &stamp(by, now))?;
        let p = patients::get(tx, id)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        let disabled = account
            .map(|u| format!("; portal account {} disabled", u.user_name))
            .unwrap_or_default();
        Ok::<_, Error>((
            p.clone(),
            vec![event(
                AuditAction::Delete,
                &p,
                format!("{} deleted: {reason}{disabled}", p.mrn),
            )],
        ))
    })
}

/// Restores a soft-deleted patient (admin only).
pub fn restore(db: &mut Db, by: &Session, id: &Id, now: DateTime<Utc>) -> Result<Patient> {
    by.require(Permission::DeleteRestoreMergePatients, "restore patients")?;
    db.write(&by.actor(), |tx| {
        authorize(
            tx,
            by,
            Permission::DeleteRestoreMergePatients,
            "restore patients",
        )?;
        let p = patients::get(tx, id)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        if p.deleted_at.is_none() {
            return Err(Error::Refused(format!("{} is not deleted", p.mrn)));
        }
        patients::restore(tx, id, &stamp(by, now))?;
        let p = patients::get(tx, id)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        Ok::<_, Error>((
            p.clone(),
            vec![event(
                AuditAction::Restore,
                &p,
                format!("{} restored", p.mrn),
            )],
        ))
    })
}

/// The survivor's details after a merge: see [`crate::domain::merge::filled`].
pub use crate::domain::merge::filled;

/// What a merge moved, for its audit events: ": 3 appointments, 1
/// admission moved", or nothing when nothing was attached to the other.
fn moved_summary(appointments: usize, admissions: usize, reservations: usize) -> String {
    let parts: Vec<String> = [
        (appointments, "appointment"),
        (admissions, "admission"),
        (reservations, "bed reservation"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {} moved", parts.join(", "))
    }
}

/// How an administrator confirmed a merge: the word typed (see
/// [`merge::CONFIRM_WORD`]) and the reason. Both are required when the two
/// records differ (another sex, birth dates far apart, names not alike);
/// a reason given otherwise is kept too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeConfirmation {
    pub word: String,
    pub reason: String,
}

/// Both records side by side before a merge, what the survivor will hold,
/// and why they may be two people.
#[derive(Debug, Clone)]
pub struct MergePreview {
    pub survivor: Patient,
    pub other: Patient,
    pub lines: Vec<merge::Line>,
    pub warnings: Vec<merge::Warning>,
}

impl MergePreview {
    /// Whether the merge needs the word `MERGE` and a reason.
    pub fn needs_word(&self) -> bool {
        !self.warnings.is_empty()
    }
}

/// The preview of merging `other` into `survivor` (admin only). Reading
/// the other record in full is a READ event of it.
pub fn merge_preview(db: &mut Db, by: &Session, survivor: &Id, other: &Id) -> Result<MergePreview> {
    by.require(Permission::DeleteRestoreMergePatients, "merge patients")?;
    if survivor == other {
        return Err(Error::Refused(
            "choose two different records to merge".into(),
        ));
    }
    let pattern = db.settings()?.date_pattern();
    db.write(&by.actor(), |tx| {
        authorize(
            tx,
            by,
            Permission::DeleteRestoreMergePatients,
            "merge patients",
        )?;
        let get = |id: &Id| {
            patients::get(tx, id)?
                .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))
        };
        let (s, o) = (get(survivor)?, get(other)?);
        let preview = MergePreview {
            lines: merge::preview(&s.details, &o.details, pattern),
            warnings: merge::warnings(&s.details, &o.details),
            survivor: s,
            other: o,
        };
        let read = event(
            AuditAction::Read,
            &preview.other,
            format!(
                "opened {} to compare it with {} before a merge",
                preview.other.mrn, preview.survivor.mrn
            ),
        );
        Ok::<_, Error>((preview, vec![read]))
    })
}

/// Merges `other` into `survivor` when the two look like one person; see
/// [`merge_confirmed`].
pub fn merge(
    db: &mut Db,
    by: &Session,
    survivor: &Id,
    other: &Id,
    now: DateTime<Utc>,
) -> Result<Patient> {
    merge_confirmed(db, by, survivor, other, &MergeConfirmation::default(), now)
}

/// Checks the confirmation against the differences between the records;
/// returns the reason to keep.
fn confirmed(
    s: &Patient,
    o: &Patient,
    warnings: &[merge::Warning],
    confirmation: &MergeConfirmation,
) -> Result<String> {
    let reason = confirmation.reason.trim();
    if reason.chars().count() > 200 {
        return Err(Error::Refused(
            "the reason is too long: at most 200 characters".into(),
        ));
    }
    if warnings.is_empty() {
        return Ok(reason.to_string());
    }
    let why: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    if confirmation.word.trim() != merge::CONFIRM_WORD || reason.is_empty() {
        return Err(Error::Refused(format!(
            "{} and {} may be two different people: {}. To merge them anyway, type {} and a reason",
            s.mrn,
            o.mrn,
            why.join(", "),
            merge::CONFIRM_WORD
        )));
    }
    Ok(reason.to_string())
}

/// Merges `other` into `survivor` (admin only): the survivor keeps its MRN
/// and its values, gains what it lacked, and the other's MRN finds the
/// survivor from now on. The other's appointments, admissions and bed
/// reservation move to the survivor in the same transaction; the medicines
/// dispensed to the other stay in the append-only ledger and are listed
/// with the survivor's. The audit trail's past events keep the other's id:
/// they are history, and the merge events link the two records. A merge
/// record keeps both records' values and every row moved, so that
/// [`crate::ops::unmerge::unmerge`] can undo it; it is written last, so
/// that it sees every row moved above, whichever area moved it.
pub fn merge_confirmed(
    db: &mut Db,
    by: &Session,
    survivor: &Id,
    other: &Id,
    confirmation: &MergeConfirmation,
    now: DateTime<Utc>,
) -> Result<Patient> {
    by.require(Permission::DeleteRestoreMergePatients, "merge patients")?;
    if survivor == other {
        return Err(Error::Refused(
            "choose two different records to merge".into(),
        ));
    }
    let date_pattern = db.settings()?.date_pattern();
    db.write(&by.actor(), |tx| {
        authorize(
            tx,
            by,
            Permission::DeleteRestoreMergePatients,
            "merge patients",
        )?;
        let get = |id: &Id| {
            patients::get(tx, id)?
                .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))
        };
        let s = get(survivor)?;
        let o = get(other)?;
        for p in [&s, &o] {
            if p.merged_into.is_some() {
                return Err(Error::Refused(format!(
                    "{} was already merged into another record",
                    p.mrn
                )));
            }
            if p.deleted_at.is_some() {
                return Err(Error::Refused(format!(
                    "{} is deleted: restore it first",
                    p.mrn
                )));
            }
            if crate::store::beds::is_admitted(tx, &p.id)? {
                return Err(Error::Refused(format!(
                    "{} is admitted: merge after the patient is discharged",
                    p.mrn
                )));
            }
        }
        let warnings = merge::warnings(&s.details, &o.details);
        let reason = confirmed(&s, &o, &warnings, confirmation)?;
        let attached = patient_merges::attached_to(tx, &o.id)?;
        let details = filled(&s.details, &o.details);
        let becoming = Patient {
            details: details.clone(),
            ..s.clone()
        };
        let (appointments, mut moves) = crate::ops::appointments::move_for_merge(
            tx,
            &becoming,
            &o,
            Some(by.user.id.as_str()),
            date_pattern,
            now,
        )?;
        let (admissions, reservations, bed_moves) =
            crate::ops::beds::move_for_merge(tx, &becoming, &o)?;
        moves.extend(bed_moves);
        moves.extend(crate::ops::patient_accounts::move_for_merge(
            tx, &s, &o, now,
        )?);
        patients::merge(tx, &s, &o, &details, &stamp(by, now))?;
        let after = get(survivor)?;
        let other_after = get(other)?;
        let moved = patient_merges::still_moved(tx, &attached, &s.id)?;
        let mut summary = format!(
            "{} merged into {}{}",
            o.mrn,
            after.mrn,
            moved_summary(appointments, admissions, reservations)
        );
        if !warnings.is_empty() {
            let why: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            summary.push_str(&format!("; merged although {}", why.join(", ")));
        }
        if !reason.is_empty() {
            summary.push_str(&format!("; reason: {reason}"));
        }
        summary.push_str(&format!(
            "; {} was: {}; {} was: {}",
            s.mrn,
            merge::summary(&s.details, date_pattern),
            o.mrn,
            merge::summary(&o.details, date_pattern)
        ));
        let mut events = vec![
            event(AuditAction::Merge, &after, summary.clone()),
            event(AuditAction::Merge, &o, summary),
        ];
        events.extend(moves);
        // The merge's events are appended right after the trail's head, so
        // the last is this one: any event added to the merge goes above.
        let audit_seq = patient_merges::audit_head(tx)? + events.len() as i64;
        patient_merges::insert(
            tx,
            &patient_merges::MergeRecord {
                id: Id::new(),
                survivor: s.id.clone(),
                other: o.id.clone(),
                merged_at: now,
                merged_by: Some(by.user.id.as_str().to_string()),
                reason: reason.clone(),
                survivor_before: s.details.clone(),
                other_before: o.details.clone(),
                survivor_version: after.version,
                other_version: other_after.version,
                audit_seq,
                moved,
                undone_at: None,
            },
        )?;
        Ok::<_, Error>((after, events))
    })
}
