//! A visit's actions: reading it with the patient's record, writing the
//! note (saved as a draft over the version read), signing, addenda,
//! recording vitals, diagnoses, allergies and problems, and marking what
//! was wrong entered in error.

use super::note::NoteEditor;
use super::prescribe_form::PrescribeForm;
use super::vitals_form::VitalsEntry;
use super::{Asked, Mode, Open, Visits};
use crate::domain::role::Permission;
use crate::domain::visit::NoteText;
use crate::ops;
use crate::store::clinical::visits::Visit;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::widgets::popup::Prompt;

/// Reads a visit: the patient (a READ), the allergy banner and the
/// clinical record (a READ; breaking the glass first when needed).
pub(super) fn read(v: Visit, ctx: &mut Ctx) -> crate::error::Result<Open> {
    let record = ops::record::open(ctx.db, ctx.session, &v.patient_id, ctx.clock())?;
    let patient = ops::patients::open(ctx.db, ctx.session, &v.patient_id)?;
    let entry = record.visits.iter().find(|e| e.visit.id == v.id);
    let note = entry.and_then(|e| e.note.clone());
    let addenda = entry.map(|e| e.addenda.clone()).unwrap_or_default();
    let text = note.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    let version = note.as_ref().map(|n| n.version);
    let diagnoses = record
        .diagnoses
        .iter()
        .filter(|d| d.visit_id == v.id)
        .cloned()
        .collect();
    let medicines =
        ops::prescriptions::medicines_of(ctx.db, ctx.session, &v.patient_id, ctx.clock())?.current;
    Ok(Open {
        patient,
        banner: record.allergies.clone(),
        editor: NoteEditor::new(&text, version),
        note,
        addenda,
        vitals: record.vitals.clone(),
        diagnoses,
        problems: record.problems.clone(),
        medicines,
        selected: 0,
        via_glass: record.via_glass,
        stale: false,
        saved_at: None,
        mode: Mode::Overview,
        visit: v,
    })
}

/// Saves the typed note when it changed; a refusal keeps the text typed
/// (a stale version stops the saving on ticks until the visit is read
/// again). `quiet` says nothing when it saved.
pub(super) fn save_draft(o: &mut Open, ctx: &mut Ctx, quiet: bool) -> Said {
    if !o.editor.dirty || o.signed() {
        return Said::Nothing;
    }
    let text: NoteText = o.editor.text();
    match ops::visits::save_draft(
        ctx.db,
        ctx.session,
        &o.visit.id,
        &text,
        o.editor.version,
        ctx.clock(),
    ) {
        Ok(n) => {
            o.editor.version = Some(n.version);
            o.editor.dirty = false;
            o.saved_at = Some(n.saved_at);
            o.note = Some(n);
            if quiet {
                Said::Nothing
            } else {
                Said::Info("Draft saved.".into())
            }
        }
        Err(e) => {
            o.stale = true;
            match said_error(e) {
                Said::Error(m) => Said::Error(format!("{m} (what you typed is still on screen)")),
                other => other,
            }
        }
    }
}

impl Visits {
    pub(super) fn perform_visit(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let now = ctx.now;
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        match &mut o.mode {
            Mode::Writing => match action {
                Action::NextField => o.editor.move_focus(true),
                Action::PrevField => o.editor.move_focus(false),
                Action::NewLine => o.editor.new_line(now),
                Action::Up => o.editor.line(true),
                Action::Down => o.editor.line(false),
                Action::Back => {
                    o.mode = Mode::Overview;
                    return save_draft(o, ctx, false);
                }
                Action::SignNote => return self.ask_sign(ctx),
                Action::Refresh => return self.reread(ctx, "Read again."),
                _ => {}
            },
            Mode::Vitals(_) => return self.perform_vitals(action, ctx),
            Mode::Codes(_) | Mode::Diagnosis(_) => return self.perform_codes(action, ctx),
            Mode::Prescribe(_) => return self.perform_prescribe(action, ctx),
            Mode::LabOrder(_) => return self.perform_lab_order(action, ctx),
            Mode::LabResults(_) => return self.perform_lab_results(action, ctx),
            Mode::Trends => {
                if action == Action::Back {
                    o.mode = Mode::Overview;
                }
            }
            Mode::Overview => return self.perform_overview(action, ctx),
        }
        Said::Nothing
    }

