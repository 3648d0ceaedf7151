//! A receipt filled from a payment or refund, as the cash desk prints it
//! again: the bill's lines up to the moment it was taken, the share this
//! payer owes (the patient's, or the scheme's for a scheme's settlement),
//! what was paid before, this receipt's amount and the balance left, all
//! in the hospital's currency. Reading one is an audited READ; writing it
//! out (text or PDF) an EXPORT.

use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Method, SchemeKind, bill_number, money, receipt_number};
use crate::domain::clock::{Clock, local_date};
use crate::domain::label::Paper;
use crate::domain::pharmacy::amount;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical;
use crate::ops::labels::{Written, write_private};
use crate::ops::receipt::Receipt;
use crate::store::billing::{self as store, Payment, reports as rows};
use crate::store::{Db, patients};
use std::path::{Path, PathBuf};

fn missing_receipt(number: i64) -> Error {
    Error::NotFound(format!(
        "there is no receipt {} in this hospital file: check the number printed on the slip",
        receipt_number(number)
    ))
}

/// The payment with this receipt number, for a cashier or administrator.
fn payment_of(db: &Db, by: &Session, number: i64) -> Result<Payment> {
    by.require(Permission::TakePayments, "print receipts")?;
    rows::payment_by_receipt(db.conn(), number)?.ok_or_else(|| missing_receipt(number))
}

/// A scheme's cover as the receipt shows it: `NHIF 80% · member 12345678`.
fn cover_words(code: &str, kind: SchemeKind, coverage_bp: i64, member: &str) -> String {
    let cover = match kind {
        SchemeKind::Insurance if coverage_bp % 100 == 0 => format!(" {}%", coverage_bp / 100),
        SchemeKind::Insurance => format!(" {}.{:02}%", coverage_bp / 100, coverage_bp % 100),
        SchemeKind::Waiver => " waiver".to_string(),
        SchemeKind::SelfPay => String::new(),
    };
    if member.is_empty() {
        format!("{code}{cover}")
    } else {
        format!("{code}{cover} · member {member}")
    }
}

/// The receipt of the payment or refund numbered `number`, filled from
/// the file (a "Refund receipt" with its reason for a refund); an audited
/// read by a cashier or an administrator.
pub fn receipt_of(db: &mut Db, by: &Session, number: i64, clock: Clock) -> Result<Receipt> {
    let p = payment_of(db, by, number)?;
    let settings = db.settings()?;
    let currency = settings.currency.clone();
    let date = settings.date_pattern();
    let conn = db.conn();
    let bill = store::bill_by_id(conn, &p.bill_id)?.ok_or_else(super::missing_bill)?;
    let patient = patients::get(conn, &bill.patient_id)?
        .ok_or_else(|| Error::NotFound("the bill's patient is not in this hospital file".into()))?;
    let local = |t| {
        let at = clock.at(t);
        format!("{} {}", at.format(date), at.format("%H:%M"))
    };
    let of = if bill.admission_id.is_some() {
        "admission"
    } else {
        "visit"
    };
    let opened = clock.at(bill.opened_at).format(date);
    let day = local_date(clock.zone, p.taken_at);
    let scheme = store::scheme_of_patient_on(conn, &bill.patient_id, day)?
        .filter(|(s, _)| s.kind != SchemeKind::SelfPay)
        .map(|(s, member)| cover_words(&s.code, s.kind, s.cover.coverage_bp, &member));
    // The scheme's settlement is measured against its share; anything else
    // against the patient's.
    let by_scheme = p.method == Method::Scheme;
    let share = |c: &store::Charge| {
        if by_scheme {
            c.scheme_share
        } else {
            c.patient_share
        }
    };
    let charges: Vec<_> = store::charges_of_bill(conn, &bill.id)?
        .into_iter()
        .filter(|c| c.posted_at <= p.taken_at)
        .collect();
    let total: i64 = charges.iter().map(share).sum();
    let paid_before: i64 = store::payments_of_bill(conn, &bill.id)?
        .iter()
        .filter(|q| q.receipt < p.receipt && (q.method == Method::Scheme) == by_scheme)
        .map(|q| q.amount)
        .sum();
    let cashier = rows::user_full_name(conn, &p.cashier_id)?;
    let refund = p.amount < 0;
    let number_text = receipt_number(p.receipt);
    let receipt = Receipt {
        hospital: settings.hospital_name.clone(),
        title: if refund {
            format!("Refund receipt {number_text}")
        } else {
            format!("Receipt {number_text}")
        },
        number: number_text.clone(),
        taken: local(p.taken_at),
        cashier,
        patient: patient.details.full_name(),
        mrn: patient.mrn.clone(),
        bill: format!("{} · {of} {opened}", bill_number(bill.number)),
        scheme,
        lines: charges
            .iter()
            .map(|c| (c.description.clone(), amount(share(c), &currency)))
            .collect(),
        total: money(total, &currency),
        paid_before: money(paid_before, &currency),
        method: p.method.label().to_string(),
        reference: p.reference.clone(),
        amount: money(p.amount, &currency),
        tendered: match (p.tendered, p.change) {
            (Some(t), Some(c)) => Some((money(t, &currency), money(c, &currency))),
            _ => None,
        },
        reason: p.reason.clone(),
        balance: money(total - paid_before - p.amount, &currency),
    };
    let summary = format!(
        "read receipt {number_text} of bill {}",
        bill_number(bill.number)
    );
    db.write(&by.actor(), |_| {
        let e = clinical::event(
            AuditAction::Read,
            "payment",
            &p.id,
            &bill.patient_id,
            summary,
        );
        Ok::<_, Error>(((), vec![e]))
    })?;
    Ok(receipt)
}

