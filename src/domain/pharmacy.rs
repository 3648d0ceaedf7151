//! Pharmacy stock rules: the catalogue item, batches, movements, money in
//! minor units, the stock flags, and first-expiry-first-out dispensing.
//!
//! Pure rules only: the store keeps the ledger, the ops write it.

use chrono::NaiveDate;
use strum::{Display, EnumIter, EnumString, IntoStaticStr};

/// The dosage forms an item may have, as typed and stored.
pub const FORMS: &[&str] = &[
    "tablet",
    "capsule",
    "syrup",
    "suspension",
    "solution",
    "injection",
    "infusion",
    "cream",
    "ointment",
    "gel",
    "lotion",
    "drops",
    "inhaler",
    "suppository",
    "pessary",
    "powder",
    "sachet",
    "patch",
    "spray",
    "lozenge",
    "device",
    "other",
];

/// The longest name, strength, unit, category or supplier accepted.
pub const MAX_TEXT: usize = 80;
/// The largest quantity one movement may carry (a sanity bound for typing errors).
pub const MAX_QUANTITY: i64 = 10_000_000;

/// One field of the item form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter)]
pub enum ItemField {
    Name,
    GenericName,
    Strength,
    Form,
    Unit,
    Category,
    ReorderLevel,
    /// The largest plausible single dispense; more asks once.
    MaxDispense,
}

impl ItemField {
    /// How the field is labelled on the form.
    pub fn label(self) -> &'static str {
        match self {
            ItemField::Name => "Name",
            ItemField::GenericName => "Generic name",
            ItemField::Strength => "Strength",
            ItemField::Form => "Form",
            ItemField::Unit => "Unit",
            ItemField::Category => "Category",
            ItemField::ReorderLevel => "Reorder level",
            ItemField::MaxDispense => "Largest dispense",
        }
    }

    /// The CSV column of the field in `import items`.
    pub fn column(self) -> &'static str {
        match self {
            ItemField::Name => "name",
            ItemField::GenericName => "generic_name",
            ItemField::Strength => "strength",
            ItemField::Form => "form",
            ItemField::Unit => "unit",
            ItemField::Category => "category",
            ItemField::ReorderLevel => "reorder_level",
            ItemField::MaxDispense => "max_dispense",
        }
    }
}

/// A problem with one typed value, shown next to its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field.to_lowercase(), self.message)
    }
}

/// What describes a medicine in the catalogue, validated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemDetails {
    pub name: String,
    pub generic_name: String,
    pub strength: String,
    pub form: String,
    pub unit: String,
    pub category: String,
    pub reorder_level: i64,
    /// The largest plausible single dispense, where known: dispensing more
    /// asks once (210 ampoules of oxytocin to one patient is a typing slip).
    pub max_dispense: Option<i64>,
}

impl ItemDetails {
    /// "Amoxicillin 500 mg capsule": how the item reads in lists and messages.
    pub fn label(&self) -> String {
        [&self.name, &self.strength, &self.form]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Same name, strength and form, ignoring case and spaces: the same item.
    pub fn identity_key(&self) -> String {
        let fold = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        format!(
            "{}|{}|{}",
            fold(&self.name),
            fold(&self.strength),
            self.form
        )
    }

    /// A field's value as typed text (for forms and change lists).
    pub fn text(&self, f: ItemField) -> String {
        match f {
            ItemField::Name => self.name.clone(),
            ItemField::GenericName => self.generic_name.clone(),
            ItemField::Strength => self.strength.clone(),
            ItemField::Form => self.form.clone(),
            ItemField::Unit => self.unit.clone(),
            ItemField::Category => self.category.clone(),
            ItemField::ReorderLevel => self.reorder_level.to_string(),
            ItemField::MaxDispense => self.max_dispense.map(|n| n.to_string()).unwrap_or_default(),
        }
    }
}

/// A catalogue item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub details: ItemDetails,
    pub active: bool,
    pub version: i64,
}

/// Checks one text field: trimmed, at most [`MAX_TEXT`] characters.
fn text(problems: &mut Vec<Problem>, field: ItemField, value: &str, required: bool) -> String {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if required && v.is_empty() {
        problems.push(Problem {
            field: field.label(),
            message: "is required: type it".into(),
        });
    } else if v.chars().count() > MAX_TEXT {
        problems.push(Problem {
            field: field.label(),
            message: format!("is too long: at most {MAX_TEXT} characters"),
        });
    } else if crate::domain::text::has_control(&v, false) {
        problems.push(Problem {
            field: field.label(),
            message: "holds a control character (an escape or other invisible code, often pasted): type it again without it".into(),
        });
    }
    v
}

