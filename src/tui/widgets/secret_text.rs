//! The text of a masked field (a password), kept in one buffer that is
//! wiped when it is cleared or dropped and never moved while a password of
//! an allowed length is typed, so no copy of it is left in freed memory.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::InputRequest;
use tui_input::backend::crossterm::to_input_request;
use zeroize::{Zeroize, Zeroizing};

/// Bytes reserved up front: the longest password allowed (128 characters)
/// in any script.
const ROOM: usize = 512;

/// A masked field's text and cursor. Edits by character only: there are no
/// words to see behind the dots, and nothing cut is kept to paste back.
pub struct SecretText {
    text: Zeroizing<String>,
    /// Characters before the cursor.
    cursor: usize,
}

impl SecretText {
    pub fn new() -> Self {
        SecretText {
            text: Zeroizing::new(String::with_capacity(ROOM)),
            cursor: 0,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// How many characters there are (one dot each on screen).
    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Characters before the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Wipes the text, keeping its buffer for the next one.
    pub fn clear(&mut self) {
        self.text.zeroize();
        self.cursor = 0;
    }

    /// Edits with a key as any field does: characters, Backspace, Delete,
    /// the arrows, Home and End, Ctrl+U.
    pub fn type_key(&mut self, key: KeyEvent) {
        use InputRequest::*;
        let Some(request) = to_input_request(&Event::Key(key)) else {
            return;
        };
        let len = self.len();
        match request {
            InsertChar(c) => self.insert(c),
            DeletePrevChar if self.cursor > 0 => {
                self.cursor -= 1;
                self.remove(self.cursor, self.cursor + 1);
            }
            DeleteNextChar if self.cursor < len => self.remove(self.cursor, self.cursor + 1),
            GoToPrevChar => self.cursor = self.cursor.saturating_sub(1),
            GoToNextChar => self.cursor = (self.cursor + 1).min(len),
            GoToStart | GoToPrevWord => self.cursor = 0,
            GoToEnd | GoToNextWord => self.cursor = len,
            DeleteLine => self.clear(),
            DeleteFromStart | DeletePrevWord => {
                self.remove(0, self.cursor);
                self.cursor = 0;
            }
            DeleteTillEnd | DeleteNextWord => self.remove(self.cursor, len),
            _ => {}
        }
    }

    /// Pasted characters at the cursor (already cleaned by the caller).
    pub fn paste(&mut self, text: &str) {
        for c in text.chars() {
            self.insert(c);
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn insert(&mut self, c: char) {
        if self.text.len() + c.len_utf8() > self.text.capacity() {
            let mut bigger = Zeroizing::new(String::with_capacity(self.text.capacity() * 2));
            bigger.push_str(&self.text);
            // The old buffer is wiped as it is dropped.
            self.text = bigger;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Removes the characters from `from` to `to` in place.
    fn remove(&mut self, from: usize, to: usize) {
        let (a, b) = (self.byte_at(from), self.byte_at(to));
        self.text.drain(a..b);
    }
}

impl Default for SecretText {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(s: &mut SecretText, text: &str) {
        for c in text.chars() {
            s.type_key(key(KeyCode::Char(c)));
        }
    }

    /// The buffer a masked field keeps is one that wipes itself.
    #[test]
    fn a_masked_fields_text_is_held_in_a_zeroizing_buffer() {
        fn zeroizing(_: &Zeroizing<String>) {}
        zeroizing(&SecretText::new().text);
    }

    #[test]
    fn it_edits_as_a_field_does() {
        let mut s = SecretText::new();
        typed(&mut s, "héllo");
        assert_eq!((s.as_str(), s.len(), s.cursor()), ("héllo", 5, 5));
        s.type_key(key(KeyCode::Backspace));
        s.type_key(key(KeyCode::Home));
        typed(&mut s, "¡");
        s.type_key(key(KeyCode::Right));
        s.type_key(key(KeyCode::Delete));
        assert_eq!(s.as_str(), "¡hll");
        s.type_key(key(KeyCode::End));
        s.type_key(key(KeyCode::Left));
        typed(&mut s, "!");
        assert_eq!((s.as_str(), s.cursor()), ("¡hl!l", 4));
        s.type_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert!(s.is_empty());
        assert_eq!(s.cursor(), 0);
        s.type_key(key(KeyCode::Backspace));
        assert!(s.is_empty());
    }

    #[test]
    fn a_password_of_any_allowed_length_never_moves_the_buffer() {
        let mut s = SecretText::new();
        let start = s.text.as_ptr();
        typed(&mut s, &"ж".repeat(128));
        assert_eq!(s.text.as_ptr(), start);
        s.clear();
        assert_eq!((s.text.capacity() >= ROOM, s.text.as_ptr()), (true, start));
    }

    #[test]
    fn a_longer_text_still_fits() {
        let mut s = SecretText::new();
        typed(&mut s, &"ж".repeat(400));
        assert_eq!(s.len(), 400);
        assert!(s.as_str().chars().all(|c| c == 'ж'));
    }
}
