//! The popup stack as the app runs it, with a stand-in screen that asks a
//! confirmation (`c`) or a reason (`r`) and writes down what it hears.

use super::{App, Mode, Options, Workspace};
use crate::tui::keymap::{self, Action, Binding, Tab, b, ch};
use crate::tui::popups::{Answer, Asker, Heard, Popup, Question, Refused};
use crate::tui::screen::{Ctx, Said, Screen, View};
use crate::tui::theme::Theme;
use crate::tui::widgets::popup::Prompt;
use chrono::{DateTime, TimeZone, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

const KEYS: &[Binding] = &[
    b(&[ch('c')], Action::Edit, "ask yes or no", true),
    b(&[ch('r')], Action::Save, "ask a reason", true),
    b(&[ch('x')], Action::Open, "a key of the screen", true),
];

/// The token of a confirmation: which one.
struct ForConfirm(u32);
/// The token of the reason prompt.
struct ForReason;

struct Asking {
    heard: Rc<RefCell<Vec<String>>>,
}

impl Screen for Asking {
    fn table(&self) -> &'static [Binding] {
        KEYS
    }

    fn title(&self) -> &'static str {
        "Asking"
    }

    fn perform(&mut self, action: Action, _ctx: &mut Ctx) -> Said {
        match action {
            Action::Edit => Question::confirm("Retire bed A1?", ForConfirm(1)).into(),
            Action::Save => Question::prompt(Prompt::new("Why?", "Reason"), ForReason)
                .unsaved("Quit and throw away the reason?")
                .into(),
            _ => {
                self.heard.borrow_mut().push("key".into());
                Said::Nothing
            }
        }
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, _ctx: &mut Ctx) -> Heard {
        let about = match about.downcast::<ForConfirm>() {
            Ok(c) => {
                let yes = matches!(answer, Answer::Yes);
                let said = format!("{} {}", if yes { "yes" } else { "no" }, c.0);
                self.heard.borrow_mut().push(said);
                return Ok(Said::Nothing);
            }
            Err(other) => other,
        };
        match answer {
            Answer::Text(t) if t.trim().is_empty() => Err(Refused {
                about,
                said: Said::Error("Type the reason.".into()),
                field_error: Some("required".into()),
            }),
            Answer::Text(t) if about.is::<ForReason>() => {
                self.heard.borrow_mut().push(format!("reason {t}"));
                Ok(Said::Info("Done.".into()))
            }
            _ => {
                self.heard.borrow_mut().push("cancelled".into());
                Ok(Said::Nothing)
            }
        }
    }

    fn shown_again(&mut self, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    fn render(&self, _frame: &mut Frame, _area: Rect, _view: &View) {}
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 8, 30, 0)
        .single()
        .unwrap_or_default()
}

/// An app signed in on the patients tab, showing the stand-in screen.
fn app() -> (tempfile::TempDir, App, Rc<RefCell<Vec<String>>>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("TST.db");
    let code = "TST".parse().unwrap();
    let mut db = crate::store::Db::create(&path, &code, "Lakeside Clinic", chrono_tz::UTC).unwrap();
    let password = "correct horse battery";
    crate::ops::accounts::create_first_admin(&mut db, "admin", "Grace Mwangi", password, t0())
        .unwrap();
    let session = crate::auth::sign_in(&mut db, "admin", password, t0()).unwrap();
    let options = Options {
        idle_lock: None,
        demo_accounts: None,
        theme: Theme::plain(),
    };
    let mut app = App::new(db, options, t0()).unwrap();
    let heard = Rc::new(RefCell::new(Vec::new()));
    let screen = Asking {
        heard: heard.clone(),
    };
    app.mode = Mode::Working(Workspace {
        session,
        tab: Tab::Patients,
        screens: vec![(Tab::Patients, Box::new(screen))],
    });
    (dir, app, heard)
}

/// A key a second after the last one: a person's pace.
fn press(app: &mut App, code: KeyCode) {
    let now = app.now + chrono::TimeDelta::seconds(1);
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), now);
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The tables in force (hint bar, help), each named by what it is.
fn in_force(app: &App) -> Vec<(&'static str, &'static str)> {
    let actions = |t: &[Binding]| t.iter().map(|b| b.action).collect::<Vec<_>>();
    let same = |a: &[Binding], b: &[Binding]| actions(a) == actions(b);
    let name = |t: &'static [Binding]| {
        if same(t, keymap::CONFIRM) {
            "confirm"
        } else if same(t, keymap::global()) {
            "global"
        } else if same(t, KEYS) {
            "screen"
        } else {
            "other"
        }
    };
    app.tables()
        .into_iter()
        .map(|(title, t)| (title, name(t)))
        .collect()
}

