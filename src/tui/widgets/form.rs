//! A form of labelled fields, shared by the screens' forms: typed fields
//! (the one-line [`Field`]) and choices that cycle through a few options,
//! the focus and its Tab order, an error per field shown next to it (beside
//! the value, or wrapped under it), what was typed and whether it changed,
//! and drawing with a label column that scrolls so that the focused field
//! stays in view on a short terminal. Checking what is typed stays with the
//! screens, which put the domain's errors on the fields.

use crate::tui::theme::Theme;
use crate::tui::widgets::field::{Edit, Field};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// One of a few options, changed with ← and →, or picked by typing the
/// start of its name.
pub struct Choice {
    pub label: &'static str,
    options: Vec<String>,
    index: usize,
    pub error: Option<String>,
    /// The letters typed in a row, matched against the options' starts.
    typed: String,
}

impl Choice {
    pub fn new(label: &'static str, options: Vec<String>) -> Choice {
        Choice {
            label,
            options,
            index: 0,
            error: None,
            typed: String::new(),
        }
    }

    /// Starts on option `i` (the first when there is no such option).
    pub fn at(mut self, i: usize) -> Choice {
        self.index = if i < self.options.len() { i } else { 0 };
        self
    }

    /// The option chosen (0 when there are none).
    pub fn index(&self) -> usize {
        self.index
    }

    /// A character typed on the choice: the option whose name starts with
    /// the letters typed so far (this one if it still matches), else the
    /// next one starting with this letter; true when the option changed.
    fn type_char(&mut self, c: char) -> bool {
        let before = self.index;
        let mut prefix = std::mem::take(&mut self.typed);
        let going_on = !prefix.is_empty();
        prefix.push(c);
        let found = going_on
            .then(|| self.find(&prefix, self.index))
            .flatten()
            .map(|i| (i, prefix))
            .or_else(|| {
                let one = c.to_string();
                self.find(&one, self.index + 1).map(|i| (i, one))
            });
        if let Some((i, typed)) = found {
            self.index = i;
            self.typed = typed;
            self.error = None;
        }
        self.index != before
    }

    /// The first option from `from` on (round the end) starting with
    /// `prefix`, ignoring case.
    fn find(&self, prefix: &str, from: usize) -> Option<usize> {
        let n = self.options.len();
        let prefix = prefix.to_lowercase();
        (0..n)
            .map(|k| (from + k) % n)
            .find(|&i| self.options[i].to_lowercase().starts_with(&prefix))
    }

    /// The next option (forward) or the previous one, round the ends.
    fn cycle(&mut self, forward: bool) {
        self.typed.clear();
        let n = self.options.len();
        if n > 0 {
            self.index = if forward {
                (self.index + 1) % n
            } else {
                (self.index + n - 1) % n
            };
            self.error = None;
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, look: &Look, focused: bool, theme: &Theme) {
        let value = self.options.get(self.index).map_or("", String::as_str);
        let (label_style, value_style) = if focused {
            (theme.focused(), theme.tab_active())
        } else {
            (theme.muted(), theme.tab())
        };
        let mut spans = vec![
            Span::styled(
                format!("{:>w$} ", self.label, w = usize::from(look.label_width)),
                label_style,
            ),
            Span::styled(format!("◂ {value} ▸"), value_style),
            Span::styled(
                format!("  {} of {}", self.index + 1, self.options.len()),
                theme.muted(),
            ),
        ];
        if let (Some(e), false) = (&self.error, look.errors_below) {
            spans.push(Span::styled(format!("  {e}"), theme.error()));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }
}

/// The first option after `from` (round the end) whose name starts with
/// `letter`, ignoring case: how a choice is picked by typing.
pub fn option_starting_with<'a>(
    options: impl ExactSizeIterator<Item = &'a str> + Clone,
    from: usize,
    letter: char,
) -> Option<usize> {
    let n = options.len();
    let letter = letter.to_lowercase().to_string();
    let names: Vec<String> = options.map(str::to_lowercase).collect();
    (1..=n)
        .map(|k| (from + k) % n)
        .find(|&i| names[i].starts_with(&letter))
}

/// One field of a form.
pub enum Input {
    Text(Field),
    Choice(Choice),
}

impl Input {
    pub fn label(&self) -> &'static str {
        match self {
            Input::Text(f) => f.label,
            Input::Choice(c) => c.label,
        }
    }

