//! Visits (encounters) and their notes: the kinds of visit, the five
//! sections of a note, and the checks on what is typed before it is saved,
//! signed or added to as an addendum.

use strum::{Display, EnumIter, EnumString, IntoStaticStr};

/// The kind of a visit. Stored in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum VisitKind {
    /// An outpatient consultation (booked).
    Outpatient,
    WalkIn,
    /// A ward round of an admitted patient, linked to the admission.
    WardRound,
    /// A nurse's note (nurses write only these).
    NursingNote,
    Antenatal,
}

impl VisitKind {
    /// How the kind reads on screen.
    pub fn label(self) -> &'static str {
        match self {
            VisitKind::Outpatient => "outpatient consultation",
            VisitKind::WalkIn => "walk-in",
            VisitKind::WardRound => "ward round",
            VisitKind::NursingNote => "nursing note",
            VisitKind::Antenatal => "antenatal visit",
        }
    }

    /// Whether a nurse may open and write a visit of this kind (doctors
    /// write every kind).
    pub fn nurse_writes(self) -> bool {
        self == VisitKind::NursingNote
    }
}

/// A section of the note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter)]
pub enum NoteSection {
    PresentingComplaint,
    History,
    Examination,
    Assessment,
    Plan,
}

impl NoteSection {
    /// The section's heading.
    pub fn label(self) -> &'static str {
        match self {
            NoteSection::PresentingComplaint => "presenting complaint",
            NoteSection::History => "history",
            NoteSection::Examination => "examination",
            NoteSection::Assessment => "assessment",
            NoteSection::Plan => "plan",
        }
    }
}

/// The longest a section, an addendum's text, may be (characters).
pub const MAX_SECTION: usize = 20_000;

/// The five sections of a note as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteText {
    pub presenting_complaint: String,
    pub history: String,
    pub examination: String,
    pub assessment: String,
    pub plan: String,
}

impl NoteText {
    pub fn get(&self, s: NoteSection) -> &str {
        match s {
            NoteSection::PresentingComplaint => &self.presenting_complaint,
            NoteSection::History => &self.history,
            NoteSection::Examination => &self.examination,
            NoteSection::Assessment => &self.assessment,
            NoteSection::Plan => &self.plan,
        }
    }

    pub fn get_mut(&mut self, s: NoteSection) -> &mut String {
        match s {
            NoteSection::PresentingComplaint => &mut self.presenting_complaint,
            NoteSection::History => &mut self.history,
            NoteSection::Examination => &mut self.examination,
            NoteSection::Assessment => &mut self.assessment,
            NoteSection::Plan => &mut self.plan,
        }
    }

    /// Whether nothing but blanks was typed.
    pub fn is_blank(&self) -> bool {
        use strum::IntoEnumIterator;
        NoteSection::iter().all(|s| self.get(s).trim().is_empty())
    }

    /// The text as saved: line endings made `\n`, trailing blanks of each
    /// line kept (the clinician's layout), sections no longer than
    /// [`MAX_SECTION`].
    pub fn checked(&self) -> Result<NoteText, String> {
        use strum::IntoEnumIterator;
        let mut out = NoteText::default();
        for s in NoteSection::iter() {
            let text = self.get(s).replace("\r\n", "\n").replace('\r', "\n");
            if text.chars().count() > MAX_SECTION {
                return Err(format!(
                    "the {} is longer than {MAX_SECTION} characters: shorten it, or continue in another section",
                    s.label()
                ));
            }
            crate::domain::text::refuse_control(&s.label().to_lowercase(), &text, true)?;
            *out.get_mut(s) = text;
        }
        Ok(out)
    }
}

/// Checks a note can be signed: something written.
pub fn check_signable(note: &NoteText) -> Result<(), String> {
    if note.is_blank() {
        return Err("the note is empty: write at least one section before signing".into());
    }
    Ok(())
}

/// Checks an addendum's reason and text, returned trimmed.
pub fn check_addendum(reason: &str, body: &str) -> Result<(String, String), String> {
    let reason = reason.trim();
    let body = body.trim();
    if reason.is_empty() {
        return Err("type why the note needs an addendum: it is shown with it".into());
    }
    if reason.chars().count() > 200 {
        return Err("the reason is too long: at most 200 characters".into());
    }
    if body.is_empty() {
        return Err("type the addendum's text".into());
    }
    if body.chars().count() > MAX_SECTION {
        return Err(format!(
            "the addendum is longer than {MAX_SECTION} characters: shorten it"
        ));
    }
    crate::domain::text::refuse_control("reason", reason, false)?;
    crate::domain::text::refuse_control("addendum", body, true)?;
    Ok((
        reason.to_string(),
        body.replace("\r\n", "\n").replace('\r', "\n"),
    ))
}

/// Checks a typed reason (entered in error, breaking the glass), returned
/// trimmed.
pub fn check_reason(text: &str, what: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("type the {what}: it is kept in the record"));
    }
    if t.chars().count() > 200 {
        return Err(format!("the {what} is too long: at most 200 characters"));
    }
    crate::domain::text::refuse_control(what, t, false)?;
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_nurses_write_nursing_notes() {
        assert_eq!("ward_round".parse::<VisitKind>(), Ok(VisitKind::WardRound));
        assert_eq!(VisitKind::WalkIn.to_string(), "walk_in");
        assert!(VisitKind::NursingNote.nurse_writes());
        assert!(!VisitKind::Outpatient.nurse_writes());
    }

    #[test]
    fn a_note_is_checked_before_saving_and_signing() {
        let mut n = NoteText::default();
        assert!(n.is_blank());
        assert!(check_signable(&n).is_err());
        n.plan = "review in 2 days\r\nrepeat FBC".into();
        let saved = n.checked().unwrap();
        assert_eq!(saved.plan, "review in 2 days\nrepeat FBC");
        assert!(check_signable(&saved).is_ok());
        n.history = "x".repeat(MAX_SECTION + 1);
        assert!(n.checked().unwrap_err().contains("history"));
    }

    #[test]
    fn addenda_need_a_reason_and_text() {
        assert!(check_addendum("", "text").is_err());
        assert!(check_addendum("wrong side", " ").is_err());
        assert_eq!(
            check_addendum(" wrong side ", " left, not right "),
            Ok(("wrong side".into(), "left, not right".into()))
        );
        assert!(check_reason("  ", "reason").is_err());
    }
}