/// The dosage form typed, or a unique start of one ("tab" → tablet).
pub fn parse_form(typed: &str) -> Option<&'static str> {
    let t = typed.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    if let Some(f) = FORMS.iter().find(|f| **f == t) {
        return Some(f);
    }
    let starts: Vec<&&str> = FORMS.iter().filter(|f| f.starts_with(&t)).collect();
    match starts.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Validates an item as typed: `get` gives the text of each field.
pub fn validate_item(get: impl Fn(ItemField) -> String) -> Result<ItemDetails, Vec<Problem>> {
    let mut problems = Vec::new();
    let name = text(&mut problems, ItemField::Name, &get(ItemField::Name), true);
    let generic_name = text(
        &mut problems,
        ItemField::GenericName,
        &get(ItemField::GenericName),
        false,
    );
    let strength = text(
        &mut problems,
        ItemField::Strength,
        &get(ItemField::Strength),
        false,
    );
    let form = match parse_form(&get(ItemField::Form)) {
        Some(f) => f.to_string(),
        None => {
            problems.push(Problem {
                field: ItemField::Form.label(),
                message: format!("must be one of {}", FORMS.join(", ")),
            });
            String::new()
        }
    };
    let unit = text(&mut problems, ItemField::Unit, &get(ItemField::Unit), true);
    let category = text(
        &mut problems,
        ItemField::Category,
        &get(ItemField::Category),
        false,
    );
    let level = get(ItemField::ReorderLevel);
    let reorder_level = if level.trim().is_empty() {
        0
    } else {
        match level.trim().parse::<i64>() {
            Ok(n) if (0..=MAX_QUANTITY).contains(&n) => n,
            _ => {
                problems.push(Problem {
                    field: ItemField::ReorderLevel.label(),
                    message: "must be a whole number of units, 0 or more".into(),
                });
                0
            }
        }
    };
    let largest = get(ItemField::MaxDispense);
    let max_dispense = if largest.trim().is_empty() {
        None
    } else {
        match largest.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_QUANTITY).contains(&n) => Some(n),
            _ => {
                problems.push(Problem {
                    field: ItemField::MaxDispense.label(),
                    message: format!(
                        "must be a whole number of units from 1 to {MAX_QUANTITY}, or empty when not known"
                    ),
                });
                None
            }
        }
    };
    if problems.is_empty() {
        Ok(ItemDetails {
            name,
            generic_name,
            strength,
            form,
            unit,
            category,
            reorder_level,
            max_dispense,
        })
    } else {
        Err(problems)
    }
}

/// What a ledger row records. Stored in lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum MovementKind {
    /// Stock delivered into a batch.
    Receive,
    /// Stock issued, to a patient or a ward.
    Dispense,
    /// Dispensed stock brought back into a batch.
    Return,
    /// A correction: damaged, lost, count correction, other.
    Adjust,
    /// Expired stock taken out and destroyed.
    Dispose,
    /// A difference found by a stock count.
    Count,
}

impl MovementKind {
    /// Whether the kind adds stock (+), takes it (−), or may do either.
    pub fn sign(self) -> Option<i64> {
        match self {
            MovementKind::Receive | MovementKind::Return => Some(1),
            MovementKind::Dispense | MovementKind::Dispose => Some(-1),
            MovementKind::Adjust | MovementKind::Count => None,
        }
    }
}

/// Why stock is adjusted by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum AdjustReason {
    Damaged,
    Lost,
    CountCorrection,
    Other,
}

impl AdjustReason {
    /// How the reason reads in the ledger and on screen.
    pub fn label(self) -> &'static str {
        match self {
            AdjustReason::Damaged => "damaged",
            AdjustReason::Lost => "lost",
            AdjustReason::CountCorrection => "count correction",
            AdjustReason::Other => "other",
        }
    }

    /// The reason typed, or a unique start of one ("d" → damaged).
    pub fn parse(typed: &str) -> Option<AdjustReason> {
        use strum::IntoEnumIterator;
        let t = typed.trim().to_lowercase().replace('_', " ");
        if t.is_empty() {
            return None;
        }
        let all: Vec<AdjustReason> = AdjustReason::iter().collect();
        if let Some(r) = all.iter().find(|r| r.label() == t) {
            return Some(*r);
        }
        let starts: Vec<&AdjustReason> = all.iter().filter(|r| r.label().starts_with(&t)).collect();
        match starts.as_slice() {
            [one] => Some(**one),
            _ => None,
        }
    }

    /// Whether the reason can only take stock away.
    pub fn only_removes(self) -> bool {
        matches!(self, AdjustReason::Damaged | AdjustReason::Lost)
    }
}

