//! The MAR view: an admitted patient's medication administration record
//! for a day, as rows (each order, its due doses, its PRN doses, and the
//! corrections beneath the record they correct), ← → between days, and
//! what its keys do on the selected row.

use super::due::{ask_outcome, dose_words, patient_words};
use super::{Asked, DoseRef, Round, View, Wrong, hm};
use crate::domain::prescribing::Frequency;
use crate::domain::prescribing::mar::{DoseState, Outcome};
use crate::ops;
use crate::ops::mar::{Chart, ChartLine};
use crate::ops::record::AllergyBanner;
use crate::store::prescriptions::{Administration, WardPatient};
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::popup::Prompt;
use crate::tui::widgets::table::Selection;
use chrono::Duration;

/// A row of the MAR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MarRow {
    /// An order (a line of the chart).
    Order(usize),
    /// A scheduled dose of the line: its index in the line's doses.
    Dose(usize, usize),
    /// A PRN dose of the line: its first record.
    Prn(usize, Administration),
    /// A correction of a record above it.
    Fix(Administration),
}

/// The MAR shown, with the patient it belongs to.
pub(crate) struct MarView {
    pub patient: WardPatient,
    pub banner: Result<AllergyBanner, String>,
    pub chart: Chart,
    pub rows: Vec<MarRow>,
    pub selected: Selection,
}

/// A record and the corrections that follow from it, in order.
pub(crate) fn chain<'a>(
    history: &'a [Administration],
    first: &'a Administration,
) -> Vec<&'a Administration> {
    let mut out = vec![first];
    let mut cur = first;
    while let Some(next) = history
        .iter()
        .find(|o| o.corrects.as_ref().is_some_and(|(c, _)| *c == cur.id))
    {
        if out.iter().any(|a| a.id == next.id) {
            break;
        }
        out.push(next);
        cur = next;
    }
    out
}

/// The first record of a scheduled dose, if any.
pub(crate) fn first_record(line: &ChartLine, k: usize) -> Option<&Administration> {
    let due = line.doses.get(k)?.due_at;
    line.history
        .iter()
        .find(|a| a.due_at == Some(due) && a.corrects.is_none())
}

fn rows_of(chart: &Chart) -> Vec<MarRow> {
    let mut rows = Vec::new();
    for (i, line) in chart.lines.iter().enumerate() {
        rows.push(MarRow::Order(i));
        for k in 0..line.doses.len() {
            rows.push(MarRow::Dose(i, k));
            if let Some(first) = first_record(line, k) {
                for fix in chain(&line.history, first).into_iter().skip(1) {
                    rows.push(MarRow::Fix(fix.clone()));
                }
            }
        }
        for first in line
            .history
            .iter()
            .filter(|a| a.due_at.is_none() && a.corrects.is_none())
        {
            rows.push(MarRow::Prn(i, first.clone()));
            for fix in chain(&line.history, first).into_iter().skip(1) {
                rows.push(MarRow::Fix(fix.clone()));
            }
        }
    }
    rows
}

impl MarView {
    fn line_of(&self, row: &MarRow) -> Option<&ChartLine> {
        let i = match row {
            MarRow::Order(i) | MarRow::Dose(i, _) | MarRow::Prn(i, _) => *i,
            MarRow::Fix(a) => self
                .chart
                .lines
                .iter()
                .position(|l| l.prescription.id == a.prescription_id)?,
        };
        self.chart.lines.get(i)
    }

    /// The latest record of the selected row's chain, to correct.
    fn latest(&self, row: &MarRow) -> Option<Administration> {
        let line = self.line_of(row)?;
        let first = match row {
            MarRow::Order(_) => return None,
            MarRow::Dose(_, k) => first_record(line, *k)?,
            MarRow::Prn(_, a) | MarRow::Fix(a) => a,
        };
        chain(&line.history, first).last().map(|a| (*a).clone())
    }
}

impl Round {
    /// Opens the MAR of `patient` for today.
    pub(super) fn open_chart(&mut self, patient: WardPatient, ctx: &mut Ctx) -> Said {
        let today = ctx.today();
        let chart = match ops::round::open_chart(
            ctx.db,
            ctx.session,
            &patient.patient_id,
            today,
            ctx.clock(),
        ) {
            Ok(c) => c,
            Err(e) => return said_error(e),
        };
        let banner = ops::record::allergy_banner(ctx.db, ctx.session, &patient.patient_id, true)
            .map_err(|e| e.to_string());
        let rows = rows_of(&chart);
        self.view = View::Mar(Box::new(MarView {
            patient,
            banner,
            chart,
            rows,
            selected: Selection::default(),
        }));
        Said::Nothing
    }

