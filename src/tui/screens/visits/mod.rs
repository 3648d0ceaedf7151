//! The visits tab: the clinician's worklist of the day, and the visit —
//! its patient with the allergy banner, the note written as a draft that
//! saves itself, signing and addenda, vitals with NEWS2 and trends,
//! diagnoses from the code list, allergies and problems. Opening a patient
//! outside the clinician's care asks for a reason and breaks the glass.
//!
//! The folder holds the whole area: this file the tab's state and its
//! [`Screen`] implementation; `worklist` and `visit` what each view does
//! with its keys; `note` the note's sections; `vitals_form` and
//! `codes_popup` the forms over a visit; `prescribe_form` prescribing (and
//! `prescribe_draw` its drawing); `answers` the questions asked; `draw` and
//! `draw_visit` the drawing; `keys` the key tables. The visit lists the
//! patient's current medicines; a prescriber prescribes and stops them.

mod answers;
mod codes_popup;
mod draw;
mod draw_visit;
mod keys;
mod lab;
mod lab_alerts;
mod note;
mod prescribe_draw;
mod prescribe_form;
mod visit;
mod vitals_form;
mod worklist;

use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::domain::user::Clinician;
use crate::domain::visit::VisitKind;
use crate::error::Error;
use crate::ops::record::AllergyBanner;
use crate::ops::worklist::Worklist;
use crate::store::clinical::conditions::{Diagnosis, Problem};
use crate::store::clinical::visits::{Addendum, Note, Visit};
use crate::store::clinical::vitals::VitalsRecord;
use crate::store::prescriptions::Prescription;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard, Question};
use crate::tui::screen::{Ctx, Request, Said, Screen, not_pasted, said_error};
use crate::tui::widgets::field::Edit;
use crate::tui::widgets::popup::Prompt;
use crate::tui::widgets::table::Selection;
use chrono::{DateTime, Utc};
use codes_popup::CodeSearch;
use note::NoteEditor;
use prescribe_form::PrescribeForm;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use std::any::Any;
use std::cell::Cell;
use vitals_form::VitalsEntry;

/// Whether the visits tab takes another screen's request: opening an
/// appointment's visit, or starting one.
pub fn accepts(r: &Request) -> bool {
    matches!(r, Request::OpenVisit { .. } | Request::StartVisit { .. })
}

/// A visit open on the screen, with what it shows.
pub(crate) struct Open {
    pub visit: Visit,
    pub patient: Patient,
    pub banner: AllergyBanner,
    pub note: Option<Note>,
    pub editor: NoteEditor,
    pub addenda: Vec<Addendum>,
    /// The patient's sets, newest first (those in error included).
    pub vitals: Vec<VitalsRecord>,
    /// This visit's diagnoses.
    pub diagnoses: Vec<Diagnosis>,
    pub problems: Vec<Problem>,
    /// The patient's current medicines, oldest first.
    pub medicines: Vec<Prescription>,
    /// The entry selected beside the note (see [`Open::entries`]).
    pub selected: usize,
    /// Opened by breaking the glass.
    pub via_glass: bool,
    /// A save was refused as stale: saving on ticks stops until reloaded.
    pub stale: bool,
    pub saved_at: Option<DateTime<Utc>>,
    pub mode: Mode,
}

/// How many of the patient's latest vitals sets the visit lists.
pub(crate) const SETS_SHOWN: usize = 6;

/// An entry listed beside the note, which ↑↓ select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    Set(usize),
    Diagnosis(usize),
    Medicine(usize),
    Allergy(usize),
    Problem(usize),
}

impl Open {
    /// The entries beside the note, in the order drawn: the latest vitals
    /// sets, this visit's diagnoses, the current medicines, the standing
    /// allergies, the problems.
    pub fn entries(&self) -> Vec<Entry> {
        let sets = (0..self.vitals.len().min(SETS_SHOWN)).map(Entry::Set);
        let diagnoses = (0..self.diagnoses.len()).map(Entry::Diagnosis);
        let medicines = (0..self.medicines.len()).map(Entry::Medicine);
        let allergies = (0..self.banner.allergies.len()).map(Entry::Allergy);
        let problems = self
            .problems
            .iter()
            .enumerate()
            .filter(|(_, p)| p.error.is_none())
            .map(|(i, _)| Entry::Problem(i));
        sets.chain(diagnoses)
            .chain(medicines)
            .chain(allergies)
            .chain(problems)
            .collect()
    }

