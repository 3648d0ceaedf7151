//! The answers to the round tab's questions: giving a dose, the reason a
//! dose is held, refused or not available, a PRN dose's indication, and a
//! correction's new outcome, its reason and why the first record was wrong.

use super::{Asked, DoseRef, Round, Wrong, hm};
use crate::domain::prescribing::mar::Outcome;
use crate::error::Error;
use crate::ops;
use crate::ops::mar::{Correction, DoseInput};
use crate::tui::popups::{Answer, Heard, Question, Refused};
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::popup::Prompt;
use chrono::Duration;

/// Keeps a prompt open with `message` beside its field.
fn refuse(asked: Asked, message: String) -> Heard {
    Err(Refused {
        about: Box::new(asked),
        said: Said::Error(message.clone()),
        field_error: Some(message),
    })
}

fn refused_by(asked: Asked, e: Error) -> Heard {
    match said_error(e) {
        Said::Error(m) => refuse(asked, m),
        other => Ok(other),
    }
}

impl Round {
    pub(super) fn answer(&mut self, asked: Asked, answer: Answer, ctx: &mut Ctx) -> Heard {
        let text = match answer {
            Answer::Yes => String::new(),
            Answer::Text(t) => t,
            _ => return Ok(Said::Nothing),
        };
        match asked {
            Asked::Give(dose) => Ok(self
                .record(&dose, Outcome::Given, "", "", ctx)
                .unwrap_or_else(said_error)),
            Asked::Reason { dose, outcome } => {
                if text.trim().is_empty() {
                    return refuse(
                        Asked::Reason { dose, outcome },
                        format!(
                            "Type why the dose is {}: the chart keeps it.",
                            outcome.label()
                        ),
                    );
                }
                match self.record(&dose, outcome, &text, "", ctx) {
                    Ok(said) => Ok(said),
                    Err(e) => refused_by(Asked::Reason { dose, outcome }, e),
                }
            }
            Asked::Indication(dose) => {
                if text.trim().is_empty() {
                    return refuse(
                        Asked::Indication(dose),
                        "Type what the dose is given for: the chart keeps it.".into(),
                    );
                }
                match self.record(&dose, Outcome::Given, "", &text, ctx) {
                    Ok(said) => Ok(said),
                    Err(e) => refused_by(Asked::Indication(dose), e),
                }
            }
            Asked::CorrectTo { wrong } => match Outcome::parse(&text) {
                None => refuse(
                    Asked::CorrectTo { wrong },
                    "Type given, held, refused or not available (the first letters are enough)."
                        .into(),
                ),
                Some(outcome) if outcome.needs_reason() => Ok(Question::prompt(
                    Prompt::new(
                        format!(
                            "Correcting {}: why was the dose {}?",
                            wrong.words,
                            outcome.label()
                        ),
                        "Reason",
                    ),
                    Asked::CorrectReason { wrong, outcome },
                )
                .unsaved("Quit and throw away the correction you were typing?")
                .into()),
                Some(outcome) => Ok(ask_why(wrong, outcome, String::new())),
            },
            Asked::CorrectReason { wrong, outcome } => {
                if text.trim().is_empty() {
                    return refuse(
                        Asked::CorrectReason { wrong, outcome },
                        format!(
                            "Type why the dose was {}: the chart keeps it.",
                            outcome.label()
                        ),
                    );
                }
                Ok(ask_why(wrong, outcome, text))
            }
            Asked::CorrectWhy {
                wrong,
                outcome,
                reason,
            } => {
                let asked = |wrong, reason| Asked::CorrectWhy {
                    wrong,
                    outcome,
                    reason,
                };
                if text.trim().is_empty() {
                    return refuse(
                        asked(wrong, reason),
                        "Type why the first record was wrong: the audit trail keeps it.".into(),
                    );
                }
                let c = Correction {
                    wrong: wrong.id.clone(),
                    outcome,
                    at: wrong.at,
                    reason: reason.clone(),
                    why: text,
                };
                match ops::mar::correct_dose(ctx.db, ctx.session, &c, ctx.clock()) {
                    Ok(_) => {
                        let said = self.reload(ctx);
                        Ok(match said {
                            Said::Nothing => Said::Info(format!(
                                "Corrected to {}: the correction is shown beneath the first record, which stays.",
                                outcome.label()
                            )),
                            other => other,
                        })
                    }
                    Err(e) => refused_by(asked(wrong, reason), e),
                }
            }
        }
    }

    /// Records `outcome` of a dose now, reads the view again and says what
    /// was recorded (a dose given beyond `dose_late_minutes` as LATE).
    fn record(
        &mut self,
        dose: &DoseRef,
        outcome: Outcome,
        reason: &str,
        indication: &str,
        ctx: &mut Ctx,
    ) -> Result<Said, Error> {
        let input = DoseInput {
            prescription: dose.prescription.clone(),
            due_at: dose.due_at,
            outcome,
            at: ctx.now,
            reason: reason.into(),
            prn_indication: indication.into(),
        };
        let clock = ctx.clock();
        ops::mar::record_dose(ctx.db, ctx.session, &input, clock)?;
        let late_minutes = ctx.settings.dose_late_minutes;
        let late = outcome == Outcome::Given
            && dose
                .due_at
                .is_some_and(|d| ctx.now > d + Duration::minutes(i64::from(late_minutes)));
        let mut words = format!(
            "{} at {}",
            capital(outcome.label()),
            clock.at(ctx.now).format("%H:%M")
        );
        if let (true, Some(d)) = (late, dose.due_at) {
            words.push_str(&format!(
                ", LATE (over {late_minutes} min after {})",
                hm(d, clock)
            ));
        }
        words.push_str(&format!(": {} for {}", dose.what, dose.patient));
        let said = self.reload(ctx);
        Ok(match said {
            Said::Nothing => Said::Info(format!("{words}.")),
            other => other,
        })
    }
}

fn ask_why(wrong: Wrong, outcome: Outcome, reason: String) -> Said {
    Question::prompt(
        Prompt::new(
            format!(
                "Correcting {} to {}: why was the first record wrong?",
                wrong.words,
                outcome.label()
            ),
            "Why",
        ),
        Asked::CorrectWhy {
            wrong,
            outcome,
            reason,
        },
    )
    .unsaved("Quit and throw away the correction you were typing?")
    .into()
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}