/// The choices of [`AdjustReason`], for messages.
pub fn adjust_reasons() -> String {
    use strum::IntoEnumIterator;
    AdjustReason::iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A batch as stored: stock of one item with one expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: String,
    pub item_id: String,
    pub batch_no: String,
    pub expiry: NaiveDate,
    pub on_hand: i64,
    pub unit_cost: i64,
    pub price: i64,
    pub supplier: String,
    pub received_at: String,
}

/// Whether stock with this expiry may still be issued on `today`: never on
/// or after its expiry date.
pub fn usable(expiry: NaiveDate, today: NaiveDate) -> bool {
    expiry > today
}

/// How much of one batch a dispense takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Take {
    pub batch_id: String,
    pub batch_no: String,
    pub expiry: NaiveDate,
    pub quantity: i64,
}

/// Why a dispense cannot be planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanError {
    /// The quantity asked is not a positive number.
    NotPositive,
    /// Less usable stock than asked; `available` is what can be issued.
    Short { available: i64 },
}

/// Chooses batches first-expiry-first-out for `quantity` units on `today`:
/// the earliest usable expiry first (then the batch received first, i.e.
/// the order given), split across batches when one is not enough. Batches
/// on or past their expiry date and empty batches are never used.
pub fn plan_dispense(
    batches: &[Batch],
    quantity: i64,
    today: NaiveDate,
) -> Result<Vec<Take>, PlanError> {
    if quantity <= 0 {
        return Err(PlanError::NotPositive);
    }
    let mut usable_batches: Vec<&Batch> = batches
        .iter()
        .filter(|b| b.on_hand > 0 && usable(b.expiry, today))
        .collect();
    usable_batches.sort_by_key(|b| b.expiry);
    let available: i64 = usable_batches.iter().map(|b| b.on_hand).sum();
    if available < quantity {
        return Err(PlanError::Short { available });
    }
    let mut left = quantity;
    let mut plan = Vec::new();
    for b in usable_batches {
        if left == 0 {
            break;
        }
        let take = left.min(b.on_hand);
        plan.push(Take {
            batch_id: b.id.clone(),
            batch_no: b.batch_no.clone(),
            expiry: b.expiry,
            quantity: take,
        });
        left -= take;
    }
    Ok(plan)
}

/// The alerts of an item's stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    /// Usable stock at or below the reorder level.
    pub below_reorder: bool,
    /// Some usable stock expires within the window.
    pub expiring: bool,
    /// Stock on hand on or past its expiry date.
    pub expired: bool,
}

/// An item's stock summed over its batches, with its flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLevel {
    pub item: Item,
    /// All stock on the shelf, expired included.
    pub on_hand: i64,
    /// Stock that may still be issued today.
    pub usable: i64,
    /// Stock on or past its expiry date.
    pub expired: i64,
    /// The nearest expiry of usable stock.
    pub nearest_expiry: Option<NaiveDate>,
    /// Value of the stock on hand at unit cost, in minor units.
    pub value: i64,
    pub flags: Flags,
}

/// Sums batches into a [`StockLevel`] on `today` with an expiry window of `window_days`.
pub fn stock_level(
    item: Item,
    batches: &[Batch],
    today: NaiveDate,
    window_days: i64,
) -> StockLevel {
    let mut level = StockLevel {
        item,
        on_hand: 0,
        usable: 0,
        expired: 0,
        nearest_expiry: None,
        value: 0,
        flags: Flags::default(),
    };
    let horizon = today + chrono::Duration::days(window_days);
    for b in batches.iter().filter(|b| b.on_hand > 0) {
        level.on_hand += b.on_hand;
        level.value += b.on_hand.saturating_mul(b.unit_cost);
        if usable(b.expiry, today) {
            level.usable += b.on_hand;
            level.nearest_expiry = Some(level.nearest_expiry.map_or(b.expiry, |e| e.min(b.expiry)));
            if b.expiry <= horizon {
                level.flags.expiring = true;
            }
        } else {
            level.expired += b.on_hand;
            level.flags.expired = true;
        }
    }
    level.flags.below_reorder = level.item.active
        && level.usable <= level.item.details.reorder_level
        && level.item.details.reorder_level > 0;
    level
}

