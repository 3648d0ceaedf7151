//! The Admin tab's settings: every setting with its value, one a line, and
//! what the selected one is for. Enter edits the value in its row (typed,
//! or chosen among a few options); Enter or Ctrl+S saves it through
//! [`crate::ops::settings::set`], the validation and messages of `wardline
//! settings set`, and Esc leaves it as it was.

use super::keys;
use crate::domain::settings::{SettingKey, Settings};
use crate::tui::keymap::{Action, Binding};
use crate::tui::screen::{Ctx, Said, Screen, View, said_error};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::{Choice, Form, Input, Look, wrap};
use crate::tui::widgets::table::{Selection, fit_or_mark};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use strum::IntoEnumIterator;

/// Lines under the list for what the selected setting is for (or why a
/// value was refused).
const ABOUT_LINES: u16 = 3;

/// A value being edited in its row.
struct Editing {
    key: SettingKey,
    /// One field: typed, or a choice among the setting's options.
    form: Form,
    /// Why the value last saved was refused.
    refused: Option<String>,
}

/// The settings section's state.
pub struct SettingsList {
    keys: Vec<SettingKey>,
    values: Settings,
    selected: Selection,
    editing: Option<Editing>,
}

impl SettingsList {
    /// Opens the section, reading the settings; nothing when they cannot be read.
    pub fn open(ctx: &mut Ctx) -> (Option<SettingsList>, Said) {
        match crate::ops::settings::list(ctx.db, ctx.session) {
            Ok(values) => (
                Some(SettingsList {
                    keys: SettingKey::iter().collect(),
                    values,
                    selected: Selection::default(),
                    editing: None,
                }),
                Said::Nothing,
            ),
            Err(e) => (None, said_error(e)),
        }
    }

