//! The catalogue: adding, editing, deactivating and reactivating items,
//! and loading items from a CSV file (all rows checked before any is
//! written).

use super::{get_item, item_event};
use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::pharmacy::{Item, ItemDetails, ItemField, validate_item};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::csv_file::LineCounter;
use crate::store::Db;
use crate::store::pharmacy as store;
use chrono::{DateTime, Utc};
use strum::IntoEnumIterator;

fn checked(d: &ItemDetails) -> Result<ItemDetails> {
    validate_item(|f| d.text(f)).map_err(|problems| {
        Error::Refused(format!(
            "please correct: {}",
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })
}

/// Adds an item to the catalogue.
pub fn add_item(db: &mut Db, by: &Session, d: &ItemDetails, now: DateTime<Utc>) -> Result<Item> {
    by.require(Permission::ManageStock, "change the catalogue")?;
    let d = checked(d)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "change the catalogue")?;
        let item = store::insert_item(tx, &d, now)?;
        let e = item_event(
            AuditAction::Create,
            &item,
            format!("catalogue: added {}", item.details.label()),
        );
        Ok::<_, Error>((item, vec![e]))
    })
}

/// Saves an edit of an item made from `version`.
pub fn edit_item(
    db: &mut Db,
    by: &Session,
    id: &str,
    version: i64,
    d: &ItemDetails,
    now: DateTime<Utc>,
) -> Result<Item> {
    by.require(Permission::ManageStock, "change the catalogue")?;
    let d = checked(d)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "change the catalogue")?;
        let before = get_item(tx, id)?;
        store::update_item(tx, id, version, &d, now)?;
        let after = get_item(tx, id)?;
        let changed: Vec<&str> = ItemField::iter()
            .filter(|f| before.details.text(*f) != d.text(*f))
            .map(|f| f.column())
            .collect();
        let summary = if changed.is_empty() {
            format!("catalogue: {} saved without changes", after.details.label())
        } else {
            format!(
                "catalogue: {} changed {}",
                after.details.label(),
                changed.join(", ")
            )
        };
        Ok::<_, Error>((
            after.clone(),
            vec![item_event(AuditAction::Update, &after, summary)],
        ))
    })
}

/// Deactivates an item (it can no longer be received or dispensed; its
/// history stays) or makes it active again.
pub fn set_active(
    db: &mut Db,
    by: &Session,
    id: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<Item> {
    by.require(Permission::ManageStock, "change the catalogue")?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "change the catalogue")?;
        let before = get_item(tx, id)?;
        if before.active == active {
            return Err(Error::Refused(format!(
                "{} is already {}",
                before.details.label(),
                if active { "active" } else { "deactivated" }
            )));
        }
        store::set_active(tx, id, active, now)?;
        let after = get_item(tx, id)?;
        let summary = format!(
            "catalogue: {} {}",
            after.details.label(),
            if active { "reactivated" } else { "deactivated" }
        );
        Ok::<_, Error>((
            after.clone(),
            vec![item_event(AuditAction::Update, &after, summary)],
        ))
    })
}

/// What `import items` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemImport {
    pub imported: usize,
    /// Items already in the catalogue (same name, strength and form): left as they are.
    pub existing: Vec<String>,
    /// One sentence per invalid row; any invalid row refuses the whole file.
    pub invalid: Vec<String>,
}

/// Loads catalogue items from CSV whose header names the columns
/// (name, generic_name, strength, form, unit, category, reorder_level,
/// max_dispense).
/// All rows are checked first; one invalid row refuses the file. Items
/// already in the catalogue are reported and left unchanged.
pub fn import_items(
    db: &mut Db,
    by: &Session,
    reader: impl std::io::Read,
    source: &str,
    now: DateTime<Utc>,
) -> Result<ItemImport> {
    by.require(Permission::ManageStock, "import catalogue items")?;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(LineCounter::new(reader));
    let header = csv
        .headers()
        .map_err(|e| {
            Error::BadFile(format!(
                "{source} could not be read as CSV ({e}): save it as UTF-8 CSV with a header row"
            ))
        })?
        .clone();
    let allowed: Vec<&str> = ItemField::iter().map(|f| f.column()).collect();
    let columns: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect();
    let unknown: Vec<String> = columns
        .iter()
        .filter(|c| !allowed.contains(&c.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(Error::UnknownColumns {
            unknown,
            allowed: allowed.join(", "),
        });
    }
    for required in ["name", "form", "unit"] {
        if !columns.iter().any(|c| c == required) {
            return Err(Error::BadFile(format!(
                "{source} has no {required} column: the header must name at least name, form and unit"
            )));
        }
    }
    let mut report = ItemImport::default();
    let mut valid: Vec<ItemDetails> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut record = csv::StringRecord::new();
    loop {
        let read = csv.read_record(&mut record);
        // The physical line where the row (or the unreadable one) starts.
        let position = match &read {
            Ok(_) => record.position(),
            Err(e) => e.position(),
        };
        let line = match position {
            Some(p) => csv.get_mut().line_at(p.byte()),
            None => csv.position().line(),
        };
        match read {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let what = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "has {len} fields where the header has {expected_len}: check this row's commas and quotes"
                    ),
                    csv::ErrorKind::Utf8 { .. } => {
                        "is not UTF-8 text: save the file as UTF-8 (CSV UTF-8)".to_string()
                    }
                    _ => format!("could not be read ({e}): check that it is a complete CSV file"),
                };
                return Err(Error::BadFile(format!(
                    "{source} line {line} {what}, and import it again"
                )));
            }
        }
        let get = |f: ItemField| {
            columns
                .iter()
                .position(|c| c == f.column())
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        match validate_item(get) {
            Ok(d) => {
                if !seen.insert(d.identity_key()) {
                    report.invalid.push(format!(
                        "line {line}: {} appears twice in the file; remove one",
                        d.label()
                    ));
                } else {
                    valid.push(d);
                }
            }
            Err(problems) => report.invalid.push(format!(
                "line {line}: {}",
                problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
    if !report.invalid.is_empty() {
        return Ok(report);
    }
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "import catalogue items")?;
        for d in &valid {
            if store::find_identity(tx, d)?.is_some() {
                report.existing.push(d.label());
                continue;
            }
            store::insert_item(tx, d, now)?;
            report.imported += 1;
        }
        let e = AuditEvent::new(
            AuditAction::Import,
            "stock_item",
            format!(
                "catalogue: imported {} items from {source} ({} already there)",
                report.imported,
                report.existing.len()
            ),
        );
        Ok::<_, Error>((report, vec![e]))
    })
}
