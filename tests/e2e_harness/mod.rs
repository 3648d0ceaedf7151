//! The end-to-end tests' terminal: a pseudo-terminal the test opens itself
//! (`wardline::pty`), running the real binary or a shell, its screen read
//! by a terminal emulator (`vt100`); typed at like a person. Needs nothing
//! installed but the Rust toolchain (and `sh` for the scenarios that use a
//! shell), and the demo hospital the scenarios start from.
#![allow(dead_code)]

use std::cell::Cell;
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use wardline::pty::{Pty, PtyChild};

pub const BIN: &str = env!("CARGO_BIN_EXE_wardline");

const ROWS: u16 = 30;
const COLS: u16 = 100;
/// How long a wait may take before the test fails, showing the screen.
const TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(20);
/// How long a person reads a question before answering it: longer than
/// the 300 ms a question ignores keys for after it opens.
const READING: Duration = Duration::from_millis(400);

/// What the reader thread has seen: the emulated screen, and whether every
/// process has closed the terminal (the program, or the shell, exited).
struct Seen {
    parser: vt100::Parser,
    closed: bool,
}

/// A 100×30 xterm-256color pseudo-terminal running the real binary or a
/// shell. Dropping it kills whatever runs on it and closes the terminal; a
/// test failing while it is open prints its screen.
pub struct Terminal {
    name: String,
    child: PtyChild,
    seen: Arc<Mutex<Seen>>,
    /// Runs the binary itself (not a shell), so the terminal closes when it
    /// exits.
    program: bool,
    /// A failure has printed the screen already.
    shown: Cell<bool>,
}

impl Terminal {
    /// The real binary on the hospitals in `data`, with `args`, on a
    /// terminal of its own.
    pub fn run(name: &str, data: &Path, args: &[&str]) -> Terminal {
        let mut command = Command::new(BIN);
        command.arg("--data-dir").arg(data).args(args);
        Terminal::spawn(name, command, true)
    }

    /// A shell (`sh`, prompt `$ `), for the scenarios that run commands in
    /// sequence or look at the terminal after the program has quit.
    pub fn shell(name: &str) -> Terminal {
        let mut command = Command::new("sh");
        command.env("PS1", "$ ");
        Terminal::spawn(name, command, false)
    }

    /// Any program (`ssh`, say) on a terminal of its own, which closes when
    /// it exits.
    pub fn program(name: &str, command: Command) -> Terminal {
        Terminal::spawn(name, command, true)
    }

    /// Resizes the terminal, as a person resizing the window does; the
    /// emulated screen takes the new size too.
    pub fn resize(&self, rows: u16, cols: u16) {
        lock(&self.seen)
            .parser
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
        if let Err(e) = self.child.resize(rows, cols) {
            self.fail(&format!("could not resize the terminal: {e}"));
        }
    }

    /// Whether every process has closed the terminal (the program exited).
    pub fn has_closed(&self) -> bool {
        self.closed()
    }

