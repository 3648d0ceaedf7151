//! The pharmacy's forms (item, receive, dispense, return, adjust, dispose):
//! typed text in, checked requests out. Checking is pure; the pharmacy
//! screen performs the requests.

use super::Local;
use crate::domain::display::{grouped, quantity_of};
use crate::domain::patient::Patient;
use crate::domain::pharmacy::{
    AdjustReason, Batch, FORMS, Item, ItemDetails, ItemField, MAX_TEXT, StockLevel, adjust_reasons,
    amount, parse_batch_no, parse_money, parse_quantity, parse_signed_quantity, validate_item,
};
use crate::ops::pharmacy::Receipt;
use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::form::{Form, Look};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use strum::IntoEnumIterator;

/// What a form is for.
#[derive(Debug, Clone)]
pub enum Purpose {
    NewItem,
    EditItem { item: Item },
    Receive { item: Item },
    Dispense { level: Box<StockLevel> },
    Return { item: Item, batch: Batch },
    Adjust { item: Item, batch: Batch },
    Dispose { item: Item, batch: Batch },
}

/// A checked form, ready to perform.
#[derive(Debug, Clone)]
pub enum Request {
    Item(ItemDetails),
    Receive(Receipt),
    Dispense {
        quantity: i64,
    },
    Return {
        quantity: i64,
        reason: String,
    },
    Adjust {
        why: AdjustReason,
        delta: i64,
        note: String,
    },
    Dispose {
        quantity: i64,
        reason: String,
    },
}

/// One pharmacy form: its fields as typed, and the patient chosen.
pub struct StockForm {
    pub purpose: Purpose,
    fields: Form,
    /// The patient chosen (dispense and return), if any.
    pub patient: Option<Patient>,
    /// The chosen patient's allergy banner, for a role that sees allergies.
    pub allergies: Option<Result<crate::ops::record::AllergyBanner, String>>,
}

const LABEL: u16 = 15;

impl StockForm {
    /// The form for `purpose`, empty (a disposal starts with the batch's
    /// quantity and its expiry as the reason; an edit with the item).
    pub fn new(purpose: Purpose, local: &Local) -> StockForm {
        let f =
            |label: &'static str, value: String| TextField::new(label).wide(30).with_value(&value);
        let fields = match &purpose {
            Purpose::NewItem => ItemField::iter()
                .map(|k| f(k.label(), String::new()))
                .collect(),
            Purpose::EditItem { item } => ItemField::iter()
                .map(|k| f(k.label(), item.details.text(k)))
                .collect(),
            Purpose::Receive { .. } => vec![
                f("Batch number", String::new()),
                f("Expiry", String::new()),
                f("Quantity", String::new()),
                f("Unit cost", String::new()),
                f("Selling price", String::new()),
                f("Supplier", String::new()),
                f("Reference", String::new()),
            ],
            Purpose::Dispense { .. } => vec![f("Quantity", String::new())],
            Purpose::Return { .. } => {
                vec![f("Quantity", String::new()), f("Reason", String::new())]
            }
            Purpose::Adjust { .. } => vec![
                f("Reason", String::new()),
                f("Quantity (±)", String::new()),
                f("Note", String::new()),
            ],
            Purpose::Dispose { batch, .. } => vec![
                f("Quantity", batch.on_hand.to_string()),
                f(
                    "Reason",
                    format!("expired {}", batch.expiry.format(local.date_pattern)),
                ),
            ],
        };
        StockForm {
            purpose,
            fields: Form::of_fields(fields),
            patient: None,
            allergies: None,
        }
    }

    /// Whether the form takes a patient (Ctrl+P).
    pub fn takes_patient(&self) -> bool {
        matches!(
            self.purpose,
            Purpose::Dispense { .. } | Purpose::Return { .. }
        )
    }

    /// Whether anything was typed that leaving would lose.
    pub fn changed(&self) -> bool {
        self.patient.is_some() || self.fields.changed()
    }

    /// Moves to the next field (round to the first).
    pub fn next_field(&mut self) {
        self.fields.next();
    }

    /// Moves to the previous field (round to the last).
    pub fn prev_field(&mut self) {
        self.fields.prev();
    }

    /// Text typed into the field under the cursor.
    pub fn type_key(&mut self, key: KeyEvent) {
        self.fields.type_key(key);
    }

    /// Text pasted into the typed field under the cursor; a choice takes
    /// none (false).
    pub fn paste(&mut self, text: &str) -> bool {
        self.fields.on_text() && {
            self.fields.paste(text);
            true
        }
    }

    fn value(&self, i: usize) -> String {
        self.fields.text(i).to_string()
    }

