//! Per-hospital settings: their keys, defaults and validation.
//!
//! Stored as text key/value rows; [`Settings`] is the typed view the program uses.

use crate::domain::clock::{Tz, ZONE_HINT, parse_zone};
use crate::domain::password::{ABSOLUTE_MIN_LENGTH, MAX_LENGTH};
use crate::domain::prescribing::schedule::RoundTimes;
use strum::{Display, EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};

/// A setting's key, as typed in `wardline settings set KEY VALUE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum SettingKey {
    HospitalName,
    MrnPrefix,
    IdleLockMinutes,
    PasswordMinLength,
    LockoutThreshold,
    LockoutMinutes,
    DateFormat,
    Currency,
    ExpiryWindowDays,
    TimeZone,
    BackupWarnHours,
    DraftWarnHours,
    WeightValidDays,
    DoseLateMinutes,
    MedicationRounds,
    LabSelfVerify,
    BookingHorizonDays,
    ReceiptPaperMm,
    StockLargeChange,
    ExpiryMaxYears,
    MaxTerminals,
}

/// The date display formats a hospital can choose, with their chrono patterns.
pub const DATE_FORMATS: &[(&str, &str)] = &[
    ("YYYY-MM-DD", "%Y-%m-%d"),
    ("DD/MM/YYYY", "%d/%m/%Y"),
    ("MM/DD/YYYY", "%m/%d/%Y"),
    ("DD.MM.YYYY", "%d.%m.%Y"),
    ("DD-MM-YYYY", "%d-%m-%Y"),
];

/// Why a setting's value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("unknown setting {0:?}: the settings are {known}", known = SettingKey::all_names())]
    UnknownKey(String),
    #[error("the value {value:?} of {key} is not valid: {expected}")]
    Invalid {
        key: SettingKey,
        value: String,
        expected: String,
    },
}

