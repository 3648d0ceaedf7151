//! The pharmacy's reports: batches expiring soon, and the stock and expiry
//! reports as CSV for a spreadsheet (escaped against formulas).

use crate::auth::Session;
use crate::domain::pharmacy::{Batch, Item, StockLevel};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::pharmacy as store;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Batches with stock on hand expiring within `days` of `today` (expired
/// ones included), earliest first, with their items.
pub fn expiry_report(
    db: &Db,
    by: &Session,
    today: NaiveDate,
    days: i64,
) -> Result<Vec<(Item, Batch)>> {
    by.require(Permission::ViewStock, "see the stock")?;
    let horizon = today + chrono::Duration::days(days);
    let items: HashMap<String, Item> = store::items(db.conn())?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    let mut out: Vec<(Item, Batch)> = store::batches_in_stock(db.conn())?
        .into_iter()
        .filter(|b| b.expiry <= horizon)
        .filter_map(|b| items.get(&b.item_id).cloned().map(|i| (i, b)))
        .collect();
    out.sort_by(|a, b| {
        (a.1.expiry, a.0.details.name.to_lowercase())
            .cmp(&(b.1.expiry, b.0.details.name.to_lowercase()))
    });
    Ok(out)
}

/// The stock report as CSV for a spreadsheet, escaped against formulas:
/// one row per item in use or with stock (value at unit cost, in major
/// units of `currency`), flags as words.
pub fn write_stock_csv<W: std::io::Write>(
    list: &[StockLevel],
    currency: &str,
    out: W,
) -> Result<()> {
    let mut w = crate::ops::csv_file::SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "item",
        "generic_name",
        "strength",
        "form",
        "unit",
        "category",
        "on_hand",
        "usable",
        "reorder_level",
        "nearest_expiry",
        "value_at_cost",
        "currency",
        "flags",
    ])
    .map_err(io)?;
    for l in list.iter().filter(|l| l.item.active || l.on_hand > 0) {
        let d = &l.item.details;
        let flags: Vec<&str> = [
            (l.flags.below_reorder, "low"),
            (l.flags.expiring, "expiring"),
            (l.flags.expired, "expired"),
            (!l.item.active, "inactive"),
        ]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
        .collect();
        w.write_row([
            d.name.clone(),
            d.generic_name.clone(),
            d.strength.clone(),
            d.form.clone(),
            d.unit.clone(),
            d.category.clone(),
            l.on_hand.to_string(),
            l.usable.to_string(),
            d.reorder_level.to_string(),
            l.nearest_expiry.map(|e| e.to_string()).unwrap_or_default(),
            crate::domain::pharmacy::plain_amount(l.value, currency),
            currency.to_string(),
            flags.join(" "),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(io)
}

/// The expiry report as CSV for a spreadsheet, escaped against formulas:
/// one row per batch with stock, days left on `today` (0 or less: expired).
pub fn write_expiry_csv<W: std::io::Write>(
    rows: &[(Item, Batch)],
    today: NaiveDate,
    currency: &str,
    out: W,
) -> Result<()> {
    let mut w = crate::ops::csv_file::SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "expiry",
        "days_left",
        "item",
        "strength",
        "form",
        "batch",
        "on_hand",
        "value_at_cost",
        "currency",
        "supplier",
    ])
    .map_err(io)?;
    for (item, b) in rows {
        w.write_row([
            b.expiry.to_string(),
            (b.expiry - today).num_days().to_string(),
            item.details.name.clone(),
            item.details.strength.clone(),
            item.details.form.clone(),
            b.batch_no.clone(),
            b.on_hand.to_string(),
            crate::domain::pharmacy::plain_amount(b.on_hand * b.unit_cost, currency),
            currency.to_string(),
            b.supplier.clone(),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(io)
}
