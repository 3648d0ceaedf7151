//! Staff roles and what each may do (the capability table of DESIGN.md).

use strum::{Display, EnumIter, EnumString, IntoStaticStr};

/// The role of an account. Stored and typed in snake_case (`lab_tech`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Admin,
    Receptionist,
    Doctor,
    Nurse,
    Pharmacist,
    LabTech,
    Patient,
    /// The cash desk: charges, payments, receipts, the day's cash-up.
    Cashier,
}

/// One capability from the design's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter)]
pub enum Permission {
    FindPatients,
    RegisterPatients,
    DeleteRestoreMergePatients,
    ManageAppointments,
    RunConsultations,
    ViewBedBoard,
    AdmitTransferDischarge,
    ManageBedCleaning,
    ViewStock,
    ManageStock,
    Dispense,
    Administer,
    CreatePortalAccounts,
    /// See the whole clinical record (notes, vitals, diagnoses, allergies,
    /// problems) of a patient in one's care, or after breaking the glass.
    ViewClinicalRecord,
    /// See a patient's allergies (the banner wherever a clinician or
    /// pharmacist sees the patient), diagnoses and problems (not the notes).
    ViewAllergiesAndDiagnoses,
    /// Open a record outside one's care with a typed reason (BREAK_GLASS).
    BreakTheGlass,
    /// Record vitals and write nursing notes.
    RecordVitals,
    /// Everything else a clinician writes: visits of every kind, their
    /// notes, diagnoses, allergies, problems.
    WriteClinicalRecord,
    /// A clinician's worklist and the NEWS2 scores on the bed board.
    ClinicalWorklist,
    /// Prescribe medicines, and stop prescriptions.
    Prescribe,
    /// Record the doses of the medication round (the MAR).
    GiveDoses,
    /// Order laboratory tests, cancel them before collection, and
    /// acknowledge a critical result.
    OrderLabTests,
    /// The laboratory's work: collect specimens (or reject them), enter,
    /// verify and correct results.
    RunLab,
    /// Take payments at the cash desk and close one's own day (cash-up).
    TakePayments,
    /// Refund a payment, with a reason.
    RefundPayments,
    /// Set the tariff's prices and the payer schemes.
    ManageTariff,
    /// Record which payer scheme covers a patient.
    SetPatientScheme,
    /// Post a manual charge (a procedure, a service) or reverse a charge.
    PostCharges,
    /// See bills, their lines, payments and balances.
    ViewBills,
    /// A patient sees their own record, and nothing else (a patient
    /// account's only capability).
    ViewOwnRecord,
}

