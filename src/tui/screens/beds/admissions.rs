//! Admitting, transferring and discharging: the checks on the chosen bed,
//! the admission and discharge forms, and the transfer's choice of a new
//! bed. The changes themselves are made when the form or the question is
//! answered (`answers.rs`).

use super::views::{Form, when};
use super::{Asked, Beds, Confirmed, FormFor, Id, Moving, Picking, UNSAVED};
use crate::domain::beds::{BedStatus, Disposition, days_between};
use crate::domain::patient::Patient;
use crate::domain::role::Permission;
use crate::error::Error;
use crate::ops::beds as ops;
use crate::store::beds::Bed;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::form::{self, Choice, Input};
use crate::tui::widgets::popup::Prompt;
use strum::IntoEnumIterator;

impl Beds {
    pub(super) fn start_admit(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(ctx, Permission::AdmitTransferDischarge, "admit patients") {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let bed = b.bed.clone();
        match bed.status {
            BedStatus::Available => {
                let purpose = format!("Admit which patient into bed {}? Enter chooses", bed.label);
                Question::patient(ctx, &purpose, Picking::Admit { bed: bed.id })
                    .unsaved(UNSAVED)
                    .into()
            }
            BedStatus::Reserved => {
                let Some(pid) = bed.reserved_for.clone() else {
                    return Said::Nothing;
                };
                match crate::ops::patients::open(ctx.db, ctx.session, &pid) {
                    Ok(p) => self.admit_form(p, &bed, ctx),
                    Err(e) => said_error(e),
                }
            }
            other => Said::Error(format!(
                "Bed {} is {}: choose an available bed (A) to admit into.",
                bed.label,
                other.label()
            )),
        }
    }

    pub(super) fn admit_form(&mut self, p: Patient, bed: &Bed, ctx: &mut Ctx) -> Said {
        let clinicians = match ops::clinicians(ctx.db, ctx.session) {
            Ok(c) => c,
            Err(e) => return said_error(e),
        };
        if clinicians.is_empty() {
            return Said::Error(
                "There is no doctor or nurse account to attend the admission: ask an administrator to add one."
                    .into(),
            );
        }
        let me = clinicians
            .iter()
            .position(|c| c.id == ctx.session.user.id)
            .unwrap_or(0);
        let options = clinicians
            .iter()
            .map(|c| {
                if c.full_name.is_empty() {
                    c.user_name.clone()
                } else {
                    format!("{} ({})", c.full_name, c.user_name)
                }
            })
            .collect();
        self.form = Some(Form {
            title: "Admit".into(),
            about: vec![
                format!(
                    "Patient  {} · {} · sex {}",
                    p.details.full_name(),
                    p.mrn,
                    p.details.sex
                ),
                format!("Bed      {} · {}", bed.label, bed.ward_name),
            ],
            fields: form::Form::new(vec![
                Input::Choice(Choice::new("Attending", options).at(me)),
                Input::Text(TextField::new("Reason").wide(56)),
            ]),
            purpose: FormFor::Admit {
                patient: Box::new(p),
                bed: bed.id.clone(),
                clinicians: clinicians.into_iter().map(|c| c.id).collect(),
            },
        });
        Said::Nothing
    }

    pub(super) fn start_transfer(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(ctx, Permission::AdmitTransferDischarge, "transfer patients") {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let Some(a) = &b.occupant else {
            return Said::Error(format!(
                "Bed {} has no patient to transfer: choose an occupied bed (O).",
                b.bed.label
            ));
        };
        let msg = format!(
            "Choose the bed for {} and press Enter (Esc cancels).",
            a.patient.name
        );
        self.moving = Some(Moving {
            admission: a.id.clone(),
            patient: a.patient.id.clone(),
            who: a.patient.name.clone(),
            from: b.bed.label.clone(),
        });
        Said::Info(msg)
    }

    /// Enter on the bed a transfer goes to: refused at once when the bed
    /// cannot take the patient, asked once when it is not made for their
    /// age, and then the reason.
    pub(super) fn choose_transfer_bed(&mut self, ctx: &mut Ctx) -> Said {
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let Some(m) = &self.moving else {
            return Said::Nothing;
        };
        if b.bed.status != BedStatus::Available && b.bed.status != BedStatus::Reserved {
            return Said::Error(format!(
                "Bed {} is {}: choose an available bed (A).",
                b.bed.label,
                b.bed.status.label()
            ));
        }
        let bed = b.bed.id.clone();
        match ops::placement(ctx.db, ctx.session, &bed, &m.patient, ctx.now) {
            Ok(p) => {
                if let Some(why) = p.refusal {
                    return said_error(Error::Refused(format!("{why}.")));
                }
                if let Some(concern) = p.age_concern {
                    return Question::confirm(
                        format!("{concern} Move them to it anyway?"),
                        Confirmed::TransferDespiteAge { bed },
                    )
                    .into();
                }
            }
            Err(e) => return said_error(e),
        }
        self.transfer_reason(&bed)
    }

    /// The reason of a transfer to `bed`, asked once the bed is chosen.
    pub(super) fn transfer_reason(&mut self, bed: &Id) -> Said {
        let (Some(m), Some(b)) = (
            &self.moving,
            self.board.beds.iter().find(|b| b.bed.id == *bed),
        ) else {
            return Said::Error("That bed is gone from the board: look again.".into());
        };
        let question = format!(
            "Transfer {} from {} to {}. Type the reason:",
            m.who, m.from, b.bed.label
        );
        let asked = Asked::TransferReason {
            admission: m.admission.clone(),
            to: b.bed.id.clone(),
            to_label: b.bed.label.clone(),
        };
        Question::prompt(Prompt::new(question, "Reason"), asked)
            .unsaved(UNSAVED)
            .into()
    }

    pub(super) fn start_discharge(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(
            ctx,
            Permission::AdmitTransferDischarge,
            "discharge patients",
        ) {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let Some(a) = &b.occupant else {
            return Said::Error(format!(
                "Bed {} has no patient to discharge: choose an occupied bed (O).",
                b.bed.label
            ));
        };
        let off = ctx.settings.time_zone;
        self.form = Some(Form {
            title: "Discharge".into(),
            about: vec![
                format!("Patient  {} · {}", a.patient.name, a.patient.mrn),
                format!(
                    "Bed      {} · admitted {} · day {}",
                    b.bed.label,
                    when(a.admitted_at, off),
                    days_between(a.admitted_at, ctx.now)
                ),
                "The bed goes to cleaning.".into(),
            ],
            fields: form::Form::new(vec![
                Input::Choice(Choice::new(
                    "Outcome",
                    Disposition::iter().map(|d| d.label().to_string()).collect(),
                )),
                Input::Text(TextField::new("Note").wide(56)),
            ]),
            purpose: FormFor::Discharge {
                admission: a.id.clone(),
                who: format!("{} ({})", a.patient.name, a.patient.mrn),
            },
        });
        Said::Nothing
    }
}

impl Beds {
    /// A ward round (a nurse's nursing note) for the selected bed's
    /// patient, in the visits area.
    pub(super) fn start_round(&mut self, ctx: &mut Ctx) -> Said {
        use crate::domain::role::Role;
        use crate::domain::visit::VisitKind;
        if let Some(r) = refused(ctx, Permission::ClinicalWorklist, "start ward rounds") {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let Some(a) = &b.occupant else {
            return Said::Error(format!(
                "Bed {} has no patient: choose an occupied bed for a ward round.",
                b.bed.label
            ));
        };
        let kind = if ctx.session.role() == Role::Nurse {
            VisitKind::NursingNote
        } else {
            VisitKind::WardRound
        };
        Said::Go(crate::tui::screen::Request::StartVisit {
            patient: a.patient.id.clone(),
            kind,
        })
    }
}