    /// Reads the MAR shown again (for `day`, or the day shown).
    fn chart_day(&mut self, day: Option<chrono::NaiveDate>, ctx: &mut Ctx) -> Said {
        let View::Mar(m) = &mut self.view else {
            return Said::Nothing;
        };
        let day = day.unwrap_or(m.chart.day);
        match ops::mar::chart(ctx.db, ctx.session, &m.patient.patient_id, day, ctx.clock()) {
            Ok(c) => {
                m.rows = rows_of(&c);
                m.chart = c;
                m.selected.clamp(m.rows.len());
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    pub(super) fn reload_chart(&mut self, ctx: &mut Ctx) -> Said {
        self.chart_day(None, ctx)
    }

    pub(super) fn perform_chart(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Mar(m) = &mut self.view else {
            return Said::Nothing;
        };
        if m.selected.navigate(action, m.rows.len()) {
            return Said::Nothing;
        }
        let day = m.chart.day;
        match action {
            Action::Back => self.back_to_due(ctx),
            Action::PrevDay => self.chart_day(Some(day - Duration::days(1)), ctx),
            Action::NextDay => self.chart_day(Some(day + Duration::days(1)), ctx),
            Action::GiveDose => self.record_on_chart(Outcome::Given, ctx),
            Action::HoldDose => self.record_on_chart(Outcome::Held, ctx),
            Action::RefuseDose => self.record_on_chart(Outcome::Refused, ctx),
            Action::DoseNotAvailable => self.record_on_chart(Outcome::NotAvailable, ctx),
            Action::CorrectDose => self.correct(ctx),
            _ => Said::Nothing,
        }
    }

    /// Asks to record `outcome` of the selected row's dose: a scheduled
    /// dose not yet recorded, or a PRN dose of the selected PRN order.
    fn record_on_chart(&self, outcome: Outcome, ctx: &Ctx) -> Said {
        let View::Mar(m) = &self.view else {
            return Said::Nothing;
        };
        let Some(row) = m.rows.get(m.selected.index()) else {
            return Said::Info("This patient has no orders on the chart.".into());
        };
        let Some(line) = m.line_of(row) else {
            return Said::Nothing;
        };
        let rx = &line.prescription;
        let dose = |due_at| DoseRef {
            prescription: rx.id.clone(),
            due_at,
            what: dose_words(rx),
            patient: patient_words(&m.patient.name, &m.patient.mrn),
        };
        if rx.course.frequency == Frequency::Prn {
            if outcome != Outcome::Given {
                return Said::Info(format!(
                    "{} is given when needed: only a dose given is recorded (g).",
                    rx.medicine
                ));
            }
            let mut prompt = Prompt::new(
                format!(
                    "Give {} to {} now: what is it for?",
                    dose_words(rx),
                    patient_words(&m.patient.name, &m.patient.mrn)
                ),
                "Indication",
            );
            if let Some(i) = &rx.course.prn_indication {
                prompt.answer = crate::tui::widgets::field::Field::new("Indication").with_value(i);
            }
            return Question::prompt(prompt, Asked::Indication(dose(None)))
                .unsaved("Quit and throw away the indication you were typing?")
                .into();
        }
        let MarRow::Dose(_, k) = row else {
            return Said::Info("Choose one of the order's due doses (↑↓) to record it.".into());
        };
        let Some(d) = line.doses.get(*k) else {
            return Said::Nothing;
        };
        match d.state {
            DoseState::DueNow | DoseState::Overdue => {
                ask_outcome(dose(Some(d.due_at)), outcome, ctx)
            }
            DoseState::Upcoming => Said::Info(format!(
                "The dose of {} is not due yet: it is due at {}.",
                rx.medicine,
                hm(d.due_at, ctx.clock())
            )),
            _ => Said::Info("This dose is recorded already: c corrects a wrong record.".into()),
        }
    }

    /// Asks what the selected row's latest record should have said.
    fn correct(&self, ctx: &Ctx) -> Said {
        let View::Mar(m) = &self.view else {
            return Said::Nothing;
        };
        let Some(row) = m.rows.get(m.selected.index()) else {
            return Said::Nothing;
        };
        let Some(wrong) = m.latest(row) else {
            return Said::Info(
                "Nothing is recorded here: choose a recorded dose to correct it.".into(),
            );
        };
        let medicine = m
            .line_of(row)
            .map_or(String::new(), |l| dose_words(&l.prescription));
        let words = format!(
            "{medicine} for {}: {} at {} by {}",
            m.patient.name,
            wrong.outcome.label(),
            hm(wrong.at, ctx.clock()),
            wrong.by
        );
        Question::prompt(
            Prompt::new(
                format!(
                    "Correct the record of {words}. What should it say: given, held, refused or not available?"
                ),
                "It was",
            ),
            Asked::CorrectTo {
                wrong: Wrong {
                    id: wrong.id.clone(),
                    at: wrong.at,
                    words,
                },
            },
        )
        .unsaved("Quit and throw away the correction you were typing?")
        .into()
    }
}
