//! Drawing the application: the tab bar, the current screen or the sign-in,
//! lock and password screens, the status and hint bars, the help overlay
//! and the popups. Reads state only; never the database.

use super::damage::{damage_banner, damage_lines};
use super::{App, Mode, too_small};
use crate::tui::keymap::{self, Binding};
use crate::tui::screen::{LocalDates, View};
use crate::tui::screens::{help, notice};
use crate::tui::widgets::bars;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Span;

impl App {
    /// Draws the whole screen. Reads state only; never the database.
    pub fn render(&self, frame: &mut Frame) {
        let area = frame.area();
        let theme = self.options.theme;
        self.drawn.set(Some(area));
        if too_small::too_small(area) {
            self.render_too_small(frame);
            return;
        }
        let damage = crate::store::damage::found().map(|d| damage_lines(&d, area.width));
        let banner_height = damage.as_ref().map_or(0, |l| l.len() + 2);
        let right = self.status_right();
        let status_height = bars::status_height(
            self.message.as_ref().map(|m| m.text.as_str()),
            &right,
            area.width,
        );
        let [top, banner, body, status, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(u16::try_from(banner_height).unwrap_or(u16::MAX)),
            Constraint::Min(0),
            Constraint::Length(status_height),
            Constraint::Length(1),
        ])
        .areas(area);
        if let Some(lines) = damage {
            damage_banner(lines, &theme, banner, frame);
        }
        let clock = self.clock();
        let view = View {
            now: self.now,
            clock,
            dates: LocalDates {
                today: clock.today(),
                zone: clock.zone,
                date_pattern: self.settings.date_pattern(),
            },
            settings: &self.settings,
            theme: &theme,
        };
        let (tabs, current) = match &self.mode {
            Mode::Working(w) => (self.tabs(), Some(w.tab)),
            _ => (Vec::new(), None),
        };
        bars::top_bar(
            &self.settings.hospital_name,
            &tabs,
            current,
            &theme,
            top,
            frame.buffer_mut(),
        );

        match &self.mode {
            Mode::SignIn(form) | Mode::Locked { form, .. } => {
                let demo = self
                    .options
                    .demo_accounts
                    .as_deref()
                    .filter(|_| form.locked_by.is_none());
                form.render(frame, body, &self.settings.hospital_name, demo, &theme);
            }
            Mode::ChangePassword { session, form } => {
                form.render(
                    frame,
                    body,
                    &session.user.user_name,
                    self.settings.password_policy().min_length,
                    &theme,
                );
            }
            Mode::Working(w) => match w.shown() {
                Some(screen) => screen.render(frame, body, &view),
                None => notice::render(w.tab, &theme, body, frame.buffer_mut()),
            },
        }
        for entry in self.popups.shown(self.current_tab()) {
            entry.question.render(frame, body, &view);
        }

        let message = self.message.as_ref().map(|m| {
            Span::styled(
                m.text.clone(),
                if m.error {
                    theme.error()
                } else if m.warning {
                    theme.warn()
                } else {
                    theme.ok()
                },
            )
        });
        bars::status_line(message, &right, &theme, status, frame.buffer_mut());
        let role = self.session().map(|s| s.role());
        let offered = |table: &[Binding]| -> Vec<Binding> {
            table
                .iter()
                .filter(|b| b.offered_to(role))
                .copied()
                .collect()
        };
        let tables: Vec<Vec<Binding>> =
            self.tables().into_iter().map(|(_, t)| offered(t)).collect();
        let tables: Vec<&[Binding]> = tables.iter().map(Vec::as_slice).collect();
        bars::hint_bar(&tables, &theme, hints, frame.buffer_mut());

        if self.help {
            let mut sections = self.help_sections();
            if let Some(role) = role {
                for (_, table) in sections.iter_mut() {
                    if std::ptr::eq(*table, keymap::global()) {
                        *table = keymap::global_of(role);
                    }
                }
            }
            let sections: Vec<(&str, Vec<Binding>)> = sections
                .into_iter()
                .map(|(title, t)| (title, offered(t)))
                .collect();
            let sections: Vec<(&str, &[Binding])> = sections
                .iter()
                .map(|(title, t)| (*title, t.as_slice()))
                .collect();
            help::render("Keys", &sections, &theme, body, frame.buffer_mut());
        }
    }

    /// The right of the status line: who is signed in (not while locked)
    /// and the hospital's clock.
    pub(super) fn status_right(&self) -> String {
        let clock = self
            .now
            .with_timezone(&self.zone())
            .format("%a %d %b %H:%M")
            .to_string();
        match self.session() {
            Some(s) if !matches!(self.mode, Mode::Locked { .. }) => {
                format!("{} ({}) · {clock} ", s.user.user_name, s.role().label())
            }
            _ => format!("{clock} "),
        }
    }

    pub(super) fn help_sections(&self) -> Vec<(&'static str, &'static [Binding])> {
        match &self.mode {
            Mode::SignIn(_) => vec![("Sign in", keymap::SIGN_IN)],
            Mode::Locked { .. } => vec![("Screen locked", keymap::LOCKED)],
            Mode::ChangePassword { .. } => vec![("New password", keymap::CHANGE_PASSWORD)],
            Mode::Working(w) => {
                let (title, table) = self.working_section(w);
                vec![(title, table), ("Everywhere", keymap::global())]
            }
        }
    }
}