impl SettingKey {
    /// What the setting is for, shown by `settings list`.
    pub fn description(self) -> &'static str {
        match self {
            SettingKey::HospitalName => "the hospital's name, shown on every screen",
            SettingKey::MrnPrefix => "prefix of new medical record numbers",
            SettingKey::IdleLockMinutes => "minutes without a key before the screen locks",
            SettingKey::PasswordMinLength => "shortest password accepted",
            SettingKey::LockoutThreshold => "failed sign-ins in a row that lock an account",
            SettingKey::LockoutMinutes => "minutes an account stays locked",
            SettingKey::DateFormat => "how dates are shown and typed",
            SettingKey::Currency => "currency of prices (ISO 4217 code)",
            SettingKey::ExpiryWindowDays => "days ahead that stock counts as expiring soon",
            SettingKey::TimeZone => {
                "the hospital's time zone (IANA name, e.g. Africa/Nairobi): today, days and times"
            }
            SettingKey::BackupWarnHours => {
                "hours after the latest backup that an admin's sign-in warns of it"
            }
            SettingKey::DraftWarnHours => {
                "hours after which an unsigned note shows on its author's worklist"
            }
            SettingKey::WeightValidDays => {
                "days a child's recorded weight counts for the mg/kg dose check"
            }
            SettingKey::DoseLateMinutes => {
                "minutes either side of a dose's time that it is due; given after that, it is late"
            }
            SettingKey::MedicationRounds => {
                "the wards' medication rounds: morning, midday, evening, night (e.g. 08:00 12:00 18:00 22:00)"
            }
            SettingKey::BookingHorizonDays => {
                "days ahead a booking is taken without asking; further ahead asks once (often a mistyped year)"
            }
            SettingKey::LabSelfVerify => {
                "yes lets a lab technician verify their own results, with a typed confirmation (a hospital with one technician); no asks for a second"
            }
            SettingKey::ReceiptPaperMm => {
                "the cash desk's receipt printer paper: 80 (48 columns) or 58 (32 columns) mm wide"
            }
            SettingKey::StockLargeChange => {
                "months of an item's average use beyond which a receipt or an adjustment asks once (a mistyped quantity)"
            }
            SettingKey::ExpiryMaxYears => {
                "years ahead beyond which a received batch's expiry date asks once (often a mistyped year)"
            }
            SettingKey::MaxTerminals => {
                "terminals `wardline serve --ssh` serves at once; the one over is told so and closed"
            }
        }
    }

    pub fn all_names() -> String {
        SettingKey::iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Parses a key as typed, with an error that lists the known keys.
    pub fn parse(s: &str) -> Result<Self, SettingError> {
        s.parse()
            .map_err(|_| SettingError::UnknownKey(s.to_string()))
    }

    /// The values a setting may take when they are a few named ones (the
    /// Admin tab offers them as a choice); `None` for a typed value.
    pub fn options(self) -> Option<Vec<String>> {
        match self {
            SettingKey::DateFormat => {
                Some(DATE_FORMATS.iter().map(|(n, _)| n.to_string()).collect())
            }
            SettingKey::LabSelfVerify => Some(vec!["yes".into(), "no".into()]),
            SettingKey::ReceiptPaperMm => Some(vec!["58".into(), "80".into()]),
            _ => None,
        }
    }

    /// Checks a value and returns it in its stored form.
    pub fn validate(self, value: &str) -> Result<String, SettingError> {
        let v = value.trim();
        let invalid = |expected: &str| SettingError::Invalid {
            key: self,
            value: value.to_string(),
            expected: expected.to_string(),
        };
        let int_in = |lo: u32, hi: u32| -> Result<String, SettingError> {
            match v.parse::<u32>() {
                Ok(n) if (lo..=hi).contains(&n) => Ok(n.to_string()),
                _ => Err(invalid(&format!("a whole number from {lo} to {hi}"))),
            }
        };
        match self {
            SettingKey::HospitalName => {
                if v.is_empty() || v.chars().count() > 80 {
                    Err(invalid("a name of 1 to 80 characters"))
                } else if crate::domain::text::has_control(v, false) {
                    Err(invalid(
                        "a name without control characters (an escape or other invisible code, often pasted)",
                    ))
                } else {
                    Ok(v.to_string())
                }
            }
            SettingKey::MrnPrefix => {
                if (1..=8).contains(&v.len())
                    && v.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                {
                    Ok(v.to_string())
                } else {
                    Err(invalid("1 to 8 capital letters or digits, e.g. DMC"))
                }
            }
            SettingKey::IdleLockMinutes => int_in(1, 240),
            SettingKey::PasswordMinLength => int_in(ABSOLUTE_MIN_LENGTH as u32, MAX_LENGTH as u32),
            SettingKey::LockoutThreshold => int_in(3, 20),
            SettingKey::LockoutMinutes => int_in(1, 1440),
            SettingKey::DateFormat => DATE_FORMATS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(v))
                .map(|(name, _)| name.to_string())
                .ok_or_else(|| {
                    let names: Vec<_> = DATE_FORMATS.iter().map(|(n, _)| *n).collect();
                    invalid(&format!("one of {}", names.join(", ")))
                }),
            SettingKey::Currency => {
                if v.len() == 3 && v.bytes().all(|b| b.is_ascii_alphabetic()) {
                    Ok(v.to_ascii_uppercase())
                } else {
                    Err(invalid("a three-letter ISO 4217 code, e.g. KES, USD, EUR"))
                }
            }
            SettingKey::ExpiryWindowDays => int_in(1, 730),
            SettingKey::TimeZone => parse_zone(v).map(|z| z.name().to_string()).map_err(|e| {
                invalid(&match e.suggestion {
                    Some(z) => format!("the zone's full name, {}", z.name()),
                    None => ZONE_HINT.to_string(),
                })
            }),
            SettingKey::BackupWarnHours => int_in(1, 24 * 31),
            SettingKey::DraftWarnHours => int_in(1, 24 * 31),
            SettingKey::WeightValidDays => int_in(1, 365),
            SettingKey::DoseLateMinutes => int_in(5, 720),
            SettingKey::MedicationRounds => RoundTimes::parse(v)
                .map(|r| r.to_string())
                .map_err(|_| invalid("four times of day in order: morning, midday, evening and night rounds, e.g. 08:00 12:00 18:00 22:00")),
            SettingKey::BookingHorizonDays => int_in(7, 3660),
            SettingKey::ReceiptPaperMm => match v.trim() {
                "58" | "80" => Ok(v.trim().to_string()),
                _ => Err(invalid("58 or 80 (the paper's width in mm)")),
            },
            SettingKey::StockLargeChange => int_in(1, 120),
            SettingKey::ExpiryMaxYears => int_in(1, 50),
            SettingKey::MaxTerminals => int_in(1, 1000),
            SettingKey::LabSelfVerify => match v.to_ascii_lowercase().as_str() {
                "yes" => Ok("yes".to_string()),
                "no" => Ok("no".to_string()),
                _ => Err(invalid("yes or no")),
            },
        }
    }
}

