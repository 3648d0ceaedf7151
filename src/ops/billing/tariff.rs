//! The tariff (what the hospital charges for and its prices over time) and
//! the payer schemes, set by an administrator; a patient's scheme, set at
//! the front desk or the cash desk.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::billing::shares::Cover;
use crate::domain::billing::{SchemeKind, ServiceGroup, check_text, money};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event, patient_in_use};
use crate::store::Db;
use crate::store::billing::{self as store, PatientScheme, Scheme, TariffItem};
use chrono::NaiveDate;

/// A code as the tariff and schemes store it: capitals, digits and hyphens.
fn check_code(typed: &str) -> Result<String> {
    let code = typed.trim().to_ascii_uppercase();
    if (1..=20).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(code)
    } else {
        Err(Error::Refused(format!(
            "the code {typed:?} is not valid: use 1 to 20 letters, digits or hyphens, e.g. XRAY-CHEST"
        )))
    }
}

fn check_name(typed: &str) -> Result<String> {
    check_text(typed, "name", true, 80).map_err(Error::Refused)
}

/// The tariff as it stands on `day`: every item with its price that day
/// (none when unpriced), by code, for anyone who sees bills.
pub fn tariff_on(db: &Db, by: &Session, day: NaiveDate) -> Result<Vec<(TariffItem, Option<i64>)>> {
    by.require(Permission::ViewBills, "see the tariff")?;
    Ok(store::tariff_on(db.conn(), day)?)
}

/// The hospital's payer schemes, by code, for anyone who sees bills.
pub fn schemes(db: &Db, by: &Session) -> Result<Vec<Scheme>> {
    by.require(Permission::ViewBills, "see the payer schemes")?;
    Ok(store::schemes(db.conn())?)
}

/// An administrator adds an item to the tariff (its price is set apart).
pub fn add_item(
    db: &mut Db,
    by: &Session,
    code: &str,
    name: &str,
    group: ServiceGroup,
    clock: Clock,
) -> Result<TariffItem> {
    let code = check_code(code)?;
    let name = check_name(name)?;
    clinical::write(
        db,
        by,
        Permission::ManageTariff,
        "change the tariff",
        |tx| {
            if store::tariff_item_by_code(tx, &code)?.is_some() {
                return Err(Error::Refused(format!(
                    "the tariff has an item {code} already: set its price instead, or choose another code"
                )));
            }
            let item = TariffItem {
                id: Id::new(),
                code: code.clone(),
                name: name.clone(),
                group,
            };
            store::insert_tariff_item(tx, &item, clock.now)?;
            let e = AuditEvent::new(
                AuditAction::Create,
                "tariff_item",
                format!("tariff item {code} ({name}, {group}) added"),
            )
            .on(item.id.as_str());
            Ok((item, vec![e]))
        },
    )
}

/// An administrator sets an item's price from a date (today or later, or
/// earlier for an item never charged before that day). The old prices stay.
pub fn set_price(
    db: &mut Db,
    by: &Session,
    code: &str,
    price: i64,
    effective_from: NaiveDate,
    clock: Clock,
) -> Result<()> {
    if price < 0 {
        return Err(Error::Refused(
            "a price is 0 or more, in minor units (cents): correct it".into(),
        ));
    }
    let currency = db.settings()?.currency;
    let code = check_code(code)?;
    clinical::write(
        db,
        by,
        Permission::ManageTariff,
        "change the tariff",
        |tx| {
            let item = store::tariff_item_by_code(tx, &code)?.ok_or_else(|| {
                Error::NotFound(format!(
                    "the tariff has no item {code}: add it first, or check the code"
                ))
            })?;
            if store::price_from(tx, &item.id, effective_from)?.is_some() {
                return Err(Error::Refused(format!(
                    "{code} has a price from {effective_from} already, and prices are kept as set: set the new price from a later date"
                )));
            }
            store::insert_price(tx, &item.id, effective_from, price, &by.user.id, clock.now)?;
            let e = AuditEvent::new(
                AuditAction::SetPrice,
                "tariff_item",
                format!(
                    "price of {code} set to {} from {effective_from}",
                    money(price, &currency)
                ),
            )
            .on(item.id.as_str());
            Ok(((), vec![e]))
        },
    )
}

/// What a payer scheme is, as an administrator types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemeInput<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: SchemeKind,
    /// Basis points of each line the scheme pays (insurance only).
    pub coverage_bp: i64,
    /// The patient's co-payment per bill, minor units (insurance only).
    pub co_payment: i64,
    pub active: bool,
}

fn check_cover(input: &SchemeInput) -> Result<Cover> {
    match input.kind {
        SchemeKind::SelfPay => Ok(Cover::SELF_PAY),
        SchemeKind::Waiver => Ok(Cover {
            coverage_bp: 10_000,
            co_payment: 0,
        }),
        SchemeKind::Insurance => {
            if !(0..=10_000).contains(&input.coverage_bp) {
                return Err(Error::Refused(
                    "an insurance scheme covers 0 to 100% (0 to 10000 basis points): correct the coverage".into(),
                ));
            }
            if input.co_payment < 0 {
                return Err(Error::Refused(
                    "a co-payment is 0 or more, in minor units: correct it".into(),
                ));
            }
            Ok(Cover {
                coverage_bp: input.coverage_bp,
                co_payment: input.co_payment,
            })
        }
    }
}

