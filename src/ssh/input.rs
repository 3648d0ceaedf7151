//! What an SSH client's terminal sends, as the screen's key and paste
//! events: UTF-8 text, control keys, the escape sequences of xterm and the
//! VT family (arrows, Home/End, PgUp/PgDn, Insert/Delete, F1–F12, with
//! Shift/Alt/Ctrl), Alt+key as ESC and the key, and bracketed paste.
//!
//! Bytes arrive in pieces: a sequence cut between two pieces waits for the
//! rest, and a lone ESC becomes the Esc key once [`Parser::flush`] is
//! called after a short wait in which nothing followed it.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

const ESC: u8 = 0x1b;
/// A control sequence longer than this is not one a terminal sends for a
/// key: it is dropped rather than waited on.
const LONGEST_SEQUENCE: usize = 32;
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Turns a terminal's bytes into key and paste events.
#[derive(Debug, Default)]
pub struct Parser {
    pending: Vec<u8>,
    /// Inside a bracketed paste: the text so far.
    paste: Option<Vec<u8>>,
}

enum Step {
    Event(Event, usize),
    /// Bytes that mean nothing to the screen (an unknown sequence).
    Skip(usize),
    /// A sequence not yet complete.
    Wait,
}

impl Parser {
    /// Adds the bytes received and returns the events they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.pending.extend_from_slice(bytes);
        self.drain(false)
    }

    /// Whether bytes wait for the rest of their sequence (a lone ESC).
    pub fn waiting(&self) -> bool {
        !self.pending.is_empty() && self.paste.is_none()
    }

    /// After a wait with nothing more: a waiting ESC is the Esc key (or
    /// Alt with what follows), and the rest is read as keys.
    pub fn flush(&mut self) -> Vec<Event> {
        self.drain(true)
    }

    fn drain(&mut self, timed_out: bool) -> Vec<Event> {
        let mut events = Vec::new();
        let mut at = 0;
        while at < self.pending.len() {
            let rest = &self.pending[at..];
            if let Some(text) = &mut self.paste {
                match find(rest, PASTE_END) {
                    Some(end) => {
                        text.extend_from_slice(&rest[..end]);
                        let text = String::from_utf8_lossy(text).into_owned();
                        events.push(Event::Paste(text));
                        self.paste = None;
                        at += end + PASTE_END.len();
                    }
                    None => {
                        // Keep what may be the start of the end marker.
                        let keep = (1..PASTE_END.len())
                            .rev()
                            .find(|&n| rest.len() >= n && rest.ends_with(&PASTE_END[..n]))
                            .unwrap_or(0);
                        text.extend_from_slice(&rest[..rest.len() - keep]);
                        at = self.pending.len() - keep;
                        break;
                    }
                }
                continue;
            }
            if rest.starts_with(PASTE_START) {
                self.paste = Some(Vec::new());
                at += PASTE_START.len();
                continue;
            }
            match step(rest) {
                Step::Event(e, n) => {
                    events.push(e);
                    at += n;
                }
                Step::Skip(n) => at += n,
                Step::Wait if timed_out && rest[0] == ESC => match step(&rest[1..]) {
                    Step::Event(Event::Key(k), n) if rest.len() > 1 => {
                        events.push(Event::Key(alt(k)));
                        at += 1 + n;
                    }
                    _ => {
                        events.push(key(KeyCode::Esc, KeyModifiers::NONE));
                        at += 1;
                    }
                },
                Step::Wait if timed_out => at += 1,
                Step::Wait => break,
            }
        }
        self.pending.drain(..at);
        events
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

fn alt(mut k: KeyEvent) -> KeyEvent {
    k.modifiers |= KeyModifiers::ALT;
    k
}

/// One key from the start of `b`.
fn step(b: &[u8]) -> Step {
    let Some(&first) = b.first() else {
        return Step::Wait;
    };
    match first {
        ESC => escape(b),
        b'\r' | b'\n' => Step::Event(key(KeyCode::Enter, KeyModifiers::NONE), 1),
        b'\t' => Step::Event(key(KeyCode::Tab, KeyModifiers::NONE), 1),
        0x7f | 0x08 => Step::Event(key(KeyCode::Backspace, KeyModifiers::NONE), 1),
        0x00 => Step::Event(key(KeyCode::Char(' '), KeyModifiers::CONTROL), 1),
        0x01..=0x1a => {
            let c = char::from(b'a' + first - 1);
            Step::Event(key(KeyCode::Char(c), KeyModifiers::CONTROL), 1)
        }
        0x1c..=0x1f => {
            let c = char::from(first + 0x40);
            Step::Event(key(KeyCode::Char(c), KeyModifiers::CONTROL), 1)
        }
        _ => text(b),
    }
}

/// One UTF-8 character.
fn text(b: &[u8]) -> Step {
    let len = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Skip(1),
    };
    if b.len() < len {
        return Step::Wait;
    }
    match std::str::from_utf8(&b[..len])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) if c.is_uppercase() => Step::Event(key(KeyCode::Char(c), KeyModifiers::SHIFT), len),
        Some(c) => Step::Event(key(KeyCode::Char(c), KeyModifiers::NONE), len),
        None => Step::Skip(1),
    }
}

