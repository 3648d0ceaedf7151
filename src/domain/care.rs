//! Who sees which part of a patient's clinical record: the one rule of
//! "in the patient's care", and what each role sees with or without it.
//!
//! A doctor or nurse is in a patient's care as the clinician of one of the
//! patient's visits or current appointments, as the attending of their
//! admission, or by working on the patient's ward (an administrator assigns
//! staff to wards: the patient is admitted now to a bed of a ward the
//! clinician is assigned to); a nurse also for the patients in today's
//! clinic queue, whose vitals the clinic's nurses take.
//!
//! Doctors and nurses see the whole record of a patient in their care; out
//! of it (and an administrator, always) they must break the glass with a
//! typed reason first. Pharmacists see allergies, diagnoses and problems,
//! never the notes. Receptionists, lab technicians (until lab orders exist)
//! and patients see nothing of it here.

use crate::domain::role::Role;

/// What the file knows of one clinician and one patient.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CareFacts {
    /// The clinician of one of the patient's visits.
    pub clinician_of_a_visit: bool,
    /// The attending clinician of the patient's active admission.
    pub attending: bool,
    /// The clinician of one of the patient's appointments that is today
    /// or not yet completed (neither cancelled nor a no-show).
    pub clinician_of_an_appointment: bool,
    /// The patient is admitted now to a bed of a ward the clinician is
    /// assigned to (ended assignments do not count).
    pub on_their_ward: bool,
    /// The patient is in today's clinic queue (checked in or in
    /// consultation): the clinic's nurses take their vitals before the
    /// doctor sees them.
    pub in_the_clinic_today: bool,
}

/// Whether someone of `role` with these facts is in the patient's care.
/// Only doctors and nurses ever are.
pub fn in_care(role: Role, f: &CareFacts) -> bool {
    match role {
        Role::Doctor => {
            f.clinician_of_a_visit
                || f.attending
                || f.clinician_of_an_appointment
                || f.on_their_ward
        }
        Role::Nurse => {
            f.clinician_of_a_visit
                || f.attending
                || f.clinician_of_an_appointment
                || f.on_their_ward
                || f.in_the_clinic_today
        }
        _ => false,
    }
}

/// The parts of the record that open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sections {
    /// Visits with their notes and addenda.
    pub notes: bool,
    pub vitals: bool,
    pub diagnoses: bool,
    pub allergies: bool,
    pub problems: bool,
}

impl Sections {
    /// Everything.
    pub const ALL: Sections = Sections {
        notes: true,
        vitals: true,
        diagnoses: true,
        allergies: true,
        problems: true,
    };

    /// What a pharmacist sees.
    pub const MEDICATION_SAFETY: Sections = Sections {
        notes: false,
        vitals: false,
        diagnoses: true,
        allergies: true,
        problems: true,
    };
}

/// The answer to "may this person open this patient's clinical record?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// These sections open.
    Open(Sections),
    /// Only by breaking the glass with a typed reason.
    BreakGlass,
    /// Not for this role.
    Refused,
}

