//! One frame of each screen: handling a key and drawing the whole screen at
//! 120×40 into a ratatui `TestBackend`, with the real `App` on the big
//! hospital.

use super::stats::{Summary, timed};
use super::{BENCH_USER, PASSWORD};
use crate::store::Db;
use crate::tui::app::{App, Mode, Options};
use crate::tui::theme::Theme;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Instant;

/// The screen size of the frame measures.
pub const WIDTH: u16 = 120;
pub const HEIGHT: u16 = 40;

/// One screen's frame measure: its JSON name, its label in the table, how
/// it is reached from where the previous entry left the app (checking that
/// it shows what it should), and the two keys it alternates.
pub struct ScreenFrame {
    pub name: &'static str,
    pub label: &'static str,
    open: fn(&mut Screen, &Probe) -> Result<()>,
    keys: fn(&Probe) -> [(KeyCode, KeyModifiers); 2],
}

/// What the entries need to know of the hospital: `search` is a name
/// prefix that finds patients; `more` a letter that, typed after it, runs
/// another search.
pub struct Probe {
    pub search: String,
    pub more: char,
}

/// The screens measured, in order; each entry starts where the previous
/// one left the app.
pub const SCREENS: &[ScreenFrame] = &[
    ScreenFrame {
        name: "frame_sign_in",
        label: "frame: sign-in (type a letter)",
        open: |s, _| s.expect("Password", "sign-in"),
        keys: |_| [(KeyCode::Char('x'), NONE), (KeyCode::Backspace, NONE)],
    },
    ScreenFrame {
        name: "frame_patients_search",
        label: "frame: patient search (type/erase)",
        open: open_patients_search,
        keys: |p| [(KeyCode::Char(p.more), NONE), (KeyCode::Backspace, NONE)],
    },
    ScreenFrame {
        name: "frame_patient_record",
        label: "frame: patient record (scroll)",
        open: |s, _| {
            s.key(KeyCode::Enter, NONE);
            s.expect("Demographics", "patient record")
        },
        keys: |_| [(KeyCode::Down, NONE), (KeyCode::Up, NONE)],
    },
    ScreenFrame {
        name: "frame_patient_form",
        label: "frame: patient form (type/erase)",
        open: |s, _| {
            s.key(KeyCode::Esc, NONE);
            s.key(KeyCode::Char('n'), KeyModifiers::CONTROL);
            s.expect("Register a new patient", "patient form")
        },
        keys: |_| [(KeyCode::Char('a'), NONE), (KeyCode::Backspace, NONE)],
    },
    ScreenFrame {
        name: "frame_admin",
        label: "frame: admin (down/up)",
        open: |s, _| {
            s.key(KeyCode::Esc, NONE);
            s.key(KeyCode::F(6), NONE);
            s.expect("Staff accounts", "admin")
        },
        keys: |_| [(KeyCode::Down, NONE), (KeyCode::Up, NONE)],
    },
    ScreenFrame {
        name: "frame_bed_board",
        label: "frame: bed board (right/left)",
        open: open_bed_board,
        keys: |_| [(KeyCode::Right, NONE), (KeyCode::Left, NONE)],
    },
    ScreenFrame {
        name: "frame_pharmacy_stock",
        label: "frame: pharmacy stock (down/up)",
        open: open_pharmacy_stock,
        keys: |_| [(KeyCode::Down, NONE), (KeyCode::Up, NONE)],
    },
    ScreenFrame {
        name: "frame_pharmacy_item",
        label: "frame: pharmacy item (scroll ledger)",
        open: open_pharmacy_item,
        keys: |_| [(KeyCode::PageDown, NONE), (KeyCode::PageUp, NONE)],
    },
    ScreenFrame {
        name: "frame_appointments_day",
        label: "frame: appointments day (next/previous)",
        open: open_appointments_day,
        keys: |_| [(KeyCode::Char(']'), NONE), (KeyCode::Char('['), NONE)],
    },
];

fn open_patients_search(s: &mut Screen, p: &Probe) -> Result<()> {
    s.sign_in(BENCH_USER, PASSWORD)?;
    s.key(KeyCode::F(2), NONE);
    s.typed(&p.search);
    s.expect("found", "patient search")
}

/// The whole board: its summary counts patients in beds, and the first
/// ward's tiles are drawn.
fn open_bed_board(s: &mut Screen, _: &Probe) -> Result<()> {
    s.key(KeyCode::F(4), NONE);
    s.expect(" occupied ", "bed board")?;
    s.expect("-001 ", "bed board")?;
    let text = s.text()?;
    // the summary line: " Hospital 480/600 occupied 80% · …"
    let occupied = text.match_indices(" Hospital ").find_map(|(at, m)| {
        let (n, _) = text[at + m.len()..].split_once('/')?;
        n.parse::<u64>().ok()
    });
    match occupied {
        Some(n) if n > 0 => Ok(()),
        _ => bail!("the bed board shows no patient in a bed: the bench hospital is incomplete"),
    }
}

