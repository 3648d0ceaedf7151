//! The Admin tab, the administrator's desk: a strip of sections (staff
//! accounts, the settings, the audit trail, the backups), each its own
//! [`Screen`] in its own module. The tab only switches sections and hands
//! the shown one the app's keys, time and drawing; the one list of the
//! sections is [`SECTIONS`].

mod account_forms;
mod accounts;
pub mod audit_trail;
mod backups;
mod keys;
mod settings;
mod wards;

use crate::domain::backup::BackupRecord;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard, Refused};
use crate::tui::screen::{Ctx, Request, Said, Screen, View, said_error};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};
use std::any::Any;

/// A section just opened (none when it could not be read), and what it said.
type Opened = (Option<Box<dyn Screen>>, Said);

/// One section of the desk: its name on the strip and how it opens.
struct Section {
    label: &'static str,
    open: fn(&mut Ctx) -> Opened,
}

fn boxed<S: Screen + 'static>((screen, said): (Option<S>, Said)) -> Opened {
    (screen.map(|s| Box::new(s) as Box<dyn Screen>), said)
}

/// The desk's sections, in the order of the strip (keys 1, 2, …): the one
/// list that names them.
const SECTIONS: &[Section] = &[
    Section {
        label: "Accounts",
        open: |ctx| boxed(accounts::Accounts::open(ctx)),
    },
    Section {
        label: "Settings",
        open: |ctx| boxed(settings::SettingsList::open(ctx)),
    },
    Section {
        label: "Audit trail",
        open: |ctx| {
            let (trail, said) = audit_trail::AuditTrail::open(ctx);
            boxed((Some(trail), said))
        },
    },
    Section {
        label: "Backups",
        open: |ctx| boxed(backups::Backups::open(ctx)),
    },
];

fn labels() -> Vec<&'static str> {
    SECTIONS.iter().map(|s| s.label).collect()
}

/// A question a section asked, with the section that answers it.
struct Routed {
    section: usize,
    about: Box<dyn Any>,
}

/// The desk: the sections opened so far and the one shown, and the latest
/// backup (on the strip, whichever section shows).
pub struct Admin {
    sections: Vec<Option<Box<dyn Screen>>>,
    current: usize,
    last_backup: Option<BackupRecord>,
}

impl Admin {
    /// Opens the tab on its first section; nothing when it cannot be read.
    pub fn open(ctx: &mut Ctx) -> (Option<Admin>, Said) {
        let (first, said) = (SECTIONS[0].open)(ctx);
        let Some(first) = first else {
            return (None, said);
        };
        let mut sections: Vec<Option<Box<dyn Screen>>> = SECTIONS.iter().map(|_| None).collect();
        sections[0] = Some(first);
        let mut admin = Admin {
            sections,
            current: 0,
            last_backup: None,
        };
        let read = admin.read_last_backup(ctx);
        (Some(admin), if said == Said::Nothing { read } else { said })
    }