    fn fail(&mut self, i: usize, message: &str) {
        self.fields.set_error(i, Some(message.to_string()));
    }

    /// The form's title, naming what it acts on.
    pub fn title(&self) -> String {
        match &self.purpose {
            Purpose::NewItem => "New catalogue item".into(),
            Purpose::EditItem { item } => format!("Edit {}", item.details.label()),
            Purpose::Receive { item } => format!("Receive {}", item.details.label()),
            Purpose::Dispense { level } => format!("Dispense {}", level.item.details.label()),
            Purpose::Return { item, batch } => {
                format!(
                    "Return {} to batch {}",
                    item.details.label(),
                    batch.batch_no
                )
            }
            Purpose::Adjust { item, batch } => {
                format!("Adjust {} batch {}", item.details.label(), batch.batch_no)
            }
            Purpose::Dispose { item, batch } => {
                format!(
                    "Dispose of {} batch {}",
                    item.details.label(),
                    batch.batch_no
                )
            }
        }
    }

    /// Checks what is typed; marks each wrong field and moves to the first.
    pub fn check(&mut self, local: &Local) -> Option<Request> {
        self.fields.clear_errors();
        let request = self.checked(local);
        if self.fields.focus_first_error() {
            return None;
        }
        request
    }

    fn checked(&mut self, local: &Local) -> Option<Request> {
        let quantity = |form: &mut StockForm, i: usize| {
            let q = parse_quantity(&form.value(i));
            if q.is_none() {
                form.fail(i, "a whole number, 1 or more");
            }
            q
        };
        let reason = |form: &mut StockForm, i: usize| {
            let r = form.value(i).trim().to_string();
            if r.is_empty() {
                form.fail(i, "required: say why");
            }
            r
        };
        match self.purpose.clone() {
            Purpose::NewItem | Purpose::EditItem { .. } => {
                let fields: Vec<ItemField> = ItemField::iter().collect();
                let values: Vec<String> = (0..fields.len()).map(|i| self.value(i)).collect();
                match validate_item(|f| {
                    fields
                        .iter()
                        .position(|k| *k == f)
                        .map(|i| values[i].clone())
                        .unwrap_or_default()
                }) {
                    Ok(d) => Some(Request::Item(d)),
                    Err(problems) => {
                        for p in problems {
                            if let Some(i) = fields.iter().position(|k| k.label() == p.field) {
                                let short = match fields[i] {
                                    ItemField::Form => "not a known form (see below)".to_string(),
                                    ItemField::ReorderLevel => "a whole number, 0 or more".into(),
                                    ItemField::MaxDispense => {
                                        "a whole number, 1 or more, or empty".into()
                                    }
                                    _ if p.message.starts_with("is required") => {
                                        "required: type it".into()
                                    }
                                    _ => format!("too long: at most {MAX_TEXT}"),
                                };
                                self.fail(i, &short);
                            }
                        }
                        None
                    }
                }
            }
            Purpose::Receive { item } => {
                let batch_no = parse_batch_no(&self.value(0));
                if batch_no.is_none() {
                    self.fail(0, "as printed on the pack");
                }
                let expiry = crate::domain::patient::read_date(&self.value(1), local.date_pattern);
                match &expiry {
                    Err(why) => self.fail(1, &why.to_string()),
                    Ok(d) if *d <= local.today => self.fail(1, "expired or expires today: refused"),
                    Ok(_) => {}
                }
                let q = quantity(self, 2);
                let cost = parse_money(&self.value(3), local.currency);
                if cost.is_none() {
                    self.fail(3, "an amount, e.g. 12.50");
                }
                let price = parse_money(&self.value(4), local.currency);
                if price.is_none() {
                    self.fail(4, "an amount, e.g. 20.00");
                }
                Some(Request::Receive(Receipt {
                    item_id: item.id,
                    batch_no: batch_no?,
                    expiry: expiry.ok()?,
                    quantity: q?,
                    unit_cost: cost?,
                    price: price?,
                    supplier: self.value(5).trim().to_string(),
                    reference: self.value(6).trim().to_string(),
                }))
            }
            Purpose::Dispense { .. } => Some(Request::Dispense {
                quantity: quantity(self, 0)?,
            }),
            Purpose::Return { .. } => {
                let q = quantity(self, 0);
                let r = reason(self, 1);
                Some(Request::Return {
                    quantity: q?,
                    reason: r,
                })
            }
            Purpose::Adjust { .. } => {
                let why = AdjustReason::parse(&self.value(0));
                if why.is_none() {
                    self.fail(0, "damaged, lost, count or other");
                }
                let delta = parse_signed_quantity(&self.value(1));
                match (why, delta) {
                    (_, None) => self.fail(1, "e.g. -5 to remove, 3 to add"),
                    (Some(w), Some(d)) if w.only_removes() && d > 0 => {
                        self.fail(1, "must be negative, e.g. -5")
                    }
                    _ => {}
                }
                let note = reason(self, 2);
                Some(Request::Adjust {
                    why: why?,
                    delta: delta?,
                    note,
                })
            }
            Purpose::Dispose { .. } => {
                let q = quantity(self, 0);
                let r = reason(self, 1);
                Some(Request::Dispose {
                    quantity: q?,
                    reason: r,
                })
            }
        }
    }

