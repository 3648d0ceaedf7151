//! The laboratory order form, over a visit or a patient's record (the
//! prescribing form's sibling): tests found in the catalogue as one types (code, name or
//! LOINC), Enter adding the highlighted test to the order (or taking it
//! off again), several tests; the priority; clinical notes for the lab.
//! Ctrl+S orders them: one order per specimen, each with its accession
//! number, told back to the clinician.

use crate::domain::ids::Id;
use crate::domain::prescribing::Priority;
use crate::ops;
use crate::store::lab::StoredTest;
use crate::tui::keymap::rows::{CANCEL, CHOICES, FIELDS, TAB_FIELDS, arrows, table};
use crate::tui::keymap::{Action, Binding, b, ctrl, plain};
use crate::tui::screen::{Ctx, Said, not_pasted, said_error};
use crate::tui::theme::Theme;
use crate::tui::widgets::field::{Edit, Field};
use crate::tui::widgets::form::{Choice, Form, Input, Look};
use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Ctrl+S on the form: order the tests chosen.
const SAVE: &[Binding] = &[b(&[ctrl('s')], Action::Save, "order", true)];

/// The form on its notes.
pub const LAB_ORDER: &[Binding] = table![SAVE, FIELDS, CANCEL];

/// The form on the priority.
pub const LAB_ORDER_CHOICE: &[Binding] = table![SAVE, CHOICES, TAB_FIELDS, CANCEL];

/// The form on the test search: the catalogue found as one types, Enter
/// adding the highlighted test (or taking it off).
pub const LAB_ORDER_TESTS: &[Binding] = table![
    SAVE,
    &[b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "add or remove test",
        true
    )],
    arrows!("test found"),
    &[
        b(
            &[plain(KeyCode::Tab)],
            Action::NextField,
            "next field",
            false,
        ),
        b(
            &[plain(KeyCode::BackTab)],
            Action::PrevField,
            "previous field",
            false,
        ),
    ],
    CANCEL,
];

const FIND: usize = 0;
const PRIORITY: usize = 1;
const NOTES: usize = 2;

/// Routine first: what an order is unless the clinician says otherwise.
const PRIORITIES: [Priority; 3] = [Priority::Routine, Priority::Urgent, Priority::Stat];

/// The tests the catalogue finds for the typed text, at most this many.
const FOUND_SHOWN: usize = 8;

/// The form and what it found.
pub struct LabOrderForm {
    form: Form,
    /// The catalogue's tests matching the typed text.
    hits: Vec<StoredTest>,
    /// The highlighted line of the hits.
    hit: usize,
    /// The tests on the order, in the order chosen.
    chosen: Vec<StoredTest>,
    touched: bool,
}

impl Default for LabOrderForm {
    fn default() -> Self {
        LabOrderForm::new()
    }
}

impl LabOrderForm {
    /// An empty order: no test, routine, no notes.
    pub fn new() -> LabOrderForm {
        let form = Form::new(vec![
            Input::Text(Field::new("Find test").wide(40)),
            Input::Choice(
                Choice::new(
                    "Priority",
                    PRIORITIES.iter().map(|p| p.to_string()).collect(),
                )
                .at(0),
            ),
            Input::Text(Field::new("Notes").wide(60)),
        ]);
        LabOrderForm {
            form,
            hits: Vec::new(),
            hit: 0,
            chosen: Vec::new(),
            touched: false,
        }
    }

    /// Whether anything was typed or chosen.
    pub fn changed(&self) -> bool {
        self.touched
    }

    pub fn on_choice(&self) -> bool {
        self.form.focused_is_choice()
    }

    /// The key table in force.
    pub fn table(&self) -> &'static [Binding] {
        if self.on_tests() {
            LAB_ORDER_TESTS
        } else if self.on_choice() {
            LAB_ORDER_CHOICE
        } else {
            LAB_ORDER
        }
    }

    /// The cursor is in the test search.
    pub fn on_tests(&self) -> bool {
        self.form.focus() == FIND
    }

    /// A key typed into the focused field; the tests found follow the text.
    pub fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        self.edit(Edit::Key(key), ctx)
    }

    /// Text pasted into the focused field, when it is a typed one.
    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) -> Said {
        if !self.form.on_text() {
            return not_pasted();
        }
        self.edit(Edit::Paste(text), ctx)
    }

    fn edit(&mut self, edit: Edit, ctx: &mut Ctx) -> Said {
        if !self.form.edit(edit) {
            return Said::Nothing;
        }
        self.touched = true;
        if self.on_tests() {
            let typed = self.form.text(FIND).trim().to_string();
            if typed.is_empty() {
                self.hits.clear();
            } else {
                match ops::lab_catalogue::find(ctx.db, ctx.session, &typed) {
                    Ok(mut hits) => {
                        hits.truncate(FOUND_SHOWN);
                        self.hits = hits;
                    }
                    Err(e) => return said_error(e),
                }
            }
            self.hit = 0;
        }
        Said::Nothing
    }

    fn move_hit(&mut self, down: bool) {
        if self.hits.is_empty() {
            return;
        }
        self.hit = if down {
            (self.hit + 1).min(self.hits.len() - 1)
        } else {
            self.hit.saturating_sub(1)
        };
    }

    /// Enter on a test found: on the order, or off it when it was on.
    fn toggle(&mut self) -> Said {
        let Some(t) = self.hits.get(self.hit).cloned() else {
            return Said::Info(
                "Type part of a test's name, its code or LOINC code, then Enter on the line found."
                    .into(),
            );
        };
        self.touched = true;
        let words = format!("{} {}", t.test.code, t.test.name);
        if let Some(i) = self.chosen.iter().position(|c| c.id == t.id) {
            self.chosen.remove(i);
            return Said::Info(format!("{words} taken off the order."));
        }
        self.chosen.push(t);
        self.form.set_text(FIND, "");
        self.hits.clear();
        self.hit = 0;
        Said::Info(format!(
            "{words} added: type the next test, or Tab to the priority; Ctrl+S orders."
        ))
    }

    fn priority(&self) -> Priority {
        PRIORITIES
            .get(self.form.choice(PRIORITY))
            .copied()
            .unwrap_or(Priority::Routine)
    }
}