/// What `role` may open, given whether they are in the patient's care and
/// whether they broke the glass for this patient in this session.
pub fn access(role: Role, in_care: bool, glass_broken: bool) -> Access {
    match role {
        Role::Doctor | Role::Nurse if in_care || glass_broken => Access::Open(Sections::ALL),
        Role::Admin if glass_broken => Access::Open(Sections::ALL),
        Role::Doctor | Role::Nurse | Role::Admin => Access::BreakGlass,
        Role::Pharmacist => Access::Open(Sections::MEDICATION_SAFETY),
        Role::Receptionist | Role::LabTech | Role::Cashier | Role::Patient => Access::Refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn each_fact_puts_a_doctor_or_nurse_in_care() {
        let facts = [
            CareFacts {
                clinician_of_a_visit: true,
                ..CareFacts::default()
            },
            CareFacts {
                attending: true,
                ..CareFacts::default()
            },
            CareFacts {
                clinician_of_an_appointment: true,
                ..CareFacts::default()
            },
            CareFacts {
                on_their_ward: true,
                ..CareFacts::default()
            },
        ];
        for f in facts {
            assert!(in_care(Role::Doctor, &f), "{f:?}");
            assert!(in_care(Role::Nurse, &f), "{f:?}");
            for r in [
                Role::Admin,
                Role::Pharmacist,
                Role::Receptionist,
                Role::LabTech,
                Role::Cashier,
                Role::Patient,
            ] {
                assert!(!in_care(r, &f), "{r:?} {f:?}");
            }
        }
        assert!(!in_care(Role::Doctor, &CareFacts::default()));
    }

    #[test]
    fn the_clinic_queue_puts_its_nurses_in_care_but_not_every_doctor() {
        let queued = CareFacts {
            in_the_clinic_today: true,
            ..CareFacts::default()
        };
        assert!(in_care(Role::Nurse, &queued));
        assert!(!in_care(Role::Doctor, &queued));
        assert!(!in_care(Role::Admin, &queued));
        assert!(!in_care(Role::Receptionist, &queued));
    }

    #[test]
    fn each_fact_alone_for_every_role() {
        let facts: [(&str, CareFacts); 5] = [
            (
                "visit",
                CareFacts {
                    clinician_of_a_visit: true,
                    ..CareFacts::default()
                },
            ),
            (
                "attending",
                CareFacts {
                    attending: true,
                    ..CareFacts::default()
                },
            ),
            (
                "appointment",
                CareFacts {
                    clinician_of_an_appointment: true,
                    ..CareFacts::default()
                },
            ),
            (
                "ward",
                CareFacts {
                    on_their_ward: true,
                    ..CareFacts::default()
                },
            ),
            (
                "queue",
                CareFacts {
                    in_the_clinic_today: true,
                    ..CareFacts::default()
                },
            ),
        ];
        for r in Role::iter() {
            for (name, f) in facts {
                let want = match r {
                    Role::Nurse => true,
                    Role::Doctor => name != "queue",
                    _ => false,
                };
                assert_eq!(in_care(r, &f), want, "{r:?} {name}");
            }
            assert!(!in_care(r, &CareFacts::default()), "{r:?} with no fact");
        }
    }

    #[test]
    fn an_admission_elsewhere_puts_nobody_in_care() {
        // Admitted, but to a ward the clinician is not assigned to, and
        // under another attending: no fact holds, so the glass must break.
        let elsewhere = CareFacts::default();
        for r in [Role::Doctor, Role::Nurse] {
            assert!(!in_care(r, &elsewhere));
            assert_eq!(access(r, false, false), Access::BreakGlass);
        }
        let on_ward = CareFacts {
            on_their_ward: true,
            ..CareFacts::default()
        };
        assert_eq!(
            access(Role::Nurse, in_care(Role::Nurse, &on_ward), false),
            Access::Open(Sections::ALL)
        );
        assert_eq!(
            access(Role::Admin, in_care(Role::Admin, &on_ward), false),
            Access::BreakGlass
        );
    }

    #[test]
    fn what_each_role_sees() {
        for r in Role::iter() {
            for care in [false, true] {
                for glass in [false, true] {
                    let got = access(r, care, glass);
                    let want = match r {
                        Role::Doctor | Role::Nurse if care || glass => Access::Open(Sections::ALL),
                        Role::Doctor | Role::Nurse => Access::BreakGlass,
                        Role::Admin if glass => Access::Open(Sections::ALL),
                        Role::Admin => Access::BreakGlass,
                        Role::Pharmacist => Access::Open(Sections {
                            notes: false,
                            vitals: false,
                            diagnoses: true,
                            allergies: true,
                            problems: true,
                        }),
                        _ => Access::Refused,
                    };
                    assert_eq!(got, want, "{r:?} care={care} glass={glass}");
                }
            }
        }
    }
}
