//! Finding a code as one types (by code, or by words of its description in
//! any order), then, for a diagnosis, choosing primary or secondary and
//! provisional or confirmed before it is saved; for a problem, its onset.

use super::{Asked, Mode, Visits};
use crate::domain::conditions::{Certainty, Rank};
use crate::ops;
use crate::ops::codes::{Code, CodeHit};
use crate::ops::diagnoses::DiagnosisInput;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::theme::Theme;
use crate::tui::widgets::field::{Edit, Field};
use crate::tui::widgets::form::{Choice, Form, Input, Look};
use crate::tui::widgets::popup::Prompt;
use crate::tui::widgets::table::{Column, Line as TableLine, ScrollTable, Selection};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Paragraph};

/// How many codes a search shows.
const SHOWN: usize = 50;

/// What the code is chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Diagnosis,
    Problem,
}

/// The search box and its results.
pub struct CodeSearch {
    purpose: Purpose,
    query: Field,
    hits: Vec<CodeHit>,
    more: bool,
    system: String,
    selected: Selection,
}

impl CodeSearch {
    pub fn new(purpose: Purpose) -> CodeSearch {
        CodeSearch {
            purpose,
            query: Field::new("Find").wide(50),
            hits: Vec::new(),
            more: false,
            system: String::new(),
            selected: Selection::default(),
        }
    }

    /// A key typed (or text pasted) into the search box: the results
    /// follow it.
    pub fn type_key(&mut self, edit: Edit, ctx: &mut Ctx) -> Said {
        self.query.edit(edit);
        if self.query.value().trim().is_empty() {
            self.hits.clear();
            self.more = false;
            return Said::Nothing;
        }
        match ops::codes::search_codes(ctx.db, self.query.value(), SHOWN) {
            Ok(r) => {
                self.hits = r.hits;
                self.more = r.more;
                self.system = r.system;
                self.selected = Selection::default();
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [title, q, count, list] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(area);
        let what = match self.purpose {
            Purpose::Diagnosis => "Diagnosis",
            Purpose::Problem => "Problem",
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(" {what}: type a code or words in any order (diab typ 2, e11.9)"),
                theme.title(),
            )),
            title,
        );
        self.query.render(frame, q, 5, true, theme);
        let n = self.hits.len();
        let words = if self.query.value().trim().is_empty() {
            String::new()
        } else if n == 0 {
            " No code found: try other words, or fewer.".into()
        } else {
            format!(
                " {n}{} {} of {}",
                if self.more { "+" } else { "" },
                if n == 1 && !self.more {
                    "code"
                } else {
                    "codes"
                },
                self.system
            )
        };
        frame.render_widget(Paragraph::new(Span::styled(words, theme.muted())), count);
        let table =
            ScrollTable::new([Column::code("Code"), Column::text("Description", 10).grow()])
                .header_style(theme.header())
                .highlight(theme.selected())
                .block(Block::bordered());
        table.render(frame, list, Some(self.selected.index()), n, |i| {
            let h = &self.hits[i];
            let heading = if h.code.billable { "" } else { " (heading)" };
            TableLine::new(vec![
                h.code.code.clone(),
                format!("{}{heading}", h.code.description),
            ])
        });
    }
}

/// A diagnosis chosen, being ranked before it is saved.
pub struct DiagnosisChoice {
    code: Code,
    form: Form,
}

impl DiagnosisChoice {
    fn new(code: Code, has_primary: bool) -> DiagnosisChoice {
        let form = Form::new(vec![
            Input::Choice(
                Choice::new("Rank", vec!["primary".into(), "secondary".into()])
                    .at(usize::from(has_primary)),
            ),
            Input::Choice(Choice::new(
                "Certainty",
                vec!["provisional".into(), "confirmed".into()],
            )),
        ]);
        DiagnosisChoice { code, form }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [title, body] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    " Diagnosis {} {} — ← → to choose, Ctrl+S to save",
                    self.code.code, self.code.description
                ),
                theme.title(),
            )),
            title,
        );
        self.form.render(frame, body, Look::new(12), true, theme);
    }
}

impl Visits {
    pub(super) fn perform_codes(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        match &mut o.mode {
            Mode::Codes(c) => {
                if c.selected.navigate(action, c.hits.len()) {
                    return Said::Nothing;
                }
                match action {
                    Action::Cancel => o.mode = Mode::Overview,
                    Action::Open => {
                        let Some(hit) = c.hits.get(c.selected.index()) else {
                            return Said::Info("Type a code or words to find it first.".into());
                        };
                        let code = hit.code.clone();
                        match c.purpose {
                            Purpose::Diagnosis => {
                                let has_primary = o
                                    .diagnoses
                                    .iter()
                                    .any(|d| d.error.is_none() && d.rank == Rank::Primary);
                                o.mode = Mode::Diagnosis(Box::new(DiagnosisChoice::new(
                                    code,
                                    has_primary,
                                )));
                            }
                            Purpose::Problem => {
                                o.mode = Mode::Overview;
                                return Question::prompt(
                                    Prompt::new(
                                        format!(
                                            "Problem {} {}. Since when (a date, or empty)?",
                                            code.code, code.description
                                        ),
                                        "Onset",
                                    ),
                                    Asked::ProblemOnset { code },
                                )
                                .into();
                            }
                        }
                    }
                    _ => {}
                }
                Said::Nothing
            }
            Mode::Diagnosis(d) => match action {
                Action::NextField => {
                    d.form.next();
                    Said::Nothing
                }
                Action::PrevField => {
                    d.form.prev();
                    Said::Nothing
                }
                Action::NextChoice => {
                    d.form.cycle(true);
                    Said::Nothing
                }
                Action::PrevChoice => {
                    d.form.cycle(false);
                    Said::Nothing
                }
                Action::Cancel => {
                    o.mode = Mode::Overview;
                    Said::Nothing
                }
                Action::Save => {
                    let rank = if d.form.choice(0) == 0 {
                        Rank::Primary
                    } else {
                        Rank::Secondary
                    };
                    let certainty = if d.form.choice(1) == 0 {
                        Certainty::Provisional
                    } else {
                        Certainty::Confirmed
                    };
                    let input = DiagnosisInput {
                        visit: &o.visit.id,
                        code_system: &d.code.system,
                        code: &d.code.code,
                        text: &d.code.description,
                        rank,
                        certainty,
                    };
                    match ops::diagnoses::add(ctx.db, ctx.session, &input, ctx.clock()) {
                        Ok(_) => {
                            o.mode = Mode::Overview;
                            self.reread(ctx, "Diagnosis added.")
                        }
                        Err(e) => said_error(e),
                    }
                }
                _ => Said::Nothing,
            },
            _ => Said::Nothing,
        }
    }
}
