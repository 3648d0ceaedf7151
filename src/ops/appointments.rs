//! The front desk's appointment changes and reads: book, walk in, check in,
//! call into consultation, complete, cancel, no-show, reschedule, undo; the
//! set-up of types, working hours and days off; the day list, the queue and
//! the reminder-call export. Each change checks the role, validates, writes
//! through [`Db::write`] and records its audit event in the same transaction.

use crate::auth::{Session, authorize};
use crate::domain::appointment::{
    self as rules, Appointment, AppointmentType, Booked, Clinician, Span, Status, WorkingHours,
    check_move, check_reason, check_undo,
};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::front_desk;
use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::billing::events as billing_events;
use crate::store::Db;
use crate::store::appointments::{self as store, NewAppointment, StatusChange};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::io::Write;

/// The moment a change happens, in the hospital's zone (bookings and
/// working hours are local wall-clock times).
pub use crate::domain::clock::Clock;

fn event(action: AuditAction, a: &Appointment, summary: impl Into<String>) -> AuditEvent {
    AuditEvent::new(action, "appointment", summary)
        .on(a.id.as_str())
        .for_patient(a.patient_id.as_str())
}

fn not_found() -> Error {
    Error::NotFound("that appointment is not in this hospital file: look at the day again".into())
}

fn fetch(conn: &rusqlite::Connection, id: &Id) -> Result<Booked> {
    store::get(conn, id)?.ok_or_else(not_found)
}

/// What a booking asks for.
#[derive(Debug, Clone)]
pub struct Booking {
    pub patient: Id,
    pub clinician: Id,
    pub type_id: Id,
    pub day: NaiveDate,
    pub span: Span,
    pub notes: String,
}

/// What the person booking agreed to when asked once, or gave: the rules a
/// booking may pass only knowingly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allow {
    /// Outside the clinician's working hours (the command line's
    /// `--outside-hours`).
    pub outside_hours: bool,
    /// Further ahead than the hospital's booking horizon (`--far-ahead`).
    pub far_ahead: bool,
    /// An administrator's reason for entering a booking on a past day
    /// (`--back-entry REASON`); kept in the audit trail.
    pub back_entry: Option<String>,
}

/// What the person calling a patient in agreed to when asked once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllowCallIn {
    /// Calling a patient in while the clinician already has another in
    /// consultation (the screen's question answered yes).
    pub second_in_consultation: bool,
    /// Checking in or calling in an inpatient (admitted to a ward) for an
    /// outpatient appointment: asked once, naming the ward and bed.
    pub inpatient: bool,
}

/// Holds a booking's day to today and the hospital's horizon, unless the
/// person booking knowingly allowed it; returns the back-entry reason to
/// record, if the day is past.
fn check_day(
    db: &Db,
    by: &Session,
    day: NaiveDate,
    allow: &Allow,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let settings = db.settings()?;
    let today = Clock::new(now, settings.time_zone).today();
    match rules::booking_day(day, today, settings.booking_horizon_days) {
        rules::BookingDay::Ahead => Ok(None),
        rules::BookingDay::Past => {
            let reason = allow.back_entry.as_deref().map(str::trim).unwrap_or("");
            let concern = rules::BookingDay::Past.concern(day).unwrap_or_default();
            if reason.is_empty() {
                return Err(Error::Refused(concern));
            }
            if !by.role().can(Permission::Administer) {
                return Err(Error::NotPermitted(concern));
            }
            let reason = check_reason(reason).map_err(Error::Refused)?;
            Ok(Some(reason))
        }
        far @ rules::BookingDay::BeyondHorizon { .. } => {
            if allow.far_ahead {
                Ok(None)
            } else {
                Err(Error::Refused(format!(
                    "{}, or book anyway",
                    far.concern(day).unwrap_or_default()
                )))
            }
        }
    }
}

/// The refusal that names the appointments a booking would overlap.
fn clash_message(b: &Booking, clashes: &[Booked]) -> Option<String> {
    let c = clashes.first()?;
    let what = if c.appt.clinician_id == b.clinician {
        format!(
            "{} is already booked then: {} ({}) {} {}",
            c.clinician_name, c.patient_name, c.mrn, c.appt.span, c.type_name
        )
    } else {
        format!(
            "{} ({}) already has an appointment then: {} {} with {}",
            c.patient_name, c.mrn, c.appt.span, c.type_name, c.clinician_name
        )
    };
    Some(format!(
        "{what}. Choose another time, or look for the next free slot"
    ))
}

