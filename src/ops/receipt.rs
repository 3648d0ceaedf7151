//! The receipt handed over at the cash desk for each payment or refund:
//! the hospital, the receipt number (large, the number the hospital's
//! books are kept by), when and by whom it was taken, the patient and the
//! bill, the bill's lines with the patient's share, what was paid and how
//! (the mobile money reference, the cash tendered and the change), and the
//! balance left. As receipt-printer text for 58 mm or 80 mm paper and as a
//! PDF made with the labels' page code.

use crate::domain::label::Paper;
use crate::ops::labels::slip::{self, Slip, SlipLine};

/// How much larger than the text the receipt number is set in the PDF.
const NUMBER_SIZE: f32 = 2.0;

/// What one receipt says, already in words and the hospital's money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The hospital's name.
    pub hospital: String,
    /// `Receipt 000123`, or `Refund receipt 000124`.
    pub title: String,
    /// The receipt number as printed (`000123`).
    pub number: String,
    /// Local date and time it was taken.
    pub taken: String,
    pub cashier: String,
    pub patient: String,
    pub mrn: String,
    /// The bill's number and what it is for (`B-000045 · visit 04/12/2026`).
    pub bill: String,
    /// The payer scheme and member number, when not self-pay.
    pub scheme: Option<String>,
    /// The bill's lines: what, and the patient's share of it.
    pub lines: Vec<(String, String)>,
    /// The patient's share of the bill.
    pub total: String,
    /// Paid on this bill before this receipt.
    pub paid_before: String,
    /// `Cash`, `Mobile money`, `Card`, `Scheme`.
    pub method: String,
    /// The mobile money or card reference.
    pub reference: Option<String>,
    /// What this receipt is for (negative for a refund).
    pub amount: String,
    /// Cash handed over and the change given back.
    pub tendered: Option<(String, String)>,
    /// Why a refund was made.
    pub reason: Option<String>,
    /// What the patient still owes on the bill after this receipt.
    pub balance: String,
}

impl Receipt {
    /// The lines of the receipt, none longer than the paper's columns;
    /// amounts right-aligned, the receipt number centred on its own line.
    pub fn layout(&self, paper: Paper) -> Vec<SlipLine> {
        let mut slip = Slip::new(paper);
        slip.rule('=');
        slip.centred(&self.hospital);
        slip.centred(&self.title);
        slip.large(&self.number);
        slip.rule('-');
        slip.field("Date", &self.taken);
        slip.field("Cashier", &self.cashier);
        slip.field("Patient", &self.patient);
        slip.field("MRN", &self.mrn);
        slip.field("Bill", &self.bill);
        if let Some(s) = &self.scheme {
            slip.field("Scheme", s);
        }
        slip.rule('-');
        for (what, amount) in &self.lines {
            slip.priced(what, amount);
        }
        slip.rule('-');
        slip.priced("Patient's share", &self.total);
        slip.priced("Paid before", &self.paid_before);
        slip.priced(&self.method, &self.amount);
        if let Some((tendered, change)) = &self.tendered {
            slip.priced("Tendered", tendered);
            slip.priced("Change", change);
        }
        if let Some(r) = &self.reference {
            slip.field("Reference", r);
        }
        if let Some(r) = &self.reason {
            slip.field("Reason", r);
        }
        slip.rule('-');
        slip.priced("Balance due", &self.balance);
        slip.rule('=');
        slip.lines()
    }

    /// The receipt as text for a receipt printer, ending in a newline.
    pub fn text(&self, paper: Paper) -> String {
        slip::text(self.layout(paper))
    }

    /// The receipt as a one-page PDF 80 mm wide, the number large.
    pub fn pdf(&self) -> Vec<u8> {
        slip::pdf(self.layout(Paper::Wide), NUMBER_SIZE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> Receipt {
        Receipt {
            hospital: "Riverside Community Hospital".into(),
            title: "Receipt".into(),
            number: "000123".into(),
            taken: "04/12/2026 10:42".into(),
            cashier: "Halima Yusuf".into(),
            patient: "Amina Tester".into(),
            mrn: "TST-000042-7".into(),
            bill: "B-000045 · visit 04/12/2026".into(),
            scheme: Some("NHIF 80% · member 12345678".into()),
            lines: vec![
                ("Consultation (general outpatient)".into(), "100.00".into()),
                ("Full blood count".into(), "90.00".into()),
                (
                    "Amoxicillin 500 mg capsule × 21 (batch AMX2291)".into(),
                    "42.00".into(),
                ),
            ],
            total: "KES 232.00".into(),
            paid_before: "KES 0.00".into(),
            method: "Cash".into(),
            reference: None,
            amount: "KES 232.00".into(),
            tendered: Some(("KES 500.00".into(), "KES 268.00".into())),
            reason: None,
            balance: "KES 0.00".into(),
        }
    }

    #[test]
    fn every_line_fits_its_paper_with_amounts_at_the_right_edge() {
        for paper in [Paper::Narrow, Paper::Wide] {
            let large = crate::ops::labels::slip::assert_fits(&receipt().layout(paper), paper);
            assert_eq!(large, "000123");
            let text = receipt().text(paper);
            for amount in ["Change", "Balance due", "Tendered"] {
                let line = text.lines().find(|l| l.starts_with(amount)).unwrap_or("");
                assert_eq!(line.chars().count(), paper.columns(), "{line:?}\n{text}");
            }
            let wrapped = text.lines().find(|l| l.ends_with(" 42.00")).unwrap_or("");
            assert_eq!(wrapped.chars().count(), paper.columns(), "{text}");
        }
        let text = receipt().text(Paper::Wide);
        for words in [
            "Patient: Amina Tester",
            "MRN: TST-000042-7",
            "Cashier: Halima Yusuf",
            "Scheme: NHIF 80% · member 12345678",
        ] {
            assert!(text.contains(words), "{words:?} missing:\n{text}");
        }
        assert!(!text.contains("Reference:") && !text.contains("Reason:"));
    }

    #[test]
    fn a_refund_says_why_and_mobile_money_its_reference() {
        let r = Receipt {
            title: "Refund receipt".into(),
            method: "Mobile money".into(),
            reference: Some("QKJ4H7Y2TB".into()),
            amount: "KES -90.00".into(),
            tendered: None,
            reason: Some("Full blood count not done: specimen rejected".into()),
            ..receipt()
        };
        let text = r.text(Paper::Narrow);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Refund receipt"), "{text}");
        assert!(flat.contains("Reference: QKJ4H7Y2TB"), "{text}");
        assert!(
            flat.contains("Reason: Full blood count not done: specimen rejected"),
            "{text}"
        );
        assert!(!flat.contains("Tendered"), "{text}");
        assert!(r.pdf().starts_with(b"%PDF-"));
    }
}
