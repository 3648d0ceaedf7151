//! The Admin tab's backups: every backup the hospital file records, newest
//! first, with its time, size, events and check (each passed the checks of
//! `wardline check` when it was taken, or it was never recorded); `b` makes
//! one now as `wardline backup` does (after a confirmation), `c` checks the
//! selected file again as `wardline backup --verify` does.

use super::keys;
use crate::domain::display::{grouped, thousands};
use crate::ops::backup::{self as ops, Listed};
use crate::paths::DataDir;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard, Question};
use crate::tui::screen::{Ctx, Said, Screen, View, said_error};
use crate::tui::widgets::table::{Cell, Column, Line as TableLine, ScrollTable, Selection};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Block;
use std::any::Any;
use std::collections::HashMap;
use std::path::Path;

/// The token of the "back up now?" confirmation.
struct TakeNow;

/// A check made from this screen: when, and whether the file passed.
struct Checked {
    at: chrono::DateTime<chrono::Utc>,
    passed: bool,
}

/// The backups section's state.
pub struct Backups {
    list: Vec<Listed>,
    /// The checks made here, by file.
    checked: HashMap<String, Checked>,
    selected: Selection,
    /// Where backups go; `None` for a hospital file opened from outside a
    /// data directory.
    data: Option<DataDir>,
}

/// A size in words: "1.2 MB", "840 KB".
fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{} KB", thousands(bytes.div_ceil(1000)))
    }
}

/// The file's name without its folder (the whole path is under the list).
fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

impl Backups {
    /// Opens the section, reading the backups; nothing when they cannot be read.
    pub fn open(ctx: &mut Ctx) -> (Option<Backups>, Said) {
        let mut b = Backups {
            list: Vec::new(),
            checked: HashMap::new(),
            selected: Selection::default(),
            data: ops::data_dir_of(ctx.db),
        };
        match b.reload(ctx) {
            Said::Nothing => (Some(b), Said::Nothing),
            said => (None, said),
        }
    }