/// Checks a booking against the types, the patient, the clinician and the
/// overlap rule; `except` is the appointment being rescheduled.
fn check_booking(
    conn: &rusqlite::Connection,
    b: &Booking,
    except: Option<&Id>,
    outside_hours_ok: bool,
) -> Result<(Clinician, AppointmentType, String)> {
    let clinician = store::clinicians(conn)?
        .into_iter()
        .find(|c| c.id == b.clinician)
        .ok_or_else(|| {
            Error::Refused(
                "that clinician is not an enabled doctor or nurse account: choose another clinician"
                    .into(),
            )
        })?;
    let t = store::types(conn, false)?
        .into_iter()
        .find(|t| t.id == b.type_id)
        .ok_or_else(|| {
            Error::Refused(
                "that appointment type is retired or unknown: choose another type".into(),
            )
        })?;
    let patient = crate::store::patients::get(conn, &b.patient)?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
    if patient.deleted_at.is_some() || patient.merged_into.is_some() {
        return Err(Error::Refused(format!(
            "{} is deleted or merged into another record: book the record in use",
            patient.mrn
        )));
    }
    crate::ops::deaths::refuse_if_deceased(&patient, "booked")?;
    if b.notes.chars().count() > 500 {
        return Err(Error::Refused(
            "the notes are longer than 500 characters: shorten them".into(),
        ));
    }
    crate::domain::text::refuse_control("notes", &b.notes, true).map_err(Error::Refused)?;
    let clashes = store::clashes(conn, b.day, &b.span, &b.clinician, &b.patient, except)?;
    if let Some(m) = clash_message(b, &clashes) {
        return Err(Error::Refused(m));
    }
    if !outside_hours_ok {
        let hours = store::hours(conn, &b.clinician)?;
        if !hours.covers(b.day, &b.span) {
            return Err(Error::Refused(format!(
                "{} {} is outside {}'s working hours ({} on that day): choose another time, or book anyway with --outside-hours",
                b.day,
                b.span,
                clinician.name(),
                hours.describe(b.day)
            )));
        }
    }
    Ok((clinician, t, patient.mrn))
}

/// Books an appointment. Outside the clinician's working hours, on a past
/// day or beyond the booking horizon it is refused unless `allow` says the
/// person knows (the screen asks once; the command line takes flags).
pub fn book(
    db: &mut Db,
    by: &Session,
    b: &Booking,
    allow: &Allow,
    now: DateTime<Utc>,
) -> Result<Booked> {
    by.require(Permission::ManageAppointments, "book appointments")?;
    let back_entry = check_day(db, by, b.day, allow, now)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageAppointments, "book appointments")?;
        let (c, t, mrn) = check_booking(tx, b, None, allow.outside_hours)?;
        let new = NewAppointment {
            patient: &b.patient,
            clinician: &b.clinician,
            type_id: &b.type_id,
            day: b.day,
            span: b.span,
            notes: b.notes.trim(),
            walk_in: false,
            checked_in_at: None,
            rescheduled_from: None,
        };
        let id = store::insert(tx, &new, Some(by.user.id.as_str()), now)?;
        let booked = fetch(tx, &id)?;
        let mut summary = format!(
            "booked {mrn} {} {} {} with {}",
            b.day,
            b.span,
            t.name,
            c.name()
        );
        if let Some(reason) = &back_entry {
            summary.push_str(&format!(" (a past day, entered because: {reason})"));
        }
        Ok::<_, Error>((
            booked.clone(),
            vec![event(AuditAction::Create, &booked.appt, summary)],
        ))
    })
}