    /// The entry selected, if any.
    pub fn selected_entry(&self) -> Option<Entry> {
        self.entries().get(self.selected).copied()
    }

    /// Whether the note is signed (read-only).
    pub fn signed(&self) -> bool {
        self.note.as_ref().is_some_and(|n| n.signed_at.is_some())
    }
}

/// What the visit shows over itself.
pub(crate) enum Mode {
    Overview,
    Writing,
    Vitals(Box<VitalsEntry>),
    Codes(Box<CodeSearch>),
    Diagnosis(Box<codes_popup::DiagnosisChoice>),
    Prescribe(Box<PrescribeForm>),
    Trends,
    LabOrder(Box<crate::tui::widgets::lab_order::LabOrderForm>),
    LabResults(Box<crate::tui::widgets::lab_results::ResultsView>),
}

enum View {
    Worklist,
    Visit(Box<Open>),
}

/// What a question of the tab is for.
pub(crate) enum Asked {
    /// The reason to break the glass, then what to open.
    BreakGlass {
        patient: Id,
        then: Target,
    },
    Sign,
    AddendumReason,
    AddendumText {
        reason: String,
    },
    VitalsInError {
        set: Id,
    },
    DiagnosisInError {
        id: Id,
    },
    AllergyInError {
        id: Id,
    },
    ProblemInError {
        id: Id,
    },
    Allergy,
    NewVisitPatient,
    NewVisitKind {
        patient: Id,
    },
    ProblemOnset {
        code: crate::ops::codes::Code,
    },
    ResolveProblem {
        id: Id,
    },
    DiscardVitals,
    /// The reason to stop a medicine.
    StopMedicine {
        id: Id,
    },
    DiscardPrescription,
    DiscardLabOrder,
    /// Acknowledging an open critical laboratory result.
    AcknowledgeCritical {
        result: Id,
    },
}

/// What to open once the glass is broken.
#[derive(Clone)]
pub(crate) enum Target {
    Request(Request),
    Visit(Visit),
}

/// The visits tab's state.
pub struct Visits {
    clinicians: Vec<Clinician>,
    /// The clinician whose worklist is shown.
    showing: Option<Id>,
    list: Option<Worklist>,
    selected: Selection,
    /// How many rows the worklist's table last had room for: the rows whose
    /// facts are read after each key.
    rows_in_view: Cell<usize>,
    view: View,
    /// The signed-in clinician prescribes (the keys offered differ).
    prescriber: bool,
    /// The laboratory's alerts on the clinician's own worklist.
    alerts: lab_alerts::LabAlerts,
}

impl Visits {
    /// The tab as it opens: the signed-in clinician's worklist.
    pub fn open(ctx: &mut Ctx) -> (Visits, Said) {
        let mut v = Visits {
            clinicians: Vec::new(),
            showing: Some(ctx.session.user.id.clone()),
            list: None,
            selected: Selection::default(),
            rows_in_view: Cell::new(0),
            view: View::Worklist,
            prescriber: ctx
                .session
                .role()
                .can(crate::domain::role::Permission::Prescribe),
            alerts: Default::default(),
        };
        let said = v.load(ctx, true);
        (v, said)
    }

    fn open_visit(&self) -> Option<&Open> {
        match &self.view {
            View::Visit(o) => Some(o),
            View::Worklist => None,
        }
    }

    fn open_visit_mut(&mut self) -> Option<&mut Open> {
        match &mut self.view {
            View::Visit(o) => Some(o),
            View::Worklist => None,
        }
    }

