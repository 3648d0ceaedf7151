//! One SSH terminal: the real screen ([`App`]) on a blocking thread of its
//! own, with its own connection to the hospital file, drawn to the SSH
//! channel at the client's window size and fed by the client's bytes.
//!
//! It ends as the local screen does on quit — the screen shown writes what
//! it holds, the session is signed out — whether the user quit, the
//! client went away (mid-form too: a form is saved only by its own
//! transaction, so a half-typed one is simply not saved), the connection
//! sat idle, or the server is stopping.

use super::input::Parser;
use super::terminal::{ChannelWriter, ClientWindow, SshBackend};
use crate::store::Db;
use crate::tui::app::App;
use crate::tui::{self, Heard, Input, Options};
use anyhow::{Context, Result};
use chrono::Utc;
use ratatui::Terminal;
use ratatui::crossterm::event::Event;
use ratatui::crossterm::{cursor, event, terminal};
use russh::ChannelId;
use russh::server::Handle;
use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long a lone ESC waits for the rest of a sequence before it is the
/// Esc key.
const ESC_WAIT: Duration = Duration::from_millis(50);

/// What the connection passes to its session.
pub enum Incoming {
    Bytes(Vec<u8>),
    /// The client's window changed (its new size is in the [`ClientWindow`]).
    Resized,
}

/// All a session needs to start.
pub struct Start {
    /// The session's own connection to the hospital file.
    pub db: Db,
    pub options: Options,
    pub window: ClientWindow,
    pub incoming: Receiver<Incoming>,
    pub handle: Handle,
    pub channel: ChannelId,
    pub runtime: tokio::runtime::Handle,
    /// The fingerprint of the SSH key the client signed in with, if any.
    pub key: Option<String>,
    /// The connection closes after this long without a key.
    pub idle: Duration,
}

/// Why the session ended, for the words the client sees last.
enum Ending {
    Quit,
    Idle(Duration),
    Gone,
}

/// The client's bytes as the screen's events.
struct ChannelInput {
    incoming: Receiver<Incoming>,
    parser: Parser,
    queue: std::collections::VecDeque<Event>,
    window: ClientWindow,
    last_key: Instant,
    idle: Duration,
    ending: Option<Ending>,
}

impl Input for ChannelInput {
    fn next(&mut self, timeout: Duration) -> Result<Heard> {
        if let Some(e) = self.queue.pop_front() {
            return Ok(Heard::Event(e));
        }
        let wait = if self.parser.waiting() {
            ESC_WAIT.min(timeout)
        } else {
            timeout
        };
        match self.incoming.recv_timeout(wait) {
            Ok(Incoming::Bytes(bytes)) => {
                self.last_key = Instant::now();
                self.queue.extend(self.parser.feed(&bytes));
            }
            Ok(Incoming::Resized) => {
                let size = self.window.size();
                self.queue.push_back(Event::Resize(size.width, size.height));
            }
            Err(RecvTimeoutError::Timeout) => {
                if self.parser.waiting() {
                    self.queue.extend(self.parser.flush());
                } else if self.last_key.elapsed() >= self.idle {
                    self.ending = Some(Ending::Idle(self.idle));
                    return Ok(Heard::Closed);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                self.ending = Some(Ending::Gone);
                return Ok(Heard::Closed);
            }
        }
        Ok(self.queue.pop_front().map_or(Heard::Nothing, Heard::Event))
    }
}

/// Runs one session to its end; errors are logged, never shown to other
/// sessions.
pub fn run(start: Start) {
    let channel = start.channel;
    let handle = start.handle.clone();
    let runtime = start.runtime.clone();
    let outcome = serve(start);
    let farewell = match &outcome {
        Ok(Ending::Quit) => Some("Signed out. Goodbye.\r\n".to_string()),
        Ok(Ending::Idle(d)) => Some(format!(
            "Closed after {} minutes without a key: connect again to carry on.\r\n",
            d.as_secs() / 60
        )),
        Ok(Ending::Gone) => None,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "an SSH terminal stopped with an error");
            Some(format!(
                "The terminal stopped: {e:#}. Connect again; if it happens again, tell an administrator.\r\n"
            ))
        }
    };
    if let Some(words) = farewell {
        runtime.block_on(async {
            let _ = handle.data(channel, words.into_bytes()).await;
            let _ = handle.exit_status_request(channel, 0).await;
            let _ = handle.eof(channel).await;
            let _ = handle.close(channel).await;
        });
    }
}

fn serve(start: Start) -> Result<Ending> {
    let Start {
        db,
        options,
        window,
        incoming,
        handle,
        channel,
        runtime,
        key,
        idle,
    } = start;
    let send_runtime = runtime.clone();
    let writer = ChannelWriter::new(move |bytes| {
        send_runtime
            .block_on(handle.data(channel, bytes))
            .map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the SSH client has gone")
            })
    });
    let mut direct = writer.clone();
    ratatui::crossterm::queue!(
        direct,
        terminal::EnterAlternateScreen,
        event::EnableBracketedPaste,
        cursor::Hide
    )?;
    direct.flush()?;
    let backend = SshBackend::new(writer, window.clone());
    let mut screen = Terminal::new(backend).context("could not set up the screen")?;
    screen.clear()?;

    let now = Utc::now();
    let mut app = App::new(db, options, now)?;
    if let Some(fingerprint) = key {
        match crate::auth::sign_in_by_key(app.db_mut(), &fingerprint, now) {
            Ok(session) => app.begin_signed_in(session),
            Err(e) => app.show_sign_in_refusal(sentence(&e.to_string())),
        }
    }
    tracing::info!(hospital = %app.db().code(), "SSH terminal started");
    let mut input = ChannelInput {
        incoming,
        parser: Parser::default(),
        queue: Default::default(),
        window,
        last_key: Instant::now(),
        idle,
        ending: None,
    };
    let result = tui::drive(&mut screen, &mut app, &mut input);
    app.shutdown();
    if let Some(error) = app.error_shown() {
        tracing::error!(error, "an SSH terminal's session did not close cleanly");
    }
    tracing::info!("SSH terminal closed");
    let ending = input.ending.take().unwrap_or(Ending::Quit);
    if result.is_ok() && !matches!(ending, Ending::Gone) {
        let _ = ratatui::crossterm::queue!(
            direct,
            terminal::LeaveAlternateScreen,
            event::DisableBracketedPaste,
            cursor::Show
        );
        let _ = direct.flush();
    }
    match result {
        Ok(()) => Ok(ending),
        Err(e) if client_gone(&e) => Ok(Ending::Gone),
        Err(e) => Err(e),
    }
}

/// Whether a frame failed because the client had gone (not a fault here).
fn client_gone(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn sentence(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