    fn error(&self) -> Option<&str> {
        match self {
            Input::Text(f) => f.error.as_deref(),
            Input::Choice(c) => c.error.as_deref(),
        }
    }

    fn error_mut(&mut self) -> &mut Option<String> {
        match self {
            Input::Text(f) => &mut f.error,
            Input::Choice(c) => &mut c.error,
        }
    }

    /// What the field holds, to tell whether it changed.
    fn held(&self) -> String {
        match self {
            Input::Text(f) => f.value().to_string(),
            Input::Choice(c) => c.index.to_string(),
        }
    }
}

/// How a form is drawn: the label column's width, blank lines between
/// fields, and where errors go.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub label_width: u16,
    pub gap: u16,
    /// Errors wrapped under their field (`↳ …`) rather than beside it.
    pub errors_below: bool,
}

impl Look {
    /// Labels right-aligned in `label_width` columns; one field a line,
    /// errors beside the values.
    pub const fn new(label_width: u16) -> Look {
        Look {
            label_width,
            gap: 0,
            errors_below: false,
        }
    }

    /// `lines` blank lines after each field.
    pub const fn gap(mut self, lines: u16) -> Look {
        self.gap = lines;
        self
    }

    /// Errors wrapped under their fields.
    pub const fn errors_below(mut self) -> Look {
        self.errors_below = true;
        self
    }
}

/// Fields in Tab order, the focused one, and what they held when the form
/// opened.
pub struct Form {
    inputs: Vec<Input>,
    focus: usize,
    start: Vec<String>,
}

impl Form {
    pub fn new(inputs: Vec<Input>) -> Form {
        let start = inputs.iter().map(Input::held).collect();
        Form {
            inputs,
            focus: 0,
            start,
        }
    }

    /// The form with the focus on field `i`.
    pub fn with_focus(mut self, i: usize) -> Form {
        self.focus_on(i);
        self
    }

    /// A form of typed fields only.
    pub fn of_fields(fields: impl IntoIterator<Item = Field>) -> Form {
        Form::new(fields.into_iter().map(Input::Text).collect())
    }

    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The focused field's position.
    pub fn focus(&self) -> usize {
        self.focus
    }

    /// Moves the focus to field `i`, if there is one.
    pub fn focus_on(&mut self, i: usize) {
        if i < self.inputs.len() {
            self.focus = i;
        }
    }

    /// Tab: the next field, round to the first.
    pub fn next(&mut self) {
        if !self.inputs.is_empty() {
            self.focus = (self.focus + 1) % self.inputs.len();
        }
    }

    /// Shift+Tab: the previous field, round to the last.
    pub fn prev(&mut self) {
        let n = self.inputs.len();
        if n > 0 {
            self.focus = (self.focus + n - 1) % n;
        }
    }

    pub fn focused_is_choice(&self) -> bool {
        matches!(self.inputs.get(self.focus), Some(Input::Choice(_)))
    }