    /// Lines above the fields: what the form acts on.
    fn context(&self, local: &Local) -> Vec<String> {
        let date = |d: NaiveDate| d.format(local.date_pattern).to_string();
        match &self.purpose {
            Purpose::NewItem | Purpose::EditItem { .. } => vec![],
            Purpose::Receive { item } => vec![format!(
                "Quantity in {} units; amounts in {} per unit.",
                item.details.unit, local.currency
            )],
            Purpose::Dispense { level } => vec![
                format!(
                    "Usable stock: {}; first expiry first out, never expired stock.",
                    quantity_of(level.usable.max(0), &level.item.details.unit)
                ),
                match &self.patient {
                    Some(p) => format!("Patient: {} {}", p.mrn, p.details.full_name()),
                    None => "Patient: none chosen (Ctrl+P to choose one; optional)".into(),
                },
            ],
            Purpose::Return { batch, .. } => vec![
                format!(
                    "Batch {} expires {}; it holds {}.",
                    batch.batch_no,
                    date(batch.expiry),
                    grouped(batch.on_hand)
                ),
                match &self.patient {
                    Some(p) => format!("Returned by: {} {}", p.mrn, p.details.full_name()),
                    None => "Returned by: no patient (Ctrl+P to choose one; optional)".into(),
                },
            ],
            Purpose::Adjust { batch, .. } => vec![
                format!(
                    "Batch {} holds {}. Reasons: {}.",
                    batch.batch_no,
                    grouped(batch.on_hand),
                    adjust_reasons()
                ),
                "A negative quantity takes stock away; damaged and lost only take away.".into(),
            ],
            Purpose::Dispose { batch, .. } => vec![format!(
                "Batch {} expired {}; it holds {}.",
                batch.batch_no,
                date(batch.expiry),
                grouped(batch.on_hand)
            )],
        }
    }

    /// A line under the fields, about the focused one.
    fn help(&self, local: &Local) -> String {
        match self.fields.focused_label() {
            "Form" => format!(
                "Forms: {} (a start is enough: tab, cap, inj)",
                FORMS.join(", ")
            ),
            "Expiry" => format!(
                "The expiry on the pack, {}",
                pattern_hint(local.date_pattern)
            ),
            "Unit cost" | "Selling price" => format!(
                "Per unit, in {}, e.g. {}",
                local.currency,
                amount(1250, local.currency)
            ),
            "Reorder level" => "Flag the item LOW when usable stock falls to this".into(),
            _ => String::new(),
        }
    }

    /// Draws the form: what it acts on, the fields with their errors, and
    /// help about the field under the cursor.
    pub fn render(&self, frame: &mut Frame, area: Rect, local: &Local, theme: &Theme) {
        let block =
            Block::bordered().title(Span::styled(format!(" {} ", self.title()), theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut context: Vec<Line> = self
            .context(local)
            .into_iter()
            .map(|l| Line::from(format!(" {l}")))
            .collect();
        if let Some(a) = &self.allergies {
            context.push(crate::tui::widgets::allergies::line_or_error(a, " ", theme));
        }
        let [top, fields, help] = Layout::vertical([
            Constraint::Length(context.len() as u16 + u16::from(!context.is_empty())),
            Constraint::Length(self.fields.len() as u16),
            Constraint::Min(0),
        ])
        .areas(inner);
        frame.render_widget(Paragraph::new(context).wrap(Wrap { trim: false }), top);
        self.fields
            .render(frame, fields, Look::new(LABEL), true, theme);
        let help_text = self.help(local);
        if !help_text.is_empty() && help.height > 1 {
            let r = Rect {
                y: help.y + 1,
                height: help.height - 1,
                ..help
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!(" {help_text}"), theme.muted()))
                    .wrap(Wrap { trim: false }),
                r,
            );
        }
    }
}

/// "DD/MM/YYYY" for "%d/%m/%Y".
fn pattern_hint(pattern: &str) -> String {
    crate::domain::settings::DATE_FORMATS
        .iter()
        .find(|(_, p)| *p == pattern)
        .map(|(name, _)| name.to_string())
        .unwrap_or_else(|| "YYYY-MM-DD".into())
}
