//! One simulated terminal: the real `App` on a ratatui `TestBackend`, keys
//! pressed at a person's pace, each key's response (handling it and
//! drawing the frame) timed and tagged with what the key was for.
//!
//! Between keys the terminal waits as a person would (jittered, seeded),
//! ticking and drawing every quarter second as the real event loop does,
//! unmeasured.

use super::kinds::{Kind, Sample};
use super::tally::Troubles;
use crate::store::Db;
use crate::tui::app::{App, Options};
use crate::tui::theme::Theme;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};

/// The terminal's size: a common desk terminal's window.
pub const WIDTH: u16 = 100;
pub const HEIGHT: u16 = 30;
/// How often the real event loop ticks and draws without keys.
const TICK: Duration = Duration::from_millis(250);
/// The least pause before answering a question: the screen ignores a key
/// that comes sooner (`tui::popups::SETTLE`, 300 ms), whatever the pace.
const ANSWER_FLOOR: Duration = Duration::from_millis(400);

/// Why a terminal's script stops.
#[derive(Debug)]
pub enum Stop {
    /// The measured period is over.
    Over,
    /// Something that is not the screen's answer (drawing failed).
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Stop {
        Stop::Failed(e)
    }
}

/// A step of a script: it ends, or the terminal stops.
pub type Step = std::result::Result<(), Stop>;

/// The terminal.
pub struct Driver {
    app: App,
    terminal: Terminal<TestBackend>,
    rng: StdRng,
    scale: f64,
    /// The hospital's clock runs from the bench day's clinic hour at the
    /// start of the measured period, at the real pace.
    offset: chrono::Duration,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    samples: Vec<Sample>,
    /// Steps that did not end as expected, with the first one's words.
    pub troubles: Troubles,
}

