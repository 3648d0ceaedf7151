//! The patients tab, where the front desk lives: search as you type, open a
//! record, register or edit (with duplicate suggestions), verify identity,
//! and for admins delete, restore and merge. Clinicians and pharmacists see
//! the record's clinical page and, in the picker, the allergy banner; `g`
//! breaks the glass on a record outside the reader's care.

pub mod clinical;
pub mod form;
mod keys;
pub mod medicines;
pub mod record;

use crate::domain::display::thousands;
use crate::domain::ids::Id;
use crate::domain::patient::{Patient, PatientInput, age_label};
use crate::domain::role::Permission;
use crate::error::Error;
use crate::ops::patients as ops;
use crate::store::StoreError;
use crate::store::patient_search::{Found, MatchKind};
use crate::store::patients::PatientRow;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Dialog, Heard, Question, Refused};
use crate::tui::screen::LocalDates;
use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::popup::Prompt;
use crate::tui::widgets::table::{ScrollTable, Selection};
use form::{Editing, PatientForm};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row};
use record::PatientRecord;
use std::any::Any;
use std::collections::BTreeMap;

pub use crate::tui::screen::{Ctx, Said, refused, said_error};

/// How many rows around the selection are read from the file.
const WINDOW: usize = 40;

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
    /// The reason typed is for deleting the record open.
    Delete,
    /// The reason typed is for breaking the glass on the record open.
    BreakGlass,
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

    fn audit_search(&mut self, ctx: &mut Ctx) -> Said {
        let Some(query) = self.search.unaudited.take() else {
            return Said::Nothing;
        };
        match ops::record_search(ctx.db, ctx.session, &query, self.search.found.hits.len()) {
            Ok(()) => Said::Nothing,
            Err(e) => said_error(e),
        }
    }

    fn run_search(&mut self, ctx: &mut Ctx) -> Said {
        let s = &mut self.search;
        let with_deleted = s.with_deleted
            && ctx
                .session
                .role()
                .can(Permission::DeleteRestoreMergePatients);
        match ops::find(ctx.db, ctx.session, s.query.value(), with_deleted) {
            Ok(found) => {
                s.found = found;
                s.selected = Selection::default();
                s.rows.clear();
                let q = s.query.value().trim().to_string();
                s.unaudited = (!q.is_empty()).then_some(q);
                let said = self.load_rows(ctx);
                self.read_allergies(ctx);
                said
            }
            Err(e) => said_error(e),
        }
    }

    /// Reads the rows around the selection that are not read yet.
    fn load_rows(&mut self, ctx: &mut Ctx) -> Said {
        let s = &mut self.search;
        let from = s.selected.index().saturating_sub(WINDOW / 2);
        let to = (s.selected.index() + WINDOW).min(s.found.hits.len());
        let missing: Vec<usize> = (from..to).filter(|i| !s.rows.contains_key(i)).collect();
        if missing.is_empty() {
            return Said::Nothing;
        }
        let seqs: Vec<i64> = missing.iter().map(|&i| s.found.hits[i].seq).collect();
        match ops::rows(ctx.db, &seqs) {
            Ok(rows) => {
                for (i, row) in missing.into_iter().zip(rows) {
                    s.rows.insert(i, row);
                }
                if s.rows.len() > 4 * WINDOW {
                    let keep = from..to;
                    s.rows.retain(|i, _| keep.contains(i));
                }
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn move_selection(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let s = &mut self.search;
        s.selected.navigate(action, s.found.hits.len());
        let said = self.load_rows(ctx);
        self.read_allergies(ctx);
        said
    }

    /// Reads the selected patient's allergy banner, in a picker shown to a
    /// role that sees allergies.
    fn read_allergies(&mut self, ctx: &mut Ctx) {
        if !self.picking_for_caller()
            || !ctx
                .session
                .role()
                .can(Permission::ViewAllergiesAndDiagnoses)
        {
            self.search.allergies = None;
            return;
        }
        let Some(id) = self.selected_row().map(|r| r.id.clone()) else {
            self.search.allergies = None;
            return;
        };
        self.search.allergies = Some(
            crate::ops::record::allergy_banner(ctx.db, ctx.session, &id, false)
                .map_err(|e| e.to_string()),
        );
    }

    fn selected_row(&self) -> Option<&PatientRow> {
        self.search.rows.get(&self.search.selected.index())
    }

    /// Validates what is typed, and looks for duplicates when asked.
    fn check_form(form: &mut PatientForm, ctx: &mut Ctx, duplicates: bool) -> Said {
        let input = form.input();
        match ops::check(ctx.db, &input, ctx.now) {
            Ok(_) => form.set_errors(Vec::new()),
            Err(Error::Invalid(errors)) => form.set_errors(errors),
            Err(e) => return said_error(e),
        }
        if duplicates {
            let exclude = form.editing.as_ref().map(|e| e.id.clone());
            match ops::duplicates(ctx.db, ctx.session, &input, exclude.as_ref(), ctx.now) {
                Ok(d) => {
                    form.duplicates = d;
                    if form.duplicates.is_empty() {
                        form.duplicate_focus = None;
                    }
                }
                Err(e) => return said_error(e),
            }
        }
        Said::Nothing
    }

    fn perform_action(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match &mut self.view {
            View::Search => self.perform_search(action, ctx),
            View::Record(_) => self.perform_record(action, ctx),
            View::Form(_) => self.perform_form(action, ctx),
        }
    }

    fn perform_search(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match action {
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => self.move_selection(action, ctx),
            Action::FocusList => {
                self.search.typing = false;
                Said::Nothing
            }
            Action::FocusSearch => {
                self.search.typing = true;
                Said::Nothing
            }
            Action::Open => {
                let Some(row) = self.selected_row().cloned() else {
                    return Said::Info(
                        "Nothing to open: type a name, an MRN, a phone number or a birth date."
                            .into(),
                    );
                };
                if let Some(Pick::MergeInto(survivor)) = self.pick.clone() {
                    return self.ask_merge(&survivor, &row);
                }
                if self.picking_for_caller() {
                    let audited = self.audit_search(ctx);
                    return match ops::open(ctx.db, ctx.session, &row.id) {
                        Ok(p) => {
                            self.outcome = Some(PickOutcome::Chosen(Box::new(p)));
                            audited
                        }
                        Err(e) => said_error(e),
                    };
                }
                // The search's event is committed with the opening's.
                let query = self.search.unaudited.take();
                let searched = query
                    .as_deref()
                    .and_then(|q| ops::search_event(q, self.search.found.hits.len()));
                let clock = ctx.clock();
                let opened = crate::ops::record::open_patient(
                    ctx.db,
                    ctx.session,
                    &row.id,
                    clock,
                    clinical::PAGE,
                    searched,
                );
                match opened {
                    Ok((p, clinical)) => {
                        let clinical = record::Clinical::of(clinical);
                        self.view = View::Record(PatientRecord::opened(p, clinical));
                        Said::Nothing
                    }
                    Err(e) => {
                        // Nothing was written: the search is recorded on its own.
                        self.search.unaudited = query;
                        match self.audit_search(ctx) {
                            Said::Nothing => said_error(e),
                            said => said,
                        }
                    }
                }
            }
            Action::Back => match self.pick.take() {
                Some(Pick::MergeInto(survivor)) => {
                    self.view = View::Record(PatientRecord::new(*survivor));
                    Said::Info("Merge cancelled.".into())
                }
                Some(Pick::ForCaller(_)) => {
                    let audited = self.audit_search(ctx);
                    self.outcome = Some(PickOutcome::Cancelled);
                    audited
                }
                None => Said::Nothing,
            },
            Action::NewPatient => {
                if let Some(refused) =
                    refused(ctx, Permission::RegisterPatients, "register patients")
                {
                    return refused;
                }
                let audited = self.audit_search(ctx);
                self.form_return = None;
                self.view = View::Form(PatientForm::new(PatientInput::default(), None));
                audited
            }
            Action::Edit => {
                let Some(row) = self.selected_row().cloned() else {
                    return Said::Nothing;
                };
                let audited = self.audit_search(ctx);
                match ops::open(ctx.db, ctx.session, &row.id) {
                    Ok(p) => {
                        let said = self.edit(p, ctx);
                        if said == Said::Nothing { audited } else { said }
                    }
                    Err(e) => said_error(e),
                }
            }
            Action::ToggleDeleted => {
                if let Some(refused) = refused(
                    ctx,
                    Permission::DeleteRestoreMergePatients,
                    "see deleted patients",
                ) {
                    return refused;
                }
                self.search.with_deleted = !self.search.with_deleted;
                let said = self.run_search(ctx);
                if said != Said::Nothing {
                    return said;
                }
                Said::Info(if self.search.with_deleted {
                    "Showing deleted patients too (marked DELETED).".into()
                } else {
                    "Deleted patients hidden.".into()
                })
            }
            _ => Said::Nothing,
        }
    }

    fn edit(&mut self, p: Patient, ctx: &mut Ctx) -> Said {
        if let Some(refused) = refused(ctx, Permission::RegisterPatients, "edit patients") {
            return refused;
        }
        if p.merged_into.is_some() || p.deleted_at.is_some() {
            return Said::Error(
                "This record is deleted or merged: restore it, or edit the surviving record."
                    .into(),
            );
        }
        let input =
            PatientInput::from_details(&p.details, ctx.settings.date_pattern(), ctx.today());
        let editing = Editing {
            id: p.id.clone(),
            version: p.version,
            mrn: p.mrn.clone(),
        };
        let mut form = PatientForm::new(input, Some(editing));
        Self::check_form(&mut form, ctx, true);
        self.form_return = Some(PatientRecord::new(p));
        self.view = View::Form(form);
        Said::Nothing
    }

    fn perform_record(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Record(record) = &mut self.view else {
            return Said::Nothing;
        };
        let id = record.patient.id.clone();
        if record.reading {
            match action {
                Action::Back => {
                    record.reading = false;
                    record.scroll = 0;
                }
                Action::Up => record.scroll = record.scroll.saturating_sub(1),
                Action::Down => record.scroll = record.scroll.saturating_add(1).min(200),
                _ => {}
            }
            return Said::Nothing;
        }
        match action {
            Action::ToggleClinical => {
                if record.clinical.open().is_none() {
                    return Said::Info("The clinical record is not open to you here.".into());
                }
                record.clinical_page = !record.clinical_page;
                record.scroll = 0;
                Said::Nothing
            }
            Action::Back => {
                self.view = View::Search;
                self.run_search(ctx)
            }
            Action::NextField | Action::PrevField if record.clinical_page => {
                let n = record.clinical.visits();
                if n == 0 {
                    return Said::Info("No visits to choose.".into());
                }
                record.visit = if action == Action::NextField {
                    (record.visit + 1) % n
                } else {
                    (record.visit + n - 1) % n
                };
                Said::Nothing
            }
            Action::Open if record.clinical_page => {
                if record.clinical.visits() == 0 {
                    return Said::Info("This patient has no visits yet.".into());
                }
                record.reading = true;
                record.scroll = 0;
                Said::Nothing
            }
            Action::BreakGlass => {
                if !matches!(record.clinical, record::Clinical::Glass) {
                    return Said::Info("The clinical record is not closed to you here.".into());
                }
                if let Some(refused) = refused(ctx, Permission::BreakTheGlass, "break the glass") {
                    return refused;
                }
                let p = &record.patient;
                let prompt = Prompt::new(
                    format!(
                        "{} {} is not in your care. To open the clinical record, type why (it is recorded in the audit trail):",
                        p.mrn,
                        p.details.full_name()
                    ),
                    "Reason",
                );
                Question::prompt(prompt, Pending::BreakGlass).into()
            }
            Action::Up => {
                record.scroll = record.scroll.saturating_sub(1);
                Said::Nothing
            }
            Action::Down => {
                record.scroll = record.scroll.saturating_add(1).min(60);
                Said::Nothing
            }
            Action::Edit => {
                let p = record.patient.clone();
                self.edit(p, ctx)
            }
            Action::StartVisit => {
                let admitted = matches!(&record.admissions, Some(Ok(list))
                    if list.iter().any(|(a, _)| a.discharged_at.is_none()));
                start_visit(&id, admitted, ctx)
            }
            Action::VerifyIdentity => match ops::verify_identity(ctx.db, ctx.session, &id, ctx.now)
            {
                Ok(p) => {
                    let msg = format!(
                        "Identity of {} marked verified by {}.",
                        p.mrn, ctx.session.user.user_name
                    );
                    record.patient = p;
                    Said::Info(msg)
                }
                Err(e) => said_error(e),
            },
            Action::DeletePatient => {
                if let Some(refused) = refused(
                    ctx,
                    Permission::DeleteRestoreMergePatients,
                    "delete patients",
                ) {
                    return refused;
                }
                let p = &record.patient;
                let prompt = Prompt::new(
                    format!(
                        "Delete {} {}? The record is kept, hidden from searches, and an administrator can restore it. Type the reason:",
                        p.mrn,
                        p.details.full_name()
                    ),
                    "Reason",
                );
                Question::prompt(prompt, Pending::Delete).into()
            }
            Action::RestorePatient => match ops::restore(ctx.db, ctx.session, &id, ctx.now) {
                Ok(p) => {
                    let msg = format!("{} restored.", p.mrn);
                    record.patient = p;
                    Said::Info(msg)
                }
                Err(e) => said_error(e),
            },
            Action::MergePatient => {
                if let Some(refused) = refused(
                    ctx,
                    Permission::DeleteRestoreMergePatients,
                    "merge patients",
                ) {
                    return refused;
                }
                let survivor = record.patient.clone();
                let msg = format!(
                    "Find the duplicate record to merge into {} {}, then press Enter.",
                    survivor.mrn,
                    survivor.details.full_name()
                );
                self.pick = Some(Pick::MergeInto(Box::new(survivor)));
                self.search.typing = true;
                self.search.query.clear();
                self.view = View::Search;
                let said = self.run_search(ctx);
                if said != Said::Nothing {
                    said
                } else {
                    Said::Info(msg)
                }
            }
            _ => Said::Nothing,
        }
    }

    fn perform_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        if form.duplicate_focus.is_some() {
            return match action {
                Action::Up | Action::Down => {
                    form.move_duplicate(action == Action::Down);
                    Said::Nothing
                }
                Action::Back => {
                    form.duplicate_focus = None;
                    Said::Nothing
                }
                Action::Open => {
                    let Some(d) = form
                        .duplicate_focus
                        .and_then(|i| form.duplicates.get(i))
                        .cloned()
                    else {
                        return Said::Nothing;
                    };
                    match ops::open(ctx.db, ctx.session, &d.row.id) {
                        Ok(p) => {
                            let chosen = self.picking_for_caller();
                            if let Some(p) = self.choose_for_caller(p) {
                                self.view = View::Record(PatientRecord::new(p));
                            }
                            Said::Info(if chosen {
                                "Chose the existing record instead; nothing was registered.".into()
                            } else {
                                "Opened the existing record instead; nothing was registered.".into()
                            })
                        }
                        Err(e) => said_error(e),
                    }
                }
                _ => Said::Nothing,
            };
        }
        match action {
            Action::NextField => {
                form.next_field();
                Self::check_form(form, ctx, false)
            }
            Action::PrevField => {
                form.prev_field();
                Self::check_form(form, ctx, false)
            }
            Action::FocusDuplicates => {
                if form.duplicates.is_empty() {
                    Said::Info("No possible duplicates for what is typed so far.".into())
                } else {
                    form.duplicate_focus = Some(0);
                    Said::Nothing
                }
            }
            Action::Cancel => {
                if form.changed() {
                    Question::confirm(
                        "Throw away what you typed in this form?",
                        Pending::DiscardForm,
                    )
                    .into()
                } else {
                    self.close_form(ctx)
                }
            }
            Action::Save => {
                form.tried_to_save = true;
                let said = Self::check_form(form, ctx, true);
                if said != Said::Nothing {
                    return said;
                }
                if ops::check(ctx.db, &form.input(), ctx.now).is_err() {
                    form.focus_first_error();
                    return Said::Error(
                        "Some fields need correcting: see the messages under them.".into(),
                    );
                }
                if form.editing.is_none() && !form.duplicates.is_empty() {
                    let question = format!(
                        "{} possible duplicate(s) are listed on the right (Ctrl+D to look). Register a new patient anyway?",
                        form.duplicates.len()
                    );
                    return Question::confirm(question, Pending::SaveDespiteDuplicates).into();
                }
                self.save(ctx, &[])
            }
            _ => Said::Nothing,
        }
    }

    fn close_form(&mut self, ctx: &mut Ctx) -> Said {
        match self.form_return.take() {
            Some(r) => {
                self.view = View::Record(r);
                Said::Nothing
            }
            None => {
                self.view = View::Search;
                self.run_search(ctx)
            }
        }
    }

    fn save(&mut self, ctx: &mut Ctx, despite: &[String]) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        let input = form.input();
        match form.editing.clone() {
            None => match ops::register(ctx.db, ctx.session, &input, despite, ctx.now) {
                Ok(p) => {
                    let msg = format!(
                        "Registered {} {}: give the patient this MRN.",
                        p.mrn,
                        p.details.full_name()
                    );
                    self.form_return = None;
                    match self.choose_for_caller(p) {
                        Some(p) => self.view = View::Record(PatientRecord::new(p)),
                        None => self.view = View::Search,
                    }
                    Said::Info(msg)
                }
                Err(e) => said_error(e),
            },
            Some(editing) => match ops::update(
                ctx.db,
                ctx.session,
                &editing.id,
                editing.version,
                &input,
                ctx.now,
            ) {
                Ok(p) => {
                    let msg = format!("Saved {}.", p.mrn);
                    self.form_return = None;
                    self.view = View::Record(PatientRecord::new(p));
                    Said::Info(msg)
                }
                Err(Error::Store(StoreError::Conflict(msg))) => {
                    match crate::ops::patients::current(ctx.db, ctx.session, &editing.id) {
                        Ok(Some(current)) => {
                            let fresh = PatientInput::from_details(
                                &current.details,
                                ctx.settings.date_pattern(),
                                ctx.today(),
                            );
                            let editing = Editing {
                                id: current.id.clone(),
                                version: current.version,
                                mrn: current.mrn.clone(),
                            };
                            form.reset(fresh, Some(editing));
                            self.form_return = Some(PatientRecord::new(current));
                        }
                        Ok(None) => {}
                        Err(e) => return said_error(e),
                    }
                    let mut c = msg.chars();
                    Said::Error(
                        c.next()
                            .map(|f| f.to_uppercase().chain(c).collect())
                            .unwrap_or(msg),
                    )
                }
                Err(e) => said_error(e),
            },
        }
    }

    fn ask_merge(&mut self, survivor: &Patient, other: &PatientRow) -> Said {
        if other.id == survivor.id {
            return Said::Error(
                "That is the record you are merging into: choose the duplicate.".into(),
            );
        }
        let question = format!(
            "Merge {} {} INTO {} {}? {} keeps its MRN and gains what it lacks, with the other's appointments, admissions and medicines; {} will find it from now on.",
            other.mrn,
            other.name,
            survivor.mrn,
            survivor.details.full_name(),
            survivor.mrn,
            other.mrn
        );
        let then = Pending::Merge {
            survivor: survivor.id.clone(),
            other: other.id.clone(),
        };
        Question::confirm(question, then).into()
    }

    /// Carries out what a question of the stack was asked for. A refused
    /// deletion keeps its reason prompt open.
    fn answer(&mut self, then: Pending, answer: Answer, ctx: &mut Ctx) -> Heard {
        let reason = match (answer, &then) {
            (Answer::Cancelled, Pending::Delete) => {
                return Ok(Said::Info("Nothing was deleted.".into()));
            }
            (Answer::Text(reason), Pending::Delete) => reason,
            (Answer::Cancelled, Pending::BreakGlass) => {
                return Ok(Said::Info(
                    "The glass was not broken; the clinical record stays closed.".into(),
                ));
            }
            (Answer::Text(reason), Pending::BreakGlass) => return self.break_glass(&reason, ctx),
            (Answer::Yes, _) => String::new(),
            _ => return Ok(Said::Nothing),
        };
        Ok(match then {
            Pending::DiscardForm => self.close_form(ctx),
            Pending::SaveDespiteDuplicates => {
                let despite: Vec<String> = match &self.view {
                    View::Form(f) => f.duplicates.iter().map(|d| d.row.mrn.clone()).collect(),
                    _ => Vec::new(),
                };
                self.save(ctx, &despite)
            }
            Pending::Merge { survivor, other } => {
                match ops::merge(ctx.db, ctx.session, &survivor, &other, ctx.now) {
                    Ok(p) => {
                        self.pick = None;
                        let msg = format!("Merged into {}: its record now holds both.", p.mrn);
                        self.view = View::Record(PatientRecord::new(p));
                        Said::Info(msg)
                    }
                    Err(e) => said_error(e),
                }
            }
            Pending::Delete => return self.delete(reason, ctx),
            Pending::BreakGlass => Said::Nothing,
        })
    }

    /// Breaks the glass with the typed reason, then opens the clinical
    /// record; a refused reason keeps the prompt open.
    fn break_glass(&mut self, reason: &str, ctx: &mut Ctx) -> Heard {
        let View::Record(record) = &mut self.view else {
            return Ok(Said::Nothing);
        };
        let clock = ctx.clock();
        match crate::ops::clinical::break_glass(
            ctx.db,
            ctx.session,
            &record.patient.id,
            reason,
            clock,
        ) {
            Ok(()) => {
                record.load_clinical(ctx);
                record.clinical_page = record.clinical.open().is_some();
                Ok(Said::Info(format!(
                    "Glass broken for {}: the clinical record is open, and your reason is in the audit trail.",
                    record.patient.mrn
                )))
            }
            Err(e) => Err(Refused {
                about: Box::new(Pending::BreakGlass),
                said: said_error(e),
                field_error: None,
            }),
        }
    }

    fn delete(&mut self, reason: String, ctx: &mut Ctx) -> Heard {
        let View::Record(record) = &mut self.view else {
            return Ok(Said::Nothing);
        };
        match ops::delete(ctx.db, ctx.session, &record.patient.id, &reason, ctx.now) {
            Ok(p) => {
                let msg = format!(
                    "{} deleted. An administrator can restore it (x shows deleted patients).",
                    p.mrn
                );
                self.view = View::Search;
                let said = self.run_search(ctx);
                Ok(if said != Said::Nothing {
                    said
                } else {
                    Said::Info(msg)
                })
            }
            Err(e) => Err(Refused {
                about: Box::new(Pending::Delete),
                said: said_error(e),
                field_error: None,
            }),
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, clock: &LocalDates, theme: &Theme) {
        match &self.view {
            View::Search => self.render_search(frame, area, clock, theme),
            View::Record(r) => r.render(frame, area, clock, theme),
            View::Form(f) => f.render(frame, area, clock.today, theme),
        }
    }

    fn render_search(&self, frame: &mut Frame, area: Rect, clock: &LocalDates, theme: &Theme) {
        let s = &self.search;
        let [banner, query_area, count_area, allergy_area, table_area] = Layout::vertical([
            Constraint::Length(if self.pick.is_some() { 1 } else { 0 }),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(u16::from(s.allergies.is_some())),
            Constraint::Min(0),
        ])
        .areas(area);
        if let Some(a) = &s.allergies {
            let name = self
                .selected_row()
                .map(|r| format!(" {}: ", r.name))
                .unwrap_or_default();
            let mut line = crate::tui::widgets::allergies::line_or_error(a, "", theme);
            line.spans.insert(0, Span::raw(name));
            frame.render_widget(Paragraph::new(line), allergy_area);
        }
        let heading = match &self.pick {
            Some(Pick::MergeInto(survivor)) => Some(format!(
                " Merging into {} {}: choose the duplicate record",
                survivor.mrn,
                survivor.details.full_name()
            )),
            Some(Pick::ForCaller(purpose)) => Some(format!(" {purpose}")),
            None => None,
        };
        if let Some(heading) = heading {
            frame.render_widget(Paragraph::new(Span::styled(heading, theme.warn())), banner);
        }
        let q = Rect {
            x: query_area.x + 1,
            width: query_area.width.saturating_sub(2),
            ..query_area
        };
        s.query.render(frame, q, 5, s.typing, theme);

        let n = s.found.hits.len();
        let count = if n == 0 && s.query.value().trim().is_empty() {
            "No patients registered yet: Ctrl+N registers the first".to_string()
        } else if s.found.hits.iter().all(|h| h.kind == MatchKind::Recent)
            && s.query.value().trim().is_empty()
        {
            format!("Latest {n} registrations · type a name, MRN, phone or birth date")
        } else if s.found.more {
            format!(
                "{}+ found, best first: type more to narrow",
                thousands(n as u64)
            )
        } else {
            format!("{} found", thousands(n as u64))
        };
        let shown = if n == 0 {
            String::new()
        } else {
            format!(" · {} of {}", s.selected.index() + 1, thousands(n as u64))
        };
        let mut spans = vec![Span::styled(format!(" {count}{shown}"), theme.muted())];
        if let Some(note) = &s.found.note {
            spans = vec![Span::styled(format!(" {note}"), theme.error())];
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), count_area);

        let wide = table_area.width >= 100;
        let mut widths = vec![
            Constraint::Length(13),
            Constraint::Min(16),
            Constraint::Length(3),
            Constraint::Length(5),
            Constraint::Length(10),
            Constraint::Length(16),
        ];
        let mut header = vec!["MRN", "Name", "Sex", "Age", "Born", "Phone"];
        if wide {
            widths.push(Constraint::Length(12));
            header.push("Match");
        }
        let table = ScrollTable::new(Row::new(header).style(theme.header()), widths)
            .highlight(theme.selected())
            .block(Block::bordered());
        table.render(frame, table_area, Some(s.selected.index()), n, |i| {
            let Some(r) = s.rows.get(&i) else {
                return Row::new(vec![String::from("…")]);
            };
            let mut name = r.name.clone();
            if r.deleted {
                name = format!("DELETED {name}");
            }
            if let Some(bed) = &r.bed {
                name = format!("{name} · IN {bed}");
            }
            let mut cells = vec![
                r.mrn.clone(),
                name,
                r.sex.to_string(),
                age_label(r.birth_date, r.estimated, clock.today),
                r.birth_date.format(clock.date_pattern).to_string(),
                r.phone.clone(),
            ];
            if wide {
                cells.push(
                    s.found
                        .hits
                        .get(i)
                        .map(|h| h.kind.label())
                        .unwrap_or("")
                        .to_string(),
                );
            }
            Row::new(cells)
        });
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
            View::Record(_) => false,
        }
    }

    /// Text typed where the cursor is: the search box or a form field.
    fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        match &mut self.view {
            View::Search => {
                if !self.search.typing {
                    return Said::Nothing;
                }
                let before = self.search.query.value().to_string();
                self.search.query.type_key(key);
                if self.search.query.value() != before {
                    return self.run_search(ctx);
                }
                Said::Nothing
            }
            View::Form(form) => {
                if form.duplicate_focus.is_some() {
                    return Said::Nothing;
                }
                let identity_changed = form.type_key(key);
                Self::check_form(form, ctx, identity_changed)
            }
            View::Record(_) => Said::Nothing,
        }
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.has_unsaved_input()
            .then_some("Quit and throw away the patient form you were typing?")
    }

    /// The search is being left (another tab, the lock, quitting): its final
    /// query goes to the audit trail.
    fn leave(&mut self, ctx: &mut Ctx) -> Said {
        self.audit_search(ctx)
    }

    /// The desk's search and selection stay as they were.
    fn shown_again(&mut self, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        Patients::render(self, frame, area, &view.dates, view.theme)
    }
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

/// Starts a visit of the patient in the visits area: a nurse's nursing
/// note; a doctor's ward round when the patient is admitted, else an
/// outpatient consultation.
fn start_visit(patient: &crate::domain::ids::Id, admitted: bool, ctx: &Ctx) -> Said {
    use crate::domain::role::{Permission, Role};
    use crate::domain::visit::VisitKind;
    if let Some(r) = crate::tui::screen::refused(ctx, Permission::ClinicalWorklist, "start visits")
    {
        return r;
    }
    let kind = if ctx.session.role() == Role::Nurse {
        VisitKind::NursingNote
    } else if admitted {
        VisitKind::WardRound
    } else {
        VisitKind::Outpatient
    };
    Said::Go(crate::tui::screen::Request::StartVisit {
        patient: patient.clone(),
        kind,
    })
}
