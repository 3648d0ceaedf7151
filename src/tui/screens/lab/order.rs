//! An open order's side of the tab: its steps (collect, reject, enter
//! results, verify, correct), the result form and the small forms saved,
//! each on the version of the order that was shown.

use super::entry::{EntryForm, FlaggedFor, Line};
use super::forms::{Kind, SmallForm};
use super::worklist::{capitalised, patient_of, tests_of};
use super::{Lab, Pending, View};
use crate::domain::ids::Id;
use crate::domain::lab::order::{OrderStatus, SELF_VERIFY_WORD};
use crate::ops::lab::{self as ops, LabResult, OrderDetail};
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::popup::Prompt;

impl Lab {
    /// Reads the order again (an audited read of the patient).
    pub(super) fn load_order(&mut self, id: &Id, ctx: &mut Ctx) -> Said {
        match ops::detail(ctx.db, ctx.session, id, ctx.clock()) {
            Ok(d) => {
                self.result.clamp(analytes(&d).len());
                self.order = Some(d);
                Said::Nothing
            }
            Err(e) => {
                self.order = None;
                self.view = View::List;
                said_error(e)
            }
        }
    }

    /// `about` line of a form or question: the accession, tests, patient.
    fn about(d: &OrderDetail) -> String {
        format!(
            "{} · {} · {} · {}",
            d.order.accession,
            tests_of(&d.order),
            d.order.specimen,
            patient_of(d)
        )
    }

    pub(super) fn perform_order(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(d) = &self.order else {
            self.view = View::List;
            return Said::Nothing;
        };
        let n = analytes(d).len();
        if self.result.navigate(action, n) {
            return Said::Nothing;
        }
        let status = d.order.status;
        match action {
            Action::Back => {
                self.view = View::List;
                self.order = None;
                self.reload_list(ctx)
            }
            Action::CollectSpecimen if status == OrderStatus::Ordered => self.ask_collect(),
            Action::CollectSpecimen => Said::Info(format!(
                "{} is {}: only a specimen waiting for collection is collected.",
                d.order.accession,
                status.label()
            )),
            Action::RejectSpecimen if status.is_open() => {
                self.view = View::Small(Box::new(SmallForm::reject(
                    d.order.id.clone(),
                    d.order.version,
                    Self::about(d),
                )));
                Said::Nothing
            }
            Action::RejectSpecimen => Said::Info(format!(
                "{} is {}: there is no specimen to reject.",
                d.order.accession,
                status.label()
            )),
            Action::EnterResults => self.open_entry(ctx),
            Action::VerifyResults => self.ask_verify(ctx),
            Action::CorrectResult => self.open_correction(),
            _ => Said::Nothing,
        }
    }

    /// `e`: the result form of the open order, once its specimen is
    /// collected.
    fn open_entry(&mut self, ctx: &Ctx) -> Said {
        let Some(d) = &self.order else {
            return Said::Nothing;
        };
        let o = &d.order;
        let Some(collected) = o.collected_at else {
            return Said::Info(format!(
                "{} is {}: results are entered once the specimen is collected (c).",
                o.accession,
                o.status.label()
            ));
        };
        if !o.status.takes_results() {
            return Said::Info(format!(
                "{} is {}: a verified result changes only by a correction (a).",
                o.accession,
                o.status.label()
            ));
        }
        let who = FlaggedFor {
            sex: d.patient.sex,
            birth: d.patient.birth_date,
            on: ctx.clock().at(collected).date_naive(),
        };
        let all = analytes(d);
        let shared = |code: &str| all.iter().filter(|(_, a)| a.analyte.code == code).count() > 1;
        let lines = d
            .tests
            .iter()
            .flat_map(|t| {
                t.analytes.iter().map(move |a| {
                    let current = a.current.as_ref();
                    let unverified = current.filter(|r| r.verified_at.is_none());
                    let verified = current.filter(|r| r.verified_at.is_some());
                    Line::new(
                        &t.test.name,
                        a.analyte.clone(),
                        unverified.map(|r| r.value.as_str()),
                        verified.map(|r| r.value.as_str()),
                    )
                })
            })
            .map(|mut l: Line| {
                if shared(&l.analyte.code) {
                    l.code = format!("{}.{}", test_code(d, &l.test), l.analyte.code);
                }
                l
            })
            .collect();
        self.view = View::Entry(Box::new(EntryForm::new(
            o.id.clone(),
            o.version,
            Self::about(d),
            who,
            lines,
        )));
        Said::Nothing
    }

