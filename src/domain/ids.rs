//! Primary keys: UUIDv7, time-ordered so that inserts append to the index.

use std::fmt;

/// A record's primary key, as stored (the hyphenated UUIDv7 text form).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(String);

impl Id {
    /// A fresh, time-ordered identifier.
    pub fn new() -> Self {
        Id(uuid::Uuid::now_v7().hyphenated().to_string())
    }

    /// Wraps an identifier read back from the database.
    pub fn from_stored(s: String) -> Self {
        Id(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Id {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