    /// The focused field's label ("" in an empty form).
    pub fn focused_label(&self) -> &'static str {
        self.inputs.get(self.focus).map_or("", Input::label)
    }

    /// What is typed in field `i` ("" when it is not a typed field).
    pub fn text(&self, i: usize) -> &str {
        match self.inputs.get(i) {
            Some(Input::Text(f)) => f.value(),
            _ => "",
        }
    }

    /// The option chosen in field `i` (0 when it is not a choice).
    pub fn choice(&self, i: usize) -> usize {
        match self.inputs.get(i) {
            Some(Input::Choice(c)) => c.index,
            _ => 0,
        }
    }

    /// Puts `value` in typed field `i` (a value found for the user).
    pub fn set_text(&mut self, i: usize, value: &str) {
        if let Some(Input::Text(f)) = self.inputs.get_mut(i) {
            f.set_value(value);
        }
    }

    /// Whether the focused field is a typed one (a paste goes there).
    pub fn on_text(&self) -> bool {
        matches!(self.inputs.get(self.focus), Some(Input::Text(_)))
    }

    /// Text pasted into the focused typed field (a choice takes none);
    /// true when what the field holds changed.
    pub fn paste(&mut self, text: &str) -> bool {
        match self.inputs.get_mut(self.focus) {
            Some(Input::Text(f)) => {
                let before = f.value().to_string();
                f.paste(text);
                f.value() != before
            }
            _ => false,
        }
    }

    /// A key typed or a text pasted into the focused field; true when what
    /// the field holds changed.
    pub fn edit(&mut self, edit: Edit) -> bool {
        match edit {
            Edit::Key(key) => self.type_key(key),
            Edit::Paste(text) => self.paste(text),
        }
    }

    /// A key typed into the focused field: text into a typed one, the
    /// start of an option's name on a choice; true when what the field
    /// holds changed.
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        match self.inputs.get_mut(self.focus) {
            Some(Input::Text(f)) => {
                let before = f.value().to_string();
                f.type_key(key);
                f.value() != before
            }
            Some(Input::Choice(c)) => match key.code {
                KeyCode::Char(ch)
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    c.type_char(ch)
                }
                _ => false,
            },
            None => false,
        }
    }

    /// ← or →: the previous or next option of the focused choice.
    pub fn cycle(&mut self, forward: bool) {
        if let Some(Input::Choice(c)) = self.inputs.get_mut(self.focus) {
            c.cycle(forward);
        }
    }

    /// Shows `message` next to field `i` (`None` clears it).
    pub fn set_error(&mut self, i: usize, message: Option<String>) {
        if let Some(input) = self.inputs.get_mut(i) {
            *input.error_mut() = message;
        }
    }

    pub fn clear_errors(&mut self) {
        for input in &mut self.inputs {
            *input.error_mut() = None;
        }
    }

    /// Moves the focus to the first field showing an error; false when none does.
    pub fn focus_first_error(&mut self) -> bool {
        match self.inputs.iter().position(|i| i.error().is_some()) {
            Some(i) => {
                self.focus = i;
                true
            }
            None => false,
        }
    }

    /// Whether any field holds something else than when the form opened.
    pub fn changed(&self) -> bool {
        self.inputs
            .iter()
            .zip(&self.start)
            .any(|(i, s)| i.held() != *s)
    }

    /// Whether anything is typed in a typed field.
    pub fn has_text(&self) -> bool {
        self.inputs
            .iter()
            .any(|i| matches!(i, Input::Text(f) if !f.is_empty()))
    }

    /// Draws the fields into `area`, scrolled so that the focused one (with
    /// its error) shows; `active` false draws no focus (the user is beside
    /// the form).
    pub fn render(&self, frame: &mut Frame, area: Rect, look: Look, active: bool, theme: &Theme) {
        if self.inputs.is_empty() {
            return;
        }
        let error_width = area.width.saturating_sub(look.label_width + 1);
        let below: Vec<Vec<String>> = self
            .inputs
            .iter()
            .map(|i| match (i.error(), look.errors_below) {
                (Some(e), true) => error_lines(e, error_width),
                _ => Vec::new(),
            })
            .collect();
        let lines = |i: usize| 1 + u16::try_from(below[i].len()).unwrap_or(u16::MAX - 1);
        let focus = self.focus.min(self.inputs.len() - 1);
        let before: u16 = (0..focus)
            .map(|i| lines(i).saturating_add(look.gap))
            .fold(0, u16::saturating_add);
        let visible = area.height;
        let scroll = before.saturating_add(lines(focus)).saturating_sub(visible);
        let mut y = -i32::from(scroll);
        for (i, input) in self.inputs.iter().enumerate() {
            if y >= 0 && y < i32::from(visible) {
                let top = y as u16;
                let line = Rect {
                    y: area.y + top,
                    height: 1,
                    ..area
                };
                let focused = active && i == self.focus;
                match input {
                    Input::Text(f) => f.render_line(
                        frame,
                        line,
                        look.label_width,
                        focused,
                        theme,
                        !look.errors_below,
                    ),
                    Input::Choice(c) => c.render(frame, line, &look, focused, theme),
                }
                for (j, err) in below[i].iter().enumerate() {
                    let under = u16::try_from(j + 1).unwrap_or(u16::MAX);
                    if top.saturating_add(under) >= visible {
                        break;
                    }
                    let r = Rect {
                        x: line.x + look.label_width + 1,
                        y: line.y + under,
                        width: error_width,
                        height: 1,
                    };
                    frame.render_widget(
                        Paragraph::new(Span::styled(err.as_str(), theme.error())),
                        r,
                    );
                }
            }
            y += i32::from(lines(i)) + i32::from(look.gap);
        }
    }
}