    fn reload(&mut self, ctx: &mut Ctx) -> Said {
        match ops::list(ctx.db, ctx.session) {
            Ok(list) => {
                self.list = list;
                self.selected.clamp(self.list.len());
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn ask_take(&self, ctx: &Ctx) -> Said {
        let Some(data) = &self.data else {
            return Said::Error(
                "This hospital file is not in a data directory: take its backup with `wardline backup --out FILE`.".into(),
            );
        };
        Question::confirm(
            format!(
                "Back up {} now? The copy goes into {}, is checked, and is recorded; other terminals keep working.",
                ctx.settings.hospital_name,
                data.backups_dir().display()
            ),
            TakeNow,
        )
        .into()
    }

    fn take(&mut self, ctx: &mut Ctx) -> Said {
        let Some(data) = self.data.clone() else {
            return Said::Nothing;
        };
        let taken = ops::take(ctx.db, &data, None, None, ctx.now);
        let said = match taken {
            Ok(t) => Said::Info(format!(
                "Backup written and checked: {} ({}, {} events).",
                file_name(&t.path.display().to_string()),
                size(t.record.size_bytes),
                grouped(t.record.events)
            )),
            Err(e) => Said::Error(format!("No backup was made: {e:#}")),
        };
        if let said @ Said::Error(_) = self.reload(ctx) {
            return said;
        }
        self.selected.select(0, self.list.len());
        said
    }

    /// Checks the selected backup file again, changing nothing.
    fn check(&mut self, ctx: &mut Ctx) -> Said {
        let Some(b) = self.list.get(self.selected.index()) else {
            return Said::Info("There is no backup to check yet: b makes one.".into());
        };
        let path = b.record.path.clone();
        let name = file_name(&path);
        if !Path::new(&path).is_file() {
            return Said::Error(format!(
                "The backup {name} is no longer where it was written (moved, or removed by --keep)."
            ));
        }
        let Some(data) = &self.data else {
            return Said::Error(
                "This hospital file is not in a data directory: check the backup with `wardline backup --verify FILE`.".into(),
            );
        };
        let (passed, said) = match ops::check_file(data, Path::new(&path)) {
            Ok((_, report)) if report.ok() => (
                true,
                Said::Info(format!(
                    "The backup {name} passes every check: {} events.",
                    grouped(report.audit.count)
                )),
            ),
            Ok((_, report)) => {
                let problems: Vec<String> = report
                    .lines()
                    .into_iter()
                    .filter(|l| l.contains("PROBLEM"))
                    .take(2)
                    .collect();
                (
                    false,
                    Said::Error(format!(
                        "The backup {name} fails its check: do not rely on it; take a new one. {}",
                        problems.join("; ")
                    )),
                )
            }
            Err(e) => (
                false,
                Said::Error(format!("The backup {name} could not be checked: {e:#}")),
            ),
        };
        self.checked.insert(
            path,
            Checked {
                at: ctx.now,
                passed,
            },
        );
        said
    }

    /// The check column of a backup.
    fn check_words(&self, b: &Listed, view: &View) -> (String, bool) {
        if !b.present {
            return ("file missing".into(), false);
        }
        match self.checked.get(&b.record.path) {
            Some(c) => {
                let at = c.at.with_timezone(&view.clock.zone).format("%H:%M");
                if c.passed {
                    (format!("passed again {at}"), true)
                } else {
                    (format!("FAILED {at}"), false)
                }
            }
            None => ("passed when taken".into(), true),
        }
    }
}

impl Screen for Backups {
    fn table(&self) -> &'static [Binding] {
        keys::BACKUPS
    }

    fn title(&self) -> &'static str {
        "Admin: backups"
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match action {
            Action::TakeBackup => self.ask_take(ctx),
            Action::CheckBackup => self.check(ctx),
            Action::Refresh => match self.reload(ctx) {
                Said::Nothing => Said::Info("Refreshed.".into()),
                said => said,
            },
            other => {
                self.selected.navigate(other, self.list.len());
                Said::Nothing
            }
        }
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        if about.downcast::<TakeNow>().is_err() {
            return Ok(Said::Nothing);
        }
        Ok(match answer {
            Answer::Yes => self.take(ctx),
            _ => Said::Info("No backup was made.".into()),
        })
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        self.reload(ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        let theme = view.theme;
        let mut block = Block::bordered().title(format!(" Backups ({}) ", self.list.len()));
        if let Some(b) = self.list.get(self.selected.index()) {
            let room = usize::from(area.width.saturating_sub(4));
            block = block.title_bottom(format!(
                " {} ",
                crate::tui::widgets::table::cut_middle(&b.record.path, room.saturating_sub(2))
            ));
        } else if self.list.is_empty() {
            block = block.title_bottom(" No backup yet: b makes one now. ");
        }
        ScrollTable::new([
            Column::text("Taken", 16),
            Column::text("Size", 8),
            Column::number("Events"),
            Column::text("Kept in", 9),
            Column::text("Check", 10).grow(),
        ])
        .header_style(theme.header())
        .highlight(theme.selected())
        .block(block)
        .render(
            frame,
            area,
            Some(self.selected.index()),
            self.list.len(),
            |i| {
                let b = &self.list[i];
                let (check, ok) = self.check_words(b, view);
                TableLine::new(vec![
                    Cell::from(
                        b.record
                            .taken_at
                            .with_timezone(&view.clock.zone)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    ),
                    Cell::from(size(b.record.size_bytes)),
                    Cell::from(grouped(b.record.events)),
                    // The data directory's own folder (rotated by --keep),
                    // or a path an administrator chose with --out.
                    Cell::from(if b.record.automatic {
                        "backups/"
                    } else {
                        "elsewhere"
                    }),
                    Cell::styled(check, if ok { theme.ok() } else { theme.error() }),
                ])
            },
        );
    }
}