/// A walk-in: the patient is created checked in now, in the clinician's
/// first free time from now (inside working hours when any is left today).
pub fn walk_in(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    clinician: &Id,
    type_id: &Id,
    clock: Clock,
) -> Result<Booked> {
    by.require(Permission::ManageAppointments, "check in walk-ins")?;
    let local = clock.local();
    let today = local.date();
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageAppointments, "check in walk-ins")?;
        let t = store::types(tx, false)?
            .into_iter()
            .find(|t| t.id == *type_id)
            .ok_or_else(|| Error::Refused("that appointment type is retired or unknown: choose another type".into()))?;
        let hours = store::hours(tx, clinician)?;
        let busy = store::busy(tx, clinician, Some(patient), today, 0, None)?;
        let whole_day = WorkingHours {
            week: std::array::from_fn(|_| {
                vec![Span {
                    start: 0,
                    end: rules::DAY_END,
                }]
            }),
            ..WorkingHours::default()
        };
        let slot = rules::next_free_slot(local, t.minutes, &hours, &busy)
            .filter(|(d, _)| *d == today)
            .or_else(|| rules::next_free_slot(local, t.minutes, &whole_day, &busy).filter(|(d, _)| *d == today))
            .ok_or_else(|| {
                Error::Refused(format!(
                    "{} minutes no longer fit before midnight for this clinician or patient: book tomorrow instead",
                    t.minutes
                ))
            })?;
        let b = Booking {
            patient: patient.clone(),
            clinician: clinician.clone(),
            type_id: type_id.clone(),
            day: slot.0,
            span: slot.1,
            notes: String::new(),
        };
        let (c, t, mrn) = check_booking(tx, &b, None, true)?;
        let new = NewAppointment {
            patient,
            clinician,
            type_id,
            day: b.day,
            span: b.span,
            notes: "",
            walk_in: true,
            checked_in_at: Some(clock.now),
            rescheduled_from: None,
        };
        let id = store::insert(tx, &new, Some(by.user.id.as_str()), clock.now)?;
        let booked = fetch(tx, &id)?;
        let summary = format!(
            "walk-in {mrn} checked in for {} {} with {}",
            b.span,
            t.name,
            c.name()
        );
        Ok::<_, Error>((booked.clone(), vec![event(AuditAction::Create, &booked.appt, summary)]))
    })
}

/// The permission a forward move needs.
fn permission_for(to: Status) -> (Permission, &'static str) {
    match to {
        Status::InConsultation => (Permission::RunConsultations, "start consultations"),
        Status::Completed => (Permission::RunConsultations, "complete consultations"),
        Status::Cancelled => (Permission::ManageAppointments, "cancel appointments"),
        Status::NoShow => (Permission::ManageAppointments, "mark no-shows"),
        _ => (Permission::ManageAppointments, "check patients in"),
    }
}

fn verb(to: Status) -> &'static str {
    match to {
        Status::Scheduled => "scheduled",
        Status::CheckedIn => "checked in",
        Status::InConsultation => "called into consultation",
        Status::Completed => "completed",
        Status::Cancelled => "cancelled",
        Status::NoShow => "marked no-show",
    }
}

/// Moves an appointment forward: check in, call in, complete, cancel (with
/// a reason) or no-show (once its start has passed). Any other move is
/// refused with a message saying what is possible.
pub fn advance(
    db: &mut Db,
    by: &Session,
    id: &Id,
    version: i64,
    to: Status,
    reason: Option<&str>,
    clock: Clock,
) -> Result<Booked> {
    advance_allowing(
        db,
        by,
        id,
        version,
        to,
        reason,
        AllowCallIn::default(),
        clock,
    )
}