    fn spawn(name: &str, mut command: Command, program: bool) -> Terminal {
        command.env("TERM", "xterm-256color");
        let pty = Pty::open(ROWS, COLS)
            .unwrap_or_else(|e| panic!("[{name}] could not open a pseudo-terminal: {e}"));
        let child = pty
            .spawn(&mut command)
            .unwrap_or_else(|e| panic!("[{name}] could not start {command:?}: {e}"));
        let seen = Arc::new(Mutex::new(Seen {
            parser: vt100::Parser::new(nonzero(ROWS), nonzero(COLS), 0),
            closed: false,
        }));
        let mut reader = child
            .reader()
            .unwrap_or_else(|e| panic!("[{name}] could not read the terminal: {e}"));
        let sink = Arc::clone(&seen);
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 16 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => lock(&sink).parser.process(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    // EIO once every process has closed the terminal.
                    Err(_) => break,
                }
            }
            lock(&sink).closed = true;
        });
        Terminal {
            name: name.to_string(),
            child,
            seen,
            program,
            shown: Cell::new(false),
        }
    }

    /// Sends keys by their tmux names (Enter, Tab, F6, C-l, M-1, BTab…), as
    /// the escape sequences an xterm sends for them.
    pub fn keys(&self, keys: &[&str]) {
        for key in keys {
            let bytes = key_bytes(key)
                .unwrap_or_else(|| panic!("[{}] no such key name: {key:?}", self.name));
            self.send(&bytes);
            if bytes == b"\x1b" {
                // A lone Escape read together with what follows it would be
                // Alt and the next key: let the program read it first.
                self.wait_until_read();
            }
        }
    }

    /// Types text literally.
    pub fn typed(&self, text: &str) {
        self.send(text.as_bytes());
    }

    /// Waits for the sign-in screen and signs in as the demo's `user`.
    pub fn sign_in_to_demo(&self, user: &str) {
        self.wait_for("Sign in");
        self.typed(user);
        self.keys(&["Tab"]);
        self.typed(wardline::demo::PASSWORD);
        self.keys(&["Enter"]);
    }

    fn send(&self, bytes: &[u8]) {
        if let Err(e) = self.child.write(bytes) {
            self.fail(&format!("could not type {bytes:?}: {e}"));
        }
    }

    /// Waits until the program has read everything typed (nothing waits in
    /// the terminal's input for a while).
    fn wait_until_read(&self) {
        let deadline = Instant::now() + TIMEOUT;
        let mut quiet = 0;
        while quiet < 5 {
            std::thread::sleep(Duration::from_millis(10));
            match self.child.unread_input() {
                Ok(0) => quiet += 1,
                Ok(_) => quiet = 0,
                // The terminal has gone: nothing is left to read it.
                Err(_) => return,
            }
            if Instant::now() > deadline {
                self.fail("timed out waiting for the program to read the keys typed");
            }
        }
    }

    /// Waits until the terminal no longer echoes what is typed, as a
    /// password prompt does once it reads: it prints its prompt a moment
    /// before turning echo off, and a password typed in that moment shows.
    pub fn wait_until_echo_off(&self) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.child.echoes() {
                Ok(false) => return,
                Ok(true) => {}
                Err(e) => self.fail(&format!("could not read the terminal's modes: {e}")),
            }
            if Instant::now() > deadline {
                self.fail("timed out waiting for the terminal to stop echoing");
            }
            std::thread::sleep(POLL);
        }
    }

    /// Whether the terminal is in bracketed paste mode (as the program
    /// last set it).
    pub fn bracketed_paste(&self) -> bool {
        lock(&self.seen).parser.screen().bracketed_paste()
    }

    /// The screen's text, a line per row, as a person sees it.
    pub fn screen(&self) -> String {
        screen_text(&lock(&self.seen).parser)
    }

    fn closed(&self) -> bool {
        lock(&self.seen).closed
    }

    /// Waits until the screen shows `text`; fails with the screen otherwise.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let (screen, closed) = {
                let seen = lock(&self.seen);
                (screen_text(&seen.parser), seen.closed)
            };
            if screen.contains(text) {
                return screen;
            }
            if closed {
                self.fail(&format!(
                    "the terminal closed (the program exited) before showing {text:?}"
                ));
            }
            if Instant::now() > deadline {
                self.fail(&format!("timed out waiting for {text:?}"));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until the screen shows the question `text`, then as long as a
    /// person takes to read it: a question ignores the keys that come as it
    /// opens (a paste sent as keys must not answer it).
    pub fn wait_for_question(&self, text: &str) -> String {
        let screen = self.wait_for(text);
        std::thread::sleep(READING);
        screen
    }

    /// Sends `text` as a terminal with bracketed paste on sends a paste.
    pub fn pasted(&self, text: &str) {
        self.send(format!("\x1b[200~{text}\x1b[201~").as_bytes());
    }

    /// Waits until the screen no longer shows `text`, then until the
    /// program has exited (and so finished writing): the terminal closes
    /// when it runs the program itself; a shell takes the terminal back.
    pub fn wait_until_gone(&self, text: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while self.screen().contains(text) {
            if Instant::now() > deadline {
                self.fail(&format!("timed out waiting for {text:?} to go"));
            }
            std::thread::sleep(POLL);
        }
        let exited = || {
            if self.program {
                self.closed()
            } else {
                self.child.in_foreground().unwrap_or(true)
            }
        };
        while !exited() {
            if Instant::now() > deadline {
                self.fail(&format!("{text:?} went but the program did not exit"));
            }
            std::thread::sleep(POLL);
        }
        if !self.program {
            // A shell without job control never gives the terminal away.
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn fail(&self, why: &str) -> ! {
        self.shown.set(true);
        panic!(
            "[{}] {why}; the screen shows:\n{}",
            self.name,
            self.screen()
        )
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.shown.get() {
            eprintln!(
                "[{}] the test failed; the screen shows:\n{}",
                self.name,
                self.screen()
            );
        }
        // `child` drops next: it kills what runs on the terminal and closes
        // it, which ends the reader thread.
    }
}

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN)
}