/// The typed settings of one hospital.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub hospital_name: String,
    pub mrn_prefix: String,
    pub idle_lock_minutes: u32,
    pub password_min_length: usize,
    pub lockout_threshold: u32,
    pub lockout_minutes: u32,
    pub date_format: String,
    pub currency: String,
    pub expiry_window_days: u32,
    pub time_zone: Tz,
    /// An admin's sign-in warns when the latest backup is older than this.
    pub backup_warn_hours: u32,
    /// An unsigned note older than this shows on its author's worklist.
    pub draft_warn_hours: u32,
    /// A child's weight recorded within this many days counts for the
    /// mg/kg dose check.
    pub weight_valid_days: u32,
    /// A dose is due this many minutes either side of its time; given
    /// after that, it is late.
    pub dose_late_minutes: u32,
    /// The wards' four medication rounds.
    pub medication_rounds: RoundTimes,
    /// Whether a lab technician may verify their own results (with a typed
    /// confirmation); otherwise a second one verifies.
    pub lab_self_verify: bool,
    /// A booking further ahead than this many days asks once.
    pub booking_horizon_days: u32,
    /// The width of the cash desk's receipt paper, 58 or 80 mm.
    pub receipt_paper_mm: u32,
    /// Months of average use a single receipt or adjustment may move
    /// before it asks once.
    pub stock_large_change: u32,
    /// Years ahead an expiry date may lie before it asks once.
    pub expiry_max_years: u32,
    /// How many SSH terminals the built-in server serves at once.
    pub max_terminals: u32,
}

impl Settings {
    /// The settings a new hospital starts with, in `time_zone`.
    pub fn defaults(hospital_name: &str, code: &str, time_zone: Tz) -> Self {
        Settings {
            hospital_name: hospital_name.to_string(),
            mrn_prefix: code.to_string(),
            idle_lock_minutes: 5,
            password_min_length: crate::domain::password::DEFAULT_MIN_LENGTH,
            lockout_threshold: 5,
            lockout_minutes: 15,
            date_format: "YYYY-MM-DD".to_string(),
            currency: "USD".to_string(),
            expiry_window_days: 90,
            time_zone,
            backup_warn_hours: 26,
            draft_warn_hours: 24,
            weight_valid_days: 30,
            dose_late_minutes: 60,
            medication_rounds: RoundTimes::default(),
            lab_self_verify: false,
            booking_horizon_days: 400,
            receipt_paper_mm: 80,
            stock_large_change: 12,
            expiry_max_years: 6,
            max_terminals: 50,
        }
    }