/// [`advance`], with what the person agreed to when asked once: calling a
/// patient in while the clinician already has another in consultation is
/// refused unless `allow.second_in_consultation`.
#[allow(clippy::too_many_arguments)]
pub fn advance_allowing(
    db: &mut Db,
    by: &Session,
    id: &Id,
    version: i64,
    to: Status,
    reason: Option<&str>,
    allow: AllowCallIn,
    clock: Clock,
) -> Result<Booked> {
    let (p, doing) = permission_for(to);
    by.require(p, doing)?;
    let reason = match to {
        Status::Cancelled => Some(check_reason(reason.unwrap_or("")).map_err(Error::Refused)?),
        _ => None,
    };
    db.write(&by.actor(), |tx| {
        authorize(tx, by, p, doing)?;
        let b = fetch(tx, id)?;
        let a = &b.appt;
        check_move(a.status, to).map_err(Error::Refused)?;
        if matches!(to, Status::CheckedIn | Status::InConsultation) && a.day != clock.today() {
            return Err(Error::Refused(format!(
                "{}'s appointment is on {}, not today: check patients in on the day, or reschedule it to today",
                b.patient_name, a.day
            )));
        }
        let mut inpatient = String::new();
        if matches!(to, Status::CheckedIn | Status::InConsultation)
            && let Some(adm) = crate::store::beds::active_admission_of(tx, &a.patient_id)?
        {
            let place = format!("admitted to {}, bed {}", adm.ward_name, adm.bed_label);
            if !allow.inpatient {
                return Err(Error::AskFirst(format!(
                    "{} ({}) is an inpatient, {place}",
                    b.patient_name, b.mrn
                )));
            }
            inpatient = format!(" (an inpatient, {place}: asked and answered yes)");
        }
        if to == Status::InConsultation && !allow.second_in_consultation {
            let day = store::day(tx, a.day)?;
            if let Some(busy) = front_desk::in_consultation_with(&day, &a.clinician_id, id) {
                return Err(Error::Refused(format!(
                    "{}: mark that consultation done first, or call {} in again and answer yes to have both in consultation",
                    front_desk::already_in_consultation(busy, clock.zone),
                    b.patient_name
                )));
            }
        }
        if to == Status::NoShow {
            let start = a.day.and_time(chrono::NaiveTime::MIN)
                + chrono::Duration::minutes(i64::from(a.span.start));
            if clock.local() < start {
                return Err(Error::Refused(format!(
                    "{}'s appointment at {} has not started yet: mark a no-show only after its time",
                    b.patient_name,
                    rules::hhmm(a.span.start)
                )));
            }
        }
        let stamps = StatusChange {
            cancel_reason: reason.clone(),
            rescheduled_to: None,
            checked_in_at: match to {
                Status::CheckedIn => Some(clock.now),
                _ => a.checked_in_at,
            },
            called_at: match to {
                Status::InConsultation => Some(clock.now),
                _ => a.called_at,
            },
            completed_at: (to == Status::Completed).then_some(clock.now),
        };
        store::set_status(tx, id, version, to, &stamps, Some(by.user.id.as_str()), clock.now)?;
        let after = fetch(tx, id)?;
        let mut summary = format!(
            "{} {} {} {} with {}",
            verb(to),
            b.mrn,
            a.day,
            a.span,
            b.clinician_name
        );
        if let Some(r) = &reason {
            summary.push_str(&format!(": {r}"));
        }
        summary.push_str(&inpatient);
        let mut events = vec![event(AuditAction::Update, &after.appt, summary)];
        // The hospital charges a consultation when it is completed: the
        // patient was seen. Its visit's bill takes it; a consultation
        // completed before its visit was opened is charged at the opening.
        if to == Status::Completed
            && let Some(v) = crate::store::clinical::visits::visit_of_appointment(tx, id)?
        {
            events.extend(billing_events::post_consultation_in(
                tx,
                &v,
                &b.type_name,
                &by.user.id,
                clock,
            )?);
        }
        Ok::<_, Error>((after.clone(), events))
    })
}