/// Records that the receipt numbered `number` left the file (an EXPORT
/// event naming the patient and where it went).
pub fn record_export(db: &mut Db, by: &Session, number: i64, whereto: &Path) -> Result<()> {
    let p = payment_of(db, by, number)?;
    let bill = store::bill_by_id(db.conn(), &p.bill_id)?.ok_or_else(super::missing_bill)?;
    let summary = format!(
        "wrote receipt {} of bill {} to {}",
        receipt_number(p.receipt),
        bill_number(bill.number),
        whereto.display()
    );
    db.write(&by.actor(), |_| {
        let e = clinical::event(
            AuditAction::Export,
            "payment",
            &p.id,
            &bill.patient_id,
            summary,
        );
        Ok::<_, Error>(((), vec![e]))
    })
}

/// Where the terminal screen writes receipts: `<data dir>/receipts/`,
/// beside the `hospitals/` folder of the hospital file.
pub fn folder_of(hospital_file: &Path) -> PathBuf {
    hospital_file
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."))
        .join("receipts")
}

/// Writes the receipt numbered `number` into `folder` as printer text for
/// the hospital's receipt paper (the `receipt_paper_mm` setting) and as a
/// PDF (`receipt-000123.txt`, `.pdf`, readable by their owner only), each
/// an EXPORT.
pub fn write_both(
    db: &mut Db,
    by: &Session,
    number: i64,
    folder: &Path,
    clock: Clock,
) -> Result<Written> {
    let paper = Paper::from_mm(db.settings()?.receipt_paper_mm).unwrap_or(Paper::Wide);
    let r = receipt_of(db, by, number, clock)?;
    let stem = format!("receipt-{}", receipt_number(number));
    let written = Written {
        text: folder.join(format!("{stem}.txt")),
        pdf: folder.join(format!("{stem}.pdf")),
    };
    write_private(&written.text, r.text(paper).as_bytes())?;
    record_export(db, by, number, &written.text)?;
    write_private(&written.pdf, &r.pdf())?;
    record_export(db, by, number, &written.pdf)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schemes_cover_reads_as_the_receipt_prints_it() {
        assert_eq!(
            cover_words("NHIF", SchemeKind::Insurance, 8_000, "12345678"),
            "NHIF 80% · member 12345678"
        );
        assert_eq!(
            cover_words("AAR", SchemeKind::Insurance, 7_550, ""),
            "AAR 75.50%"
        );
        assert_eq!(
            cover_words("POOR", SchemeKind::Waiver, 10_000, "W1"),
            "POOR waiver · member W1"
        );
    }
}
