//! The front desk's rules for finding a patient in the day's appointments:
//! which appointment a typed name or MRN means, and which of a patient's
//! appointments today an arrival checks in; and who a clinician already
//! has in consultation when another patient is called in.

use crate::domain::appointment::{Booked, Status};
use crate::domain::clock::Tz;
use crate::domain::ids::Id;
use crate::domain::names;

/// Whether the typed `query` names this patient: every typed word starts a
/// word of the name (case and accents ignored, any order), or the query's
/// letters and digits are part of the MRN's (`123`, `000123-M`).
pub fn finds_patient(query: &str, name: &str, mrn: &str) -> bool {
    let typed = names::words(query);
    if typed.is_empty() {
        return false;
    }
    let name_words = names::words(name);
    if typed
        .iter()
        .all(|t| name_words.iter().any(|w| w.starts_with(t.as_str())))
    {
        return true;
    }
    let plain = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let q = plain(query);
    q.chars().any(|c| c.is_ascii_digit()) && plain(mrn).contains(&q)
}

/// Which of a patient's appointments `today` an arrival at `now_minute`
/// checks in: the only one still scheduled, or of several the next (the
/// first not yet over; when all are over, the last).
pub fn to_check_in(
    appointments: &[Booked],
    today: chrono::NaiveDate,
    now_minute: u16,
) -> Option<&Booked> {
    let mut waiting: Vec<&Booked> = appointments
        .iter()
        .filter(|b| b.appt.day == today && b.appt.status == Status::Scheduled)
        .collect();
    waiting.sort_by_key(|b| b.appt.span.start);
    waiting
        .iter()
        .find(|b| b.appt.span.end > now_minute)
        .or(waiting.last())
        .copied()
}

/// The patient `clinician` already has in consultation, other than the
/// appointment `calling` about to be called in.
pub fn in_consultation_with<'a>(
    day: &'a [Booked],
    clinician: &Id,
    calling: &Id,
) -> Option<&'a Booked> {
    day.iter().find(|b| {
        b.appt.clinician_id == *clinician
            && b.appt.id != *calling
            && b.appt.status == Status::InConsultation
    })
}

/// "Dr X already has Y in consultation since 10:05": the question (or the
/// refusal) before a clinician has a second patient in the room.
pub fn already_in_consultation(busy: &Booked, zone: Tz) -> String {
    let since = busy
        .appt
        .called_at
        .map(|t| format!(" since {}", t.with_timezone(&zone).format("%H:%M")))
        .unwrap_or_default();
    format!(
        "{} already has {} in consultation{since}",
        busy.clinician_name, busy.patient_name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_found_by_the_start_of_any_word_in_any_order() {
        assert!(finds_patient("bao", "Bao Tran", "TST-000002-A"));
        assert!(finds_patient("tr b", "Bao Tran", "TST-000002-A"));
        assert!(finds_patient("jose", "José O'Neil", "TST-000002-A"));
        assert!(finds_patient("kimani", "Zawadi Kimani-Nyaga", "X"));
        assert!(!finds_patient("ran", "Bao Tran", "TST-000002-A"));
        assert!(!finds_patient("", "Bao Tran", "TST-000002-A"));
    }

    #[test]
    fn an_mrn_is_found_by_its_digits_with_or_without_separators() {
        assert!(finds_patient("2", "Bao Tran", "TST-000002-A"));
        assert!(finds_patient("000002-a", "Bao Tran", "TST-000002-A"));
        assert!(!finds_patient("3", "Bao Tran", "TST-000002-A"));
        // Letters alone are a name, never part of the prefix.
        assert!(!finds_patient("tst", "Bao Tran", "TST-000002-A"));
    }
}
