//! Exporting the patients in use as CSV (the import's columns, so that an
//! export imports again) or as a FHIR R4 Bundle of Patient resources.
//!
//! The CSV's cells are escaped against spreadsheet formulas
//! ([`crate::ops::csv_file::escape_cell`]); the import undoes it exactly.
//!
//! The rows are read from one consistent snapshot and written one by one:
//! nothing loads the whole table. The EXPORT audit event, with the number of
//! patients, is committed before the first row leaves the program.

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::display::thousands;
use crate::domain::patient::{Field, Patient, age_label};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::csv_file::SafeWriter;
use crate::ops::import::MRN_COLUMN;
use crate::store::patients::{self, COLUMNS};
use crate::store::{BUSY_TIMEOUT, Db, StoreError};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use std::borrow::Cow;
use std::io::Write;
use strum::IntoEnumIterator;

const DATE: &str = "%Y-%m-%d";
const LIVE: &str = "deleted_at IS NULL AND merged_into IS NULL";

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The import's columns, `mrn` first, one patient a row.
    Csv,
    /// A FHIR R4 Bundle (type collection) of Patient resources.
    Fhir,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Fhir => "fhir",
        }
    }
}

/// The CSV header: `mrn`, then every field's column in form order.
pub fn csv_header() -> Vec<&'static str> {
    std::iter::once(MRN_COLUMN)
        .chain(Field::iter().map(Field::column))
        .collect()
}

/// One field of a patient as the CSV export writes it. A known birth date
/// goes in `birth_date`; an estimated one leaves `birth_date` empty and
/// puts the age in `estimated_age` (years, or months under two: `6m`), which
/// is what the import reads back.
pub fn csv_value(p: &Patient, f: Field, today: NaiveDate) -> Cow<'_, str> {
    let d = &p.details;
    let date = |v: NaiveDate| Cow::Owned(v.format(DATE).to_string());
    match f {
        Field::GivenName => Cow::Borrowed(&d.given_name),
        Field::MiddleName => Cow::Borrowed(&d.middle_name),
        Field::FamilyName => Cow::Borrowed(&d.family_name),
        Field::BirthDate if d.birth_date_estimated => Cow::Borrowed(""),
        Field::BirthDate => date(d.birth_date),
        Field::EstimatedAge if d.birth_date_estimated => {
            Cow::Owned(age_label(d.birth_date, false, today))
        }
        Field::EstimatedAge => Cow::Borrowed(""),
        Field::Sex => Cow::Borrowed(d.sex.into()),
        Field::Phone => Cow::Borrowed(&d.phone),
        Field::Email => Cow::Borrowed(&d.email),
        Field::AddressLine1 => Cow::Borrowed(&d.address_line1),
        Field::AddressLine2 => Cow::Borrowed(&d.address_line2),
        Field::City => Cow::Borrowed(&d.city),
        Field::Region => Cow::Borrowed(&d.region),
        Field::PostalCode => Cow::Borrowed(&d.postal_code),
        Field::Country => Cow::Borrowed(&d.country),
        Field::NationalId => Cow::Borrowed(&d.national_id),
        Field::EmergencyName => Cow::Borrowed(&d.emergency_name),
        Field::EmergencyRelation => Cow::Borrowed(&d.emergency_relation),
        Field::EmergencyPhone => Cow::Borrowed(&d.emergency_phone),
        Field::InsuranceProvider => Cow::Borrowed(&d.insurance_provider),
        Field::InsurancePolicy => Cow::Borrowed(&d.insurance_policy),
        Field::InsuranceValidUntil => match d.insurance_valid_until {
            Some(v) => date(v),
            None => Cow::Borrowed(""),
        },
        Field::Notes => Cow::Borrowed(&d.notes),
    }
}

#[derive(Serialize)]
struct Identifier<'a> {
    system: Cow<'a, str>,
    value: &'a str,
}

#[derive(Serialize)]
struct HumanName<'a> {
    #[serde(rename = "use")]
    use_: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    family: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    given: Vec<&'a str>,
    text: String,
}

#[derive(Serialize)]
struct ContactPoint<'a> {
    system: &'static str,
    value: &'a str,
    #[serde(rename = "use")]
    use_: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Address<'a> {
    #[serde(rename = "use")]
    use_: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    line: Vec<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    city: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    state: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    postal_code: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    country: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PatientResource<'a> {
    resource_type: &'static str,
    id: &'a str,
    identifier: Vec<Identifier<'a>>,
    active: bool,
    name: Vec<HumanName<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    telecom: Vec<ContactPoint<'a>>,
    gender: &'static str,
    birth_date: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    address: Vec<Address<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BundleEntry<'a> {
    full_url: String,
    resource: PatientResource<'a>,
}

fn non_empty<'a>(parts: &[&'a str]) -> Vec<&'a str> {
    parts.iter().copied().filter(|s| !s.is_empty()).collect()
}

