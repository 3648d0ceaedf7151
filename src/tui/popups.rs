//! The popup stack the app owns, so that a screen asks a question without
//! keeping state for it: a yes/no confirmation naming the record, a typed
//! answer (a reason, a date), the patient picker or a check list. The asking
//! screen hands over a [`Question`] with a token of its own saying what the
//! answer is for; the app shows it over the screen, sends it the keys first,
//! and gives the token back with the [`Answer`] through [`Screen::answered`].
//!
//! The stack only keeps and orders the questions; the app routes keys to the
//! top one and calls the asker, since only it can lend a screen its [`Ctx`].
//!
//! A question ignores the keys that come within [`SETTLE`] of its opening:
//! a terminal without bracketed paste sends pasted text as a burst of keys,
//! and the letters after the one that opened a question must not answer it.

use crate::tui::keymap::{self, Binding, Tab};
use crate::tui::screen::{Ctx, Said, Screen, View};
use crate::tui::widgets::popup::{self, Prompt};
use chrono::{DateTime, Utc};
use std::any::Any;

/// How long a yes/no question or a typed answer ignores keys after it
/// opens: no person reads a question and answers it this fast, while the
/// keys of a paste (or keys typed ahead) come within milliseconds.
pub const SETTLE: chrono::TimeDelta = chrono::TimeDelta::milliseconds(300);

/// What is shown and answered.
pub enum Popup {
    /// A yes/no question that names the record it is about.
    Confirm(String),
    /// A question answered with a line of text.
    Prompt(Prompt),
    /// A popup with keys of its own (the patient picker) that answers when
    /// it is done.
    Dialog(Box<dyn Dialog>),
}

/// A question a screen asks, with its screen-private token: only the asker
/// downcasts `about`, so no other code names the asker's types.
pub struct Question {
    pub popup: Popup,
    pub about: Box<dyn Any>,
    /// What to ask before quitting while the popup holds typed input; `None`
    /// when that input may be lost silently (a suggested date).
    pub unsaved: Option<&'static str>,
    /// Whether it ignores the keys that come within [`SETTLE`] of its
    /// opening: every question that changes or removes something does; one
    /// that only finds or shows (a date to go to) takes keys at once.
    pub settles: bool,
}

impl Question {
    /// A yes/no question; yes answers [`Answer::Yes`].
    pub fn confirm(question: impl Into<String>, about: impl Any) -> Question {
        Question::new(Popup::Confirm(question.into()), about)
    }

    /// A typed answer; Enter answers [`Answer::Text`].
    pub fn prompt(prompt: Prompt, about: impl Any) -> Question {
        Question::new(Popup::Prompt(prompt), about)
    }

    /// The patients search as a picker headed by `purpose`; choosing (or
    /// registering) a patient answers [`Answer::Patient`].
    pub fn patient(ctx: &mut Ctx, purpose: &str, about: impl Any) -> Question {
        let picker = crate::tui::screens::patients::patient_picker(ctx, purpose);
        Question::new(Popup::Dialog(picker), about)
    }

    /// A popup with keys of its own (a check list) that answers when done.
    pub fn dialog(dialog: Box<dyn Dialog>, about: impl Any) -> Question {
        Question::new(Popup::Dialog(dialog), about)
    }

    fn new(popup: Popup, about: impl Any) -> Question {
        Question {
            popup,
            about: Box::new(about),
            unsaved: None,
            settles: true,
        }
    }

    /// A question that only finds or shows something (the date to go to):
    /// it takes keys as soon as it opens, so that a user who knows it can
    /// type ahead.
    pub fn at_once(mut self) -> Question {
        self.settles = false;
        self
    }

    /// Asks `quit` before quitting while this popup holds typed input.
    pub fn unsaved(mut self, quit: &'static str) -> Question {
        self.unsaved = Some(quit);
        self
    }

    /// The keys the popup takes.
    pub fn table(&self) -> &'static [Binding] {
        match &self.popup {
            Popup::Confirm(_) => keymap::CONFIRM,
            Popup::Prompt(_) => keymap::PROMPT,
            Popup::Dialog(d) => d.table(),
        }
    }

    /// The question to ask before quitting, when typed input would be lost.
    pub fn unsaved_input(&self) -> Option<&'static str> {
        let typed = match &self.popup {
            Popup::Confirm(_) => false,
            Popup::Prompt(p) => !p.answer.is_empty(),
            Popup::Dialog(d) => d.unsaved_input().is_some(),
        };
        self.unsaved.filter(|_| typed)
    }

    /// Draws the popup over `area`.
    pub fn render(&self, frame: &mut ratatui::Frame, area: ratatui::layout::Rect, view: &View) {
        match &self.popup {
            Popup::Confirm(q) => popup::confirm(q, view.theme, area, frame.buffer_mut()),
            Popup::Prompt(p) => p.render(frame, area, view.theme),
            Popup::Dialog(d) => {
                if d.covers_screen() {
                    frame.render_widget(ratatui::widgets::Clear, area);
                }
                d.render(frame, area, view);
            }
        }
    }
}

impl From<Question> for Said {
    fn from(q: Question) -> Said {
        Said::Ask(Box::new(q))
    }
}