    fn read_last_backup(&mut self, ctx: &mut Ctx) -> Said {
        match crate::ops::backup::latest(ctx.db, ctx.session) {
            Ok(b) => {
                self.last_backup = b;
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn shown(&self) -> Option<&dyn Screen> {
        self.sections.get(self.current)?.as_deref()
    }

    /// Shows section `i`: opened the first time, read afresh after.
    fn show(&mut self, i: usize, ctx: &mut Ctx) -> Said {
        if i >= SECTIONS.len() {
            return Said::Nothing;
        }
        let said = match &mut self.sections[i] {
            Some(s) => s.shown_again(ctx),
            None => {
                let (s, said) = (SECTIONS[i].open)(ctx);
                match s {
                    Some(s) => {
                        self.sections[i] = Some(s);
                        said
                    }
                    None => return said,
                }
            }
        };
        let left = self.in_section(self.current, |s, ctx| s.leave(ctx), ctx);
        self.current = i;
        if said == Said::Nothing { left } else { said }
    }

    /// Runs `f` on section `i`, once opened, routing a question it asks so
    /// that its answer comes back to it.
    fn in_section(
        &mut self,
        i: usize,
        f: impl FnOnce(&mut dyn Screen, &mut Ctx) -> Said,
        ctx: &mut Ctx,
    ) -> Said {
        match self.sections.get_mut(i).and_then(|s| s.as_deref_mut()) {
            Some(s) => route(i, f(s, ctx)),
            None => Said::Nothing,
        }
    }
}

/// A section's question, wrapped with the section that asked it.
fn route(section: usize, said: Said) -> Said {
    match said {
        Said::Ask(mut q) => {
            let about = std::mem::replace(&mut q.about, Box::new(()));
            q.about = Box::new(Routed { section, about });
            Said::Ask(q)
        }
        other => other,
    }
}

impl Screen for Admin {
    fn table(&self) -> &'static [Binding] {
        match self.shown() {
            Some(s) if s.takes_text() => s.table(),
            Some(s) => keys::with_sections(s.table(), &labels()),
            None => keys::with_sections(&[], &labels()),
        }
    }

    fn title(&self) -> &'static str {
        self.shown().map_or("Admin", |s| s.title())
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let n = SECTIONS.len();
        let on_own_keys = self
            .shown()
            .is_some_and(|s| s.table().iter().any(|b| b.action == action));
        if !on_own_keys {
            match action {
                Action::NextSection => return self.show((self.current + 1) % n, ctx),
                Action::PrevSection => return self.show((self.current + n - 1) % n, ctx),
                Action::ShowSection(k) => {
                    return self.show(usize::from(k).wrapping_sub(1), ctx);
                }
                _ => {}
            }
        }
        let said = self.in_section(self.current, |s, ctx| s.perform(action, ctx), ctx);
        if action == Action::Refresh {
            self.read_last_backup(ctx);
        }
        said
    }

    fn takes_text(&self) -> bool {
        self.shown().is_some_and(|s| s.takes_text())
    }

    fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        self.in_section(self.current, |s, ctx| s.type_key(key, ctx), ctx)
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> Said {
        if self.shown().is_none() {
            return crate::tui::screen::not_pasted();
        }
        self.in_section(self.current, |s, ctx| s.paste(text, ctx), ctx)
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.sections
            .iter()
            .flatten()
            .find_map(|s| s.unsaved_input())
    }

    fn leave(&mut self, ctx: &mut Ctx) -> Said {
        self.in_section(self.current, |s, ctx| s.leave(ctx), ctx)
    }

    fn tick(&mut self, ctx: &mut Ctx) -> Said {
        self.in_section(self.current, |s, ctx| s.tick(ctx), ctx)
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        let Ok(routed) = about.downcast::<Routed>() else {
            return Ok(Said::Nothing);
        };
        let Routed { section, about } = *routed;
        let Some(s) = self
            .sections
            .get_mut(section)
            .and_then(|s| s.as_deref_mut())
        else {
            return Ok(Said::Nothing);
        };
        let heard = match s.answered(about, answer, ctx) {
            Ok(said) => Ok(route(section, said)),
            Err(refused) => Err(Refused {
                about: Box::new(Routed {
                    section,
                    about: refused.about,
                }),
                ..refused
            }),
        };
        self.read_last_backup(ctx);
        heard
    }

    fn open_request(&mut self, request: Request, ctx: &mut Ctx) -> Said {
        self.in_section(self.current, |s, ctx| s.open_request(request, ctx), ctx)
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        let said = self.in_section(self.current, |s, ctx| s.shown_again(ctx), ctx);
        let read = self.read_last_backup(ctx);
        if said == Said::Nothing { read } else { said }
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let titles: Vec<String> = SECTIONS
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{} {}", i + 1, s.label))
            .collect();
        let backup = self
            .last_backup
            .as_ref()
            .map(|b| {
                b.taken_at
                    .with_timezone(&view.clock.zone)
                    .format("%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| "never".into());
        let backup = format!("Last backup: {backup} ");
        let width = u16::try_from(backup.chars().count()).unwrap_or(0);
        let [strip, right] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(width)]).areas(bar);
        frame.render_widget(
            Tabs::new(titles)
                .padding(" ", "")
                .divider(" ")
                .select(self.current)
                .highlight_style(view.theme.selected()),
            strip,
        );
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(backup, view.theme.muted()))),
            right,
        );
        if let Some(s) = self.shown() {
            s.render(frame, body, view);
        }
    }
}