fn escape(b: &[u8]) -> Step {
    match b.get(1) {
        None => Step::Wait,
        Some(b'[') => csi(b),
        Some(b'O') => match b.get(2) {
            None => Step::Wait,
            Some(&f) => {
                final_key(f, KeyModifiers::NONE).map_or(Step::Skip(3), |e| Step::Event(e, 3))
            }
        },
        Some(&ESC) => Step::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        Some(_) => match step(&b[1..]) {
            Step::Event(Event::Key(k), n) => Step::Event(Event::Key(alt(k)), n + 1),
            Step::Event(_, n) | Step::Skip(n) => Step::Skip(n + 1),
            Step::Wait => Step::Wait,
        },
    }
}

/// The key of an SS3 or CSI sequence's final byte.
fn final_key(f: u8, m: KeyModifiers) -> Option<Event> {
    let code = match f {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        b'Z' => return Some(key(KeyCode::BackTab, m | KeyModifiers::SHIFT)),
        _ => return None,
    };
    Some(key(code, m))
}

/// The modifiers of a CSI parameter (xterm: 1 + Shift 1 + Alt 2 + Ctrl 4).
fn modifiers(param: Option<u32>) -> KeyModifiers {
    let bits = param.unwrap_or(1).saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

fn csi(b: &[u8]) -> Step {
    // The Linux console's F1–F5: ESC [ [ A … E.
    if b.get(2) == Some(&b'[') {
        return match b.get(3) {
            None => Step::Wait,
            Some(&c @ b'A'..=b'E') => {
                Step::Event(key(KeyCode::F(c - b'A' + 1), KeyModifiers::NONE), 4)
            }
            Some(_) => Step::Skip(4),
        };
    }
    let Some(end) = b[2..].iter().position(|c| (0x40..=0x7e).contains(c)) else {
        return if b.len() > LONGEST_SEQUENCE {
            Step::Skip(b.len())
        } else {
            Step::Wait
        };
    };
    let len = 2 + end + 1;
    let params: Vec<Option<u32>> = std::str::from_utf8(&b[2..2 + end])
        .unwrap_or("")
        .split(';')
        .map(|p| p.parse().ok())
        .collect();
    let first = params.first().copied().flatten();
    let m = modifiers(params.get(1).copied().flatten());
    let event = match b[2 + end] {
        b'~' => {
            let code = match first {
                Some(1 | 7) => Some(KeyCode::Home),
                Some(2) => Some(KeyCode::Insert),
                Some(3) => Some(KeyCode::Delete),
                Some(4 | 8) => Some(KeyCode::End),
                Some(5) => Some(KeyCode::PageUp),
                Some(6) => Some(KeyCode::PageDown),
                Some(n @ 11..=15) => Some(KeyCode::F((n - 10) as u8)),
                Some(n @ 17..=21) => Some(KeyCode::F((n - 11) as u8)),
                Some(n @ 23..=24) => Some(KeyCode::F((n - 12) as u8)),
                _ => None,
            };
            code.map(|c| key(c, m))
        }
        f => final_key(f, m),
    };
    event.map_or(Step::Skip(len), |e| Step::Event(e, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(bytes: &[u8]) -> Vec<(KeyCode, KeyModifiers)> {
        let mut p = Parser::default();
        let mut events = p.feed(bytes);
        events.extend(p.flush());
        events
            .into_iter()
            .map(|e| match e {
                Event::Key(k) => (k.code, k.modifiers),
                other => panic!("not a key: {other:?}"),
            })
            .collect()
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;

    #[test]
    fn text_and_control_keys() {
        assert_eq!(
            keys("aÉ€\r\t\x7f\x08".as_bytes()),
            vec![
                (KeyCode::Char('a'), NONE),
                (KeyCode::Char('É'), KeyModifiers::SHIFT),
                (KeyCode::Char('€'), NONE),
                (KeyCode::Enter, NONE),
                (KeyCode::Tab, NONE),
                (KeyCode::Backspace, NONE),
                (KeyCode::Backspace, NONE),
            ]
        );
        assert_eq!(
            keys(b"\x03\x0c\x11"),
            vec![
                (KeyCode::Char('c'), KeyModifiers::CONTROL),
                (KeyCode::Char('l'), KeyModifiers::CONTROL),
                (KeyCode::Char('q'), KeyModifiers::CONTROL),
            ]
        );
    }

    #[test]
    fn arrows_home_end_pages_in_xterm_and_vt_forms() {
        assert_eq!(
            keys(b"\x1b[A\x1bOB\x1b[C\x1bOD\x1b[H\x1b[F\x1b[1~\x1b[4~\x1bOH\x1bOF"),
            vec![
                (KeyCode::Up, NONE),
                (KeyCode::Down, NONE),
                (KeyCode::Right, NONE),
                (KeyCode::Left, NONE),
                (KeyCode::Home, NONE),
                (KeyCode::End, NONE),
                (KeyCode::Home, NONE),
                (KeyCode::End, NONE),
                (KeyCode::Home, NONE),
                (KeyCode::End, NONE),
            ]
        );
        assert_eq!(
            keys(b"\x1b[5~\x1b[6~\x1b[3~\x1b[2~\x1b[Z"),
            vec![
                (KeyCode::PageUp, NONE),
                (KeyCode::PageDown, NONE),
                (KeyCode::Delete, NONE),
                (KeyCode::Insert, NONE),
                (KeyCode::BackTab, KeyModifiers::SHIFT),
            ]
        );
        assert_eq!(
            keys(b"\x1b[1;5C\x1b[1;2A"),
            vec![
                (KeyCode::Right, KeyModifiers::CONTROL),
                (KeyCode::Up, KeyModifiers::SHIFT),
            ]
        );
    }

    #[test]
    fn function_keys() {
        let all = b"\x1bOP\x1bOQ\x1bOR\x1bOS\x1b[15~\x1b[17~\x1b[18~\x1b[19~\x1b[20~\x1b[21~\x1b[23~\x1b[24~";
        let got: Vec<KeyCode> = keys(all).into_iter().map(|(c, _)| c).collect();
        assert_eq!(got, (1..=12).map(KeyCode::F).collect::<Vec<_>>());
        let vt: Vec<KeyCode> = keys(b"\x1b[11~\x1b[12~\x1b[13~\x1b[14~\x1b[[A\x1b[[E")
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(
            vt,
            vec![
                KeyCode::F(1),
                KeyCode::F(2),
                KeyCode::F(3),
                KeyCode::F(4),
                KeyCode::F(1),
                KeyCode::F(5)
            ]
        );
        assert_eq!(
            keys(b"\x1b[1;2P"),
            vec![(KeyCode::F(1), KeyModifiers::SHIFT)]
        );
    }

    #[test]
    fn alt_keys_and_a_lone_escape() {
        assert_eq!(
            keys(b"\x1bx"),
            vec![(KeyCode::Char('x'), KeyModifiers::ALT)]
        );
        assert_eq!(keys(b"\x1b\r"), vec![(KeyCode::Enter, KeyModifiers::ALT)]);
        let mut p = Parser::default();
        assert!(p.feed(b"\x1b").is_empty());
        assert!(p.waiting());
        let flushed = p.flush();
        assert!(matches!(&flushed[..], [Event::Key(k)] if k.code == KeyCode::Esc));
        assert!(!p.waiting());
        assert_eq!(
            keys(b"\x1b\x1b"),
            vec![(KeyCode::Esc, NONE), (KeyCode::Esc, NONE)]
        );
    }

    #[test]
    fn sequences_split_between_reads_wait_for_their_rest() {
        let mut p = Parser::default();
        assert!(p.feed(b"\x1b[").is_empty());
        assert!(p.feed(b"1;5").is_empty());
        let e = p.feed(b"Dz");
        assert_eq!(e.len(), 2);
        assert!(
            matches!(&e[0], Event::Key(k) if k.code == KeyCode::Left && k.modifiers == KeyModifiers::CONTROL)
        );
        let euro = "€".as_bytes();
        assert!(p.feed(&euro[..1]).is_empty());
        let e = p.feed(&euro[1..]);
        assert!(matches!(&e[..], [Event::Key(k)] if k.code == KeyCode::Char('€')));
    }

    #[test]
    fn bracketed_paste_is_one_event_even_in_pieces() {
        let mut p = Parser::default();
        assert!(p.feed(b"\x1b[200~line one\r\nq\x1b[2").is_empty());
        assert!(!p.waiting());
        let e = p.feed(b"01~x");
        assert_eq!(e.len(), 2);
        assert!(matches!(&e[0], Event::Paste(t) if t == "line one\r\nq"));
        assert!(matches!(&e[1], Event::Key(k) if k.code == KeyCode::Char('x')));
    }

    #[test]
    fn unknown_sequences_are_dropped() {
        assert_eq!(keys(b"\x1b[99xa"), vec![(KeyCode::Char('a'), NONE)]);
        assert_eq!(keys(b"\xffb"), vec![(KeyCode::Char('b'), NONE)]);
    }
}
