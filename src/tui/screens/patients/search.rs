//! The desk's search: the query typed, the rows read around the selection
//! (a window, never the whole result), the search's audit event, the
//! allergy banner of a picker, the list's keys and its drawing.

use super::form::PatientForm;
use super::record::PatientRecord;
use super::{Patients, Pick, PickOutcome, View, clinical, record};
use crate::domain::display::thousands;
use crate::domain::patient::{PatientInput, age_label};
use crate::domain::role::Permission;
use crate::ops::patients as ops;
use crate::store::patient_search::MatchKind;
use crate::store::patients::PatientRow;
use crate::tui::keymap::Action;
use crate::tui::screen::{Ctx, LocalDates, Said, refused, said_error};
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Column, Line as TableLine, ScrollTable, Selection};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// How many rows around the selection are read from the file.
const WINDOW: usize = 40;

impl Patients {
    pub(super) fn audit_search(&mut self, ctx: &mut Ctx) -> Said {
        let Some(query) = self.search.unaudited.take() else {
            return Said::Nothing;
        };
        match ops::record_search(ctx.db, ctx.session, &query, self.search.found.hits.len()) {
            Ok(()) => Said::Nothing,
            Err(e) => said_error(e),
        }
    }

    pub(super) fn run_search(&mut self, ctx: &mut Ctx) -> Said {
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
    pub(super) fn read_allergies(&mut self, ctx: &mut Ctx) {
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

    pub(super) fn perform_search(&mut self, action: Action, ctx: &mut Ctx) -> Said {
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
                    return self.ask_merge(&survivor, &row, ctx);
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

    pub(super) fn render_search(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        theme: &Theme,
    ) {
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
        let mut columns = vec![
            Column::code("MRN"),
            Column::text("Name", 16).grow(),
            Column::text("Sex", 3),
            Column::text("Age", 5),
            Column::text("Born", 10),
            Column::code("Phone"),
        ];
        if wide {
            columns.push(Column::text("Match", 5));
        }
        let table = ScrollTable::new(columns)
            .header_style(theme.header())
            .highlight(theme.selected())
            .block(Block::bordered());
        table.render(frame, table_area, Some(s.selected.index()), n, |i| {
            let Some(r) = s.rows.get(&i) else {
                return TableLine::new(["…"]);
            };
            let mut name = r.name.clone();
            if r.deleted {
                name = format!("DELETED {name}");
            }
            if r.deceased {
                name = format!("DECEASED {name}");
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
            TableLine::new(cells)
        });
    }
}