impl std::fmt::Debug for Question {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.popup {
            Popup::Confirm(q) => write!(f, "Confirm({q:?})"),
            Popup::Prompt(p) => write!(f, "Prompt({:?})", p.question),
            Popup::Dialog(d) => write!(f, "Dialog({:?})", d.title()),
        }
    }
}

/// Two questions are the same question only if they are one value.
impl PartialEq for Question {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Question {}

/// The answer given back to the asker with its token.
#[derive(Debug)]
pub enum Answer {
    /// Yes to a confirmation.
    Yes,
    /// The text typed into a prompt.
    Text(String),
    /// The patient chosen (or registered) in the picker; opening the record
    /// was audited as a READ.
    Patient(Box<crate::domain::patient::Patient>),
    /// The lines checked in a check list, by position, when it was saved.
    Checked(Vec<usize>),
    /// No, Esc, or the picker left without choosing.
    Cancelled,
}

/// The asker refuses an answer (a bad date, an empty reason): the question
/// stays open with what was typed, `said` tells why, and `field_error`, when
/// given, marks the prompt's field.
pub struct Refused {
    pub about: Box<dyn Any>,
    pub said: Said,
    pub field_error: Option<String>,
}

/// What an asker makes of an answer: what to say (or a further question),
/// or a refusal that keeps the question open.
pub type Heard = Result<Said, Refused>;

/// A popup with a screen's worth of keys (the patient picker): it takes keys
/// like a screen, may ask questions of its own on the stack, and ends with an
/// answer for whoever asked it.
pub trait Dialog: Screen {
    /// The answer, once, when the dialog is done.
    fn finished(&mut self) -> Option<Answer>;

    /// Whether it takes the whole screen (the picker), rather than a box
    /// drawn over the tab (a check list).
    fn covers_screen(&self) -> bool {
        true
    }

    /// Whether keys that arrive within [`SETTLE`] of its opening are held
    /// back, as a question's are: a dialog that answers a destructive
    /// question (the merge preview) does; one that only searches (the
    /// picker) takes keys at once.
    fn settles(&self) -> bool {
        false
    }
}

/// Who receives an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    /// The app itself (quitting, signing out).
    App,
    /// The screen of the entry's tab.
    Screen,
    /// The dialog with this id on the stack (the picker's own questions).
    Popup(u64),
}

/// One open question.
pub struct Entry {
    pub id: u64,
    /// The tab whose screen asked, shown with it; `None` for the app's own
    /// questions, shown everywhere.
    pub tab: Option<Tab>,
    pub asker: Asker,
    pub question: Question,
    /// When it opened, on the app's clock.
    pub opened: DateTime<Utc>,
}

impl Entry {
    /// Whether a key at `now` comes too soon after the question opened to
    /// be its answer (see [`SETTLE`] and [`Question::at_once`]). A popup with keys of its own (the
    /// picker) takes keys at once unless it says it settles
    /// ([`Dialog::settles`]): the picker only searches, and what it leads to
    /// asks in its turn. A clock set back never holds keys up.
    pub fn too_soon(&self, now: DateTime<Utc>) -> bool {
        let holds = match &self.question.popup {
            Popup::Confirm(_) | Popup::Prompt(_) => true,
            Popup::Dialog(d) => d.settles(),
        };
        self.question.settles && holds && settling(self.opened, now)
    }
}

/// Whether `now` lies within [`SETTLE`] of `opened`: a key then is not an
/// answer to what opened (a question here, a screen's own confirmation
/// such as the dispense plan). A clock set back never holds keys up.
pub fn settling(opened: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let since = now - opened;
    since >= chrono::TimeDelta::zero() && since < SETTLE
}

/// The open questions, oldest first. Each tab sees its own and the app's;
/// the last of those is the top, which takes the keys.
#[derive(Default)]
pub struct Popups {
    entries: Vec<Entry>,
    next: u64,
}

impl Popups {
    /// Opens `question` on top at `opened`, asked by `asker` on behalf of `tab`.
    pub fn push(
        &mut self,
        tab: Option<Tab>,
        asker: Asker,
        question: Question,
        opened: DateTime<Utc>,
    ) -> u64 {
        self.next += 1;
        self.entries.push(Entry {
            id: self.next,
            tab,
            asker,
            question,
            opened,
        });
        self.next
    }

    /// Puts a refused question back on top under its old id.
    pub fn reopen(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// The questions shown over `tab` (or over no tab), oldest first.
    pub fn shown(&self, tab: Option<Tab>) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(move |e| e.tab.is_none() || e.tab == tab)
    }

    /// The question that takes the keys over `tab`.
    pub fn top(&self, tab: Option<Tab>) -> Option<&Entry> {
        self.shown(tab).last()
    }

    pub fn get(&self, id: u64) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    /// Closes the question `id`, handing it over.
    pub fn take(&mut self, id: u64) -> Option<Entry> {
        let i = self.entries.iter().position(|e| e.id == id)?;
        Some(self.entries.remove(i))
    }

    /// Whether any question is open over `tab` on behalf of its screen.
    pub fn any_for(&self, tab: Tab) -> bool {
        self.entries.iter().any(|e| e.tab == Some(tab))
    }

    /// The questions asked on behalf of `tab`.
    pub fn of_tab(&self, tab: Tab) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.tab == Some(tab))
    }

    /// Closes every question (signing out, locking: the screens go too).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