    fn reload(&mut self, ctx: &mut Ctx) -> Said {
        match crate::ops::settings::list(ctx.db, ctx.session) {
            Ok(values) => {
                *ctx.settings = values.clone();
                self.values = values;
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn selected_key(&self) -> Option<SettingKey> {
        self.keys.get(self.selected.index()).copied()
    }

    /// Opens the selected value for editing in its row.
    fn edit(&mut self) -> Said {
        let Some(key) = self.selected_key() else {
            return Said::Nothing;
        };
        let label: &'static str = key.into();
        let current = self.values.get(key);
        let input = match key.options() {
            Some(options) => {
                let at = options.iter().position(|o| *o == current).unwrap_or(0);
                Input::Choice(Choice::new(label, options).at(at))
            }
            None => Input::Text(Field::new(label).wide(60).with_value(&current)),
        };
        self.editing = Some(Editing {
            key,
            form: Form::new(vec![input]),
            refused: None,
        });
        Said::Nothing
    }

    /// Saves the value edited; a refused one stays in its row with the
    /// reason, as `wardline settings set` words it.
    fn save(&mut self, ctx: &mut Ctx) -> Said {
        let Some(editing) = &mut self.editing else {
            return Said::Nothing;
        };
        let key = editing.key;
        let value = match key.options() {
            Some(options) => options
                .get(editing.form.choice(0))
                .cloned()
                .unwrap_or_default(),
            None => editing.form.text(0).to_string(),
        };
        if key.validate(&value).as_deref() == Ok(self.values.get(key).as_str()) {
            self.editing = None;
            return Said::Info(format!("{key} is unchanged."));
        }
        match crate::ops::settings::set(ctx.db, ctx.session, &key.to_string(), &value) {
            Ok(stored) => {
                self.editing = None;
                match self.reload(ctx) {
                    Said::Nothing => Said::Info(format!("{key} = {stored}: saved.")),
                    said => said,
                }
            }
            Err(e) => {
                // Word for word as `wardline settings set` says it, the
                // setting's name first.
                let message = e.to_string();
                editing.refused = Some(message.clone());
                Said::Error(message)
            }
        }
    }

    fn key_width(&self) -> u16 {
        let longest = self
            .keys
            .iter()
            .map(|k| k.to_string().chars().count())
            .max()
            .unwrap_or(0);
        u16::try_from(longest).unwrap_or(u16::MAX)
    }
}

impl Screen for SettingsList {
    fn table(&self) -> &'static [Binding] {
        match &self.editing {
            None => keys::SETTINGS,
            Some(e) if e.form.focused_is_choice() => keys::SETTING_CHOSEN,
            Some(_) => keys::SETTING_TYPED,
        }
    }

    fn title(&self) -> &'static str {
        match self.editing {
            None => "Admin: settings",
            Some(_) => "Admin: a setting's value",
        }
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if let Some(editing) = &mut self.editing {
            return match action {
                Action::Save => self.save(ctx),
                Action::Cancel => {
                    self.editing = None;
                    Said::Info("Nothing changed.".into())
                }
                Action::NextChoice | Action::PrevChoice => {
                    editing.form.cycle(action == Action::NextChoice);
                    Said::Nothing
                }
                _ => Said::Nothing,
            };
        }
        match action {
            Action::Edit => self.edit(),
            Action::Refresh => match self.reload(ctx) {
                Said::Nothing => Said::Info("Refreshed.".into()),
                said => said,
            },
            other => {
                self.selected.navigate(other, self.keys.len());
                Said::Nothing
            }
        }
    }

    /// A value being edited has the cursor, a choice too (typing the start
    /// of an option picks it).
    fn takes_text(&self) -> bool {
        self.editing.is_some()
    }

    fn type_key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Said {
        if let Some(e) = &mut self.editing
            && e.form.type_key(key)
        {
            e.refused = None;
        }
        Said::Nothing
    }

    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Said {
        match &mut self.editing {
            Some(e) if e.form.on_text() => {
                e.form.paste(text);
                Said::Nothing
            }
            _ => crate::tui::screen::not_pasted(),
        }
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.editing
            .as_ref()
            .filter(|e| e.form.changed())
            .map(|_| "Quit and throw away the setting you were changing?")
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        if self.editing.is_some() {
            return Said::Nothing;
        }
        self.reload(ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        let theme = view.theme;
        let block = Block::bordered().title(format!(" Settings ({}) ", self.keys.len()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let about_height = ABOUT_LINES.min(inner.height);
        let rows = Rect {
            height: inner.height.saturating_sub(about_height + 1),
            ..inner
        };
        let key_width = self.key_width();
        let value_width = usize::from(rows.width.saturating_sub(key_width + 2));
        let visible = usize::from(rows.height);
        let first = self.selected.offset(visible);
        for (line, i) in (first..self.keys.len()).take(visible).enumerate() {
            let key = self.keys[i];
            let r = Rect {
                y: rows.y + u16::try_from(line).unwrap_or(0),
                height: 1,
                ..rows
            };
            let selected = i == self.selected.index();
            if let (true, Some(editing)) = (selected, &self.editing) {
                editing
                    .form
                    .render(frame, r, Look::new(key_width + 1), true, theme);
                continue;
            }
            let style = if selected {
                theme.selected()
            } else {
                ratatui::style::Style::default()
            };
            let text = Line::from(vec![
                Span::styled(
                    format!(" {:>w$} ", key.to_string(), w = usize::from(key_width)),
                    theme.muted(),
                ),
                Span::raw(fit_or_mark(&self.values.get(key), value_width)),
            ]);
            frame.render_widget(Paragraph::new(text).style(style), r);
        }
        let about_area = Rect {
            y: inner.y + inner.height.saturating_sub(about_height),
            height: about_height,
            ..inner
        };
        let width = usize::from(about_area.width.saturating_sub(2)).max(1);
        let (text, style) = match (&self.editing, self.selected_key()) {
            (
                Some(Editing {
                    refused: Some(why), ..
                }),
                _,
            ) => (why.clone(), theme.error()),
            (Some(e), _) => (
                format!(
                    "{}. Enter or Ctrl+S saves, Esc leaves it as it was.",
                    capitalised(e.key.description())
                ),
                theme.muted(),
            ),
            (None, Some(k)) => (
                format!("{}. Enter edits it.", capitalised(k.description())),
                theme.muted(),
            ),
            (None, None) => (String::new(), theme.muted()),
        };
        let lines: Vec<Line> = wrap(&text, width)
            .into_iter()
            .take(usize::from(about_height))
            .map(|l| Line::from(Span::styled(format!(" {l}"), style)))
            .collect();
        frame.render_widget(Paragraph::new(lines), about_area);
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