fn heard(h: &Rc<RefCell<Vec<String>>>) -> Vec<String> {
    h.borrow().clone()
}

#[test]
fn a_question_goes_on_top_takes_the_keys_and_its_answer_returns_the_token() {
    let (_dir, mut app, h) = app();
    press(&mut app, KeyCode::Char('c'));
    let top = app.popups.top(Some(Tab::Patients)).unwrap();
    assert!(matches!(&top.question.popup, Popup::Confirm(q) if q == "Retire bed A1?"));
    assert_eq!(top.asker, Asker::Screen);
    // The hint bar and help show the popup's keys under the screen's title.
    assert_eq!(
        in_force(&app),
        [("Asking", "confirm"), ("Everywhere", "global")]
    );
    press(&mut app, KeyCode::Char('x'));
    assert!(heard(&h).is_empty(), "the screen's own keys wait");
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(heard(&h), ["yes 1"]);
    assert!(app.popups.top(Some(Tab::Patients)).is_none());
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(heard(&h), ["yes 1", "key"]);
}

#[test]
fn esc_cancels_and_the_asker_hears_so() {
    let (_dir, mut app, h) = app();
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(heard(&h), ["no 1"]);
    press(&mut app, KeyCode::Char('r'));
    typed(&mut app, "half");
    press(&mut app, KeyCode::Esc);
    assert_eq!(heard(&h), ["no 1", "cancelled"]);
    assert!(app.popups.top(Some(Tab::Patients)).is_none());
}

#[test]
fn a_refused_answer_keeps_the_prompt_open_with_the_error() {
    let (_dir, mut app, h) = app();
    press(&mut app, KeyCode::Char('r'));
    typed(&mut app, "  ");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.error_shown(), Some("Type the reason."));
    let Some(Popup::Prompt(p)) = app
        .popups
        .top(Some(Tab::Patients))
        .map(|e| &e.question.popup)
    else {
        panic!("the prompt should stay open");
    };
    assert_eq!(p.answer.value(), "  ", "what was typed stays");
    assert_eq!(p.answer.error.as_deref(), Some("required"));
    typed(&mut app, "fell");
    press(&mut app, KeyCode::Enter);
    assert_eq!(heard(&h), ["reason   fell"]);
    assert!(app.popups.top(Some(Tab::Patients)).is_none());
    assert_eq!(app.error_shown(), None);
}

#[test]
fn the_top_question_is_answered_first() {
    let (_dir, mut app, h) = app();
    let tab = Some(Tab::Patients);
    app.popups.push(
        tab,
        Asker::Screen,
        Question::confirm("first?", ForConfirm(1)),
        t0(),
    );
    app.popups.push(
        tab,
        Asker::Screen,
        Question::confirm("second?", ForConfirm(2)),
        t0(),
    );
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(heard(&h), ["yes 2", "no 1"]);
}

#[test]
fn another_tab_s_question_waits_with_its_tab() {
    let (_dir, mut app, h) = app();
    app.popups.push(
        Some(Tab::Beds),
        Asker::Screen,
        Question::confirm("not here", ForConfirm(9)),
        t0(),
    );
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(heard(&h), ["key"]);
    assert!(app.popups.top(Some(Tab::Patients)).is_none());
    assert!(app.popups.top(Some(Tab::Beds)).is_some());
}

#[test]
fn quitting_over_a_typed_answer_asks_first_and_no_returns_to_it() {
    let (_dir, mut app, h) = app();
    press(&mut app, KeyCode::Char('r'));
    typed(&mut app, "fell");
    app.handle_key(
        KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL),
        app.now + chrono::TimeDelta::seconds(1),
    );
    assert!(!app.should_quit());
    assert_eq!(in_force(&app), [("Confirm", "confirm")]);
    let top = app.popups.top(Some(Tab::Patients)).unwrap();
    assert!(matches!(&top.question.popup,
        Popup::Confirm(q) if q == "Quit and throw away the reason?"));
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(
        in_force(&app),
        [("Confirm", "confirm")],
        "it takes every key"
    );
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(heard(&h), ["reason fell"]);
    assert!(!app.should_quit());
}

