//! What a patient sees of their own record, through their own (patient)
//! account: the read model the patient's terminal screen and the web
//! portal both show. The patient is found only through the account's link
//! (`users.patient_id`), never through an id or MRN the patient could type
//! or change; each section is read by its own function returning plain
//! data, and each view is a READ event of the patient's own account naming
//! their record.

pub mod access_log;
pub mod bills;
pub mod care;
pub mod medicines;
pub mod results;

pub use access_log::{ACCESS_PAGE, AccessEntry, AccessPage, who_opened};
pub use bills::{BillLine, BillView, Bills, PaymentLine, bills};
pub use care::{
    AdmissionLine, AppointmentLine, Appointments, Demographics, EmergencyContact, StayLine,
    admissions, appointments, demographics,
};
pub use medicines::{DispensedLine, MedicineLine, Medicines, medicines};
pub use results::{LabReport, LabValue, lab_results};

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::domain::role::Role;
use crate::error::{Error, Result};
use crate::store::{Db, patients, portal, users};

/// The sections of the record a patient sees, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Demographics,
    Appointments,
    Admissions,
    Medicines,
    LabResults,
    Bills,
    WhoOpened,
}

impl Section {
    /// Every section, in the order the record shows them.
    pub const ALL: [Section; 7] = [
        Section::Demographics,
        Section::Appointments,
        Section::Admissions,
        Section::Medicines,
        Section::LabResults,
        Section::Bills,
        Section::WhoOpened,
    ];

    /// The section's heading.
    pub fn label(self) -> &'static str {
        match self {
            Section::Demographics => "Your details",
            Section::Appointments => "Appointments",
            Section::Admissions => "Hospital stays",
            Section::Medicines => "Medicines",
            Section::LabResults => "Laboratory results",
            Section::Bills => "Bills and receipts",
            Section::WhoOpened => "Who opened my record",
        }
    }

    /// The heading cut to fit the seven in one line of an 80-column
    /// terminal (the strip of sections).
    pub fn short_label(self) -> &'static str {
        match self {
            Section::Demographics => "Details",
            Section::Appointments => "Appointments",
            Section::Admissions => "Stays",
            Section::Medicines => "Medicines",
            Section::LabResults => "Results",
            Section::Bills => "Bills",
            Section::WhoOpened => "Who opened",
        }
    }

    /// The short name used in the audit trail and in the web portal's paths
    /// (names of sections, never of patients).
    pub fn slug(self) -> &'static str {
        match self {
            Section::Demographics => "details",
            Section::Appointments => "appointments",
            Section::Admissions => "stays",
            Section::Medicines => "medicines",
            Section::LabResults => "results",
            Section::Bills => "bills",
            Section::WhoOpened => "access",
        }
    }

    /// The section of a slug, if one.
    pub fn from_slug(slug: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// The patient whose record a patient account may open.
pub(crate) struct Own {
    pub patient: Patient,
}

impl Own {
    pub fn id(&self) -> &Id {
        &self.patient.id
    }
}

/// Finds the patient of `by`'s account, refusing a staff account, a
/// disabled account, one that must change its password first, one linked
/// to no record, a deleted or merged record, and a patient whose portal is
/// switched off. The account is read again from the file, so a change made
/// in another terminal takes effect at once.
pub(crate) fn own_patient(db: &Db, by: &Session) -> Result<Own> {
    linked_patient(db, by, false)
}

fn linked_patient(db: &Db, by: &Session, before_password_change: bool) -> Result<Own> {
    if by.role() != Role::Patient {
        return Err(Error::NotPermitted(
            "the patient portal shows a patient their own record: staff open records from the hospital's screens".into(),
        ));
    }
    let conn = db.conn();
    let account = match users::find(conn, &by.user.user_name)? {
        Some((u, _)) if u.id == by.user.id && u.role == Role::Patient => u,
        _ => return Err(disabled()),
    };
    if account.disabled_at.is_some() {
        return Err(disabled());
    }
    if account.must_change_password && !before_password_change {
        return Err(Error::Refused(
            "your password must be changed before your record opens: choose a new password first"
                .into(),
        ));
    }
    let Some(patient_id) = users::linked_patient(conn, &account.id)? else {
        return Err(Error::NotPermitted(
            "this account is not linked to a patient record: ask the hospital's reception".into(),
        ));
    };
    let patient = patients::get(conn, &patient_id)?.ok_or_else(|| {
        Error::NotFound(
            "your record is not in this hospital file: ask the hospital's reception".into(),
        )
    })?;
    if patient.deleted_at.is_some() || patient.merged_into.is_some() {
        return Err(Error::Refused(
            "your record is closed (deleted or merged with another): ask the hospital's reception"
                .into(),
        ));
    }
    if portal::portal_enabled(conn, &patient_id)? != Some(true) {
        return Err(Error::Refused(
            "access to your record through the portal is switched off: ask the hospital's reception to switch it on"
                .into(),
        ));
    }
    Ok(Own { patient })
}

fn disabled() -> Error {
    Error::NotPermitted(
        "your account has been disabled: sign out, and ask the hospital's reception".into(),
    )
}

/// Writes the READ event of a patient viewing one section of their own
/// record: the actor is the patient's account, the patient their own.
pub(crate) fn viewed(
    db: &mut Db,
    by: &Session,
    own: &Own,
    section: Section,
    what: String,
) -> Result<()> {
    let summary = format!(
        "viewed their own {} in the patient portal ({what})",
        section.slug()
    );
    let e = AuditEvent::new(AuditAction::Read, "portal", summary)
        .on(own.id().as_str())
        .for_patient(own.id().as_str());
    db.write(&by.actor(), |_| Ok::<_, Error>(((), vec![e])))
}

/// Whether `by` may open the portal at all (a patient account, enabled,
/// linked to an open record whose portal is on), without reading anything
/// of the record: for a sign-in to refuse at once rather than at the first
/// section. An account that must still change its password passes (the
/// change comes next); the sections refuse it until then.
pub fn check_access(db: &Db, by: &Session) -> Result<()> {
    linked_patient(db, by, true).map(|_| ())
}
