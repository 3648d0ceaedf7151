//! The terminal screen: terminal set-up and restore, the event loop, and the
//! hospital picker. The state machine is in `app`.

pub mod app;
pub mod keymap;
pub mod popups;
pub mod screen;
pub mod screens;
pub mod theme;
pub mod widgets;

use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result};
use app::App;
pub use app::Options;
use chrono::Utc;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::{DefaultTerminal, Terminal};
use std::path::Path;
use std::time::Duration;

/// How often the clock, the idle lock and the session limit are checked.
const TICK: Duration = Duration::from_millis(250);

impl Options {
    /// Options from the command line; `demo` shows the demo's accounts.
    pub fn from_cli(cli: &crate::cli::Cli, demo: bool) -> Options {
        Options {
            idle_lock: cli
                .idle_lock_seconds
                .map(|s| chrono::Duration::seconds(s.min(86_400) as i64)),
            demo_accounts: demo.then(crate::demo::accounts_text),
            theme: theme::Theme::from_env(),
        }
    }
}

/// Opens the hospital named, the only one, or one picked from a list.
pub fn run_choosing(data: &DataDir, code: Option<&str>, options: Options) -> Result<()> {
    let all = data.hospitals()?;
    if code.is_some() || all.len() == 1 {
        let (_, path) = data.choose_hospital(code)?;
        return run_file(data, &path, options);
    }
    if all.is_empty() {
        println!("{}", crate::paths::no_hospital_message(data));
        return Ok(());
    }
    let mut picker = screens::picker::Picker {
        hospitals: all
            .iter()
            .map(|(c, p)| {
                let name = Db::open(p)
                    .and_then(|db| db.settings())
                    .map(|s| s.hospital_name)
                    .unwrap_or_else(|e| format!("(cannot open: {e})"));
                (c.to_string(), name)
            })
            .collect(),
        selected: 0,
    };
    let mut terminal = enter();
    let chosen = pick(&mut terminal, &mut picker, &options.theme);
    leave();
    match chosen? {
        Some(i) => run_file(data, &all[i].1, options),
        None => Ok(()),
    }
}

fn pick(
    terminal: &mut DefaultTerminal,
    picker: &mut screens::picker::Picker,
    theme: &theme::Theme,
) -> Result<Option<usize>> {
    loop {
        terminal.draw(|f| picker.render(theme, f.area(), f.buffer_mut()))?;
        if let Event::Key(key) = event::read()?
            && key.kind == KeyEventKind::Press
        {
            match keymap::lookup(keymap::PICKER, &key) {
                Some(keymap::Action::Submit) => return Ok(Some(picker.selected)),
                Some(keymap::Action::Quit) => return Ok(None),
                Some(a) => picker.navigate(a),
                None => {}
            }
        }
    }
}

/// Runs the terminal screen on one hospital file until the user quits; on a
/// clean exit the session is signed out and an audit checkpoint written.
pub fn run_file(data: &DataDir, path: &Path, options: Options) -> Result<()> {
    let mut db = Db::open(path)
        .with_context(|| format!("could not open the hospital file {}", path.display()))?;
    db.on_import_wait(Box::new(say_import_wait));
    let mut app = App::new(db, options, Utc::now())?;
    app.check_pages_in_background();
    tracing::info!(hospital = %app.db().code(), "terminal screen started");
    let mut terminal = enter();
    let result = event_loop(&mut terminal, &mut app);
    leave();
    app.shutdown();
    result?;
    crate::checkpoint::write(app.db_mut(), data)?;
    tracing::info!("terminal screen closed");
    Ok(())
}

/// Takes the terminal for the screens (raw mode, the alternate screen) and
/// turns on bracketed paste, so that pasted text arrives as one
/// [`Event::Paste`] — text for a field — rather than as keys that could run
/// commands. A panic gives the terminal back as it was found, paste mode
/// included, before its message is printed.
fn enter() -> DefaultTerminal {
    let terminal = ratatui::init();
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        end_bracketed_paste();
        ratatui_hook(info);
    }));
    let _ = ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::event::EnableBracketedPaste
    );
    terminal
}

/// Gives the terminal back (on every way out, errors included): bracketed
/// paste off, the normal screen and mode restored.
fn leave() {
    end_bracketed_paste();
    ratatui::restore();
}

fn end_bracketed_paste() {
    let _ = ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::event::DisableBracketedPaste
    );
}

/// Tells the user, on the screen's bottom line, that a change waits for
/// another terminal's import: the screen is not redrawn while a change
/// waits, so the line is written straight to the terminal, and the next
/// redraw replaces it.
fn say_import_wait(progress: &crate::store::import_progress::ImportProgress) {
    use ratatui::crossterm::{cursor, style, terminal};
    use std::io::Write;
    let Ok((columns, rows)) = terminal::size() else {
        return;
    };
    let message: String = progress
        .waiting_message()
        .chars()
        .take(usize::from(columns))
        .collect();
    let mut out = std::io::stdout();
    let _ = ratatui::crossterm::queue!(
        out,
        cursor::MoveTo(0, rows.saturating_sub(1)),
        terminal::Clear(terminal::ClearType::CurrentLine),
        style::Print(message),
    );
    let _ = out.flush();
}

/// What the screen heard while it waited for input.
pub enum Heard {
    Event(Event),
    /// Nothing within the wait: time to tick.
    Nothing,
    /// The input has ended (the SSH client went away): the session closes.
    Closed,
}

/// Where the screen's keys, pastes and resizes come from: the local
/// terminal's keyboard, or an SSH channel's bytes.
pub trait Input {
    /// Waits up to `timeout` for the next event.
    fn next(&mut self, timeout: Duration) -> Result<Heard>;
}

/// The keyboard of the terminal wardline runs on (crossterm's events).
struct LocalKeyboard;

impl Input for LocalKeyboard {
    fn next(&mut self, timeout: Duration) -> Result<Heard> {
        if event::poll(timeout).context("could not read the keyboard")? {
            Ok(Heard::Event(
                event::read().context("could not read the keyboard")?,
            ))
        } else {
            Ok(Heard::Nothing)
        }
    }
}

fn event_loop(terminal: &mut DefaultTerminal, app: &mut App) -> Result<()> {
    drive(terminal, app, &mut LocalKeyboard)
}

/// The event loop: draws the app, hands it each key and paste, and ticks
/// its clock, until the user quits or the input closes. The same loop
/// serves the local terminal and every SSH session, over any backend.
pub fn drive<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    input: &mut impl Input,
) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    while !app.should_quit() {
        terminal
            .draw(|f| app.render(f))
            .context("could not draw the screen")?;
        match input.next(TICK)? {
            Heard::Event(Event::Key(key)) if key.kind == KeyEventKind::Press => {
                app.handle_key(key, Utc::now())
            }
            Heard::Event(Event::Paste(text)) => app.handle_paste(&text, Utc::now()),
            Heard::Event(_) | Heard::Nothing => {}
            Heard::Closed => return Ok(()),
        }
        app.tick(Utc::now());
    }
    Ok(())
}
