//! One frame of each screen: handling a key and drawing the whole screen at
//! 120×40 into a ratatui `TestBackend`, with the real `App` on the big
//! hospital.

use super::stats::{Summary, timed};
use super::{BENCH_USER, PASSWORD};
use crate::store::Db;
use crate::tui::app::{App, Mode, Options};
use crate::tui::theme::Theme;
use anyhow::{Context, Result, bail};
use chrono::{FixedOffset, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The screen size of the frame measures.
pub const WIDTH: u16 = 120;
pub const HEIGHT: u16 = 40;

/// The screens measured, by measure name.
pub const SCREENS: [(&str, &str); 5] = [
    ("frame_sign_in", "frame: sign-in (type a letter)"),
    (
        "frame_patients_search",
        "frame: patient search (type/erase)",
    ),
    ("frame_patient_record", "frame: patient record (scroll)"),
    ("frame_patient_form", "frame: patient form (type/erase)"),
    ("frame_admin", "frame: admin (down/up)"),
];

struct Screen {
    app: App,
    terminal: Terminal<TestBackend>,
}

impl Screen {
    fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.app.handle_key(KeyEvent::new(code, mods), Utc::now());
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    fn draw(&mut self) -> Result<()> {
        let app = &self.app;
        self.terminal
            .draw(|f| app.render(f))
            .context("drawing into the test backend failed")?;
        Ok(())
    }

    fn text(&mut self) -> Result<String> {
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

    /// Fails unless the screen shows `what`.
    fn expect(&mut self, what: &str, screen: &str) -> Result<()> {
        let text = self.text()?;
        if !text.contains(what) {
            bail!("the {screen} screen does not show {what:?}: the frame measures are broken");
        }
        Ok(())
    }

    /// `samples` frames (rounded up to an even count), alternating two keys
    /// so that the screen ends as it started.
    fn measure(&mut self, samples: usize, keys: [(KeyCode, KeyModifiers); 2]) -> Result<Summary> {
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

const NONE: KeyModifiers = KeyModifiers::NONE;

/// Every screen's frames, in [`SCREENS`] order. `search` is a name prefix
/// that finds patients; `more` a letter that, typed after it, runs another
/// search.
pub fn measure(db: Db, samples: usize, search: &str, more: char) -> Result<Vec<Summary>> {
    let options = Options {
        idle_lock: None,
        demo_accounts: None,
        utc_offset: FixedOffset::east_opt(0),
        theme: Theme::plain(),
    };
    let mut s = Screen {
        app: App::new(db, options, Utc::now())?,
        terminal: Terminal::new(TestBackend::new(WIDTH, HEIGHT))?,
    };
    let mut out = Vec::new();
    s.expect("Password", "sign-in")?;
    out.push(s.measure(
        samples,
        [(KeyCode::Char('x'), NONE), (KeyCode::Backspace, NONE)],
    )?);

    s.typed(BENCH_USER);
    s.key(KeyCode::Tab, NONE);
    s.typed(PASSWORD);
    s.key(KeyCode::Enter, NONE);
    if !matches!(s.app.mode, Mode::Working(_)) {
        bail!("the bench administrator could not sign in on the frame measures' screen");
    }
    s.key(KeyCode::F(2), NONE);
    s.typed(search);
    s.expect("found", "patient search")?;
    out.push(s.measure(
        samples,
        [(KeyCode::Char(more), NONE), (KeyCode::Backspace, NONE)],
    )?);

    s.key(KeyCode::Enter, NONE);
    s.expect("Demographics", "patient record")?;
    out.push(s.measure(samples, [(KeyCode::Down, NONE), (KeyCode::Up, NONE)])?);

    s.key(KeyCode::Esc, NONE);
    s.key(KeyCode::Char('n'), KeyModifiers::CONTROL);
    s.expect("Register a new patient", "patient form")?;
    out.push(s.measure(
        samples,
        [(KeyCode::Char('a'), NONE), (KeyCode::Backspace, NONE)],
    )?);

    s.key(KeyCode::Esc, NONE);
    s.key(KeyCode::F(6), NONE);
    s.expect("Staff accounts", "admin")?;
    out.push(s.measure(samples, [(KeyCode::Down, NONE), (KeyCode::Up, NONE)])?);
    s.app.shutdown();
    Ok(out)
}