/// The lines of an error under its field, `width` wide: after `↳ `,
/// wrapped, never cut off.
fn error_lines(message: &str, width: u16) -> Vec<String> {
    wrap(message, usize::from(width.saturating_sub(2)).max(1))
        .into_iter()
        .enumerate()
        .map(|(i, l)| format!("{}{l}", if i == 0 { "↳ " } else { "  " }))
        .collect()
}

/// Greedy word wrap to `width` columns (a word longer than that is cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        while current.chars().count() > width {
            let head: String = current.chars().take(width).collect();
            current = current.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn sample() -> Form {
        Form::new(vec![
            Input::Text(Field::new("Name")),
            Input::Choice(Choice::new(
                "Kind",
                vec!["a".into(), "b".into(), "c".into()],
            )),
            Input::Text(Field::new("Note").with_value("x")),
        ])
    }

    fn drawn(form: &Form, look: Look, width: u16, height: u16) -> Vec<String> {
        let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
        t.draw(|f| form.render(f, f.area(), look, true, &Theme::plain()))
            .unwrap();
        let buf = t.backend().buffer().clone();
        (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect()
    }

    #[test]
    fn tab_order_goes_round_both_ways() {
        let mut f = sample();
        assert_eq!(f.focus(), 0);
        f.next();
        assert!(f.focused_is_choice());
        f.next();
        f.next();
        assert_eq!(f.focus(), 0, "after the last field comes the first");
        f.prev();
        assert_eq!(f.focused_label(), "Note");
        f.focus_on(9);
        assert_eq!(f.focus(), 2, "no such field: the focus stays");
        assert_eq!(Form::new(Vec::new()).with_focus(0).focus(), 0);
    }

    #[test]
    fn choices_cycle_and_typing_goes_to_text_fields_only() {
        let mut f = sample().with_focus(1);
        assert!(!f.type_key(key('z')), "no option starts with z");
        assert_eq!(f.choice(1), 0);
        f.cycle(false);
        assert_eq!(f.choice(1), 2, "before the first comes the last");
        f.cycle(true);
        f.cycle(true);
        assert_eq!(f.choice(1), 1);
        f.focus_on(0);
        f.cycle(true);
        assert!(f.type_key(key('A')));
        assert_eq!(f.text(0), "A");
        assert_eq!(f.text(1), "", "a choice has no text");
        assert_eq!(Choice::new("K", vec!["a".into()]).at(5).index(), 0);
    }

    #[test]
    fn typing_on_a_choice_picks_the_option_starting_with_the_letters() {
        let wards = ["Dr Adams", "Dr Brown", "Nurse Bello", "Dr Bailey"];
        let mut f = Form::new(vec![Input::Choice(Choice::new(
            "Attending",
            wards.iter().map(|s| s.to_string()).collect(),
        ))]);
        assert!(f.type_key(key('n')));
        assert_eq!(f.choice(0), 2, "the first option starting with n");
        assert!(!f.type_key(key('U')), "letters in a row narrow the name");
        assert_eq!(f.choice(0), 2);
        f.cycle(true);
        assert!(f.type_key(key('d')));
        assert_eq!(f.choice(0), 0, "from the next option round the end");
        f.type_key(key('r'));
        f.type_key(key(' '));
        assert!(f.type_key(key('b')));
        assert_eq!(f.choice(0), 1, "Dr B…");
        assert!(f.type_key(key('a')), "Dr Ba… is the next");
        assert_eq!(f.choice(0), 3);
        assert!(f.changed());
    }

    #[test]
    fn changed_compares_with_what_the_form_opened_with() {
        let mut f = sample();
        assert!(!f.changed());
        assert!(f.has_text(), "the note was filled in");
        f.focus_on(1);
        f.cycle(true);
        assert!(f.changed());
        f.cycle(false);
        assert!(!f.changed(), "back to the first option");
        f.set_text(0, "Ward 3");
        assert!(f.changed());
    }

    #[test]
    fn errors_sit_on_their_fields_and_typing_clears_one() {
        let mut f = sample();
        assert!(!f.focus_first_error());
        f.set_error(2, Some("too long".into()));
        f.set_error(1, Some("choose one".into()));
        assert!(f.focus_first_error());
        assert_eq!(f.focus(), 1);
        let lines = drawn(&f, Look::new(6), 60, 3);
        assert!(lines[1].contains("choose one"), "{lines:?}");
        assert!(lines[2].contains("Note x") && lines[2].contains("too long"));
        f.focus_on(2);
        f.type_key(key('y'));
        assert!(!drawn(&f, Look::new(6), 60, 3)[2].contains("too long"));
        f.clear_errors();
        assert!(!f.focus_first_error());
    }

    #[test]
    fn errors_below_wrap_under_the_value() {
        let mut f = sample();
        f.set_error(0, Some("Type the name of the ward here".into()));
        let lines = drawn(&f, Look::new(6).errors_below(), 24, 6);
        assert!(lines[0].starts_with("  Name "));
        assert_eq!(lines[1].trim_end(), "       ↳ Type the name");
        assert_eq!(lines[2].trim_end(), "         of the ward");
        assert!(lines[4].contains("Kind"));
    }

    #[test]
    fn a_short_area_scrolls_to_keep_the_focus_in_view() {
        let fields = (0..30).map(|_| Field::new("Field"));
        let mut f = Form::of_fields(fields);
        let look = Look::new(6).gap(1);
        f.focus_on(20);
        f.set_text(20, "here");
        // 24 rows, as on an 80×24 terminal; each field takes two lines: the
        // focused one comes up to the last line.
        let lines = drawn(&f, look, 30, 24);
        assert!(lines[23].contains("here"), "{lines:?}");
        assert!(lines[21].contains("Field ___"));
        f.focus_on(0);
        f.set_text(0, "top");
        assert!(drawn(&f, look, 30, 24)[0].contains("top"));
        f.set_error(29, Some("a long message that wraps".into()));
        f.focus_on(29);
        let lines = drawn(&f, Look::new(6).errors_below(), 20, 5);
        assert!(lines[4].trim_end().ends_with("wraps"), "{lines:?}");
    }

    #[test]
    fn wrap_never_cuts_a_short_word_and_cuts_a_long_one() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert!(wrap("", 5).is_empty());
    }
}