    /// `v`: verification of the entered results; the user's own need the
    /// hospital's leave and the typed word.
    fn ask_verify(&mut self, ctx: &mut Ctx) -> Said {
        let Some(d) = &self.order else {
            return Said::Nothing;
        };
        let o = &d.order;
        let waiting: Vec<&LabResult> = analytes(d)
            .into_iter()
            .filter_map(|(_, a)| a.current.as_ref())
            .filter(|r| r.verified_at.is_none())
            .collect();
        if waiting.is_empty() {
            return Said::Info(format!(
                "{} has no result waiting for verification.",
                o.accession
            ));
        }
        let me = &ctx.session.user.id;
        let mine = waiting.iter().filter(|r| &r.entered_by == me).count();
        let pending = (o.id.clone(), o.version);
        if mine == 0 {
            return Question::confirm(
                format!(
                    "Verify {} result{} of {} for {}? The clinician sees them once verified.",
                    waiting.len(),
                    if waiting.len() == 1 { "" } else { "s" },
                    o.accession,
                    patient_of(d)
                ),
                Pending::Verify {
                    order: pending.0,
                    version: pending.1,
                },
            )
            .into();
        }
        if !ctx.settings.lab_self_verify {
            return Said::Error(format!(
                "You entered {mine} of these results: a second lab technician verifies them."
            ));
        }
        Question::prompt(
            Prompt::new(
                format!(
                    "You entered {mine} of these results yourself. With no second technician, type {SELF_VERIFY_WORD} to verify them (recorded as self-verified)."
                ),
                "Word",
            ),
            Pending::SelfVerify {
                order: pending.0,
                version: pending.1,
            },
        )
        .into()
    }

    /// Verifies the order's entered results.
    pub(super) fn verify(
        &mut self,
        order: &Id,
        version: i64,
        word: Option<&str>,
        ctx: &mut Ctx,
    ) -> Said {
        match ops::verify(ctx.db, ctx.session, order, version, word, ctx.clock()) {
            Ok(d) => {
                let msg = if d.order.status == OrderStatus::Verified {
                    format!(
                        "{} verified: the clinician sees the results.",
                        d.order.accession
                    )
                } else {
                    format!(
                        "{}: the entered results are verified; the rest wait for entry.",
                        d.order.accession
                    )
                };
                self.order = Some(d);
                let said = self.reload_list(ctx);
                if said != Said::Nothing {
                    return said;
                }
                Said::Info(msg)
            }
            Err(e) => self.failed(e, ctx),
        }
    }

    /// `a`: the correction form, on the selected result when it is verified.
    fn open_correction(&mut self) -> Said {
        let Some(d) = &self.order else {
            return Said::Nothing;
        };
        let all = analytes(d);
        let verified: Vec<(usize, Id, String)> = all
            .iter()
            .enumerate()
            .filter_map(|(i, (_, a))| {
                let r = a.current.as_ref().filter(|r| r.verified_at.is_some())?;
                let unit = a.analyte.unit.as_deref().unwrap_or("");
                Some((
                    i,
                    r.id.clone(),
                    format!("{} {} {unit} {}", a.analyte.name, r.value, r.flag)
                        .trim_end()
                        .to_string(),
                ))
            })
            .collect();
        if verified.is_empty() {
            return Said::Info(format!(
                "{} has no verified result: an unverified one is entered again (e).",
                d.order.accession
            ));
        }
        let start = verified
            .iter()
            .position(|(i, _, _)| *i == self.result.index())
            .unwrap_or(0);
        self.view = View::Small(Box::new(SmallForm::correct(
            d.order.id.clone(),
            d.order.version,
            Self::about(d),
            verified.into_iter().map(|(_, id, s)| (id, s)).collect(),
            start,
        )));
        Said::Nothing
    }

