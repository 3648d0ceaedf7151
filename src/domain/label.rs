//! The label stuck on each medicine the pharmacy hands out: who it is for,
//! what it is and how to take it, laid out as plain text for a receipt
//! printer of 58 mm (32 columns) or 80 mm (48 columns). Pure formatting;
//! the PDF and the files are made in `ops::labels`.

/// A receipt printer's paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 58 mm paper: 32 columns.
    Narrow,
    /// 80 mm paper: 48 columns.
    Wide,
}

impl Paper {
    /// Characters on one printed line.
    pub fn columns(self) -> usize {
        match self {
            Paper::Narrow => 32,
            Paper::Wide => 48,
        }
    }

    /// The paper of a width in millimetres (58 or 80).
    pub fn from_mm(mm: u32) -> Option<Paper> {
        match mm {
            58 => Some(Paper::Narrow),
            80 => Some(Paper::Wide),
            _ => None,
        }
    }
}

/// What one label says, already in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The pharmacy: the hospital's name.
    pub pharmacy: String,
    pub patient: String,
    pub mrn: String,
    /// The medicine's name and form (`Amoxicillin capsule`).
    pub medicine: String,
    pub strength: String,
    /// One dose and its route (`500 mg oral`).
    pub dose: String,
    /// How often, in words (`three times a day (TDS)`).
    pub frequency: String,
    /// How long (`5 days`, `one dose`, `until stopped`).
    pub duration: String,
    /// What this label goes on (`15 capsule`).
    pub quantity: String,
    pub instructions: String,
    /// The day dispensed, in the hospital's date format.
    pub date: String,
}

impl Label {
    /// The fields in printed order, each with its caption.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        let mut f = vec![
            ("Patient", self.patient.as_str()),
            ("MRN", self.mrn.as_str()),
            ("Medicine", self.medicine.as_str()),
            ("Strength", self.strength.as_str()),
            ("Dose", self.dose.as_str()),
            ("How often", self.frequency.as_str()),
            ("For", self.duration.as_str()),
            ("Quantity", self.quantity.as_str()),
        ];
        if !self.instructions.is_empty() {
            f.push(("Instructions", self.instructions.as_str()));
        }
        f.push(("Date", self.date.as_str()));
        f
    }

    /// The label as lines no longer than the paper's columns.
    pub fn lines(&self, paper: Paper) -> Vec<String> {
        let width = paper.columns();
        let mut out = vec!["=".repeat(width)];
        for l in wrap(&self.pharmacy, width, 0) {
            let pad = (width - l.chars().count()) / 2;
            out.push(format!("{}{l}", " ".repeat(pad)));
        }
        out.push("-".repeat(width));
        for (caption, value) in self.fields() {
            let value = if value.is_empty() { "—" } else { value };
            out.extend(wrap(&format!("{caption}: {value}"), width, 2));
        }
        out.push("=".repeat(width));
        out
    }

    /// The label as text for the printer, one line each, ending in a newline.
    pub fn text(&self, paper: Paper) -> String {
        let mut s = self.lines(paper).join("\n");
        s.push('\n');
        s
    }
}

/// Breaks `text` into lines of at most `width` characters at spaces
/// (a word longer than a line is cut), continuation lines indented by
/// `indent`.
pub fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let width = width.max(indent + 1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let room = width - len;
            let gap = usize::from(len > indent || (len > 0 && lines.is_empty()));
            if word.len() + gap <= room {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                len += word.len() + gap;
                break;
            }
            let fresh = if lines.is_empty() { 0 } else { indent };
            if len > fresh {
                lines.push(std::mem::take(&mut line));
                line = " ".repeat(indent);
                len = indent;
                continue;
            }
            // A word longer than a whole line: cut it.
            let cut = room.max(1);
            line.extend(word.iter().take(cut));
            word.drain(..cut.min(word.len()));
            lines.push(std::mem::take(&mut line));
            line = " ".repeat(indent);
            len = indent;
            if word.is_empty() {
                break;
            }
        }
    }
    if len > indent || (lines.is_empty() && !line.is_empty()) {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label() -> Label {
        Label {
            pharmacy: "Lakeside Clinic".into(),
            patient: "Tomás Ortega Núñez".into(),
            mrn: "TST-000001-K".into(),
            medicine: "Amoxicillin capsule".into(),
            strength: "500 mg".into(),
            dose: "500 mg oral".into(),
            frequency: "three times a day (TDS)".into(),
            duration: "5 days".into(),
            quantity: "15 capsule".into(),
            instructions: "Take after food with a full glass of water and finish the whole course even if you feel better".into(),
            date: "2026-03-09".into(),
        }
    }

    #[test]
    fn every_field_fits_the_paper_and_is_printed() {
        for paper in [Paper::Narrow, Paper::Wide] {
            let lines = label().lines(paper);
            for l in &lines {
                assert!(l.chars().count() <= paper.columns(), "{l:?} on {paper:?}");
            }
            let joined = lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
            for (caption, value) in label().fields() {
                assert!(
                    joined.contains(&format!("{caption}: {value}")),
                    "{caption}: {value} missing on {paper:?}:\n{}",
                    lines.join("\n")
                );
            }
            assert!(joined.contains("Lakeside Clinic"));
        }
        let narrow = label().text(Paper::Narrow);
        assert!(narrow.contains("Patient: Tomás Ortega Núñez\n"), "{narrow}");
        assert!(
            narrow.contains("Instructions: Take after food\n  with a full glass of water and\n"),
            "{narrow}"
        );
        assert!(label().lines(Paper::Wide).len() < label().lines(Paper::Narrow).len());
    }

    #[test]
    fn wrapping_cuts_only_what_cannot_fit() {
        assert_eq!(wrap("a bb ccc", 4, 1), ["a bb", " ccc"]);
        assert_eq!(wrap("abcdefghij", 4, 1), ["abcd", " efg", " hij"]);
        assert_eq!(wrap("", 4, 1), Vec::<String>::new());
        assert_eq!(wrap("x:  y", 10, 2), ["x: y"]);
    }
}