/// The reader thread holds the lock only to feed the parser; a test that
/// panicked holding it has failed already, so its poison is ignored.
fn lock(seen: &Mutex<Seen>) -> MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A line per row, without trailing blanks (as `tmux capture-pane -p`).
fn screen_text(parser: &vt100::Parser) -> String {
    let mut text = String::new();
    let (_, cols) = parser.screen().size();
    for row in parser.screen().rows(0, cols.get()) {
        text.push_str(row.trim_end());
        text.push('\n');
    }
    text
}

/// The bytes an xterm sends for a key named as tmux names it, which
/// crossterm reads back as that key.
fn key_bytes(name: &str) -> Option<Vec<u8>> {
    let fixed: &[u8] = match name {
        "Enter" => b"\r",
        "Tab" => b"\t",
        "BTab" => b"\x1b[Z",
        "Escape" => b"\x1b",
        "Space" => b" ",
        "BSpace" => b"\x7f",
        "Up" => b"\x1b[A",
        "Down" => b"\x1b[B",
        "Right" => b"\x1b[C",
        "Left" => b"\x1b[D",
        "Home" => b"\x1b[H",
        "End" => b"\x1b[F",
        "PageUp" | "PPage" => b"\x1b[5~",
        "PageDown" | "NPage" => b"\x1b[6~",
        "Insert" | "IC" => b"\x1b[2~",
        "Delete" | "DC" => b"\x1b[3~",
        "F1" => b"\x1bOP",
        "F2" => b"\x1bOQ",
        "F3" => b"\x1bOR",
        "F4" => b"\x1bOS",
        "F5" => b"\x1b[15~",
        "F6" => b"\x1b[17~",
        "F7" => b"\x1b[18~",
        "F8" => b"\x1b[19~",
        "F9" => b"\x1b[20~",
        "F10" => b"\x1b[21~",
        "F11" => b"\x1b[23~",
        "F12" => b"\x1b[24~",
        _ => {
            if let Some(rest) = name.strip_prefix("M-") {
                // Alt: Escape, then the key.
                let mut bytes = vec![0x1b];
                bytes.extend(key_bytes(rest)?);
                return Some(bytes);
            }
            if let Some(rest) = name.strip_prefix("C-") {
                let mut chars = rest.chars();
                return match (chars.next(), chars.next()) {
                    (Some('?'), None) => Some(vec![0x7f]),
                    (Some(' ' | '@'), None) => Some(vec![0]),
                    (Some(c @ ('a'..='z' | 'A'..='Z' | '['..='_')), None) => {
                        Some(vec![c as u8 & 0x1f])
                    }
                    _ => None,
                };
            }
            let mut chars = name.chars();
            return match (chars.next(), chars.next()) {
                // One character stands for its own key.
                (Some(c), None) => Some(c.to_string().into_bytes()),
                _ => None,
            };
        }
    };
    Some(fixed.to_vec())
}

/// Creates the demo hospital in `data` without opening the screen.
pub fn demo(data: &Path) {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(["demo", "--no-tui"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn key_names_become_the_bytes_an_xterm_sends() {
    let bytes = |k| key_bytes(k).unwrap_or_else(|| panic!("{k} is a key"));
    assert_eq!(bytes("Enter"), b"\r");
    assert_eq!(bytes("C-l"), [0x0c]);
    assert_eq!(bytes("C-q"), [0x11]);
    assert_eq!(bytes("M-1"), b"\x1b1");
    assert_eq!(bytes("F6"), b"\x1b[17~");
    assert_eq!(bytes("BTab"), b"\x1b[Z");
    assert_eq!(bytes("w"), b"w");
    assert_eq!(key_bytes("Entr"), None);
    assert_eq!(key_bytes("C-ll"), None);
}