/// An administrator's undo of a wrong change, one step back, with a reason.
/// A rescheduled appointment is not undone: cancel or move its replacement.
pub fn undo(
    db: &mut Db,
    by: &Session,
    id: &Id,
    version: i64,
    reason: &str,
    clock: Clock,
) -> Result<Booked> {
    by.require(Permission::Administer, "undo appointment changes")?;
    let reason = check_reason(reason).map_err(Error::Refused)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, "undo appointment changes")?;
        let b = fetch(tx, id)?;
        let a = &b.appt;
        let to = a.status.undo_target().ok_or_else(|| {
            Error::Refused(format!(
                "an appointment that is {} has nothing to undo",
                a.status.label()
            ))
        })?;
        check_undo(a.status, to).map_err(Error::Refused)?;
        if a.rescheduled_to.is_some() {
            return Err(Error::Refused(
                "this appointment was rescheduled: cancel or move the new appointment instead"
                    .into(),
            ));
        }
        if to.holds_time() && !a.status.holds_time() {
            let booking = Booking {
                patient: a.patient_id.clone(),
                clinician: a.clinician_id.clone(),
                type_id: a.type_id.clone(),
                day: a.day,
                span: a.span,
                notes: String::new(),
            };
            let clashes =
                store::clashes(tx, a.day, &a.span, &a.clinician_id, &a.patient_id, Some(id))?;
            if let Some(m) = clash_message(&booking, &clashes) {
                return Err(Error::Refused(format!("cannot undo: {m}")));
            }
        }
        let stamps = StatusChange {
            cancel_reason: None,
            rescheduled_to: None,
            checked_in_at: if to == Status::Scheduled {
                None
            } else {
                a.checked_in_at
            },
            called_at: if matches!(to, Status::Scheduled | Status::CheckedIn) {
                None
            } else {
                a.called_at
            },
            completed_at: None,
        };
        store::set_status(
            tx,
            id,
            version,
            to,
            &stamps,
            Some(by.user.id.as_str()),
            clock.now,
        )?;
        let after = fetch(tx, id)?;
        let summary = format!(
            "undid {} back to {} for {} {} {}: {reason}",
            a.status.label(),
            to.label(),
            b.mrn,
            a.day,
            a.span
        );
        let mut events = vec![event(AuditAction::Update, &after.appt, summary)];
        if a.status == Status::Completed
            && let Some(v) = crate::store::clinical::visits::visit_of_appointment(tx, id)?
        {
            events.extend(billing_events::reverse_consultation_in(
                tx,
                &v.id,
                &format!("consultation's completion undone: {reason}"),
                &by.user.id,
                clock,
            )?);
        }
        Ok::<_, Error>((after.clone(), events))
    })
}

/// Moves a scheduled appointment: the old one is cancelled as
/// "rescheduled" and linked to the new one, which links back.
pub fn reschedule(
    db: &mut Db,
    by: &Session,
    id: &Id,
    version: i64,
    to: &Booking,
    allow: &Allow,
    now: DateTime<Utc>,
) -> Result<Booked> {
    by.require(Permission::ManageAppointments, "reschedule appointments")?;
    let back_entry = check_day(db, by, to.day, allow, now)?;
    db.write(&by.actor(), |tx| {
        authorize(
            tx,
            by,
            Permission::ManageAppointments,
            "reschedule appointments",
        )?;
        let old = fetch(tx, id)?;
        if old.appt.status != Status::Scheduled {
            return Err(Error::Refused(format!(
                "only a scheduled appointment can be rescheduled; this one is {}",
                old.appt.status.label()
            )));
        }
        if old.appt.patient_id != to.patient {
            return Err(Error::Refused(
                "a rescheduled appointment keeps its patient: book a new one for another patient"
                    .into(),
            ));
        }
        let (c, t, mrn) = check_booking(tx, to, Some(id), allow.outside_hours)?;
        let cancelled = StatusChange {
            cancel_reason: Some("rescheduled".into()),
            ..StatusChange::default()
        };
        store::set_status(
            tx,
            id,
            version,
            Status::Cancelled,
            &cancelled,
            Some(by.user.id.as_str()),
            now,
        )?;
        let new = NewAppointment {
            patient: &to.patient,
            clinician: &to.clinician,
            type_id: &to.type_id,
            day: to.day,
            span: to.span,
            notes: to.notes.trim(),
            walk_in: false,
            checked_in_at: None,
            rescheduled_from: Some(id),
        };
        let new_id = store::insert(tx, &new, Some(by.user.id.as_str()), now)?;
        tx.execute(
            "UPDATE appointments SET rescheduled_to = ?2 WHERE id = ?1",
            rusqlite::params![id.as_str(), new_id.as_str()],
        )
        .map_err(crate::store::StoreError::from)?;
        let booked = fetch(tx, &new_id)?;
        let mut summary = format!(
            "rescheduled {mrn} from {} {} to {} {} {} with {}",
            old.appt.day,
            old.appt.span,
            to.day,
            to.span,
            t.name,
            c.name()
        );
        if let Some(reason) = &back_entry {
            summary.push_str(&format!(" (a past day, entered because: {reason})"));
        }
        let events = vec![
            event(
                AuditAction::Update,
                &old.appt,
                format!("cancelled as rescheduled: {summary}"),
            ),
            event(AuditAction::Create, &booked.appt, summary),
        ];
        Ok::<_, Error>((booked, events))
    })
}

