//! The patients tab, where the front desk lives: search as you type, open a
//! record, register or edit (with duplicate suggestions), verify identity,
//! and for admins delete, restore and merge. Clinicians and pharmacists see
//! the record's clinical page and, in the picker, the allergy banner; `g`
//! breaks the glass on a record outside the reader's care.
//!
//! The tab's state and its `Screen` lie here; what the keys do lies beside
//! it by view: `search.rs` (the list), `record_actions.rs` (an open
//! record), `registration.rs` (the form) and `answers.rs` (the questions).

mod answers;
mod check_in;
pub mod clinical;
mod duplicates_panel;
pub mod form;
mod keys;
pub mod medicines;
mod merge_preview;
mod portal_account;
pub mod record;
mod record_actions;
mod registration;
mod search;

use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::store::patient_search::Found;
use crate::store::patients::PatientRow;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Dialog, Heard};
use crate::tui::screen::LocalDates;
use crate::tui::theme::Theme;
use crate::tui::widgets::field::{Edit, Field as TextField};
use crate::tui::widgets::table::Selection;
use form::PatientForm;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use record::PatientRecord;
use std::any::Any;
use std::collections::BTreeMap;

pub use crate::tui::screen::{Ctx, Request, Said, not_pasted, refused, said_error};

/// The search box and its results.
struct Search {
    query: TextField,
    typing: bool,
    found: Found,
    with_deleted: bool,
    selected: Selection,
    rows: BTreeMap<usize, PatientRow>,
    /// The query to record in the audit trail when the search is left.
    unaudited: Option<String>,
    /// The selected patient's allergy banner, in a picker for a clinician
    /// or pharmacist (read for the selected row only, without an event:
    /// choosing the patient writes the READ).
    allergies: Option<Result<crate::ops::record::AllergyBanner, String>>,
}

/// Why the search is picking a patient.
#[derive(Debug, Clone)]
enum Pick {
    /// The record to merge into the one open (the survivor).
    MergeInto(Box<Patient>),
    /// Another screen asked for a patient; the text says what for.
    ForCaller(String),
}

/// How a picker opened by another screen ended.
#[derive(Debug, Clone)]
pub enum PickOutcome {
    /// The patient chosen, or registered from inside the picker; opening it
    /// was audited as a READ.
    Chosen(Box<Patient>),
    /// The user left the picker without choosing.
    Cancelled,
}

enum View {
    Search,
    Record(PatientRecord),
    Form(PatientForm),
}

/// What a question asked on the popup stack is for.
#[derive(Debug, Clone)]
enum Pending {
    SaveDespiteDuplicates,
    DiscardForm,
    Merge {
        survivor: Id,
        other: Id,
    },
    /// Undoing the merge found from this record.
    Unmerge(Id),
    /// The reason typed is for deleting the record open.
    Delete,
    /// The reason typed is for taking a wrongly recorded death off the
    /// record open.
    CorrectDeath,
    /// The reason typed is for breaking the glass on the record open.
    BreakGlass,
    /// Throwing away the laboratory order being typed on the record.
    DiscardLabOrder,
    /// Check the record's patient in although they are an inpatient.
    CheckInInpatient,
}

pub struct Patients {
    search: Search,
    view: View,
    pick: Option<Pick>,
    /// The view to return to from a form (the record it edits).
    form_return: Option<PatientRecord>,
    /// How the picker ended, until the calling screen takes it.
    outcome: Option<PickOutcome>,
}

impl Patients {
    /// The tab as it opens: the search box, showing recent registrations.
    pub fn new(ctx: &mut Ctx) -> Patients {
        let mut p = Patients {
            search: Search {
                query: TextField::new("Find").wide(60),
                typing: true,
                found: Found::default(),
                with_deleted: false,
                selected: Selection::default(),
                rows: BTreeMap::new(),
                unaudited: None,
                allergies: None,
            },
            view: View::Search,
            pick: None,
            form_return: None,
            outcome: None,
        };
        p.run_search(ctx);
        p
    }

