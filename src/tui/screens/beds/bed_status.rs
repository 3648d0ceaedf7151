//! The changes of a bed's own status from the board: reserving it for a
//! patient (or cancelling the reservation), marking it clean, and taking it
//! out of service or back. Those that need an answer open the question here;
//! `answers.rs` carries them out.

use super::{Asked, Beds, Confirmed, Picking, UNSAVED};
use crate::domain::beds::BedStatus;
use crate::domain::role::Permission;
use crate::ops::beds as ops;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::widgets::popup::Prompt;

impl Beds {
    pub(super) fn start_reserve(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(ctx, Permission::AdmitTransferDischarge, "reserve beds") {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let bed = &b.bed;
        match bed.status {
            BedStatus::Available => {
                let purpose = format!("Reserve bed {} for which patient? Enter chooses", bed.label);
                let picking = Picking::Reserve {
                    bed: bed.id.clone(),
                };
                Question::patient(ctx, &purpose, picking)
                    .unsaved(UNSAVED)
                    .into()
            }
            BedStatus::Reserved => {
                let who = b
                    .reserved
                    .as_ref()
                    .map(|p| format!("{} {}", p.mrn, p.name))
                    .unwrap_or_default();
                Question::confirm(
                    format!("Cancel the reservation of bed {} for {who}?", bed.label),
                    Confirmed::CancelReservation {
                        bed: bed.id.clone(),
                    },
                )
                .into()
            }
            other => Said::Error(format!(
                "Bed {} is {}: only an available bed can be reserved.",
                bed.label,
                other.label()
            )),
        }
    }

    pub(super) fn mark_clean(&mut self, ctx: &mut Ctx) -> Said {
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let id = b.bed.id.clone();
        match ops::mark_clean(ctx.db, ctx.session, &id, ctx.now) {
            Ok(bed) => self.after_change(
                ctx,
                format!(
                    "Bed {} marked clean at {}: available.",
                    bed.label,
                    ctx.now
                        .with_timezone(&ctx.settings.time_zone)
                        .format("%H:%M")
                ),
            ),
            Err(e) => said_error(e),
        }
    }

    pub(super) fn toggle_service(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(
            ctx,
            Permission::ManageBedCleaning,
            "take beds out of service",
        ) {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let bed = &b.bed;
        match bed.status {
            BedStatus::OutOfService => Question::confirm(
                format!(
                    "Put bed {} back in service? ({})",
                    bed.label,
                    bed.out_of_service_reason.clone().unwrap_or_default()
                ),
                Confirmed::BackInService {
                    bed: bed.id.clone(),
                },
            )
            .into(),
            BedStatus::Available | BedStatus::Cleaning => Question::prompt(
                Prompt::new(
                    format!("Take bed {} out of service. Type the reason:", bed.label),
                    "Reason",
                ),
                Asked::OutOfService {
                    bed: bed.id.clone(),
                },
            )
            .unsaved(UNSAVED)
            .into(),
            other => Said::Error(format!(
                "Bed {} is {}: only a free or cleaning bed can go out of service.",
                bed.label,
                other.label()
            )),
        }
    }
}