/// Which items the stock list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, EnumIter)]
pub enum Filter {
    #[default]
    All,
    BelowReorder,
    Expiring,
    Expired,
    Inactive,
}

impl Filter {
    /// What the list shows under this filter.
    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "all active items",
            Filter::BelowReorder => "below reorder level",
            Filter::Expiring => "expiring soon",
            Filter::Expired => "expired on hand",
            Filter::Inactive => "deactivated items",
        }
    }

    /// The next filter in turn.
    pub fn next(self) -> Filter {
        match self {
            Filter::All => Filter::BelowReorder,
            Filter::BelowReorder => Filter::Expiring,
            Filter::Expiring => Filter::Expired,
            Filter::Expired => Filter::Inactive,
            Filter::Inactive => Filter::All,
        }
    }

    /// Whether the list shows this item under the filter.
    pub fn keeps(self, l: &StockLevel) -> bool {
        match self {
            Filter::All => l.item.active,
            Filter::BelowReorder => l.item.active && l.flags.below_reorder,
            Filter::Expiring => l.flags.expiring,
            Filter::Expired => l.flags.expired,
            Filter::Inactive => !l.item.active,
        }
    }
}

/// Whether an item matches a search: every word of the query starts a word
/// of its name, generic name, strength, form or category (case-insensitive).
pub fn matches_query(d: &ItemDetails, query: &str) -> bool {
    let hay = format!(
        "{} {} {} {} {}",
        d.name, d.generic_name, d.strength, d.form, d.category
    )
    .to_lowercase();
    let words: Vec<&str> = hay
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .collect();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|q| words.iter().any(|w| w.starts_with(q)) || hay.contains(q))
}

/// How many digits after the decimal point a currency's minor unit has.
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// Minor units as an amount without the currency: 123456 → "1,234.56".
pub fn amount(minor: i64, currency: &str) -> String {
    formatted_amount(minor, currency, true)
}

/// Minor units as a plain number, for files: 123456 → "1234.56".
pub fn plain_amount(minor: i64, currency: &str) -> String {
    formatted_amount(minor, currency, false)
}

fn formatted_amount(minor: i64, currency: &str, grouped: bool) -> String {
    let digits = minor_digits(currency);
    let scale = 10i64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let whole = if grouped {
        crate::domain::display::thousands(abs / scale as u64)
    } else {
        (abs / scale as u64).to_string()
    };
    if digits == 0 {
        format!("{sign}{whole}")
    } else {
        format!(
            "{sign}{whole}.{:0w$}",
            abs % scale as u64,
            w = digits as usize
        )
    }
}

/// Minor units with the currency: "KES 1,234.56".
pub fn money(minor: i64, currency: &str) -> String {
    format!("{currency} {}", amount(minor, currency))
}

/// Reads an amount typed in major units ("12.50", "1,200", "12") as minor units.
pub fn parse_money(typed: &str, currency: &str) -> Option<i64> {
    let t: String = typed
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let t = t
        .strip_prefix(currency)
        .map(str::trim)
        .unwrap_or(&t)
        .to_string();
    if t.is_empty() {
        return None;
    }
    let digits = minor_digits(currency) as usize;
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > digits
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().ok()? * 10i64.pow((digits - frac.len()) as u32)
    };
    whole
        .checked_mul(10i64.pow(digits as u32))?
        .checked_add(frac_value)
        .filter(|v| *v <= 1_000_000_000_000)
}

/// A quantity typed as a whole number of units greater than zero.
pub fn parse_quantity(typed: &str) -> Option<i64> {
    let t: String = typed.trim().chars().filter(|c| *c != ',').collect();
    t.parse::<i64>()
        .ok()
        .filter(|n| (1..=MAX_QUANTITY).contains(n))
}

/// A signed quantity typed for an adjustment: "-5", "+3", "3".
pub fn parse_signed_quantity(typed: &str) -> Option<i64> {
    let t = typed.trim();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    parse_quantity(rest).map(|n| sign * n)
}

