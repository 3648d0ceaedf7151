//! The laboratory's alerts at the top of the signed-in clinician's own
//! worklist: each open critical result on a line of its own (`!! CRITICAL
//! K 6.9 mmol/L HH — name MRN LAB-000012-K`), acknowledged with `K` after
//! a confirmation naming it; then the specimens of their orders the lab
//! rejected in the last day, with the reason.

use super::{Asked, Visits};
use crate::ops;
use crate::ops::lab::record::{OpenCritical, RejectedSpecimen};
use crate::tui::popups::{Heard, Question};
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::theme::Theme;
use chrono::Duration;
use ratatui::text::{Line, Span};

/// How far back the worklist shows rejected specimens.
pub(super) const REJECTED_SHOWN_HOURS: i64 = 24;

/// How many alert lines the worklist gives room to; the rest are counted.
pub(super) const ALERT_LINES: usize = 5;

/// What the worklist shows of the laboratory.
#[derive(Debug, Default)]
pub(super) struct LabAlerts {
    pub criticals: Vec<OpenCritical>,
    pub rejected: Vec<RejectedSpecimen>,
}

impl LabAlerts {
    /// The lines drawn above the worklist's table, at most [`ALERT_LINES`].
    pub fn lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let mut lines: Vec<Line> = self
            .criticals
            .iter()
            .map(|c| Line::from(Span::styled(critical_words(c), theme.error())))
            .chain(
                self.rejected
                    .iter()
                    .map(|r| Line::from(Span::styled(rejected_words(r), theme.warn()))),
            )
            .collect();
        let all = lines.len();
        if all > ALERT_LINES {
            lines.truncate(ALERT_LINES - 1);
            lines.push(Line::from(format!(
                "… {} more: K acknowledges the critical results from the top",
                all - (ALERT_LINES - 1)
            )));
        }
        lines
    }
}

/// A critical result in words, flag in letters: `!! CRITICAL K 6.9 mmol/L
/// HH — Amina Yusuf MRN LAB-000012-K`.
pub(crate) fn critical_words(c: &OpenCritical) -> String {
    let unit = c.unit.as_deref().map_or(String::new(), |u| format!(" {u}"));
    format!(
        "!! CRITICAL {} {}{unit} {} — {} {} {}",
        c.analyte_code, c.value, c.flag, c.name, c.mrn, c.accession
    )
}

/// A rejected specimen in words.
fn rejected_words(r: &RejectedSpecimen) -> String {
    let note = r
        .note
        .as_deref()
        .map_or(String::new(), |n| format!(" ({n})"));
    format!(
        "REJECTED {} {} {} — {} {}: {}{note}; order again",
        r.accession, r.specimen, r.tests, r.name, r.mrn, r.reason
    )
}

impl Visits {
    /// Reads the signed-in clinician's laboratory alerts (on their own
    /// worklist only); `audit` writes the READ of the critical results.
    pub(super) fn load_alerts(&mut self, ctx: &mut Ctx, audit: bool) -> Said {
        self.alerts = LabAlerts::default();
        if self.showing.as_ref() != Some(&ctx.session.user.id) {
            return Said::Nothing;
        }
        let clock = ctx.clock();
        let criticals = match ops::lab::record::open_criticals(ctx.db, ctx.session, clock, audit) {
            Ok(c) => c,
            Err(e) => return said_error(e),
        };
        let since = clock.now - Duration::hours(REJECTED_SHOWN_HOURS);
        let rejected = match ops::lab::record::rejected_for(ctx.db, ctx.session, since, clock) {
            Ok(r) => r,
            Err(e) => return said_error(e),
        };
        self.alerts = LabAlerts {
            criticals,
            rejected,
        };
        Said::Nothing
    }

    /// `K`: asks to acknowledge the first open critical result.
    pub(super) fn ask_acknowledge(&self) -> Said {
        match self.alerts.criticals.first() {
            Some(c) => Question::confirm(
                format!(
                    "Acknowledge {}? You confirm you have seen it and act on it; your name and the time are recorded.",
                    critical_words(c).trim_start_matches("!! ")
                ),
                Asked::AcknowledgeCritical {
                    result: c.result_id.clone(),
                },
            )
            .into(),
            None => Said::Info("No critical result waits for acknowledgement.".into()),
        }
    }

    /// The confirmed acknowledgement: written, and the worklist read again.
    pub(super) fn acknowledge(&mut self, result: &crate::domain::ids::Id, ctx: &mut Ctx) -> Heard {
        let clock = ctx.clock();
        if let Err(e) = ops::lab::acknowledge(ctx.db, ctx.session, result, clock) {
            return Ok(said_error(e));
        }
        let left = match self.load(ctx, false) {
            Said::Nothing => self.alerts.criticals.len(),
            other => return Ok(other),
        };
        Ok(Said::Info(match left {
            0 => "Critical result acknowledged.".into(),
            n => format!("Critical result acknowledged; {n} more to acknowledge (K)."),
        }))
    }
}