/// The appointments day view on the bench day, its clinic booked.
fn open_appointments_day(s: &mut Screen, _: &Probe) -> Result<()> {
    s.key(KeyCode::F(3), NONE);
    s.expect("booked", "appointments day")?;
    s.key(KeyCode::Char('g'), NONE);
    s.typed(&super::today().format("%Y-%m-%d").to_string());
    s.key(KeyCode::Enter, NONE);
    s.expect(&format!("{}-", super::CODE), "appointments day")
}

/// The stock list with the whole formulary in it.
fn open_pharmacy_stock(s: &mut Screen, _: &Probe) -> Result<()> {
    s.key(KeyCode::F(5), NONE);
    s.expect("On hand", "pharmacy stock")?;
    let items = crate::demo::pharmacy::FORMULARY
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    s.expect(&format!(" {items} items · "), "pharmacy stock")
}

/// The busiest item, found with the list's search and opened, its ledger
/// full of dispenses.
fn open_pharmacy_item(s: &mut Screen, _: &Probe) -> Result<()> {
    s.key(KeyCode::Char('/'), NONE);
    s.typed(super::stock::BUSIEST_ITEM);
    s.key(KeyCode::Enter, NONE);
    s.expect("Paracetamol 500 mg tablet", "pharmacy item")?;
    s.expect("Ledger (", "pharmacy item")?;
    s.expect("dispense", "pharmacy item")
}

/// The real app on a test terminal.
pub struct Screen {
    app: App,
    terminal: Terminal<TestBackend>,
    /// The hospital's clock: from this instant on as the bench runs (`None`:
    /// the machine's).
    clock: Option<(DateTime<Utc>, Instant)>,
}

impl Screen {
    /// The app on `db` at 120×40, its clock starting at `at` when given.
    pub fn new(db: Db, at: Option<DateTime<Utc>>) -> Result<Screen> {
        let options = Options {
            idle_lock: None,
            demo_accounts: None,
            theme: Theme::plain(),
        };
        let clock = at.map(|t| (t, Instant::now()));
        let now = at.unwrap_or_else(Utc::now);
        Ok(Screen {
            app: App::new(db, options, now)?,
            terminal: Terminal::new(TestBackend::new(WIDTH, HEIGHT))?,
            clock,
        })
    }

    fn now(&self) -> DateTime<Utc> {
        match self.clock {
            Some((t, since)) => t + chrono::Duration::from_std(since.elapsed()).unwrap_or_default(),
            None => Utc::now(),
        }
    }

    pub(super) fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        let now = self.now();
        self.app.handle_key(KeyEvent::new(code, mods), now);
    }

    /// Signs in on the sign-in screen; fails unless the app is at work.
    pub(super) fn sign_in(&mut self, user: &str, password: &str) -> Result<()> {
        self.typed(user);
        self.key(KeyCode::Tab, NONE);
        self.typed(password);
        self.key(KeyCode::Enter, NONE);
        if !matches!(self.app.mode, Mode::Working(_)) {
            bail!("{user} could not sign in on the frame measures' screen");
        }
        Ok(())
    }

    /// Signs out (the session ends as at a real terminal).
    pub(super) fn shutdown(&mut self) {
        self.app.shutdown();
    }

    pub(super) fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    pub(super) fn draw(&mut self) -> Result<()> {
        let app = &self.app;
        self.terminal
            .draw(|f| app.render(f))
            .context("drawing into the test backend failed")?;
        Ok(())
    }

    pub(super) fn text(&mut self) -> Result<String> {
        self.draw()?;
        Ok(self
            .terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect())
    }

    /// Fails unless the screen shows `what`, with no error on it.
    pub(super) fn expect(&mut self, what: &str, screen: &str) -> Result<()> {
        let text = self.text()?;
        if !text.contains(what) {
            bail!("the {screen} screen does not show {what:?}: the frame measures are broken");
        }
        self.expect_no_error(screen)
    }

    /// Fails if the status line shows an error.
    pub(super) fn expect_no_error(&self, screen: &str) -> Result<()> {
        match self.app.error_shown() {
            Some(e) => bail!("the {screen} screen shows an error: {e}"),
            None => Ok(()),
        }
    }

    /// `samples` frames (rounded up to an even count), alternating two keys
    /// so that the screen ends as it started.
    pub(super) fn measure(
        &mut self,
        samples: usize,
        keys: [(KeyCode, KeyModifiers); 2],
    ) -> Result<Summary> {
        let n = samples + samples % 2;
        let mut times = Vec::with_capacity(n);
        for i in 0..n {
            let (code, mods) = keys[i % 2];
            let (drawn, t) = timed(|| {
                self.key(code, mods);
                self.draw()
            });
            drawn?;
            times.push(t);
        }
        Ok(Summary::of(&times))
    }
}

pub(super) const NONE: KeyModifiers = KeyModifiers::NONE;

/// Every screen's frames, in [`SCREENS`] order.
pub fn measure(db: Db, samples: usize, probe: &Probe) -> Result<Vec<Summary>> {
    let mut s = Screen::new(db, None)?;
    let mut out = Vec::with_capacity(SCREENS.len());
    for screen in SCREENS {
        (screen.open)(&mut s, probe)?;
        out.push(s.measure(samples, (screen.keys)(probe))?);
        // A key that failed shows its error instead of the screen.
        s.expect_no_error(screen.name)?;
    }
    s.app.shutdown();
    Ok(out)
}
