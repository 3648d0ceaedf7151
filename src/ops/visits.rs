//! Visits and their notes: opening a visit (from an appointment called in,
//! from the record, or as a ward round of the active admission), saving a
//! draft over the version it was read at, signing it, and adding addenda to
//! a signed note. Nurses open and write nursing notes; doctors every kind.

use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::role::{Permission, Role};
use crate::domain::visit::{NoteText, VisitKind, check_addendum, check_signable};
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event};
use crate::store::Db;
use crate::store::clinical::visits::{self as store, Addendum, NewVisit, Note, Visit};
use crate::store::{appointments, beds};
use rusqlite::Connection;

/// The permission writing a visit of `kind` needs.
fn permission(kind: VisitKind) -> (Permission, &'static str) {
    if kind.nurse_writes() {
        (Permission::RecordVitals, "write nursing notes")
    } else {
        (Permission::WriteClinicalRecord, "write visits of this kind")
    }
}

/// The kind a clinician's visit for an appointment takes.
fn kind_for(by: &Session, walk_in: bool, type_name: &str) -> VisitKind {
    if by.role() == Role::Nurse {
        VisitKind::NursingNote
    } else if type_name.eq_ignore_ascii_case("antenatal") {
        VisitKind::Antenatal
    } else if walk_in {
        VisitKind::WalkIn
    } else {
        VisitKind::Outpatient
    }
}

fn get_visit(conn: &Connection, id: &Id) -> Result<Visit> {
    store::visit_by_id(conn, id)?
        .ok_or_else(|| Error::NotFound("that visit is not in this hospital file".into()))
}

/// Opens the visit of an appointment the clinician has called in (or
/// checked in, or completed today), or reopens the one it has.
pub fn open_for_appointment(
    db: &mut Db,
    by: &Session,
    appointment: &Id,
    clock: Clock,
) -> Result<Visit> {
    if let Some(v) = store::visit_of_appointment(db.conn(), appointment)? {
        clinical::require_whole_record(db.conn(), by, &v.patient_id, clock)?;
        return Ok(v);
    }
    let booked = appointments::get(db.conn(), appointment)?.ok_or_else(|| {
        Error::NotFound(
            "that appointment is not in this hospital file: look at the day again".into(),
        )
    })?;
    let kind = kind_for(by, booked.appt.walk_in, &booked.type_name);
    let (p, doing) = permission(kind);
    clinical::write(db, by, p, doing, |tx| {
        if let Some(v) = store::visit_of_appointment(tx, appointment)? {
            return Ok((v, Vec::new()));
        }
        let booked = appointments::get(tx, appointment)?.ok_or_else(|| {
            Error::NotFound("that appointment vanished: look at the day again".into())
        })?;
        let a = &booked.appt;
        if a.clinician_id != by.user.id {
            return Err(Error::Refused(format!(
                "{}'s appointment is with {}: open a visit from the record instead, or ask the desk to move the appointment to you",
                booked.patient_name, booked.clinician_name
            )));
        }
        use crate::domain::appointment::Status;
        if !matches!(
            a.status,
            Status::CheckedIn | Status::InConsultation | Status::Completed
        ) || a.day != clock.today()
        {
            return Err(Error::Refused(format!(
                "{}'s appointment is {} on {}: call the patient in on the day first",
                booked.patient_name,
                a.status.label(),
                a.day
            )));
        }
        clinical::patient_in_use(tx, &a.patient_id)?;
        let admission = beds::active_admission_of(tx, &a.patient_id)?;
        let id = store::insert_visit(
            tx,
            &NewVisit {
                patient: &a.patient_id,
                clinician: &by.user.id,
                kind,
                appointment: Some(appointment),
                admission: admission.as_ref().map(|ad| &ad.id),
                started_by: &by.user.id,
            },
            clock.now,
        )?;
        let v = get_visit(tx, &id)?;
        let e = event(
            AuditAction::Create,
            "visit",
            &id,
            &a.patient_id,
            format!("{} opened for {} ({})", kind.label(), booked.mrn, a.span),
        );
        let mut events = vec![e];
        // Completed before its visit was opened: charged now.
        if a.status == Status::Completed {
            events.extend(crate::ops::billing::events::post_consultation_in(
                tx,
                &v,
                &booked.type_name,
                &by.user.id,
                clock,
            )?);
        }
        Ok((v, events))
    })
}