    /// Opens a target (a request, or a visit of the worklist), asking to
    /// break the glass when the patient is outside the clinician's care.
    fn open_target(&mut self, target: Target, ctx: &mut Ctx) -> Said {
        let opened = match &target {
            Target::Request(Request::OpenVisit { appointment, .. }) => {
                crate::ops::visits::open_for_appointment(
                    ctx.db,
                    ctx.session,
                    appointment,
                    ctx.clock(),
                )
            }
            Target::Request(Request::StartVisit { patient, kind }) => {
                crate::ops::visits::start(ctx.db, ctx.session, patient, *kind, ctx.clock())
            }
            Target::Visit(v) => Ok(v.clone()),
            // Not a visit: the patients tab takes it (see `accepts`).
            Target::Request(Request::OpenRecord { .. }) => return Said::Nothing,
        };
        let patient = match &target {
            Target::Request(Request::OpenVisit { patient, .. })
            | Target::Request(Request::StartVisit { patient, .. })
            | Target::Request(Request::OpenRecord { patient }) => patient.clone(),
            Target::Visit(v) => v.patient_id.clone(),
        };
        let result = opened.and_then(|v| self.show_visit(v, ctx));
        match result {
            Ok(said) => said,
            Err(Error::BreakGlassNeeded(m)) => Question::prompt(
                Prompt::new(
                    format!("{}. Why do you open it?", note::capital(&m)),
                    "Reason",
                ),
                Asked::BreakGlass {
                    patient,
                    then: target,
                },
            )
            .unsaved("Quit and throw away the reason you were typing?")
            .into(),
            Err(e) => said_error(e),
        }
    }

    /// Reads a visit and the patient's record and shows it.
    fn show_visit(&mut self, v: Visit, ctx: &mut Ctx) -> crate::error::Result<Said> {
        let open = visit::read(v, ctx)?;
        let writing = !open.signed();
        let name = open.patient.details.full_name();
        let kind = open.visit.kind.label();
        let mut open = open;
        if writing {
            open.mode = Mode::Writing;
        }
        self.view = View::Visit(Box::new(open));
        Ok(Said::Info(format!(
            "{} of {name} open{}",
            note::capital(kind),
            if writing {
                ": type the note; Esc for vitals, diagnoses and signing."
            } else {
                "."
            }
        )))
    }

    /// Saves the typed note as a draft when it changed (leaving, locking,
    /// a pause in typing).
    fn save_draft(&mut self, ctx: &mut Ctx, quiet: bool) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        visit::save_draft(o, ctx, quiet)
    }
}