    fn perform_overview(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        let entries = o.entries().len();
        match action {
            Action::Up => o.selected = o.selected.saturating_sub(1),
            Action::Down => o.selected = (o.selected + 1).min(entries.saturating_sub(1)),
            Action::Back => return self.back_to_list(ctx),
            Action::WriteNote => {
                if o.signed() {
                    return Said::Info(
                        "The note is signed and never changes: a adds an addendum.".into(),
                    );
                }
                o.mode = Mode::Writing;
            }
            Action::SignNote => return self.ask_sign(ctx),
            Action::AddAddendum => {
                if !o.signed() {
                    return Said::Info(
                        "The note is not signed yet: change the draft itself (Enter), and sign it with Ctrl+S.".into(),
                    );
                }
                return Question::prompt(
                    Prompt::new("Addendum to the signed note. Why is it added?", "Reason"),
                    Asked::AddendumReason,
                )
                .unsaved("Quit and throw away the addendum you were typing?")
                .into();
            }
            Action::RecordVitals => {
                let scale = o
                    .vitals
                    .iter()
                    .find(|s| s.error.is_none())
                    .map(|s| s.vitals.spo2_scale);
                o.mode = Mode::Vitals(Box::new(VitalsEntry::new(
                    o.patient.details.birth_date,
                    ctx.today(),
                    scale,
                )));
            }
            Action::ShowTrends => o.mode = Mode::Trends,
            Action::OrderLabTests => {
                if let Some(said) =
                    refused(ctx, Permission::OrderLabTests, "order laboratory tests")
                {
                    return said;
                }
                o.mode = Mode::LabOrder(Box::default());
                return Said::Info(
                    "Type part of a test's name, its code or LOINC code; ↑↓ and Enter add it."
                        .into(),
                );
            }
            Action::ShowLabResults => return self.show_lab_results(ctx),
            Action::MarkInError => return ask_in_error(o),
            Action::AddDiagnosis => {
                o.mode = Mode::Codes(Box::new(super::codes_popup::CodeSearch::new(
                    super::codes_popup::Purpose::Diagnosis,
                )));
            }
            Action::AddProblem => {
                o.mode = Mode::Codes(Box::new(super::codes_popup::CodeSearch::new(
                    super::codes_popup::Purpose::Problem,
                )));
            }
            Action::ResolveProblem => {
                let Some(super::Entry::Problem(i)) = o.selected_entry() else {
                    return Said::Info(
                        "Select a problem with ↑↓ first (the list beside the note).".into(),
                    );
                };
                let p = &o.problems[i];
                if p.resolved_on.is_some() {
                    return Said::Info("That problem is resolved already.".into());
                }
                let mut prompt = Prompt::new(
                    format!(
                        "Resolve the problem {} {}. On which day?",
                        p.coded.code, p.coded.text
                    ),
                    "Date",
                );
                let today = ctx.today().format(ctx.settings.date_pattern()).to_string();
                prompt.answer = crate::tui::widgets::field::Field::new("Date").with_value(&today);
                return Question::prompt(prompt, Asked::ResolveProblem { id: p.id.clone() }).into();
            }
            Action::RecordAllergy => {
                return Question::prompt(
                    Prompt::new(
                        "Allergy as substance, reaction, severity (mild, moderate or severe) — or none for no known allergies:",
                        "Allergy",
                    ),
                    Asked::Allergy,
                )
                .unsaved("Quit and throw away the allergy you were typing?")
                .into();
            }
            Action::Refresh => return self.reread(ctx, "Refreshed."),
            Action::Prescribe => {
                if let Some(said) = refused(ctx, Permission::Prescribe, "prescribe") {
                    return said;
                }
                o.mode = Mode::Prescribe(Box::new(PrescribeForm::new()));
                return Said::Info(
                    "Type part of the medicine's name (or its generic name); ↑↓ and Enter choose it."
                        .into(),
                );
            }
            Action::StopMedicine => {
                if let Some(said) = refused(ctx, Permission::Prescribe, "stop medicines") {
                    return said;
                }
                let Some(super::Entry::Medicine(i)) = o.selected_entry() else {
                    return Said::Info(
                        "Select a medicine with ↑↓ first (under Medicines beside the note).".into(),
                    );
                };
                let rx = &o.medicines[i];
                return Question::prompt(
                    Prompt::new(format!("Stop {}? Type why:", rx.label()), "Reason"),
                    Asked::StopMedicine { id: rx.id.clone() },
                )
                .unsaved("Quit and throw away the reason you were typing?")
                .into();
            }
            _ => {}
        }
        Said::Nothing
    }