/// Calls the first patient waiting (for `clinician` when given) into
/// consultation.
pub fn call_next(
    db: &mut Db,
    by: &Session,
    clinician: Option<&Id>,
    clock: Clock,
) -> Result<Booked> {
    by.require(
        Permission::RunConsultations,
        "call patients into consultation",
    )?;
    let next = store::queue(db.conn(), clock.today())?
        .into_iter()
        .find(|b| clinician.is_none_or(|c| *c == b.appt.clinician_id))
        .ok_or_else(|| {
            Error::Refused("nobody is waiting: check patients in as they arrive".into())
        })?;
    advance(
        db,
        by,
        &next.appt.id,
        next.appt.version,
        Status::InConsultation,
        None,
        clock,
    )
}

/// A day's appointments. With `audit`, the reading is recorded (one READ
/// event for the day, as a search is); reloading after one's own change
/// need not be.
pub fn day(db: &mut Db, by: &Session, day: NaiveDate, audit: bool) -> Result<Vec<Booked>> {
    by.require(Permission::ManageAppointments, "see appointments")?;
    let list = store::day(db.conn(), day)?;
    if audit && !list.is_empty() {
        let n = list.len();
        db.write(&by.actor(), |tx| {
            authorize(tx, by, Permission::ManageAppointments, "see appointments")?;
            let e = AuditEvent::new(
                AuditAction::Read,
                "appointment",
                format!("viewed the appointments of {day} ({n})"),
            );
            Ok::<_, Error>(((), vec![e]))
        })?;
    }
    Ok(list)
}

/// Today's queue: arrived patients in arrival order.
pub fn queue(db: &Db, by: &Session, today: NaiveDate) -> Result<Vec<Booked>> {
    by.require(Permission::ManageAppointments, "see the queue")?;
    Ok(store::queue(db.conn(), today)?)
}

/// A patient's appointments, latest first (shown in the opened record, whose
/// opening is already a READ event).
pub fn for_patient(db: &Db, by: &Session, patient: &Id) -> Result<Vec<Booked>> {
    by.require(Permission::FindPatients, "see appointments")?;
    Ok(store::for_patient(db.conn(), patient)?)
}

/// The next free slot of `minutes` for the clinician (and the patient when
/// given), from `from` on.
pub fn next_free(
    db: &Db,
    clinician: &Id,
    patient: Option<&Id>,
    minutes: u16,
    from: NaiveDateTime,
    except: Option<&Id>,
) -> Result<Option<(NaiveDate, Span)>> {
    let hours = store::hours(db.conn(), clinician)?;
    let busy = store::busy(
        db.conn(),
        clinician,
        patient,
        from.date(),
        rules::SEARCH_DAYS,
        except,
    )?;
    Ok(rules::next_free_slot(from, minutes, &hours, &busy))
}

// ---- the clinic's set-up, as the desk reads it ---------------------------

/// The enabled doctors and nurses who take bookings.
pub fn clinicians(db: &Db, by: &Session) -> Result<Vec<Clinician>> {
    by.require(Permission::ManageAppointments, "see the clinicians")?;
    Ok(store::clinicians(db.conn())?)
}

/// A clinician's account by id, bookable or not (a former clinician's
/// column on a day that still has their appointments).
pub fn clinician_by_id(db: &Db, by: &Session, id: &Id) -> Result<Option<Clinician>> {
    by.require(Permission::ManageAppointments, "see the clinicians")?;
    Ok(crate::store::users::clinician_by_id(db.conn(), id)?)
}

/// An enabled clinician by user name, as typed on the command line.
pub fn clinician_named(db: &Db, by: &Session, user_name: &str) -> Result<Option<Clinician>> {
    by.require(Permission::ManageAppointments, "see the clinicians")?;
    Ok(store::clinician_named(db.conn(), user_name)?)
}

/// A clinician's weekly working hours and days off.
pub fn hours(db: &Db, by: &Session, clinician: &Id) -> Result<WorkingHours> {
    by.require(Permission::ManageAppointments, "see working hours")?;
    Ok(store::hours(db.conn(), clinician)?)
}

/// The appointment types; `with_retired` adds those no longer offered.
pub fn types(db: &Db, by: &Session, with_retired: bool) -> Result<Vec<AppointmentType>> {
    by.require(Permission::ManageAppointments, "see appointment types")?;
    Ok(store::types(db.conn(), with_retired)?)
}

