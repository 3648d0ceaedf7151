//! A patient's record: demographics, contacts, insurance, verification.
//! Later areas (appointments, admissions, medicines) add their sections here;
//! for clinicians and pharmacists the clinical sections (`clinical.rs`) sit
//! beside them under the allergy banner.

pub use super::clinical::Clinical;
use super::clinical::{self, GLASS_LINE};
use crate::domain::patient::{Patient, age_label};
use crate::store::beds::{Admission, Stay};
use crate::tui::screen::LocalDates;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::wrap;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// A patient's admissions, each with the beds it used.
pub type AdmissionHistory = Vec<(Admission, Vec<Stay>)>;

pub struct PatientRecord {
    pub patient: Patient,
    pub scroll: u16,
    /// Medicines dispensed to the patient, newest first; loaded by the
    /// controller when the record opens, for roles that see the pharmacy
    /// (`None`: not loaded, or not for this role).
    pub medicines: Option<Result<Vec<crate::store::pharmacy::Dispensed>, String>>,
    /// The patient's admissions with their beds, newest first; `None` until
    /// loaded when the record opens (or when it could not be read: the
    /// message is then shown in the section).
    pub admissions: Option<Result<AdmissionHistory, String>>,
    /// The patient's appointments, latest first; loaded when the record
    /// opens, for roles that book appointments.
    pub appointments: Option<Result<Vec<crate::domain::appointment::Booked>, String>>,
    /// The clinical record as far as it opened to the reader.
    pub clinical: Clinical,
    /// The visit chosen in the clinical column.
    pub visit: usize,
    /// The clinical page is shown instead of the details.
    pub clinical_page: bool,
    /// The chosen visit's note is shown instead of the clinical page.
    pub reading: bool,
    /// The patient's current and past prescriptions, read with the
    /// clinical record when it opens (`None`: not open to the reader).
    pub prescribed: Option<Result<crate::ops::prescriptions::Medicines, String>>,
    /// The patient's laboratory results, shown over the clinical page
    /// after `R` (a doctor or nurse with the record open).
    pub lab: Option<Box<crate::tui::widgets::lab_results::ResultsView>>,
    /// Tests being ordered from the record (`l`; for an admitted patient,
    /// for their admission).
    pub lab_order: Option<Box<crate::tui::widgets::lab_order::LabOrderForm>>,
    /// The patient's portal account, if any (`None`: not read yet).
    pub portal: Option<Result<Option<crate::ops::patient_accounts::PortalAccount>, String>>,
    sections_loaded: bool,
    /// The clinical record was read with the patient (one READ commit).
    clinical_loaded: bool,
}

/// Width of the labels in the record.
const LABEL: usize = 14;

impl PatientRecord {
    pub fn new(patient: Patient) -> PatientRecord {
        PatientRecord {
            patient,
            scroll: 0,
            medicines: None,
            admissions: None,
            appointments: None,
            clinical: Clinical::Hidden,
            visit: 0,
            clinical_page: false,
            reading: false,
            prescribed: None,
            lab: None,
            lab_order: None,
            portal: None,
            sections_loaded: false,
            clinical_loaded: false,
        }
    }

    /// The record of a patient opened with its clinical record
    /// ([`crate::ops::record::open_patient`]).
    pub fn opened(patient: Patient, clinical: Clinical) -> PatientRecord {
        PatientRecord {
            clinical,
            clinical_loaded: true,
            ..PatientRecord::new(patient)
        }
    }

    /// Loads the sections other areas add to the record, once per opening.
    pub fn load_sections(&mut self, ctx: &mut crate::tui::screen::Ctx) {
        if std::mem::replace(&mut self.sections_loaded, true) {
            return;
        }
        if self.clinical_loaded {
            self.load_prescribed(ctx);
        } else {
            self.load_clinical(ctx);
        }
        self.load_portal(ctx);
        self.admissions = Some(
            crate::ops::beds::admissions_of(ctx.db, ctx.session, &self.patient.id)
                .map_err(|e| e.to_string()),
        );
        if ctx
            .session
            .role()
            .can(crate::domain::role::Permission::ManageAppointments)
        {
            self.appointments = Some(
                crate::ops::appointments::for_patient(ctx.db, ctx.session, &self.patient.id)
                    .map_err(|e| e.to_string()),
            );
        }
        if ctx
            .session
            .role()
            .can(crate::domain::role::Permission::ViewStock)
        {
            let id = self.patient.id.to_string();
            self.medicines = Some(
                crate::ops::pharmacy::dispensed_to(ctx.db, ctx.session, &id)
                    .map_err(|e| e.to_string()),
            );
        }
    }