    /// The stored text of a setting.
    pub fn get(&self, key: SettingKey) -> String {
        match key {
            SettingKey::HospitalName => self.hospital_name.clone(),
            SettingKey::MrnPrefix => self.mrn_prefix.clone(),
            SettingKey::IdleLockMinutes => self.idle_lock_minutes.to_string(),
            SettingKey::PasswordMinLength => self.password_min_length.to_string(),
            SettingKey::LockoutThreshold => self.lockout_threshold.to_string(),
            SettingKey::LockoutMinutes => self.lockout_minutes.to_string(),
            SettingKey::DateFormat => self.date_format.clone(),
            SettingKey::Currency => self.currency.clone(),
            SettingKey::ExpiryWindowDays => self.expiry_window_days.to_string(),
            SettingKey::TimeZone => self.time_zone.name().to_string(),
            SettingKey::BackupWarnHours => self.backup_warn_hours.to_string(),
            SettingKey::DraftWarnHours => self.draft_warn_hours.to_string(),
            SettingKey::WeightValidDays => self.weight_valid_days.to_string(),
            SettingKey::DoseLateMinutes => self.dose_late_minutes.to_string(),
            SettingKey::MedicationRounds => self.medication_rounds.to_string(),
            SettingKey::LabSelfVerify => {
                if self.lab_self_verify { "yes" } else { "no" }.to_string()
            }
            SettingKey::BookingHorizonDays => self.booking_horizon_days.to_string(),
            SettingKey::ReceiptPaperMm => self.receipt_paper_mm.to_string(),
            SettingKey::StockLargeChange => self.stock_large_change.to_string(),
            SettingKey::ExpiryMaxYears => self.expiry_max_years.to_string(),
            SettingKey::MaxTerminals => self.max_terminals.to_string(),
        }
    }

    /// Sets a setting from text, validating it first.
    pub fn set(&mut self, key: SettingKey, value: &str) -> Result<(), SettingError> {
        let v = key.validate(value)?;
        let num = |s: &str| s.parse::<u32>().unwrap_or_default();
        match key {
            SettingKey::HospitalName => self.hospital_name = v,
            SettingKey::MrnPrefix => self.mrn_prefix = v,
            SettingKey::IdleLockMinutes => self.idle_lock_minutes = num(&v),
            SettingKey::PasswordMinLength => self.password_min_length = num(&v) as usize,
            SettingKey::LockoutThreshold => self.lockout_threshold = num(&v),
            SettingKey::LockoutMinutes => self.lockout_minutes = num(&v),
            SettingKey::DateFormat => self.date_format = v,
            SettingKey::Currency => self.currency = v,
            SettingKey::ExpiryWindowDays => self.expiry_window_days = num(&v),
            SettingKey::TimeZone => self.time_zone = parse_zone(&v).unwrap_or(self.time_zone),
            SettingKey::BackupWarnHours => self.backup_warn_hours = num(&v),
            SettingKey::DraftWarnHours => self.draft_warn_hours = num(&v),
            SettingKey::WeightValidDays => self.weight_valid_days = num(&v),
            SettingKey::DoseLateMinutes => self.dose_late_minutes = num(&v),
            SettingKey::MedicationRounds => {
                self.medication_rounds = RoundTimes::parse(&v).unwrap_or(self.medication_rounds)
            }
            SettingKey::LabSelfVerify => self.lab_self_verify = v == "yes",
            SettingKey::BookingHorizonDays => self.booking_horizon_days = num(&v),
            SettingKey::ReceiptPaperMm => self.receipt_paper_mm = num(&v),
            SettingKey::StockLargeChange => self.stock_large_change = num(&v),
            SettingKey::ExpiryMaxYears => self.expiry_max_years = num(&v),
            SettingKey::MaxTerminals => self.max_terminals = num(&v),
        }
        Ok(())
    }