/// An appointment type by name, as typed on the command line.
pub fn type_named(db: &Db, by: &Session, name: &str) -> Result<Option<AppointmentType>> {
    by.require(Permission::ManageAppointments, "see appointment types")?;
    Ok(store::type_named(db.conn(), name)?)
}

// ---- set-up (administrators) -------------------------------------------

/// Adds an appointment type.
pub fn add_type(db: &mut Db, by: &Session, name: &str, minutes: &str) -> Result<AppointmentType> {
    by.require(Permission::Administer, "change appointment types")?;
    let (name, minutes) = rules::check_type(name, minutes).map_err(Error::Refused)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, "change appointment types")?;
        let t = store::insert_type(tx, &name, minutes)?;
        let e = AuditEvent::new(
            AuditAction::Create,
            "appointment_type",
            format!("added appointment type {} ({} min)", t.name, t.minutes),
        )
        .on(t.id.as_str());
        Ok::<_, Error>((t, vec![e]))
    })
}

/// Renames, re-times, retires or brings back a type.
pub fn edit_type(
    db: &mut Db,
    by: &Session,
    current: &AppointmentType,
    name: &str,
    minutes: &str,
    retired: bool,
) -> Result<AppointmentType> {
    by.require(Permission::Administer, "change appointment types")?;
    let (name, minutes) = rules::check_type(name, minutes).map_err(Error::Refused)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, "change appointment types")?;
        let changed = AppointmentType {
            name: name.clone(),
            minutes,
            retired,
            ..current.clone()
        };
        let t = store::update_type(tx, &changed)?;
        let e = AuditEvent::new(
            AuditAction::Update,
            "appointment_type",
            format!(
                "appointment type {} is now {} ({} min{})",
                current.name,
                t.name,
                t.minutes,
                if t.retired { ", retired" } else { "" }
            ),
        )
        .on(t.id.as_str());
        Ok::<_, Error>((t, vec![e]))
    })
}

fn enabled_clinician(conn: &rusqlite::Connection, id: &Id) -> Result<Clinician> {
    store::clinicians(conn)?
        .into_iter()
        .find(|c| c.id == *id)
        .ok_or_else(|| {
            Error::NotFound(
                "that account is not an enabled doctor or nurse: choose a clinician".into(),
            )
        })
}

/// Sets a clinician's ranges for one weekday (0 = Monday), typed as
/// `08:00-12:00, 13:00-17:00` (empty: not working that day).
pub fn set_hours(
    db: &mut Db,
    by: &Session,
    clinician: &Id,
    weekday: usize,
    ranges: &str,
) -> Result<WorkingHours> {
    by.require(Permission::Administer, "change working hours")?;
    let spans = rules::parse_ranges(ranges).map_err(Error::Refused)?;
    let day = *rules::WEEKDAYS
        .get(weekday)
        .ok_or_else(|| Error::Refused("a weekday is mon, tue, wed, thu, fri, sat or sun".into()))?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, "change working hours")?;
        let c = enabled_clinician(tx, clinician)?;
        store::set_weekday(tx, clinician, weekday, &spans)?;
        let text = if spans.is_empty() {
            "not working".to_string()
        } else {
            rules::ranges_text(&spans)
        };
        let e = AuditEvent::new(
            AuditAction::Update,
            "working_hours",
            format!("{}'s hours on {day}: {text}", c.user_name),
        )
        .on(c.id.as_str());
        Ok::<_, Error>((store::hours(tx, clinician)?, vec![e]))
    })
}

/// Records (`off`) or takes back a clinician's day off.
pub fn set_day_off(
    db: &mut Db,
    by: &Session,
    clinician: &Id,
    day: NaiveDate,
    off: bool,
    reason: &str,
) -> Result<WorkingHours> {
    by.require(Permission::Administer, "change days off")?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, "change days off")?;
        let c = enabled_clinician(tx, clinician)?;
        let changed = if off {
            store::add_day_off(tx, clinician, day, reason.trim())?
        } else {
            store::remove_day_off(tx, clinician, day)?
        };
        if !changed {
            return Err(Error::Refused(if off {
                format!("{day} is already a day off for {}", c.user_name)
            } else {
                format!("{day} is not a day off for {}", c.user_name)
            }));
        }
        let e = AuditEvent::new(
            AuditAction::Update,
            "working_hours",
            if off {
                format!("{} is off on {day}", c.user_name)
            } else {
                format!("{} works on {day} after all", c.user_name)
            },
        )
        .on(c.id.as_str());
        Ok::<_, Error>((store::hours(tx, clinician)?, vec![e]))
    })
}