/// A patient as a FHIR R4 Bundle entry. `mrn_system` names the hospital's
/// MRNs (`urn:wardline:<code>:mrn`).
pub(crate) fn fhir_entry<'a>(p: &'a Patient, mrn_system: &'a str) -> BundleEntry<'a> {
    let d = &p.details;
    let mut identifier = vec![Identifier {
        system: Cow::Borrowed(mrn_system),
        value: &p.mrn,
    }];
    if !p.legacy_mrn.is_empty() {
        identifier.push(Identifier {
            system: Cow::Borrowed("urn:wardline:legacy-mrn"),
            value: &p.legacy_mrn,
        });
    }
    let mut telecom = Vec::new();
    for (system, value) in [("phone", &d.phone), ("email", &d.email)] {
        if !value.is_empty() {
            telecom.push(ContactPoint {
                system,
                value,
                use_: "home",
            });
        }
    }
    let address = Address {
        use_: "home",
        line: non_empty(&[&d.address_line1, &d.address_line2]),
        city: &d.city,
        state: &d.region,
        postal_code: &d.postal_code,
        country: &d.country,
    };
    let has_address = !address.line.is_empty()
        || [&d.city, &d.region, &d.postal_code, &d.country]
            .iter()
            .any(|s| !s.is_empty());
    BundleEntry {
        full_url: format!("urn:uuid:{}", p.id),
        resource: PatientResource {
            resource_type: "Patient",
            id: p.id.as_str(),
            identifier,
            active: true,
            name: vec![HumanName {
                use_: "official",
                family: &d.family_name,
                given: non_empty(&[&d.given_name, &d.middle_name]),
                text: d.full_name(),
            }],
            telecom,
            gender: d.sex.fhir(),
            birth_date: d.birth_date.format(DATE).to_string(),
            address: if has_address {
                vec![address]
            } else {
                Vec::new()
            },
        },
    }
}

/// Writes every patient in use, ordered by sequence number, to `out`, and
/// records one EXPORT event. Returns how many patients were written.
pub fn export_patients<W: Write>(
    db: &mut Db,
    by: &Session,
    format: Format,
    out: W,
    now: DateTime<Utc>,
) -> Result<u64> {
    by.require(Permission::FindPatients, "export patients")?;
    let today = db.clock(now)?.today();
    // A second, read-only connection holds one snapshot from the count to
    // the last row, while the audit event commits on the first.
    let mut reader = Connection::open_with_flags(
        db.path(),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(StoreError::from)?;
    reader
        .busy_timeout(BUSY_TIMEOUT)
        .map_err(StoreError::from)?;
    let snapshot = reader.transaction().map_err(StoreError::from)?;
    let count: i64 = snapshot
        .query_row(
            &format!("SELECT count(*) FROM patients WHERE {LIVE}"),
            [],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?;
    let count = u64::try_from(count).unwrap_or(0);
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::FindPatients, "export patients")?;
        let summary = format!(
            "exported {} {} as {}",
            thousands(count),
            if count == 1 { "patient" } else { "patients" },
            format.name()
        );
        Ok::<_, Error>((
            (),
            vec![AuditEvent::new(AuditAction::Export, "patient", summary)],
        ))
    })?;
    let mut stmt = snapshot
        .prepare(&format!(
            "SELECT {COLUMNS} FROM patients WHERE {LIVE} ORDER BY seq"
        ))
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([]).map_err(StoreError::from)?;
    let mut written = 0u64;
    match format {
        Format::Csv => {
            let mut csv = SafeWriter::new(out);
            csv.write_row(csv_header()).map_err(Error::Output)?;
            while let Some(r) = rows.next().map_err(StoreError::from)? {
                let p = patients::patient(r).map_err(StoreError::from)?;
                let values = std::iter::once(Cow::Borrowed(p.mrn.as_str()))
                    .chain(Field::iter().map(|f| csv_value(&p, f, today)));
                csv.write_row(values).map_err(Error::Output)?;
                written += 1;
            }
            csv.flush().map_err(Error::Output)?;
        }
        Format::Fhir => {
            let mut out = out;
            let system = format!("urn:wardline:{}:mrn", db.code());
            write!(
                out,
                "{{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"timestamp\":\"{}\",\"entry\":[",
                now.to_rfc3339_opts(SecondsFormat::Secs, true)
            )
            .map_err(Error::Output)?;
            while let Some(r) = rows.next().map_err(StoreError::from)? {
                let p = patients::patient(r).map_err(StoreError::from)?;
                out.write_all(if written == 0 { b"\n" } else { b",\n" })
                    .map_err(Error::Output)?;
                serde_json::to_writer(&mut out, &fhir_entry(&p, &system))
                    .map_err(|e| Error::Output(e.into()))?;
                written += 1;
            }
            out.write_all(b"\n]}\n").map_err(Error::Output)?;
            out.flush().map_err(Error::Output)?;
        }
    }
    Ok(written)
}
