//! The specimen label stuck on each tube or pot an order's specimen goes
//! into: who it is from (name, MRN, sex, birth date), its accession number
//! with the check character (large, so that it is read before anything
//! else), the tests, the specimen, the priority and the times in the
//! hospital's zone; as receipt-printer text and as a PDF made with the
//! medicine labels' page code. Printing one is an EXPORT event.

use super::{LabOrder, by_accession};
use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::clock::Clock;
use crate::domain::lab::accession::Accession;
use crate::domain::lab::order::OrderStatus;
use crate::domain::label::Paper;
use crate::error::{Error, Result};
use crate::ops::clinical;
use crate::ops::labels::slip::{self, Slip, SlipLine};
use crate::store::Db;
use chrono::{DateTime, Utc};
use std::path::Path;

/// How much larger than the text the accession number is set in the PDF.
const ACCESSION_SIZE: f32 = 2.5;

/// What one specimen label says, already in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecimenLabel {
    /// The hospital's name.
    pub hospital: String,
    /// The accession number with its check character (`LAB-000123-K`).
    pub accession: String,
    pub patient: String,
    pub mrn: String,
    /// The sex as the record shows it (`F`, `M`).
    pub sex: String,
    /// The birth date in the hospital's date format.
    pub born: String,
    /// The tests' names, in the order they were asked for.
    pub tests: Vec<String>,
    pub specimen: String,
    /// `STAT`, `URGENT` or `ROUTINE`.
    pub priority: String,
    /// Local date and time of the order.
    pub ordered: String,
    /// Local date and time of the collection, when collected.
    pub collected: Option<String>,
}

impl SpecimenLabel {
    /// The lines of the label, none longer than the paper's columns; the
    /// accession number centred on its own line.
    pub fn layout(&self, paper: Paper) -> Vec<SlipLine> {
        let mut slip = Slip::new(paper);
        slip.rule('=');
        slip.centred(&self.hospital);
        slip.rule('-');
        slip.large(&self.accession);
        slip.rule('-');
        let collected = self
            .collected
            .clone()
            .unwrap_or_else(|| "____________ by ____".to_string());
        let fields = [
            ("Patient", self.patient.as_str()),
            ("MRN", &self.mrn),
            ("Sex", &self.sex),
            ("Born", &self.born),
            ("Tests", &self.tests.join(", ")),
            ("Specimen", &self.specimen),
            ("Priority", &self.priority),
            ("Ordered", &self.ordered),
            ("Collected", &collected),
        ];
        for (caption, value) in fields {
            let value = if value.trim().is_empty() {
                "—"
            } else {
                value
            };
            slip.field(caption, value);
        }
        slip.rule('=');
        slip.lines()
    }

    /// The label as text for a receipt printer, ending in a newline.
    pub fn text(&self, paper: Paper) -> String {
        slip::text(self.layout(paper))
    }

    /// The label as a one-page PDF 80 mm wide, the accession number large.
    pub fn pdf(&self) -> Vec<u8> {
        slip::pdf(self.layout(Paper::Wide), ACCESSION_SIZE)
    }
}

/// The label of the order with this accession number, for a lab
/// technician or a clinician who may open the order (an audited read); an
/// order cancelled or rejected gets none.
pub fn specimen_label(
    db: &mut Db,
    by: &Session,
    accession: Accession,
    clock: Clock,
) -> Result<(LabOrder, SpecimenLabel)> {
    let d = by_accession(db, by, &accession, clock)?;
    let o = d.order;
    if matches!(o.status, OrderStatus::Cancelled | OrderStatus::Rejected) {
        return Err(Error::Refused(format!(
            "{accession} is {}: nothing is to be collected for it; order the tests again for a new label",
            o.status.label()
        )));
    }
    let settings = db.settings()?;
    let date = settings.date_pattern();
    let local = |t: DateTime<Utc>| {
        format!(
            "{} {}",
            clock.at(t).format(date),
            clock.at(t).format("%H:%M")
        )
    };
    let p = d.patient;
    let mut born = p.birth_date.format(date).to_string();
    if p.birth_date_estimated {
        born.push_str(" (estimated)");
    }
    let label = SpecimenLabel {
        hospital: settings.hospital_name.clone(),
        accession: o.accession.to_string(),
        patient: p.name,
        mrn: p.mrn,
        sex: p.sex.fhir().to_string(),
        born,
        tests: o.tests.iter().map(|t| t.name.clone()).collect(),
        specimen: o.specimen.clone(),
        priority: o.priority.to_string().to_uppercase(),
        ordered: local(o.ordered_at),
        collected: o.collected_at.map(local),
    };
    Ok((o, label))
}

/// Records that a specimen label left the file (an EXPORT event naming the
/// patient).
pub fn record_export(db: &mut Db, by: &Session, o: &LabOrder, whereto: &Path) -> Result<()> {
    let summary = format!(
        "wrote the specimen label of {} to {}",
        o.accession,
        whereto.display()
    );
    db.write(&by.actor(), |_| {
        let e = clinical::event(
            AuditAction::Export,
            "lab_order",
            &o.id,
            &o.patient_id,
            summary,
        );
        Ok::<_, Error>(((), vec![e]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label() -> SpecimenLabel {
        SpecimenLabel {
            hospital: "Test General Hospital".into(),
            accession: "LAB-000123-K".into(),
            patient: "Amina Tester".into(),
            mrn: "TST-000042-7".into(),
            sex: "F".into(),
            born: "14/02/1990".into(),
            tests: vec![
                "Potassium".into(),
                "Sodium".into(),
                "Creatinine".into(),
                "Urea (blood urea nitrogen)".into(),
            ],
            specimen: "serum".into(),
            priority: "STAT".into(),
            ordered: "09/03/2026 09:00".into(),
            collected: None,
        }
    }

    #[test]
    fn every_line_fits_its_paper_and_the_accession_stands_alone() {
        for paper in [Paper::Narrow, Paper::Wide] {
            let large = crate::ops::labels::slip::assert_fits(&label().layout(paper), paper);
            assert_eq!(large, "LAB-000123-K");
        }
        let text = label().text(Paper::Wide);
        for words in [
            "Patient: Amina Tester",
            "MRN: TST-000042-7",
            "Sex: F\nBorn: 14/02/1990",
            "Priority: STAT",
            "Specimen: serum",
            "Ordered: 09/03/2026 09:00",
            "Collected: ____________ by ____",
        ] {
            assert!(text.contains(words), "{words:?} missing:\n{text}");
        }
        let narrow = label().text(Paper::Narrow);
        let flat = narrow.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("Tests: Potassium, Sodium, Creatinine, Urea (blood urea nitrogen)"),
            "{narrow}"
        );
    }

    #[test]
    fn a_collected_specimen_shows_when() {
        let l = SpecimenLabel {
            collected: Some("09/03/2026 09:20".into()),
            ..label()
        };
        assert!(l.text(Paper::Wide).contains("Collected: 09/03/2026 09:20"));
        let pdf = l.pdf();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