    /// Reads the patient's portal account again (after the popup closes).
    pub fn load_portal(&mut self, ctx: &mut crate::tui::screen::Ctx) {
        self.portal = Some(
            crate::ops::patient_accounts::of_patient(ctx.db, ctx.session, &self.patient.id)
                .map_err(|e| e.to_string()),
        );
    }

    /// Opens the clinical record for the reader, with the medicines when
    /// it opened.
    pub fn load_clinical(&mut self, ctx: &mut crate::tui::screen::Ctx) {
        self.clinical = Clinical::load(ctx, &self.patient);
        self.load_prescribed(ctx);
    }

    /// The patient's medicines, for a reader the clinical record is open to.
    fn load_prescribed(&mut self, ctx: &mut crate::tui::screen::Ctx) {
        self.prescribed = self.clinical.open().map(|_| {
            crate::ops::prescriptions::medicines_of(
                ctx.db,
                ctx.session,
                &self.patient.id,
                ctx.clock(),
            )
            .map_err(|e| e.to_string())
        });
    }

    /// The left column (demographics, identity, notes) and the right one
    /// (contacts, insurance).
    fn columns(
        &self,
        width: usize,
        clock: &LocalDates,
        theme: &Theme,
    ) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
        let p = &self.patient;
        let d = &p.details;
        let date = |v: NaiveDate| v.format(clock.date_pattern).to_string();
        let mut lines = Vec::new();
        let section = |lines: &mut Vec<Line<'static>>, title: &str| {
            if !lines.is_empty() {
                lines.push(Line::from(""));
            }
            lines.push(Line::from(Span::styled(title.to_string(), theme.header())));
        };
        let row = |lines: &mut Vec<Line<'static>>, label: &str, value: String| {
            for (i, part) in wrap(&value, width.saturating_sub(LABEL + 2).max(10))
                .into_iter()
                .enumerate()
            {
                let label = if i == 0 { label } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {label:<w$}", w = LABEL), theme.muted()),
                    Span::raw(part),
                ]));
            }
        };
        if let Some(at) = p.died_at {
            lines.push(Line::from(Span::styled(
                format!(
                    "DECEASED: died {}",
                    at.with_timezone(&clock.zone).format("%a %d %b %Y %H:%M")
                ),
                theme.error(),
            )));
        }
        if let Some(at) = p.deleted_at {
            lines.push(Line::from(Span::styled(
                format!(
                    "DELETED on {}: {}",
                    at.with_timezone(&clock.zone).format("%Y-%m-%d %H:%M"),
                    p.delete_reason.clone().unwrap_or_default()
                ),
                theme.error(),
            )));
        }
        section(&mut lines, "Demographics");
        row(&mut lines, "Given name", d.given_name.clone());
        row(&mut lines, "Middle name", d.middle_name.clone());
        row(&mut lines, "Family name", d.family_name.clone());
        let born = if d.birth_date_estimated {
            format!(
                "about {} (estimated; age {})",
                d.birth_date.format("%Y"),
                age_label(d.birth_date, true, clock.today)
            )
        } else {
            format!(
                "{} (age {})",
                date(d.birth_date),
                age_label(d.birth_date, false, clock.today)
            )
        };
        row(&mut lines, "Born", born);
        let sex = match d.sex {
            crate::domain::patient::Sex::M => "M (male)",
            crate::domain::patient::Sex::F => "F (female)",
            crate::domain::patient::Sex::O => "O (other)",
            crate::domain::patient::Sex::U => "U (unknown)",
        };
        row(&mut lines, "Sex", sex.to_string());
        row(&mut lines, "National ID", d.national_id.clone());
        row(&mut lines, "Old number", p.legacy_mrn.clone());

        section(&mut lines, "Identity");
        match (&p.verified_by, p.verified_at) {
            (Some(by), Some(at)) => row(
                &mut lines,
                "Verified",
                format!(
                    "✔ by {by} on {}",
                    at.with_timezone(&clock.zone).format("%Y-%m-%d %H:%M")
                ),
            ),
            _ => {
                for part in wrap(
                    "not verified: check an ID document, then press v",
                    width.saturating_sub(2),
                ) {
                    lines.push(Line::from(Span::styled(format!("  {part}"), theme.warn())));
                }
            }
        }
        let portal = match &self.portal {
            Some(Ok(Some(a))) => format!("{} ({})", a.user.user_name, a.switch()),
            Some(Ok(None)) => "no account".to_string(),
            Some(Err(e)) => e.clone(),
            None => String::new(),
        };
        if !portal.is_empty() {
            row(&mut lines, "Portal", portal);
        }
        if !d.notes.is_empty() {
            section(&mut lines, "Notes");
            for l in d.notes.lines() {
                lines.push(Line::from(format!("  {l}")));
            }
        }
        let left = std::mem::take(&mut lines);

        section(&mut lines, "Contacts");
        row(&mut lines, "Phone", d.phone.clone());
        row(&mut lines, "E-mail", d.email.clone());
        let address = [
            &d.address_line1,
            &d.address_line2,
            &d.city,
            &d.region,
            &d.postal_code,
            &d.country,
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
        row(&mut lines, "Address", address);
        let emergency = [&d.emergency_name, &d.emergency_relation, &d.emergency_phone]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" · ");
        row(&mut lines, "Emergency", emergency);

        section(&mut lines, "Insurance");
        if d.insurance_provider.is_empty() && d.insurance_policy.is_empty() {
            lines.push(Line::from(Span::styled("  none recorded", theme.muted())));
        }
        row(&mut lines, "Insurer", d.insurance_provider.clone());
        row(&mut lines, "Policy", d.insurance_policy.clone());
        if let Some(until) = d.insurance_valid_until {
            let state = if until < clock.today {
                " (EXPIRED)"
            } else {
                ""
            };
            row(&mut lines, "Valid until", format!("{}{state}", date(until)));
        }

        self.appointments_section(&mut lines, width, clock, theme);
        if self.medicines.is_some() {
            section(&mut lines, "Medicines dispensed");
        }
        match &self.medicines {
            Some(Err(e)) => {
                for part in wrap(&format!("could not be read: {e}"), width.saturating_sub(2)) {
                    lines.push(Line::from(Span::styled(format!("  {part}"), theme.error())));
                }
            }
            Some(Ok(given)) if given.is_empty() => {
                lines.push(Line::from(Span::styled("  none recorded", theme.muted())))
            }
            None => {}
            Some(Ok(given)) => {
                for m in given {
                    let when = crate::domain::time::parse_ts(&m.at)
                        .map(|t| date(t.with_timezone(&clock.zone).date_naive()))
                        .unwrap_or_default();
                    let what = if m.quantity < 0 {
                        format!(
                            "{} returned {} {}",
                            m.item,
                            crate::domain::display::grouped(-m.quantity),
                            m.unit
                        )
                    } else {
                        format!(
                            "{} × {} {}",
                            m.item,
                            crate::domain::display::grouped(m.quantity),
                            m.unit
                        )
                    };
                    row(&mut lines, &when, what);
                }
            }
        }
        section(&mut lines, "Admissions");
        let when = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&clock.zone)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        };
        match &self.admissions {
            Some(Err(e)) => {
                for part in wrap(&format!("could not be read: {e}"), width.saturating_sub(2)) {
                    lines.push(Line::from(Span::styled(format!("  {part}"), theme.error())));
                }
            }
            Some(Ok(list)) if list.is_empty() => {
                lines.push(Line::from(Span::styled("  none", theme.muted())));
            }
            Some(Ok(list)) => {
                for (a, stays) in list.iter().take(5) {
                    let state = match (a.discharged_at, a.disposition) {
                        (Some(t), Some(d)) => format!("discharged {} ({})", when(t), d.label()),
                        _ => format!("NOW IN {} · {}", a.bed_label, a.ward_name),
                    };
                    row(&mut lines, "Admitted", when(a.admitted_at));
                    row(&mut lines, "", state);
                    row(
                        &mut lines,
                        "",
                        format!("{} · attending {}", a.reason, a.attending),
                    );
                    for st in stays {
                        let end = st.ended_at.map_or_else(|| "now".to_string(), when);
                        row(
                            &mut lines,
                            "",
                            format!("{} {} → {end}", st.bed_label, when(st.started_at)),
                        );
                    }
                }
                if list.len() > 5 {
                    row(&mut lines, "", format!("and {} earlier", list.len() - 5));
                }
            }
            None => {}
        }

        (left, lines)
    }

    /// Upcoming appointments (soonest first), then the latest past ones.
    fn appointments_section(
        &self,
        lines: &mut Vec<Line<'static>>,
        width: usize,
        clock: &LocalDates,
        theme: &Theme,
    ) {
        use crate::domain::appointment::{Booked, Status, hhmm};
        let Some(list) = &self.appointments else {
            return;
        };
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Appointments", theme.header())));
        let list = match list {
            Ok(list) => list,
            Err(e) => {
                for part in wrap(&format!("could not be read: {e}"), width.saturating_sub(2)) {
                    lines.push(Line::from(Span::styled(format!("  {part}"), theme.error())));
                }
                return;
            }
        };
        let show = |b: &Booked| {
            let a = &b.appt;
            let status = match (&a.status, &a.cancel_reason) {
                (Status::Cancelled, Some(r)) => format!("cancelled: {r}"),
                (s, _) => s.label().to_string(),
            };
            let style = if a.status.holds_time() {
                ratatui::style::Style::default()
            } else {
                theme.muted()
            };
            [
                Line::from(Span::styled(
                    format!(
                        "  {} {} {status}",
                        a.day.format(clock.date_pattern),
                        hhmm(a.span.start)
                    ),
                    style,
                )),
                Line::from(Span::styled(
                    format!("    {} · {}", b.type_name, b.clinician_name),
                    theme.muted(),
                )),
            ]
        };
        let (upcoming, past): (Vec<&Booked>, Vec<&Booked>) =
            list.iter().partition(|b| b.appt.day >= clock.today);
        if upcoming.is_empty() {
            lines.push(Line::from(Span::styled("  none upcoming", theme.muted())));
        }
        lines.extend(upcoming.iter().rev().flat_map(|b| show(b)));
        if !past.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  past ({}):", past.len()),
                theme.muted(),
            )));
            lines.extend(past.iter().take(5).flat_map(|b| show(b)));
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, clock: &LocalDates, theme: &Theme) {
        let p = &self.patient;
        let d = &p.details;
        let title = format!(
            " {}  {}{}  {} {} ",
            p.mrn,
            d.full_name(),
            if p.died_at.is_some() {
                "  DECEASED"
            } else {
                ""
            },
            d.sex,
            age_label(d.birth_date, d.birth_date_estimated, clock.today)
        );
        let block = Block::bordered().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        match &self.clinical {
            Clinical::Open(r) => self.render_clinical(frame, inner, r, clock, theme),
            Clinical::Glass | Clinical::Failed(_) => {
                let [top, rest] =
                    Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
                let line = match &self.clinical {
                    Clinical::Failed(e) => Span::styled(
                        format!("Clinical record could not be read: {e}"),
                        theme.error(),
                    ),
                    _ => Span::styled(GLASS_LINE, theme.warn()),
                };
                frame.render_widget(Paragraph::new(line), top);
                self.render_columns(frame, rest, clock, theme);
            }
            Clinical::Hidden => self.render_columns(frame, inner, clock, theme),
        }
    }

    /// The record as every role sees it: two columns of details.
    fn render_columns(&self, frame: &mut Frame, inner: Rect, clock: &LocalDates, theme: &Theme) {
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        let (left, right) = self.columns(l.width as usize, clock, theme);
        for (lines, area) in [(left, l), (right, r)] {
            let paragraph = Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0));
            frame.render_widget(paragraph, area);
        }
    }

    /// The record with its clinical sections open: the allergy banner on
    /// top, then the details as every role sees them, or (after `c`) the
    /// clinical page — problems, diagnoses and visits beside the latest
    /// vitals and their trends — or the chosen visit's note.
    fn render_clinical(
        &self,
        frame: &mut Frame,
        inner: Rect,
        r: &crate::ops::record::ClinicalRecord,
        clock: &LocalDates,
        theme: &Theme,
    ) {
        let banner = clinical::banner(r, theme);
        let [top, rest] = Layout::vertical([
            Constraint::Length(u16::from(banner.is_some())),
            Constraint::Min(0),
        ])
        .areas(inner);
        if let Some(b) = banner {
            frame.render_widget(Paragraph::new(b).wrap(Wrap { trim: false }), top);
        }
        if let Some(f) = &self.lab_order {
            crate::tui::widgets::lab_order::render(f, frame, rest, theme);
            return;
        }
        if let Some(lab) = &self.lab {
            crate::tui::widgets::lab_results::render(lab, frame, rest, clock, theme);
            return;
        }
        if self.reading
            && let Some(v) = r.visits.get(self.visit)
        {
            let lines = clinical::note_lines(v, rest.width as usize, clock, theme);
            let p = Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0));
            frame.render_widget(p, rest);
            return;
        }
        if !self.clinical_page {
            self.render_columns(frame, rest, clock, theme);
            return;
        }
        let history = |width: usize| {
            let mut lines = clinical::history(r, self.visit, width, clock, theme);
            if let Some(m) = &self.prescribed {
                lines.extend(super::medicines::lines(m, width, clock, theme));
            }
            lines
        };
        let columns: Vec<(Vec<Line<'static>>, Rect)> = if r.sections.vitals {
            let [l, right] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(rest);
            let w = |a: Rect| a.width.saturating_sub(1) as usize;
            vec![
                (history(w(l)), l),
                (
                    clinical::vitals(r, &self.patient, w(right), clock, theme),
                    right,
                ),
            ]
        } else {
            let w = rest.width.saturating_sub(1) as usize;
            vec![(history(w), rest)]
        };
        for (lines, area) in columns {
            let paragraph = Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0));
            frame.render_widget(paragraph, area);
        }
    }
}