impl Screen for Visits {
    fn table(&self) -> &'static [Binding] {
        match &self.view {
            View::Worklist if !self.alerts.criticals.is_empty() => keys::WORKLIST_CRITICAL,
            View::Worklist => keys::WORKLIST,
            View::Visit(o) => match &o.mode {
                Mode::Overview if o.signed() && self.prescriber => keys::PRESCRIBER_SIGNED_VISIT,
                Mode::Overview if o.signed() => keys::SIGNED_VISIT,
                Mode::Overview if self.prescriber => keys::PRESCRIBER_VISIT,
                Mode::Overview => keys::VISIT,
                Mode::Writing => keys::NOTE,
                Mode::Vitals(f) if f.on_choice() => keys::VITALS_CHOICE,
                Mode::Vitals(_) => keys::VITALS,
                Mode::Codes(_) => keys::CODES,
                Mode::Diagnosis(_) => keys::VITALS_CHOICE,
                Mode::Prescribe(f) if f.on_medicine() => keys::PRESCRIBE_MEDICINE,
                Mode::Prescribe(f) if f.on_choice() => keys::PRESCRIBE_CHOICE,
                Mode::Prescribe(_) => keys::PRESCRIBE,
                Mode::Trends => keys::TRENDS,
                Mode::LabOrder(f) => f.table(),
                Mode::LabResults(v) => v.table(),
            },
        }
    }

    fn title(&self) -> &'static str {
        match &self.view {
            View::Worklist => "Worklist",
            View::Visit(o) => match &o.mode {
                Mode::Overview => "Visit",
                Mode::Writing => "Writing the note",
                Mode::Vitals(_) => "Vitals",
                Mode::Codes(_) => "Code search",
                Mode::Diagnosis(_) => "Diagnosis",
                Mode::Prescribe(_) => "Prescribing",
                Mode::Trends => "Trends",
                Mode::LabOrder(_) => "Laboratory order",
                Mode::LabResults(v) if v.showing_trend() => "Laboratory trend",
                Mode::LabResults(_) => "Laboratory results",
            },
        }
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match &self.view {
            View::Worklist => self.perform_worklist(action, ctx),
            View::Visit(_) => self.perform_visit(action, ctx),
        }
    }

    fn takes_text(&self) -> bool {
        matches!(
            self.open_visit().map(|o| &o.mode),
            Some(
                Mode::Writing
                    | Mode::Vitals(_)
                    | Mode::Codes(_)
                    | Mode::Prescribe(_)
                    | Mode::LabOrder(_)
            )
        )
    }

    fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        let now = ctx.now;
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        match &mut o.mode {
            Mode::Writing => o.editor.type_key(key, now),
            Mode::Vitals(f) => f.type_key(key),
            Mode::Codes(c) => return c.type_key(Edit::Key(key), ctx),
            Mode::Prescribe(f) => return f.type_key(key, ctx),
            Mode::LabOrder(f) => return f.type_key(key, ctx),
            _ => {}
        }
        Said::Nothing
    }

    /// Text pasted where the cursor is: the note (its lines kept), a form's
    /// typed field or the codes' search; the worklist and a visit's page
    /// take none.
    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> Said {
        let now = ctx.now;
        let Some(o) = self.open_visit_mut() else {
            return not_pasted();
        };
        match &mut o.mode {
            Mode::Writing => o.editor.paste(text, now),
            Mode::Vitals(f) => {
                if !f.paste(text) {
                    return not_pasted();
                }
            }
            Mode::Codes(c) => return c.type_key(Edit::Paste(text), ctx),
            Mode::Prescribe(f) => return f.paste(text, ctx),
            Mode::LabOrder(f) => return f.paste(text, ctx),
            _ => return not_pasted(),
        }
        Said::Nothing
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        match self.open_visit().map(|o| &o.mode) {
            Some(Mode::Vitals(f)) if f.changed() => {
                Some("Quit and throw away the vitals you were typing?")
            }
            Some(Mode::Prescribe(f)) if f.changed() => Some(
                "Quit and throw away the prescription you were writing? Nothing is prescribed.",
            ),
            Some(Mode::LabOrder(f)) if f.changed() => Some(
                "Quit and throw away the laboratory order you were writing? Nothing is ordered.",
            ),
            _ if self.open_visit().is_some_and(|o| o.stale && o.editor.dirty) => Some(
                "Quit and throw away the note you typed? It could not be saved (Ctrl+R reads the visit again and keeps it).",
            ),
            _ => None,
        }
    }

    fn leave(&mut self, ctx: &mut Ctx) -> Said {
        self.save_draft(ctx, true)
    }

    fn tick(&mut self, ctx: &mut Ctx) -> Said {
        let now = ctx.now;
        match self.open_visit() {
            Some(o) if o.editor.due(now) && !o.stale => self.save_draft(ctx, true),
            _ => Said::Nothing,
        }
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        match about.downcast::<Asked>() {
            Ok(asked) => self.answer(*asked, answer, ctx),
            Err(_) => Ok(Said::Nothing),
        }
    }

    fn open_request(&mut self, request: Request, ctx: &mut Ctx) -> Said {
        let said = self.save_draft(ctx, true);
        if matches!(said, Said::Error(_)) {
            return said;
        }
        self.open_target(Target::Request(request), ctx)
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        match &self.view {
            View::Worklist => self.load(ctx, false),
            View::Visit(_) => Said::Nothing,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        match &self.view {
            View::Worklist => self.render_worklist(frame, area, view),
            View::Visit(o) => draw_visit::render(o, frame, area, view),
        }
    }
}

/// The kinds a clinician may start from the worklist, as typed in the
/// prompt (the first letter is enough).
pub(crate) fn kind_named(text: &str) -> Option<VisitKind> {
    let t = text.trim().to_lowercase();
    let kinds = [
        ("walk-in", VisitKind::WalkIn),
        ("nursing note", VisitKind::NursingNote),
        ("antenatal visit", VisitKind::Antenatal),
        ("outpatient consultation", VisitKind::Outpatient),
        ("ward round", VisitKind::WardRound),
    ];
    if t.is_empty() {
        return None;
    }
    kinds
        .iter()
        .find(|(name, _)| name.starts_with(&t) || name.replace('-', " ").starts_with(&t))
        .map(|(_, k)| *k)
}