impl Driver {
    /// The app on `db`, its measured period from `start` for `seconds`.
    pub fn new(
        db: Db,
        seed: u64,
        scale: f64,
        start: DateTime<Utc>,
        seconds: u64,
    ) -> Result<Driver> {
        let offset = super::super::clinic_now() - start;
        let options = Options {
            idle_lock: None,
            demo_accounts: None,
            theme: Theme::plain(),
        };
        let app = App::new(db, options, Utc::now() + offset)?;
        Ok(Driver {
            app,
            terminal: Terminal::new(TestBackend::new(WIDTH, HEIGHT))?,
            rng: StdRng::seed_from_u64(seed),
            scale: scale.max(0.0),
            offset,
            start,
            end: start + chrono::Duration::seconds(i64::try_from(seconds).unwrap_or(i64::MAX)),
            samples: Vec::new(),
            troubles: Troubles::default(),
        })
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    /// Whether the measured period is over.
    pub fn over(&self) -> bool {
        Utc::now() >= self.end
    }

    /// The samples taken, given away.
    pub fn take_samples(&mut self) -> Vec<Sample> {
        std::mem::take(&mut self.samples)
    }

    /// Signs in through the sign-in screen, unmeasured; fails unless at work.
    pub fn sign_in(&mut self, user: &str, password: &str) -> Result<()> {
        let press = |d: &mut Driver, code: KeyCode| {
            let now = d.now();
            d.app
                .handle_key(KeyEvent::new(code, KeyModifiers::NONE), now);
        };
        for c in user.chars() {
            press(self, KeyCode::Char(c));
        }
        press(self, KeyCode::Tab);
        for c in password.chars() {
            press(self, KeyCode::Char(c));
        }
        press(self, KeyCode::Enter);
        self.draw()?;
        if self.app.session().is_none() {
            anyhow::bail!(
                "{user} could not sign in on a bench terminal: {}",
                self.text().lines().find(|l| l.contains('.')).unwrap_or("")
            );
        }
        Ok(())
    }

    /// Waits, unmeasured, until the measured period begins.
    pub fn wait_for_start(&mut self) -> Result<()> {
        while Utc::now() < self.start {
            let left = (self.start - Utc::now()).to_std().unwrap_or_default();
            self.idle(left.min(TICK))?;
        }
        Ok(())
    }

    /// Signs out as a clean exit does.
    pub fn shutdown(&mut self) {
        self.app.shutdown();
    }

    fn draw(&mut self) -> Result<()> {
        let app = &self.app;
        self.terminal
            .draw(|f| app.render(f))
            .context("drawing into the test backend failed")?;
        Ok(())
    }

    /// One tick and frame of the event loop after `pause`, unmeasured.
    fn idle(&mut self, pause: Duration) -> Result<()> {
        std::thread::sleep(pause);
        let now = self.now();
        self.app.tick(now);
        self.draw()
    }

    /// A person's pause of about `ms` (half to one and a half times it, at
    /// the run's pace), the screen ticking meanwhile.
    pub fn think(&mut self, ms: u64) -> Step {
        let jitter: f64 = self.rng.gen_range(0.5..1.5);
        let mut left = Duration::from_secs_f64(ms as f64 / 1e3 * jitter * self.scale);
        loop {
            if self.over() {
                return Err(Stop::Over);
            }
            let step = left.min(TICK);
            self.idle(step)?;
            left = left.saturating_sub(step);
            if left.is_zero() {
                return Ok(());
            }
        }
    }

    /// The pause before answering a question: read, then answer, never
    /// sooner than the screen takes an answer.
    pub fn before_answer(&mut self) -> Step {
        self.think(1_200)?;
        std::thread::sleep(ANSWER_FLOOR);
        Ok(())
    }

    /// Presses a key and times it: the key handled and the frame drawn.
    pub fn key(&mut self, kind: Kind, code: KeyCode) -> Step {
        self.key_with(kind, code, KeyModifiers::NONE)
    }

    /// Presses Ctrl with a letter, timed.
    pub fn ctrl(&mut self, kind: Kind, c: char) -> Step {
        self.key_with(kind, KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn key_with(&mut self, kind: Kind, code: KeyCode, mods: KeyModifiers) -> Step {
        if self.over() {
            return Err(Stop::Over);
        }
        let waited = self.app.db().write_waits();
        let now = self.now();
        let began = Instant::now();
        self.app.handle_key(KeyEvent::new(code, mods), now);
        self.draw()?;
        let took = began.elapsed();
        let after = self.app.db().write_waits();
        let wait = after.total.saturating_sub(waited.total);
        self.samples.push(Sample {
            kind,
            us: took.as_secs_f64() * 1e6,
            wait_us: wait.as_secs_f64() * 1e6,
            wrote: after.writes > waited.writes,
        });
        Ok(())
    }

    /// Types `text` one key at a time at about five keys a second.
    pub fn typed(&mut self, kind: Kind, text: &str) -> Step {
        for c in text.chars() {
            self.think(200)?;
            self.key(kind, KeyCode::Char(c))?;
        }
        Ok(())
    }

    /// The screen as last drawn.
    pub fn text(&self) -> String {
        self.terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect()
    }

    /// Whether the screen shows `what`.
    pub fn shows(&self, what: &str) -> bool {
        self.text().contains(what)
    }

    /// Whether the error the status line shows says `what` (its words
    /// whole, however much of the line they fill).
    pub fn refused(&self, what: &str) -> bool {
        self.app.error_shown().is_some_and(|e| e.contains(what))
    }

    /// Whether the question open says `what` (its words as asked, whatever
    /// the popup's line breaks).
    pub fn asked(&self, what: &str) -> bool {
        self.app.question_shown().is_some_and(|q| q.contains(what))
    }

    /// Whether a question or dialog is open.
    pub fn asking(&self) -> bool {
        self.app.asking()
    }

    /// Answers yes to the questions a save asks (a possible duplicate, a
    /// dispense's plan and confirmation), at most `most`.
    pub fn answer_yes(&mut self, kind: Kind, most: usize) -> Step {
        for _ in 0..most {
            if !self.asking() {
                break;
            }
            self.before_answer()?;
            self.key(kind, KeyCode::Char('y'))?;
        }
        Ok(())
    }

    /// Notes a step that did not end as expected (`what` it was after), and
    /// goes back to a screen without a question or a form: Esc, answering
    /// yes to throwing typed text away.
    pub fn trouble(&mut self, what: &str) -> Step {
        let app = &self.app;
        self.troubles
            .note(what, || match (app.error_shown(), app.question_shown()) {
                (Some(error), _) => error.to_string(),
                (None, Some(question)) => format!("no error shown; asked {question:?}"),
                (None, None) => match app.notice_shown() {
                    Some(notice) => format!("no error shown; said {notice:?}"),
                    None => "no error shown, nor a question".into(),
                },
            });

        for _ in 0..4 {
            if self.asking() {
                self.before_answer()?;
                self.key(Kind::Navigation, KeyCode::Char('y'))?;
            } else {
                self.think(500)?;
                self.key(Kind::Navigation, KeyCode::Esc)?;
            }
        }
        while self.asking() {
            self.before_answer()?;
            self.key(Kind::Navigation, KeyCode::Esc)?;
        }
        Ok(())
    }

    /// A number from the terminal's seeded generator, below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.rng.gen_range(0..n.max(1))
    }
}
