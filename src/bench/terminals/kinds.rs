//! What a terminal's key was for, and the sample it gives: the response
//! time of the key and how long a write it made waited for the file.

use serde::{Deserialize, Serialize};

/// The kinds of key reported apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A letter of a patient search typed at the desk, the ward or a picker.
    SearchKeystroke,
    /// A letter or Tab in a form (registration, admission, vitals).
    FormTyping,
    /// Saving a new patient's registration (and its duplicate question).
    RegistrationSave,
    /// Saving a booking.
    Booking,
    /// Saving a walk-in's arrival: the patient checked in.
    CheckIn,
    /// Saving an admission into a bed.
    Admission,
    /// Saving a vitals set.
    VitalsSave,
    /// Confirming a dispense at the pharmacy.
    Dispense,
    /// Any other key: opening a tab, a record, a list or a form, moving.
    Navigation,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::SearchKeystroke,
        Kind::FormTyping,
        Kind::RegistrationSave,
        Kind::Booking,
        Kind::CheckIn,
        Kind::Admission,
        Kind::VitalsSave,
        Kind::Dispense,
        Kind::Navigation,
    ];

    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            Kind::SearchKeystroke => "search_keystroke",
            Kind::FormTyping => "form_typing",
            Kind::RegistrationSave => "registration_save",
            Kind::Booking => "booking",
            Kind::CheckIn => "check_in",
            Kind::Admission => "admission",
            Kind::VitalsSave => "vitals_save",
            Kind::Dispense => "dispense",
            Kind::Navigation => "navigation",
        }
    }

    /// The report's wording.
    pub fn label(self) -> &'static str {
        match self {
            Kind::SearchKeystroke => "search keystroke",
            Kind::FormTyping => "typing in a form",
            Kind::RegistrationSave => "registration save",
            Kind::Booking => "booking",
            Kind::CheckIn => "check-in (walk-in)",
            Kind::Admission => "admission",
            Kind::VitalsSave => "vitals save",
            Kind::Dispense => "dispense",
            Kind::Navigation => "plain navigation",
        }
    }
}

/// One key's figures.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Sample {
    pub kind: Kind,
    /// From handing the key to the app to the frame drawn, µs.
    pub us: f64,
    /// How long its writes waited to begin (another terminal's write
    /// holding the file), µs.
    pub wait_us: f64,
    /// Whether it wrote to the file.
    pub wrote: bool,
}