/// The staff who hold `p`, as a person would be told to ask them: the
/// clinical and desk roles first, an administrator last ("a doctor, a nurse
/// or an administrator"); patients are never named.
pub fn who_can(p: Permission) -> String {
    use strum::IntoEnumIterator;
    let mut roles: Vec<Role> = Role::iter()
        .filter(|r| *r != Role::Patient && *r != Role::Admin && r.can(p))
        .collect();
    if Role::Admin.can(p) {
        roles.push(Role::Admin);
    }
    let names: Vec<String> = roles
        .iter()
        .map(|r| {
            let label = r.label();
            let article = if label.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {label}")
        })
        .collect();
    match names.as_slice() {
        [] => "an administrator".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

impl Role {
    /// Whether this role holds the capability. A patient's access to their own
    /// record is handled where the record is opened, not here.
    pub fn can(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match p {
            FindPatients => self != Patient,
            RegisterPatients => matches!(self, Admin | Receptionist | Doctor | Nurse),
            DeleteRestoreMergePatients => self == Admin,
            ManageAppointments => matches!(self, Admin | Receptionist | Doctor | Nurse),
            RunConsultations => matches!(self, Admin | Doctor | Nurse),
            ViewBedBoard => matches!(self, Admin | Receptionist | Doctor | Nurse),
            AdmitTransferDischarge => matches!(self, Admin | Doctor | Nurse),
            ManageBedCleaning => matches!(self, Admin | Nurse),
            ViewStock => matches!(self, Admin | Doctor | Nurse | Pharmacist),
            ManageStock => matches!(self, Admin | Pharmacist),
            Dispense => matches!(self, Admin | Nurse | Pharmacist),
            Administer => self == Admin,
            CreatePortalAccounts => matches!(self, Admin | Receptionist),
            ViewClinicalRecord => matches!(self, Admin | Doctor | Nurse),
            ViewAllergiesAndDiagnoses => matches!(self, Doctor | Nurse | Pharmacist),
            BreakTheGlass => matches!(self, Admin | Doctor | Nurse),
            RecordVitals => matches!(self, Doctor | Nurse),
            WriteClinicalRecord => self == Doctor,
            ClinicalWorklist => matches!(self, Doctor | Nurse),
            Prescribe => self == Doctor,
            GiveDoses => matches!(self, Doctor | Nurse),
            OrderLabTests => matches!(self, Doctor | Nurse),
            RunLab => self == LabTech,
            TakePayments => matches!(self, Cashier | Admin),
            RefundPayments => self == Admin,
            ManageTariff => self == Admin,
            SetPatientScheme => matches!(self, Receptionist | Cashier | Admin),
            PostCharges => matches!(self, Doctor | Nurse | Admin),
            ViewBills => matches!(self, Cashier | Admin | Receptionist | Doctor | Nurse),
            ViewOwnRecord => self == Patient,
        }
    }

    /// The refusal for this role wanting `p` to `doing`, naming who can
    /// help: "a receptionist may not admit patients: ask a doctor, a nurse
    /// or an administrator".
    pub fn refusal(self, p: Permission, doing: &str) -> String {
        format!("a {} may not {doing}: ask {}", self.label(), who_can(p))
    }

    /// How the role reads on screen.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "administrator",
            Role::Receptionist => "receptionist",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
            Role::Pharmacist => "pharmacist",
            Role::LabTech => "lab technician",
            Role::Patient => "patient",
            Role::Cashier => "cashier",
        }
    }

    /// The roles as typed on the command line, for error messages.
    pub fn all_names() -> String {
        use strum::IntoEnumIterator;
        Role::iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!("lab_tech".parse::<Role>().unwrap(), Role::LabTech);
        assert_eq!(Role::Receptionist.to_string(), "receptionist");
        assert!("surgeon".parse::<Role>().is_err());
        assert_eq!("cashier".parse::<Role>().unwrap(), Role::Cashier);
    }

    #[test]
    fn only_admin_administers_and_patients_cannot_search() {
        use strum::IntoEnumIterator;
        for r in Role::iter() {
            assert_eq!(r.can(Permission::Administer), r == Role::Admin);
            assert_eq!(r.can(Permission::FindPatients), r != Role::Patient);
        }
        assert!(Role::Pharmacist.can(Permission::Dispense));
        assert!(!Role::Pharmacist.can(Permission::ViewBedBoard));
        assert!(!Role::Receptionist.can(Permission::AdmitTransferDischarge));
        assert!(Role::Nurse.can(Permission::ManageBedCleaning));
        assert!(!Role::Doctor.can(Permission::ManageBedCleaning));
        for r in Role::iter() {
            assert_eq!(r.can(Permission::Prescribe), r == Role::Doctor, "{r}");
            assert_eq!(
                r.can(Permission::GiveDoses),
                matches!(r, Role::Doctor | Role::Nurse),
                "{r}"
            );
        }
    }

    #[test]
    fn the_cash_desk_is_the_cashiers_and_the_admins() {
        use strum::IntoEnumIterator;
        for r in Role::iter() {
            assert_eq!(
                r.can(Permission::TakePayments),
                matches!(r, Role::Cashier | Role::Admin),
                "{r}"
            );
            assert_eq!(r.can(Permission::RefundPayments), r == Role::Admin, "{r}");
            assert_eq!(r.can(Permission::ManageTariff), r == Role::Admin, "{r}");
        }
        assert!(Role::Cashier.can(Permission::SetPatientScheme));
        assert!(Role::Receptionist.can(Permission::SetPatientScheme));
        assert!(!Role::Cashier.can(Permission::PostCharges));
        assert!(Role::Cashier.can(Permission::FindPatients));
        assert!(!Role::Cashier.can(Permission::ViewClinicalRecord));
    }

    #[test]
    fn a_refusal_names_the_roles_that_can_help() {
        assert_eq!(
            Role::Receptionist.refusal(Permission::AdmitTransferDischarge, "admit patients"),
            "a receptionist may not admit patients: ask a doctor, a nurse or an administrator"
        );
        assert_eq!(
            Role::Nurse.refusal(Permission::ManageStock, "receive stock"),
            "a nurse may not receive stock: ask a pharmacist or an administrator"
        );
        assert_eq!(who_can(Permission::Prescribe), "a doctor");
        assert_eq!(
            who_can(Permission::DeleteRestoreMergePatients),
            "an administrator"
        );
    }
}
