//! The one set of styles. Colour is never the only signal, and `NO_COLOR`
//! turns colour off while keeping bold and reverse video.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty.
    pub fn from_env() -> Self {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    pub fn plain() -> Self {
        Theme { color: false }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn tab(&self) -> Style {
        self.fg(Color::Gray)
    }
    pub fn tab_active(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn muted(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn focused(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// A bed status's colour; the board always shows its letter too.
    pub fn bed(&self, status: crate::domain::beds::BedStatus) -> Style {
        use crate::domain::beds::BedStatus;
        let c = match status {
            BedStatus::Available => Color::Green,
            BedStatus::Reserved => Color::Blue,
            BedStatus::Occupied => Color::Red,
            BedStatus::Cleaning => Color::Yellow,
            BedStatus::OutOfService => Color::DarkGray,
        };
        self.fg(c).add_modifier(Modifier::BOLD)
    }
}