    fn ask_sign(&mut self, ctx: &mut Ctx) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        if o.signed() {
            return Said::Info("The note is signed already: a adds an addendum.".into());
        }
        let said = save_draft(o, ctx, true);
        if matches!(said, Said::Error(_)) {
            return said;
        }
        if o.note.is_none() {
            return Said::Error("The note is empty: write it before signing.".into());
        }
        Question::confirm(
            format!(
                "Sign the {} note of {}? A signed note never changes; corrections are addenda.",
                o.visit.kind.label(),
                o.patient.details.full_name()
            ),
            Asked::Sign,
        )
        .into()
    }

    /// Reads the open visit again (after a change), keeping the mode's
    /// view of the note; says `done` when it worked.
    pub(super) fn reread(&mut self, ctx: &mut Ctx, done: &str) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        let v = o.visit.clone();
        match read(v, ctx) {
            Ok(mut fresh) => {
                if let Some(o) = self.open_visit_mut() {
                    fresh.selected = o.selected.min(fresh.entries().len().saturating_sub(1));
                    fresh.via_glass |= o.via_glass;
                    let kept = o.editor.dirty && !fresh.signed();
                    if kept {
                        let version = fresh.editor.version;
                        std::mem::swap(&mut fresh.editor, &mut o.editor);
                        fresh.editor.version = version;
                        fresh.mode = Mode::Writing;
                    }
                    let was_stale = o.stale;
                    *o = fresh;
                    if kept && was_stale {
                        return Said::Info(
                            "Read again. What you typed is kept, and saving it replaces the version saved elsewhere."
                                .into(),
                        );
                    }
                }
                Said::Info(done.into())
            }
            Err(e) => said_error(e),
        }
    }
}

/// Asks why the selected entry is wrong, to mark it entered in error.
fn ask_in_error(o: &Open) -> Said {
    let (what, asked) = match o.selected_entry() {
        None => return Said::Info("Nothing to mark: select an entry with ↑↓ first.".into()),
        Some(super::Entry::Set(i)) => {
            let r = &o.vitals[i];
            if r.error.is_some() {
                return Said::Info("That set is marked entered in error already.".into());
            }
            (
                "the selected vitals set".to_string(),
                Asked::VitalsInError { set: r.id.clone() },
            )
        }
        Some(super::Entry::Diagnosis(i)) => {
            let d = &o.diagnoses[i];
            if d.error.is_some() {
                return Said::Info("That diagnosis is marked entered in error already.".into());
            }
            (
                format!("the diagnosis {} {}", d.coded.code, d.coded.text),
                Asked::DiagnosisInError { id: d.id.clone() },
            )
        }
        Some(super::Entry::Medicine(_)) => {
            return Said::Info(
                "A medicine is not marked in error: the prescriber stops it (s), with the reason."
                    .into(),
            );
        }
        Some(super::Entry::Allergy(i)) => {
            let a = &o.banner.allergies[i];
            (
                format!("the allergy to {}", a.substance),
                Asked::AllergyInError { id: a.id.clone() },
            )
        }
        Some(super::Entry::Problem(i)) => {
            let p = &o.problems[i];
            (
                format!("the problem {} {}", p.coded.code, p.coded.text),
                Asked::ProblemInError { id: p.id.clone() },
            )
        }
    };
    Question::prompt(
        Prompt::new(
            format!("Mark {what} entered in error. Why is it wrong?"),
            "Reason",
        ),
        asked,
    )
    .into()
}