    pub(super) fn perform_entry(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Entry(form) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => form.move_focus(true),
            Action::PrevField => form.move_focus(false),
            Action::NextChoice | Action::PrevChoice => {
                if let Some(l) = form.focused_mut() {
                    l.cycle(action == Action::NextChoice);
                }
            }
            Action::Cancel => return self.cancel_form(),
            Action::Save => {
                let Some(values) = form.values_to_save() else {
                    return Said::Error(
                        "A value cannot be saved: the line marked ✗ says what to type.".into(),
                    );
                };
                if values.is_empty() {
                    return Said::Info("Nothing new to save: type a value first.".into());
                }
                let (order, version) = (form.order.clone(), form.version);
                let pairs: Vec<(&str, &str)> = values
                    .iter()
                    .map(|(c, v)| (c.as_str(), v.as_str()))
                    .collect();
                return match ops::enter_results(
                    ctx.db,
                    ctx.session,
                    &order,
                    version,
                    &pairs,
                    ctx.clock(),
                ) {
                    Ok(d) => {
                        let msg = match d.order.status {
                            OrderStatus::Resulted => format!(
                                "{} resulted: every value is in; another technician verifies them (v).",
                                d.order.accession
                            ),
                            _ => format!(
                                "{} in progress: {} value{} saved; the rest come later.",
                                d.order.accession,
                                pairs.len(),
                                if pairs.len() == 1 { "" } else { "s" }
                            ),
                        };
                        self.order = Some(d);
                        self.view = View::Order;
                        let said = self.reload_list(ctx);
                        if said != Said::Nothing {
                            return said;
                        }
                        Said::Info(msg)
                    }
                    Err(e) => self.refused_form(e, version, ctx),
                };
            }
            _ => {}
        }
        Said::Nothing
    }

    /// Esc on a form: asks first when something was typed.
    fn cancel_form(&mut self) -> Said {
        if self.has_unsaved_input() {
            return Question::confirm("Throw away what you typed?", Pending::Discard).into();
        }
        self.view = View::Order;
        Said::Nothing
    }

    pub(super) fn perform_small(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Small(form) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => form.fields.next(),
            Action::PrevField => form.fields.prev(),
            Action::NextChoice | Action::PrevChoice => {
                form.fields.cycle(action == Action::NextChoice)
            }
            Action::Cancel => return self.cancel_form(),
            Action::Save => return self.save_small(ctx),
            _ => {}
        }
        Said::Nothing
    }

    fn save_small(&mut self, ctx: &mut Ctx) -> Said {
        let View::Small(form) = &mut self.view else {
            return Said::Nothing;
        };
        let (order, version) = (form.order.clone(), form.version);
        let done = match &form.kind {
            Kind::Reject => {
                let (reason, note) = form.rejection();
                ops::reject(
                    ctx.db,
                    ctx.session,
                    &order,
                    version,
                    reason,
                    note.as_deref(),
                    ctx.clock(),
                )
                .map(|o| {
                    format!(
                        "{} rejected ({}): the ordering clinician sees it.",
                        o.accession,
                        reason.label()
                    )
                })
            }
            Kind::Correct(_) => {
                let Some((result, value, reason)) = form.correction() else {
                    return Said::Error("The correction needs a new value and its reason.".into());
                };
                ops::correct(ctx.db, ctx.session, &result, &value, &reason, ctx.clock()).map(
                    |d| {
                        format!(
                            "{} corrected: the new value waits for verification; the old one shows as corrected.",
                            d.order.accession
                        )
                    },
                )
            }
        };
        match done {
            Ok(msg) => {
                let said = self.close_form(ctx);
                if said != Said::Nothing {
                    return said;
                }
                Said::Info(msg)
            }
            Err(e) => self.refused_form(e, version, ctx),
        }
    }

    /// A form's save was refused: when another terminal changed the order
    /// meanwhile, the order is read again and shown (the form was made on
    /// what it was); otherwise the form stays, with what was typed.
    fn refused_form(&mut self, e: crate::error::Error, version: i64, ctx: &mut Ctx) -> Said {
        let said = Said::Error(capitalised(&e.to_string()));
        let Some(id) = self.order.as_ref().map(|d| d.order.id.clone()) else {
            return said;
        };
        let reread = self.load_order(&id, ctx);
        if reread != Said::Nothing {
            return reread;
        }
        if self
            .order
            .as_ref()
            .is_some_and(|d| d.order.version != version)
        {
            self.view = View::Order;
            let _ = self.reload_list(ctx);
            return Said::Error(format!(
                "{} The order was read again as it is now: look, then start again.",
                capitalised(&e.to_string())
            ));
        }
        said
    }
}

/// The code of the order's test named `name`.
fn test_code<'a>(d: &'a OrderDetail, name: &str) -> &'a str {
    d.tests
        .iter()
        .find(|t| t.test.name == name)
        .map_or("", |t| t.test.code.as_str())
}

/// Every analyte of an order in the order of its tests, with its test.
pub(super) fn analytes(d: &OrderDetail) -> Vec<(&ops::TestResults, &ops::AnalyteResults)> {
    d.tests
        .iter()
        .flat_map(|t| t.analytes.iter().map(move |a| (t, a)))
        .collect()
}