/// A batch number as typed: trimmed, capitals kept, 1 to 40 characters.
pub fn parse_batch_no(typed: &str) -> Option<String> {
    let t = typed.trim();
    (!t.is_empty() && t.chars().count() <= 40 && !t.chars().any(char::is_control))
        .then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn batch(id: &str, expiry: &str, on_hand: i64) -> Batch {
        Batch {
            id: id.into(),
            item_id: "i".into(),
            batch_no: id.to_uppercase(),
            expiry: d(expiry),
            on_hand,
            unit_cost: 10,
            price: 20,
            supplier: String::new(),
            received_at: String::new(),
        }
    }

    #[test]
    fn fefo_takes_the_earliest_usable_expiry_and_splits() {
        let today = d("2026-03-09");
        let bs = [
            batch("late", "2027-01-01", 100),
            batch("expired", "2026-03-01", 50),
            batch("today", "2026-03-09", 50),
            batch("soon", "2026-04-01", 30),
        ];
        let plan = plan_dispense(&bs, 40, today).unwrap();
        assert_eq!(
            plan.iter()
                .map(|t| (t.batch_id.as_str(), t.quantity))
                .collect::<Vec<_>>(),
            [("soon", 30), ("late", 10)]
        );
        assert_eq!(
            plan_dispense(&bs, 131, today),
            Err(PlanError::Short { available: 130 })
        );
        assert_eq!(plan_dispense(&bs, 0, today), Err(PlanError::NotPositive));
    }

    #[test]
    fn items_validate_with_messages() {
        let ok = validate_item(|f| match f {
            ItemField::Name => " Amoxicillin ".into(),
            ItemField::Strength => "500 mg".into(),
            ItemField::Form => "cap".into(),
            ItemField::Unit => "capsule".into(),
            ItemField::ReorderLevel => "200".into(),
            _ => String::new(),
        })
        .unwrap();
        assert_eq!(ok.form, "capsule");
        assert_eq!(ok.label(), "Amoxicillin 500 mg capsule");
        let bad = validate_item(|f| match f {
            ItemField::Form => "s".into(),
            ItemField::ReorderLevel => "-1".into(),
            _ => String::new(),
        })
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["Name", "Form", "Unit", "Reorder level"]);
    }

    #[test]
    fn money_in_minor_units() {
        assert_eq!(money(123456, "KES"), "KES 1,234.56");
        assert_eq!(money(5, "USD"), "USD 0.05");
        assert_eq!(money(1500, "UGX"), "UGX 1,500");
        assert_eq!(money(1500, "KWD"), "KWD 1.500");
        assert_eq!(parse_money("12.5", "KES"), Some(1250));
        assert_eq!(parse_money("1,200", "USD"), Some(120000));
        assert_eq!(parse_money("0.05", "USD"), Some(5));
        assert_eq!(parse_money("1.234", "USD"), None);
        assert_eq!(parse_money("1.5", "UGX"), None);
        assert_eq!(parse_money("abc", "USD"), None);
        assert_eq!(parse_money("-3", "USD"), None);
    }

    #[test]
    fn reasons_and_forms_accept_a_unique_start() {
        assert_eq!(AdjustReason::parse("d"), Some(AdjustReason::Damaged));
        assert_eq!(
            AdjustReason::parse("count"),
            Some(AdjustReason::CountCorrection)
        );
        assert_eq!(AdjustReason::parse("x"), None);
        assert_eq!(parse_form("inj"), Some("injection"));
        assert_eq!(parse_form("s"), None);
        assert_eq!(parse_signed_quantity("-5"), Some(-5));
        assert_eq!(parse_signed_quantity("+0"), None);
    }

    #[test]
    fn flags_follow_the_window_and_the_reorder_level() {
        let today = d("2026-03-09");
        let item = Item {
            id: "i".into(),
            details: ItemDetails {
                name: "Paracetamol".into(),
                reorder_level: 100,
                max_dispense: None,
                ..ItemDetails::default()
            },
            active: true,
            version: 1,
        };
        let l = stock_level(
            item,
            &[batch("a", "2026-05-01", 60), batch("b", "2026-01-01", 10)],
            today,
            90,
        );
        assert_eq!((l.on_hand, l.usable, l.expired), (70, 60, 10));
        assert_eq!(l.nearest_expiry, Some(d("2026-05-01")));
        assert!(l.flags.below_reorder && l.flags.expiring && l.flags.expired);
        assert_eq!(l.value, 700);
        assert!(matches_query(&l.item.details, "para"));
        assert!(!matches_query(&l.item.details, "amox"));
    }
}