    /// The patients search as a picker for another screen (booking, admitting,
    /// dispensing). `purpose` heads it, e.g. "Admit which patient?". Ctrl+N
    /// registers a new patient without leaving; saving chooses them.
    pub fn picker(ctx: &mut Ctx, purpose: &str) -> Patients {
        let mut p = Patients::new(ctx);
        p.pick = Some(Pick::ForCaller(purpose.to_string()));
        p.read_allergies(ctx);
        p
    }

    /// How the picker ended, once: the calling screen asks after every key.
    pub fn outcome(&mut self) -> Option<PickOutcome> {
        self.outcome.take()
    }

    fn picking_for_caller(&self) -> bool {
        matches!(self.pick, Some(Pick::ForCaller(_)))
    }

    /// Ends a caller's pick with this patient, when one is under way.
    fn choose_for_caller(&mut self, p: Patient) -> Option<Patient> {
        if self.picking_for_caller() {
            self.outcome = Some(PickOutcome::Chosen(Box::new(p)));
            None
        } else {
            Some(p)
        }
    }

    /// Whether a form holds typed input that leaving would lose.
    pub fn has_unsaved_input(&self) -> bool {
        matches!(&self.view, View::Form(f) if f.changed())
    }

    fn perform_action(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match &mut self.view {
            View::Search => self.perform_search(action, ctx),
            View::Record(_) => self.perform_record(action, ctx),
            View::Form(_) => self.perform_form(action, ctx),
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, clock: &LocalDates, theme: &Theme) {
        match &self.view {
            View::Search => self.render_search(frame, area, clock, theme),
            View::Record(r) => r.render(frame, area, clock, theme),
            View::Form(f) => f.render(frame, area, clock.today, theme),
        }
    }
}

impl Patients {
    /// A key typed or a text pasted where the cursor is: the search box
    /// (the results follow it), a form field, or the laboratory order.
    fn edit_text(&mut self, edit: Edit, ctx: &mut Ctx) -> Said {
        match &mut self.view {
            View::Search => {
                if !self.search.typing {
                    return Said::Nothing;
                }
                let before = self.search.query.value().to_string();
                self.search.query.edit(edit);
                if self.search.query.value() != before {
                    return self.run_search(ctx);
                }
                Said::Nothing
            }
            View::Form(form) => {
                if form.duplicate_focus.is_some() {
                    return Said::Nothing;
                }
                let identity_changed = form.edit(edit);
                Self::check_form(form, ctx, identity_changed)
            }
            View::Record(r) => match (r.lab_order.as_mut(), edit) {
                (Some(f), Edit::Key(key)) => f.type_key(key, ctx),
                (Some(f), Edit::Paste(text)) => f.paste(text, ctx),
                (None, _) => Said::Nothing,
            },
        }
    }
}

impl crate::tui::screen::Screen for Patients {
    /// The key table in force.
    fn table(&self) -> &'static [Binding] {
        match &self.view {
            View::Search if self.picking_for_caller() => keys::PATIENT_PICK_OR_REGISTER,
            View::Search if self.pick.is_some() => keys::PATIENT_PICK,
            View::Search if self.search.typing => keys::PATIENT_SEARCH,
            View::Search => keys::PATIENT_LIST,
            View::Record(r) if r.lab_order.is_some() => r
                .lab_order
                .as_ref()
                .map_or(keys::PATIENT_RECORD, |f| f.table()),
            View::Record(r) if r.lab.is_some() => {
                r.lab.as_ref().map_or(keys::PATIENT_RECORD, |l| l.table())
            }
            View::Record(r) if r.reading => keys::PATIENT_VISIT_NOTE,
            View::Record(r) if r.clinical == record::Clinical::Glass => keys::PATIENT_RECORD_GLASS,
            View::Record(r) if r.clinical_page => keys::PATIENT_CLINICAL_PAGE,
            View::Record(r) if r.clinical.open().is_some() => keys::PATIENT_RECORD_CLINICAL,
            View::Record(_) => keys::PATIENT_RECORD,
            View::Form(f) if f.duplicate_focus.is_some() => keys::PATIENT_DUPLICATES,
            View::Form(_) => keys::PATIENT_FORM,
        }
    }