/// Starts a visit from the patient's record or a bed: a ward round is
/// linked to the active admission (and refused without one); a nursing
/// note of an admitted patient is linked to it too.
pub fn start(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    kind: VisitKind,
    clock: Clock,
) -> Result<Visit> {
    let (p, doing) = permission(kind);
    clinical::write(db, by, p, doing, |tx| {
        let pt = clinical::patient_in_use(tx, patient)?;
        clinical::require_whole_record(tx, by, patient, clock)?;
        let admission = beds::active_admission_of(tx, patient)?;
        if kind == VisitKind::WardRound && admission.is_none() {
            return Err(Error::Refused(format!(
                "{} is not admitted: a ward round is for an admitted patient; start an outpatient visit instead",
                pt.mrn
            )));
        }
        let link = match kind {
            VisitKind::WardRound | VisitKind::NursingNote => admission.as_ref().map(|a| &a.id),
            _ => None,
        };
        let id = store::insert_visit(
            tx,
            &NewVisit {
                patient,
                clinician: &by.user.id,
                kind,
                appointment: None,
                admission: link,
                started_by: &by.user.id,
            },
            clock.now,
        )?;
        let v = get_visit(tx, &id)?;
        let e = event(
            AuditAction::Create,
            "visit",
            &id,
            patient,
            format!("{} started for {}", kind.label(), pt.mrn),
        );
        Ok((v, vec![e]))
    })
}

/// Saves the note as a draft. `version` is the version the screen read
/// (`None`: it read no note yet); a save over a note changed since then is
/// refused, never silently overwritten. The first save makes its author;
/// later ones are the author's or the visit's clinician's.
pub fn save_draft(
    db: &mut Db,
    by: &Session,
    visit: &Id,
    text: &NoteText,
    version: Option<i64>,
    clock: Clock,
) -> Result<Note> {
    let text = text.checked().map_err(Error::Refused)?;
    let kind = get_visit(db.conn(), visit)?.kind;
    let (p, doing) = permission(kind);
    clinical::write(db, by, p, doing, |tx| {
        let v = get_visit(tx, visit)?;
        clinical::require_whole_record(tx, by, &v.patient_id, clock)?;
        let current = store::note_of(tx, visit)?;
        let stale = |n: &Note| {
            Error::Refused(format!(
                "this note was saved by {} at {} after you opened it: reload it to see the latest version, then make your change again",
                n.author,
                n.saved_at.with_timezone(&clock.zone).format("%H:%M")
            ))
        };
        match (&current, version) {
            (Some(n), _) if n.signed_at.is_some() => {
                return Err(Error::Refused(
                    "this note is signed and never changes: add an addendum to correct it".into(),
                ));
            }
            (Some(n), Some(v)) if n.version != v => return Err(stale(n)),
            (Some(n), None) => return Err(stale(n)),
            (Some(n), Some(_)) if n.author_id != by.user.id && v.clinician_id != by.user.id => {
                return Err(Error::Refused(format!(
                    "this draft is {}'s: only its author or the visit's clinician may change it; add to it after signing with an addendum",
                    n.author
                )));
            }
            (None, Some(_)) => {
                return Err(Error::Refused(
                    "this note is not in the file any more: reload the visit".into(),
                ));
            }
            _ => {}
        }
        match (&current, version) {
            (Some(_), Some(ver)) => {
                if !store::update_note(tx, visit, &text, ver, clock.now)? {
                    let n = store::note_of(tx, visit)?
                        .ok_or_else(|| Error::NotFound("the note vanished".into()))?;
                    return Err(stale(&n));
                }
            }
            _ => store::insert_note(tx, visit, &text, &by.user.id, clock.now)?,
        }
        let saved = store::note_of(tx, visit)?
            .ok_or_else(|| Error::NotFound("the note vanished".into()))?;
        let e = event(
            AuditAction::Update,
            "visit_note",
            visit,
            &v.patient_id,
            format!(
                "draft of the {} note saved (version {})",
                v.kind.label(),
                saved.version
            ),
        );
        Ok((saved, vec![e]))
    })
}

