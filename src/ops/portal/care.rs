//! The patient's own details, appointments and hospital stays.

use super::{Section, own_patient, viewed};
use crate::auth::Session;
use crate::domain::appointment::{Status, end_instant};
use crate::domain::clock::{Clock, Tz};
use crate::error::Result;
use crate::store::Db;
use crate::store::appointments as appts;
use crate::store::beds as stays;
use chrono::{DateTime, NaiveDate, NaiveTime};

/// Who to call for the patient in an emergency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyContact {
    pub name: String,
    pub relation: String,
    pub phone: String,
}

/// The patient's details and contacts as the hospital holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demographics {
    pub mrn: String,
    pub full_name: String,
    pub birth_date: NaiveDate,
    /// The birth date was estimated from an age.
    pub birth_date_estimated: bool,
    /// `male`, `female`, `other` or `unknown`.
    pub sex: &'static str,
    pub phone: String,
    pub email: String,
    /// The address, one line each, empty parts left out.
    pub address: Vec<String>,
    pub national_id: String,
    pub emergency: Option<EmergencyContact>,
    /// Insurer, policy number and until when it is valid.
    pub insurance: Option<(String, String, Option<NaiveDate>)>,
    /// When the hospital verified the patient's identity.
    pub verified_at: Option<DateTime<Tz>>,
}

/// The patient's details and contacts (a READ event of their account).
pub fn demographics(db: &mut Db, by: &Session, clock: Clock) -> Result<Demographics> {
    let own = own_patient(db, by)?;
    let p = &own.patient;
    let d = &p.details;
    let address = [
        &d.address_line1,
        &d.address_line2,
        &d.city,
        &d.region,
        &d.postal_code,
        &d.country,
    ]
    .into_iter()
    .filter(|s| !s.trim().is_empty())
    .cloned()
    .collect();
    let emergency = (!d.emergency_name.trim().is_empty() || !d.emergency_phone.trim().is_empty())
        .then(|| EmergencyContact {
            name: d.emergency_name.clone(),
            relation: d.emergency_relation.clone(),
            phone: d.emergency_phone.clone(),
        });
    let insurance = (!d.insurance_provider.trim().is_empty()).then(|| {
        (
            d.insurance_provider.clone(),
            d.insurance_policy.clone(),
            d.insurance_valid_until,
        )
    });
    let shown = Demographics {
        mrn: p.mrn.clone(),
        full_name: d.full_name(),
        birth_date: d.birth_date,
        birth_date_estimated: d.birth_date_estimated,
        sex: d.sex.fhir(),
        phone: d.phone.clone(),
        email: d.email.clone(),
        address,
        national_id: d.national_id.clone(),
        emergency,
        insurance,
        verified_at: p.verified_at.map(|t| t.with_timezone(&clock.zone)),
    };
    viewed(
        db,
        by,
        &own,
        Section::Demographics,
        "details and contacts".into(),
    )?;
    Ok(shown)
}

/// One appointment as the patient sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentLine {
    /// The hospital's local day and times.
    pub day: NaiveDate,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    pub clinician: String,
    /// The kind of appointment (`Consultation`).
    pub kind: String,
    /// `scheduled`, `arrived`, `done`, `cancelled`, …
    pub status: &'static str,
    pub walk_in: bool,
}

/// The patient's appointments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointments {
    /// Not yet over (cancelled ones included, marked), soonest first.
    pub upcoming: Vec<AppointmentLine>,
    /// Over, newest first.
    pub past: Vec<AppointmentLine>,
}

fn time_of(minute: u16) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(u32::from(minute) * 60, 0)
        .unwrap_or(NaiveTime::MIN)
}

/// The patient's upcoming and past appointments (a READ event).
pub fn appointments(db: &mut Db, by: &Session, clock: Clock) -> Result<Appointments> {
    let own = own_patient(db, by)?;
    let now = clock.now.with_timezone(&clock.zone).naive_local();
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    for b in appts::for_patient(db.conn(), own.id())? {
        let a = &b.appt;
        let line = AppointmentLine {
            day: a.day,
            starts: time_of(a.span.start),
            ends: time_of(a.span.end),
            clinician: b.clinician_name.clone(),
            kind: b.type_name.clone(),
            status: a.status.label(),
            walk_in: a.walk_in,
        };
        let over = a.status == Status::Completed || end_instant(a.day, &a.span) < now;
        if over {
            past.push(line);
        } else {
            upcoming.push(line);
        }
    }
    upcoming.reverse();
    let what = format!("{} upcoming, {} past", upcoming.len(), past.len());
    viewed(db, by, &own, Section::Appointments, what)?;
    Ok(Appointments { upcoming, past })
}

/// One bed of a stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayLine {
    pub ward: String,
    pub bed: String,
    pub from: DateTime<Tz>,
    pub until: Option<DateTime<Tz>>,
}

/// One admission as the patient sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionLine {
    /// The ward and bed now (or at discharge).
    pub ward: String,
    pub bed: String,
    pub attending: String,
    pub reason: String,
    pub admitted_at: DateTime<Tz>,
    pub discharged_at: Option<DateTime<Tz>>,
    /// How it ended (`home`, `referred`, …); `None` while in hospital.
    pub disposition: Option<&'static str>,
    /// Every bed of the stay, in order.
    pub beds: Vec<StayLine>,
}

/// The patient's admissions, newest first (a READ event).
pub fn admissions(db: &mut Db, by: &Session, clock: Clock) -> Result<Vec<AdmissionLine>> {
    let own = own_patient(db, by)?;
    let zone = clock.zone;
    let conn = db.conn();
    let mut lines = Vec::new();
    for a in stays::admissions_of(conn, own.id())? {
        let beds = stays::stays_of(conn, &a.id)?
            .into_iter()
            .map(|s| StayLine {
                ward: s.ward_name,
                bed: s.bed_label,
                from: s.started_at.with_timezone(&zone),
                until: s.ended_at.map(|t| t.with_timezone(&zone)),
            })
            .collect();
        lines.push(AdmissionLine {
            ward: a.ward_name,
            bed: a.bed_label,
            attending: a.attending,
            reason: a.reason,
            admitted_at: a.admitted_at.with_timezone(&zone),
            discharged_at: a.discharged_at.map(|t| t.with_timezone(&zone)),
            disposition: a.disposition.map(|d| d.label()),
            beds,
        });
    }
    viewed(
        db,
        by,
        &own,
        Section::Admissions,
        format!("{} admissions", lines.len()),
    )?;
    Ok(lines)
}