    /// What the help overlay calls the current view.
    fn title(&self) -> &'static str {
        match &self.view {
            View::Search if self.pick.is_some() => "Choose a patient",
            View::Search => "Patients",
            View::Record(_) => "Patient record",
            View::Form(_) => "Patient form",
        }
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let said = self.perform_action(action, ctx);
        if let View::Record(r) = &mut self.view {
            r.load_sections(ctx);
        }
        said
    }

    /// The answer to a confirmation or the deletion's reason.
    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        if about.is::<portal_account::PortalClosed>() {
            if let View::Record(r) = &mut self.view {
                r.load_portal(ctx);
            }
            return Ok(Said::Nothing);
        }
        let Ok(then) = about.downcast::<Pending>() else {
            return Ok(Said::Nothing);
        };
        let heard = self.answer(*then, answer, ctx);
        if let View::Record(r) = &mut self.view {
            r.load_sections(ctx);
        }
        heard
    }

    /// Whether typed characters go into a field (so `?` is text, not help).
    fn takes_text(&self) -> bool {
        match &self.view {
            View::Search => self.search.typing,
            View::Form(f) => f.duplicate_focus.is_none(),
            View::Record(r) => r.lab_order.is_some(),
        }
    }

    /// Text typed where the cursor is: the search box or a form field.
    fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        self.edit_text(Edit::Key(key), ctx)
    }

    /// Text pasted where the cursor is, as text: a line break in it never
    /// opens a record, its letters never act on one.
    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> Said {
        let takes = match &self.view {
            View::Search => self.search.typing,
            View::Form(f) => f.duplicate_focus.is_none() && f.on_text(),
            View::Record(r) => r.lab_order.is_some(),
        };
        if !takes {
            return not_pasted();
        }
        self.edit_text(Edit::Paste(text), ctx)
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        if let View::Record(r) = &self.view
            && r.lab_order.as_ref().is_some_and(|f| f.changed())
        {
            return Some(
                "Quit and throw away the laboratory order you were writing? Nothing is ordered.",
            );
        }
        self.has_unsaved_input()
            .then_some("Quit and throw away the patient form you were typing?")
    }

    /// The search is being left (another tab, the lock, quitting): its final
    /// query goes to the audit trail.
    fn leave(&mut self, ctx: &mut Ctx) -> Said {
        self.audit_search(ctx)
    }

    /// Another tab asks for a patient's record (Enter on an appointment or
    /// a queue row): it opens as a search result's does, audited as a READ,
    /// unless a form here holds what was typed.
    fn open_request(&mut self, request: Request, ctx: &mut Ctx) -> Said {
        let Request::OpenRecord { patient } = request else {
            return Said::Nothing;
        };
        if self.unsaved_input().is_some() {
            return Said::Info(
                "The patients tab holds a form you were typing: save it (Ctrl+S) or leave it (Esc), then open the record again."
                    .into(),
            );
        }
        let audited = self.audit_search(ctx);
        let opened = crate::ops::record::open_patient(
            ctx.db,
            ctx.session,
            &patient,
            ctx.clock(),
            clinical::PAGE,
            None,
        );
        match opened {
            Ok((p, clinical)) => {
                self.pick = None;
                self.form_return = None;
                let mut record = PatientRecord::opened(p, record::Clinical::of(clinical));
                record.load_sections(ctx);
                self.view = View::Record(record);
                audited
            }
            Err(e) => said_error(e),
        }
    }

    /// The desk's search and selection stay as they were.
    fn shown_again(&mut self, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        Patients::render(self, frame, area, &view.dates, view.theme)
    }
}

/// Whether the patients tab takes another screen's request: opening a
/// patient's record.
pub fn accepts(request: &Request) -> bool {
    matches!(request, Request::OpenRecord { .. })
}

/// The patients search as the patient picker popup (see [`Patients::picker`]).
pub fn patient_picker(ctx: &mut Ctx, purpose: &str) -> Box<dyn Dialog> {
    Box::new(Patients::picker(ctx, purpose))
}

impl Dialog for Patients {
    /// The patient chosen or registered, or the picker left.
    fn finished(&mut self) -> Option<Answer> {
        self.outcome().map(|o| match o {
            PickOutcome::Chosen(p) => Answer::Patient(p),
            PickOutcome::Cancelled => Answer::Cancelled,
        })
    }
}