    /// The chrono pattern of the chosen date format.
    pub fn date_pattern(&self) -> &'static str {
        DATE_FORMATS
            .iter()
            .find(|(n, _)| *n == self.date_format)
            .map(|(_, p)| *p)
            .unwrap_or("%Y-%m-%d")
    }

    /// The password rules these settings put in force.
    pub fn password_policy(&self) -> crate::domain::password::PasswordPolicy {
        crate::domain::password::PasswordPolicy {
            min_length: self.password_min_length,
            demo: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_option_is_a_valid_value_as_stored() {
        let defaults = Settings::defaults("Riverside", "RDH", chrono_tz::UTC);
        for key in SettingKey::iter() {
            let Some(options) = key.options() else {
                continue;
            };
            assert!(options.contains(&defaults.get(key)), "{key}");
            for o in options {
                assert_eq!(key.validate(&o).as_deref(), Ok(o.as_str()), "{key}");
            }
        }
    }

    #[test]
    fn validates_each_key() {
        let mut s = Settings::defaults("Riverside", "RDH", chrono_tz::UTC);
        assert!(s.set(SettingKey::IdleLockMinutes, "10").is_ok());
        assert_eq!(s.idle_lock_minutes, 10);
        assert!(s.set(SettingKey::IdleLockMinutes, "0").is_err());
        assert!(s.set(SettingKey::PasswordMinLength, "7").is_err());
        assert!(s.set(SettingKey::PasswordMinLength, "16").is_ok());
        assert!(s.set(SettingKey::LockoutThreshold, "2").is_err());
        assert!(s.set(SettingKey::MrnPrefix, "rdh").is_err());
        assert!(s.set(SettingKey::DateFormat, "dd/mm/yyyy").is_ok());
        assert_eq!(s.date_pattern(), "%d/%m/%Y");
        assert!(s.set(SettingKey::DateFormat, "YY/MM").is_err());
        assert!(s.set(SettingKey::Currency, "kes").is_ok());
        assert_eq!(s.currency, "KES");
        assert!(s.set(SettingKey::Currency, "shilling").is_err());
        assert!(s.set(SettingKey::HospitalName, "  ").is_err());
        assert_eq!(s.expiry_window_days, 90);
        assert!(s.set(SettingKey::ExpiryWindowDays, "0").is_err());
        assert_eq!(s.max_terminals, 50);
        assert!(s.set(SettingKey::MaxTerminals, "0").is_err());
        assert!(s.set(SettingKey::MaxTerminals, "1001").is_err());
        assert!(s.set(SettingKey::MaxTerminals, "200").is_ok());
        assert_eq!(s.max_terminals, 200);
        assert!(s.set(SettingKey::ExpiryWindowDays, "60").is_ok());
        assert_eq!(s.backup_warn_hours, 26);
        assert!(s.set(SettingKey::BackupWarnHours, "0").is_err());
        assert!(s.set(SettingKey::BackupWarnHours, "a day").is_err());
        assert!(s.set(SettingKey::BackupWarnHours, "745").is_err());
        assert!(s.set(SettingKey::BackupWarnHours, "50").is_ok());
        assert_eq!(s.backup_warn_hours, 50);
        assert_eq!(s.draft_warn_hours, 24);
        assert!(s.set(SettingKey::DraftWarnHours, "0").is_err());
        assert!(s.set(SettingKey::DraftWarnHours, "48").is_ok());
        assert_eq!(s.draft_warn_hours, 48);
        assert!(SettingKey::parse("colour").is_err());
        assert!(s.set(SettingKey::TimeZone, "africa/nairobi").is_ok());
        assert_eq!(s.get(SettingKey::TimeZone), "Africa/Nairobi");
        assert!(s.set(SettingKey::TimeZone, "+03:00").is_err());
        assert_eq!(s.time_zone, chrono_tz::Africa::Nairobi);
        assert_eq!((s.weight_valid_days, s.dose_late_minutes), (30, 60));
        assert!(s.set(SettingKey::WeightValidDays, "0").is_err());
        assert!(s.set(SettingKey::WeightValidDays, "14").is_ok());
        assert_eq!(s.weight_valid_days, 14);
        assert!(s.set(SettingKey::DoseLateMinutes, "1").is_err());
        assert!(s.set(SettingKey::DoseLateMinutes, "30").is_ok());
        assert_eq!(s.dose_late_minutes, 30);
        assert_eq!(
            s.get(SettingKey::MedicationRounds),
            "08:00 12:00 18:00 22:00"
        );
        assert!(
            s.set(SettingKey::MedicationRounds, "22:00 08:00 12:00 18:00")
                .is_err()
        );
        assert!(
            s.set(SettingKey::MedicationRounds, "06:00,13:00,17:00,21:00")
                .is_ok()
        );
        assert_eq!(
            s.get(SettingKey::MedicationRounds),
            "06:00 13:00 17:00 21:00"
        );
    }

    #[test]
    fn every_key_round_trips_through_get() {
        let mut s = Settings::defaults("Riverside", "RDH", chrono_tz::UTC);
        for k in SettingKey::iter() {
            let v = s.get(k);
            s.set(k, &v).unwrap();
            assert_eq!(s.get(k), v);
        }
    }
}
