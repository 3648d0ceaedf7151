//! Billing's words and rules: what the tariff groups its items into, who
//! pays (the payer schemes), how money is taken, the numbers printed on
//! bills and receipts, and what a refund may give back. Money is an integer
//! number of minor units of the hospital's currency; it is shown with the
//! pharmacy's money formatting, whose minor digits follow the ISO code.

pub mod shares;

pub use crate::domain::pharmacy::{money, parse_money};
use strum::{Display, EnumIter, EnumString, IntoStaticStr};

/// The longest note, reason or reference typed at the cash desk.
pub const REASON_MAX: usize = 200;
/// The longest mobile money transaction reference.
pub const REFERENCE_MAX: usize = 40;

/// What kind of service a tariff item is, for revenue by service group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ServiceGroup {
    Consultation,
    BedDay,
    Lab,
    Procedure,
    Service,
    Medicine,
}

/// Who pays a patient's bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum SchemeKind {
    /// The patient pays everything.
    SelfPay,
    /// An insurer covers part of each line after the patient's co-payment.
    Insurance,
    /// A waiver programme covers everything.
    Waiver,
}

/// How money was taken or given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Method {
    Cash,
    /// With the transaction reference the patient's phone shows.
    MobileMoney,
    Card,
    /// Settled by the patient's payer scheme.
    Scheme,
}

impl Method {
    /// How the method reads on screen and on the receipt.
    pub fn label(self) -> &'static str {
        match self {
            Method::Cash => "Cash",
            Method::MobileMoney => "Mobile money",
            Method::Card => "Card",
            Method::Scheme => "Scheme",
        }
    }
}

/// A receipt's number as printed: `000123`.
pub fn receipt_number(n: i64) -> String {
    format!("{n:06}")
}

/// A bill's number as printed: `B-000045`.
pub fn bill_number(n: i64) -> String {
    format!("B-{n:06}")
}

/// The change for `amount` paid in cash with `tendered`, or why it cannot
/// be taken.
pub fn change(amount: i64, tendered: i64) -> Result<i64, String> {
    if amount <= 0 {
        return Err("a payment is more than zero: type the amount taken".into());
    }
    if tendered < amount {
        return Err(format!(
            "the cash tendered ({tendered}) is less than the amount ({amount}): take at least the amount, or take less"
        ));
    }
    Ok(tendered - amount)
}

/// Checks a refund of `refund` (more than zero) on a bill that has been
/// paid `paid` net of earlier refunds.
pub fn check_refund(refund: i64, paid: i64) -> Result<(), String> {
    if refund <= 0 {
        return Err("a refund is an amount more than zero: type what is given back".into());
    }
    if refund > paid {
        return Err(format!(
            "the bill has {paid} paid on it, less than the refund of {refund}: refund at most what was paid"
        ));
    }
    Ok(())
}

/// A typed reason or note, trimmed, refused when empty (if `required`),
/// too long, or holding a control character.
pub fn check_text(typed: &str, what: &str, required: bool, max: usize) -> Result<String, String> {
    let t = typed.trim();
    if required && t.is_empty() {
        return Err(format!("type the {what}"));
    }
    if t.chars().count() > max {
        return Err(format!(
            "the {what} is longer than {max} characters: shorten it"
        ));
    }
    crate::domain::text::refuse_control(what, t, false)?;
    Ok(t.to_string())
}

/// A coverage typed as a percentage ("80", "80%", "72.5") in basis points
/// (8000, 7250): 0 to 100, with at most two decimals.
pub fn parse_percent(typed: &str) -> Option<i64> {
    let t = typed.trim().trim_end_matches('%').trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || whole.len() > 3
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(whole * 100 + frac).filter(|bp| *bp <= 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_padded_to_six_digits() {
        assert_eq!(receipt_number(123), "000123");
        assert_eq!(receipt_number(1_234_567), "1234567");
        assert_eq!(bill_number(45), "B-000045");
    }

    #[test]
    fn cash_gives_change_and_refuses_too_little() {
        assert_eq!(change(1_250, 2_000), Ok(750));
        assert_eq!(change(1_250, 1_250), Ok(0));
        assert!(change(1_250, 1_000).is_err());
        assert!(change(0, 1_000).is_err());
    }

    #[test]
    fn a_refund_gives_back_at_most_what_was_paid() {
        assert!(check_refund(500, 500).is_ok());
        assert!(check_refund(501, 500).is_err());
        assert!(check_refund(0, 500).is_err());
        assert!(check_refund(-5, 500).is_err());
    }

    #[test]
    fn methods_and_groups_are_stored_in_snake_case() {
        assert_eq!(Method::MobileMoney.to_string(), "mobile_money");
        assert_eq!("bed_day".parse::<ServiceGroup>(), Ok(ServiceGroup::BedDay));
        assert_eq!("self_pay".parse::<SchemeKind>(), Ok(SchemeKind::SelfPay));
        assert_eq!(money(123_456, "KES"), "KES 1,234.56");
    }

    #[test]
    fn a_coverage_is_read_as_basis_points() {
        assert_eq!(parse_percent("80"), Some(8_000));
        assert_eq!(parse_percent(" 80% "), Some(8_000));
        assert_eq!(parse_percent("72.5"), Some(7_250));
        assert_eq!(parse_percent("0.05"), Some(5));
        assert_eq!(parse_percent("100"), Some(10_000));
        assert_eq!(parse_percent("100.01"), None);
        assert_eq!(parse_percent("1.234"), None);
        assert_eq!(parse_percent("-5"), None);
        assert_eq!(parse_percent("eighty"), None);
        assert_eq!(parse_percent(""), None);
    }

    #[test]
    fn amounts_are_read_in_the_currencys_minor_digits() {
        assert_eq!(parse_money("1500", "KES"), Some(150_000));
        assert_eq!(parse_money("1500.50", "KES"), Some(150_050));
        assert_eq!(parse_money("1,500.50", "KES"), Some(150_050));
        assert_eq!(parse_money("1,500", "UGX"), Some(1_500));
        assert_eq!(parse_money("1.500", "KWD"), Some(1_500));
        assert_eq!(parse_money("1500.505", "KES"), None);
    }

    #[test]
    fn typed_text_is_trimmed_and_bounded() {
        assert_eq!(
            check_text("  torn note ", "note", true, 20),
            Ok("torn note".into())
        );
        assert!(check_text("  ", "reason", true, 20).is_err());
        assert_eq!(check_text("", "note", false, 20), Ok(String::new()));
        assert!(check_text(&"x".repeat(21), "note", false, 20).is_err());
        let e = check_text("QKJ\u{1b}[2J", "transaction reference", false, 20).unwrap_err();
        assert!(e.contains("control character"), "{e}");
    }
}