/// An administrator adds a payer scheme.
pub fn add_scheme(db: &mut Db, by: &Session, input: &SchemeInput) -> Result<Scheme> {
    let code = check_code(input.code)?;
    let name = check_name(input.name)?;
    let cover = check_cover(input)?;
    clinical::write(
        db,
        by,
        Permission::ManageTariff,
        "change the payer schemes",
        |tx| {
            if store::scheme_by_code(tx, &code)?.is_some() {
                return Err(Error::Refused(format!(
                    "there is a scheme {code} already: edit it, or choose another code"
                )));
            }
            let s = Scheme {
                id: Id::new(),
                code: code.clone(),
                name,
                kind: input.kind,
                cover,
                active: input.active,
                version: 1,
            };
            store::insert_scheme(tx, &s)?;
            let e = AuditEvent::new(
                AuditAction::Create,
                "payer_scheme",
                format!("payer scheme {code} ({}) added", describe(&s)),
            )
            .on(s.id.as_str());
            Ok((s, vec![e]))
        },
    )
}

/// An administrator edits a scheme as read at `version`; its code stays.
pub fn edit_scheme(db: &mut Db, by: &Session, input: &SchemeInput, version: i64) -> Result<Scheme> {
    let code = check_code(input.code)?;
    let name = check_name(input.name)?;
    let cover = check_cover(input)?;
    clinical::write(
        db,
        by,
        Permission::ManageTariff,
        "change the payer schemes",
        |tx| {
            let old = store::scheme_by_code(tx, &code)?.ok_or_else(|| {
                Error::NotFound(format!(
                    "there is no scheme {code}: add it, or check the code"
                ))
            })?;
            let new = Scheme {
                name,
                kind: input.kind,
                cover,
                active: input.active,
                version,
                ..old.clone()
            };
            if !store::update_scheme(tx, &new)? {
                return Err(Error::Refused(format!(
                    "scheme {code} was changed meanwhile (another terminal): open it again and redo the change"
                )));
            }
            let e = AuditEvent::new(
                AuditAction::Update,
                "payer_scheme",
                format!(
                    "payer scheme {code}: {} (was {})",
                    describe(&new),
                    describe(&old)
                ),
            )
            .on(old.id.as_str());
            Ok((
                Scheme {
                    version: version + 1,
                    ..new
                },
                vec![e],
            ))
        },
    )
}

fn describe(s: &Scheme) -> String {
    let offered = if s.active { "" } else { ", not offered" };
    match s.kind {
        SchemeKind::Insurance => format!(
            "{}, insurance covering {}.{:02}% after a co-payment of {} minor units{offered}",
            s.name,
            s.cover.coverage_bp / 100,
            s.cover.coverage_bp % 100,
            s.cover.co_payment
        ),
        kind => format!("{}, {kind}{offered}", s.name),
    }
}

/// Which scheme covers a patient, as typed at a desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatientSchemeInput<'a> {
    pub patient: &'a Id,
    pub scheme_code: &'a str,
    pub member_number: &'a str,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// A receptionist, cashier or administrator sets the scheme covering a
/// patient from a date; earlier settings stay as history.
pub fn set_patient_scheme(
    db: &mut Db,
    by: &Session,
    input: &PatientSchemeInput,
    clock: Clock,
) -> Result<()> {
    let code = check_code(input.scheme_code)?;
    let member =
        check_text(input.member_number, "member number", false, 40).map_err(Error::Refused)?;
    if input.valid_to.is_some_and(|to| to < input.valid_from) {
        return Err(Error::Refused(
            "the cover ends before it starts: correct the dates".into(),
        ));
    }
    clinical::write(
        db,
        by,
        Permission::SetPatientScheme,
        "set a patient's payer scheme",
        |tx| {
            let patient = patient_in_use(tx, input.patient)?;
            let scheme = store::scheme_by_code(tx, &code)?.ok_or_else(|| {
                Error::NotFound(format!(
                    "there is no scheme {code}: choose one of the hospital's schemes"
                ))
            })?;
            if !scheme.active {
                return Err(Error::Refused(format!(
                    "scheme {code} is no longer offered: choose another, or ask an administrator"
                )));
            }
            if scheme.kind == SchemeKind::Insurance && member.is_empty() {
                return Err(Error::Refused(
                "an insurance scheme needs the patient's member number: type it from their card".into(),
            ));
            }
            let id = store::insert_patient_scheme(
                tx,
                &PatientScheme {
                    patient: &patient.id,
                    scheme: &scheme.id,
                    member_number: &member,
                    valid_from: input.valid_from,
                    valid_to: input.valid_to,
                },
                &by.user.id,
                clock.now,
            )?;
            let until = input
                .valid_to
                .map(|d| format!(" to {d}"))
                .unwrap_or_default();
            let e = event(
                AuditAction::SetPatientScheme,
                "patient_scheme",
                &id,
                &patient.id,
                format!(
                    "{} covered by {code} from {}{until}",
                    patient.mrn, input.valid_from
                ),
            );
            Ok(((), vec![e]))
        },
    )
}