/// Whether a visit's consultation is charged when its note is signed: a
/// consultation started from the record, with no appointment (those are
/// charged at completion) and no admission. Ward rounds and nursing notes
/// charge none.
fn charged_at_signing(v: &Visit) -> bool {
    matches!(
        v.kind,
        VisitKind::Outpatient | VisitKind::WalkIn | VisitKind::Antenatal
    ) && v.appointment_id.is_none()
        && v.admission_id.is_none()
}

/// Signs the note at the version the screen shows; from then on it never
/// changes. Only its author or the visit's clinician signs. A consultation
/// started from the record without an appointment is charged now.
pub fn sign(db: &mut Db, by: &Session, visit: &Id, version: i64, clock: Clock) -> Result<Note> {
    let kind = get_visit(db.conn(), visit)?.kind;
    let (p, doing) = permission(kind);
    clinical::write(db, by, p, doing, |tx| {
        let v = get_visit(tx, visit)?;
        clinical::require_whole_record(tx, by, &v.patient_id, clock)?;
        let n = store::note_of(tx, visit)?
            .ok_or_else(|| Error::Refused("the note is empty: write it before signing".into()))?;
        if n.signed_at.is_some() {
            return Err(Error::Refused(format!(
                "this note was signed already by {}: add an addendum to correct it",
                n.signed_by.as_deref().unwrap_or("someone")
            )));
        }
        if n.version != version {
            return Err(Error::Refused(
                "this note changed after you opened it: reload it, read it again, then sign".into(),
            ));
        }
        if n.author_id != by.user.id && v.clinician_id != by.user.id {
            return Err(Error::Refused(format!(
                "only the note's author ({}) or the visit's clinician ({}) may sign it",
                n.author, v.clinician
            )));
        }
        check_signable(&n.text).map_err(Error::Refused)?;
        if !store::sign_note(tx, visit, &by.user.id, version, clock.now)? {
            return Err(Error::Refused(
                "this note changed after you opened it: reload it, read it again, then sign".into(),
            ));
        }
        let signed = store::note_of(tx, visit)?
            .ok_or_else(|| Error::NotFound("the note vanished".into()))?;
        let e = event(
            AuditAction::Sign,
            "visit_note",
            visit,
            &v.patient_id,
            format!("{} note signed", v.kind.label()),
        );
        let charges = if charged_at_signing(&v) {
            crate::ops::billing::events::post_unbooked_consultation_in(tx, &v, &by.user.id, clock)?
        } else {
            Vec::new()
        };
        Ok((signed, std::iter::once(e).chain(charges).collect()))
    })
}

/// Adds an addendum (who, why, what) beneath a signed note.
pub fn add_addendum(
    db: &mut Db,
    by: &Session,
    visit: &Id,
    reason: &str,
    body: &str,
    clock: Clock,
) -> Result<Addendum> {
    let (reason, body) = check_addendum(reason, body).map_err(Error::Refused)?;
    let kind = get_visit(db.conn(), visit)?.kind;
    let (p, doing) = permission(kind);
    clinical::write(db, by, p, doing, |tx| {
        let v = get_visit(tx, visit)?;
        clinical::require_whole_record(tx, by, &v.patient_id, clock)?;
        match store::note_of(tx, visit)? {
            Some(n) if n.signed_at.is_some() => {}
            _ => {
                return Err(Error::Refused(
                    "the note is not signed yet: change the draft itself, and sign it".into(),
                ));
            }
        }
        let id = store::insert_addendum(tx, visit, &by.user.id, &reason, &body, clock.now)?;
        let a = store::addenda_of(tx, visit)?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| Error::NotFound("the addendum vanished".into()))?;
        let e = event(
            AuditAction::Addendum,
            "visit_note",
            visit,
            &v.patient_id,
            format!("addendum to the {} note: {reason}", v.kind.label()),
        );
        Ok((a, vec![e]))
    })
}