/// What a key on the form leads to.
pub enum Step {
    /// The form stays, with what to say.
    Stay(Said),
    /// The form closes (ordered, or left untouched), with what to say.
    Close(Said),
    /// Leaving would throw away what was typed: ask first.
    AskDiscard,
}

/// The question asked before throwing away a typed order.
pub const DISCARD_QUESTION: &str =
    "Throw away the laboratory order you were writing? Nothing is ordered.";

impl LabOrderForm {
    /// What `action` does on the form; Ctrl+S orders the tests for
    /// `patient`, from `visit` or (without one) for their admission.
    pub fn perform(
        &mut self,
        action: Action,
        ctx: &mut Ctx,
        patient: &Id,
        visit: Option<&Id>,
    ) -> Step {
        match action {
            Action::Up if self.on_tests() => self.move_hit(false),
            Action::Down if self.on_tests() => self.move_hit(true),
            Action::Open if self.on_tests() => return Step::Stay(self.toggle()),
            Action::NextField => self.form.next(),
            Action::PrevField => self.form.prev(),
            Action::NextChoice | Action::PrevChoice => {
                self.touched = true;
                self.form.cycle(action == Action::NextChoice);
            }
            Action::Cancel if self.changed() => return Step::AskDiscard,
            Action::Cancel => return Step::Close(Said::Nothing),
            Action::Save => return self.save(ctx, patient, visit),
            _ => {}
        }
        Step::Stay(Said::Nothing)
    }

    fn save(&mut self, ctx: &mut Ctx, patient: &Id, visit: Option<&Id>) -> Step {
        if self.chosen.is_empty() {
            self.form.focus_on(FIND);
            return Step::Stay(Said::Error(
                "Not ordered: no test chosen. Type part of a test's name, its code or LOINC code, then Enter on the line found.".into(),
            ));
        }
        let codes: Vec<&str> = self.chosen.iter().map(|t| t.test.code.as_str()).collect();
        let notes = self.form.text(NOTES).trim().to_string();
        let input = ops::lab::OrderInput {
            patient,
            visit,
            tests: &codes,
            priority: self.priority(),
            clinical_notes: &notes,
        };
        match ops::lab::order(ctx.db, ctx.session, &input, ctx.clock()) {
            Ok(orders) => {
                let made: Vec<String> = orders
                    .iter()
                    .map(|x| {
                        let tests: Vec<&str> = x.tests.iter().map(|t| t.code.as_str()).collect();
                        format!("{} {} ({})", x.accession, x.specimen, tests.join(", "))
                    })
                    .collect();
                Step::Close(Said::Info(format!(
                    "Ordered, {}: {}. Label each specimen with its accession number.",
                    priority_words(orders.first().map(|x| x.priority)),
                    made.join("; ")
                )))
            }
            Err(e) => Step::Stay(said_error(e)),
        }
    }
}

fn priority_words(p: Option<Priority>) -> String {
    p.map_or_else(|| "routine".to_string(), |p| p.to_string())
}

fn cut(s: String, width: usize) -> String {
    crate::tui::widgets::lab_results::cut(&s, width)
}

/// Draws the form into `area`: the fields on the left; on the right the
/// tests found while the search has the cursor, then the tests on the order.
pub fn render(f: &LabOrderForm, frame: &mut Frame, area: Rect, theme: &Theme) {
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            " Laboratory order · Enter adds the test found · Ctrl+S orders · Esc back",
            theme.title(),
        )),
        title,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    f.form
        .render(frame, left, Look::new(10).errors_below(), true, theme);
    let width = usize::from(right.width.saturating_sub(2)).max(10);
    let mut lines = Vec::new();
    if f.on_tests() {
        if f.form.text(FIND).trim().is_empty() {
            lines.push(Line::from(Span::styled(
                "Type part of a name, a code or a LOINC code.",
                theme.muted(),
            )));
        } else if f.hits.is_empty() {
            lines.push(Line::from(Span::styled(
                "No test in the catalogue matches.",
                theme.muted(),
            )));
        }
        for (i, h) in f.hits.iter().enumerate() {
            let on = f.chosen.iter().any(|c| c.id == h.id);
            let style = if i == f.hit {
                theme.selected()
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(
                cut(
                    format!(
                        "{}{} {} · {}{}",
                        if i == f.hit { "›" } else { " " },
                        h.test.code,
                        h.test.name,
                        h.test.specimen,
                        if on { " (on the order)" } else { "" }
                    ),
                    width,
                ),
                style,
            )));
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(
        match f.chosen.len() {
            0 => "On the order: no test yet".to_string(),
            n => format!("On the order: {n} test{}", if n == 1 { "" } else { "s" }),
        },
        theme.header(),
    )));
    for t in &f.chosen {
        lines.push(Line::from(cut(
            format!(" {} {} · {}", t.test.code, t.test.name, t.test.specimen),
            width,
        )));
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Tests ")),
        right,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::assert_no_key_twice;

    #[test]
    fn no_table_binds_one_key_twice() {
        for t in [LAB_ORDER, LAB_ORDER_CHOICE, LAB_ORDER_TESTS] {
            assert_no_key_twice(t);
        }
    }
}