/// The CSV columns of the reminder-call list.
pub const EXPORT_COLUMNS: &[&str] = &[
    "date",
    "start",
    "end",
    "mrn",
    "patient",
    "phone",
    "clinician",
    "type",
    "status",
    "notes",
];

/// Writes a day's appointments (cancelled ones left out) as CSV, the list
/// for reminder calls, its cells escaped against spreadsheet formulas (a
/// phone `+254…` is written `'+254…`); the EXPORT event is committed before
/// any row is written.
pub fn export_day<W: Write>(db: &mut Db, by: &Session, day: NaiveDate, out: W) -> Result<usize> {
    by.require(Permission::ManageAppointments, "export appointments")?;
    let list: Vec<Booked> = store::day(db.conn(), day)?
        .into_iter()
        .filter(|b| b.appt.status != Status::Cancelled)
        .collect();
    let n = list.len();
    db.write(&by.actor(), |tx| {
        authorize(
            tx,
            by,
            Permission::ManageAppointments,
            "export appointments",
        )?;
        let e = AuditEvent::new(
            AuditAction::Export,
            "appointment",
            format!("exported the {n} appointments of {day} as CSV"),
        );
        Ok::<_, Error>(((), vec![e]))
    })?;
    let mut w = crate::ops::csv_file::SafeWriter::new(out);
    w.write_row(EXPORT_COLUMNS).map_err(Error::Output)?;
    for b in &list {
        let a = &b.appt;
        w.write_row([
            a.day.to_string().as_str(),
            &rules::hhmm(a.span.start),
            &rules::hhmm(a.span.end),
            &b.mrn,
            &b.patient_name,
            &b.phone,
            &b.clinician_name,
            &b.type_name,
            a.status.label(),
            &a.notes,
        ])
        .map_err(Error::Output)?;
    }
    w.flush().map_err(Error::Output)?;
    Ok(n)
}

/// Moves the other patient's appointments to the survivor of a merge,
/// inside the merge's transaction; returns how many moved and an event for
/// each. Refused, naming both, when the survivor and the other have
/// appointments at overlapping times: one person cannot attend both, and a
/// person must decide which to keep.
pub(crate) fn move_for_merge(
    tx: &rusqlite::Transaction,
    survivor: &Patient,
    other: &Patient,
    by: Option<&str>,
    date_pattern: &str,
    now: DateTime<Utc>,
) -> Result<(usize, Vec<AuditEvent>)> {
    let clashes = store::merge_clashes(tx, &survivor.id, &other.id)?;
    if let Some((s, o)) = clashes.first() {
        let at = |b: &Booked| {
            format!(
                "{} with {} ({})",
                b.appt.span, b.clinician_name, b.type_name
            )
        };
        let more = match clashes.len() {
            1 => String::new(),
            n => format!(" (and {} more overlapping)", n - 1),
        };
        return Err(Error::Refused(format!(
            "{} and {} both have an appointment on {} at overlapping times: {} and {}{more}: cancel one of them, then merge",
            survivor.mrn,
            other.mrn,
            s.appt.day.format(date_pattern),
            at(s),
            at(o)
        )));
    }
    let moving = store::for_patient(tx, &other.id)?;
    let n = store::move_patient(tx, &other.id, &survivor.id, by, now)?;
    let events = moving
        .iter()
        .map(|b| {
            AuditEvent::new(
                AuditAction::Update,
                "appointment",
                format!(
                    "appointment {} {} moved from {} to {} (records merged)",
                    b.appt.day.format(date_pattern),
                    b.appt.span,
                    other.mrn,
                    survivor.mrn
                ),
            )
            .on(b.appt.id.as_str())
            .for_patient(survivor.id.as_str())
        })
        .collect();
    Ok((n, events))
}