#[test]
fn the_popup_is_drawn_over_the_screen() {
    let (_dir, mut app, _h) = app();
    press(&mut app, KeyCode::Char('c'));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let text: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains("Please confirm"), "{text}");
    assert!(text.contains("Retire bed A1?"), "{text}");
}

#[test]
fn the_picker_s_own_question_goes_on_the_stack_above_it() {
    let (_dir, mut app, h) = app();
    let picker = app
        .in_screen(Tab::Patients, |_, ctx| {
            Question::patient(ctx, "Admit which patient?", ForReason)
        })
        .unwrap();
    app.popups
        .push(Some(Tab::Patients), Asker::Screen, picker, t0());
    assert_eq!(
        in_force(&app),
        [("Choose a patient", "other"), ("Everywhere", "global")]
    );
    app.handle_key(
        KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL),
        app.now + chrono::TimeDelta::seconds(1),
    );
    typed(&mut app, "Kwame");
    press(&mut app, KeyCode::Esc);
    let top = app.popups.top(Some(Tab::Patients)).unwrap();
    assert!(matches!(top.asker, Asker::Popup(_)), "the picker asked");
    assert_eq!(
        in_force(&app),
        [("Patient form", "confirm"), ("Everywhere", "global")]
    );
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(in_force(&app)[0].0, "Patient form", "still typing");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        in_force(&app)[0].0,
        "Choose a patient",
        "the form thrown away"
    );
    assert!(heard(&h).is_empty());
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        heard(&h),
        ["cancelled"],
        "the picker left answers its asker"
    );
    assert!(app.popups.top(Some(Tab::Patients)).is_none());
}

/// A key `ms` milliseconds after the last one.
fn press_after(app: &mut App, ms: i64, code: KeyCode) {
    let now = app.now + chrono::TimeDelta::milliseconds(ms);
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), now);
}

#[test]
fn keys_that_come_with_a_question_do_not_answer_it() {
    let (_dir, mut app, h) = app();
    press(&mut app, KeyCode::Char('c'));
    press_after(&mut app, 5, KeyCode::Char('y'));
    press_after(&mut app, 5, KeyCode::Enter);
    press_after(&mut app, 280, KeyCode::Char('y'));
    assert!(heard(&h).is_empty(), "a burst of keys never confirms");
    assert!(app.popups.top(Some(Tab::Patients)).is_some());
    press_after(&mut app, 20, KeyCode::Char('y'));
    assert_eq!(heard(&h), ["yes 1"], "300 ms after it opened, y answers");

    press(&mut app, KeyCode::Char('r'));
    for c in "fell\n".chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        press_after(&mut app, 2, code);
    }
    assert_eq!(heard(&h), ["yes 1"], "a burst never answers a prompt");
    let Some(Popup::Prompt(p)) = app
        .popups
        .top(Some(Tab::Patients))
        .map(|e| &e.question.popup)
    else {
        panic!("the prompt stays open");
    };
    assert_eq!(p.answer.value(), "", "nor types into it");
}

#[test]
fn a_paste_goes_into_a_typed_answer_as_text_and_never_answers_a_question() {
    let (_dir, mut app, h) = app();
    press(&mut app, KeyCode::Char('r'));
    let now = app.now + chrono::TimeDelta::seconds(1);
    app.handle_paste("fell\nfrom bed\n", now);
    assert!(heard(&h).is_empty(), "its line break is not Enter");
    let Some(Popup::Prompt(p)) = app
        .popups
        .top(Some(Tab::Patients))
        .map(|e| &e.question.popup)
    else {
        panic!("the prompt stays open");
    };
    assert_eq!(p.answer.value(), "fell from bed");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('c'));
    let now = app.now + chrono::TimeDelta::seconds(1);
    app.handle_paste("y", now);
    assert_eq!(heard(&h), ["cancelled"], "a yes/no takes no paste");
    assert!(app.message.as_ref().is_some_and(|m| {
        m.text
            .starts_with("Pasted text is only taken into a text field")
    }),);
}

#[test]
fn a_question_that_only_finds_takes_keys_at_once() {
    let (_dir, mut app, h) = app();
    let question = Question::prompt(Prompt::new("Which day?", "Date"), ForReason).at_once();
    let now = app.now;
    app.popups
        .push(Some(Tab::Patients), Asker::Screen, question, now);
    for c in "fell\n".chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        press_after(&mut app, 2, code);
    }
    assert_eq!(heard(&h), ["reason fell"]);
}
