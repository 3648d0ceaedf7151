//! Medicine labels: the label of a prescription's dispensed medicine made
//! from the file (pharmacist, nurse or admin who may dispense), as text for
//! a receipt printer and as a PDF, and written to files readable by their
//! owner only. Writing one is an EXPORT event: patient data leaves the file.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::label::{Label, Paper};
use crate::domain::prescribing::Frequency;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::prescriptions::Prescription;
use std::path::{Path, PathBuf};

mod pdf;
pub mod slip;

pub use pdf::{PageLine, page, pdf};

/// The label of a prescription's medicine for `quantity` dispensed (the
/// whole dispensed so far when `None`), dated today in the hospital.
pub fn label(
    db: &Db,
    by: &Session,
    prescription: &Id,
    quantity: Option<i64>,
    clock: &Clock,
) -> Result<(Prescription, Label)> {
    by.require(Permission::Dispense, "print medicine labels")?;
    let conn = db.conn();
    let rx = crate::store::prescriptions::get(conn, prescription)?.ok_or_else(|| {
        Error::NotFound("that prescription is not in this hospital file: check the ID".into())
    })?;
    let Some(item_id) = &rx.item_id else {
        return Err(Error::Refused(format!(
            "{} is bought outside: the pharmacy labels only what it dispenses",
            rx.medicine
        )));
    };
    let quantity = quantity.unwrap_or(rx.dispensed);
    if quantity <= 0 {
        return Err(Error::Refused(format!(
            "nothing of {} is dispensed yet: dispense it first, then print its label",
            rx.medicine
        )));
    }
    let item = crate::store::pharmacy::get_item(conn, item_id)?
        .ok_or_else(|| Error::NotFound("the prescribed item is not in the catalogue".into()))?;
    let patient = crate::store::patients::get(conn, &rx.patient_id)?
        .ok_or_else(|| Error::NotFound("the prescription's patient is not in this file".into()))?;
    let settings = db.settings()?;
    let d = &item.details;
    let f = rx.course.frequency;
    let mut frequency = match f {
        Frequency::Prn => format!(
            "when required for {}, at most {} in 24 hours",
            rx.course
                .prn_indication
                .as_deref()
                .unwrap_or("its indication"),
            rx.course.prn_max_daily.unwrap_or(1)
        ),
        _ => f.words().to_string(),
    };
    if f.short() != f.words() && f != Frequency::Prn {
        frequency.push_str(&format!(" ({})", f.short()));
    }
    let duration = match (rx.course.duration_days, f.single()) {
        (_, true) => "one dose".to_string(),
        (Some(1), _) => "1 day".to_string(),
        (Some(n), _) => format!("{n} days"),
        (None, _) => "until stopped".to_string(),
    };
    let medicine = [d.name.as_str(), d.form.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let l = Label {
        pharmacy: settings.hospital_name.clone(),
        patient: patient.details.full_name(),
        mrn: patient.mrn.clone(),
        medicine,
        strength: d.strength.clone(),
        dose: format!("{} {}", rx.dose, rx.route.label()),
        frequency,
        duration,
        quantity: format!("{quantity} {}", d.unit),
        instructions: rx.instructions.clone(),
        date: clock.today().format(settings.date_pattern()).to_string(),
    };
    Ok((rx, l))
}

/// The files a label or a receipt was written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub text: PathBuf,
    pub pdf: PathBuf,
}

/// Where the terminal screen writes labels: `<data dir>/labels/`, beside
/// the `hospitals/` folder of the hospital file.
pub fn folder_of(hospital_file: &Path) -> PathBuf {
    hospital_file
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."))
        .join("labels")
}

/// Writes `bytes` to `path`, readable by its owner only (an older file of
/// the same name is replaced).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let failed = |e: std::io::Error| {
        Error::Refused(format!(
            "{} could not be written: {e}; check that the folder exists and can be written",
            path.display()
        ))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::paths::create_private_dir(dir).map_err(failed)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path).map_err(failed)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(failed)?;
        drop(file);
    }
    std::fs::write(path, bytes).map_err(failed)
}

/// Records that a label left the file (an EXPORT event naming the patient).
pub fn record_export(db: &mut Db, by: &Session, rx: &Prescription, whereto: &Path) -> Result<()> {
    let summary = format!(
        "wrote the medicine label of {} to {}",
        rx.medicine,
        whereto.display()
    );
    db.write(&by.actor(), |_| {
        let e = AuditEvent::new(AuditAction::Export, "prescription", summary)
            .on(rx.id.as_str())
            .for_patient(rx.patient_id.as_str());
        Ok::<_, Error>(((), vec![e]))
    })
}

/// A label file's name without extension, short enough for the status
/// line: the local time and the end of the prescription's ID
/// (`20260309-083012-3f9a1c`).
pub fn file_stem(rx: &Prescription, clock: &Clock) -> String {
    let id: Vec<char> = rx.id.as_str().chars().collect();
    let tail: String = id[id.len().saturating_sub(6)..].iter().collect();
    format!("{}-{tail}", clock.local().format("%Y%m%d-%H%M%S"))
}

/// Writes the label as text (for `paper`) and as a PDF into `folder`,
/// named after the prescription and the time, and records the export.
pub fn write_both(
    db: &mut Db,
    by: &Session,
    prescription: &Id,
    quantity: Option<i64>,
    paper: Paper,
    folder: &Path,
    clock: &Clock,
) -> Result<Written> {
    let (rx, l) = label(db, by, prescription, quantity, clock)?;
    let stem = file_stem(&rx, clock);
    let written = Written {
        text: folder.join(format!("{stem}.txt")),
        pdf: folder.join(format!("{stem}.pdf")),
    };
    write_private(&written.text, l.text(paper).as_bytes())?;
    write_private(&written.pdf, &pdf(&l))?;
    record_export(db, by, &rx, &written.text)?;
    Ok(written)
}
