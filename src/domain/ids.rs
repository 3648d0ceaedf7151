//! Primary keys: UUIDv7, time-ordered so that inserts append to the index.

use std::fmt;

/// A record's primary key, as stored (the hyphenated UUIDv7 text form).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(String);

impl Id {
    /// A fresh, time-ordered identifier. Its random part comes from the
    /// thread's generator (seeded once from the system), not from a system
    /// call per identifier: an import makes one per row.
    pub fn new() -> Self {
        use rand::RngCore;
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        let mut random = [0u8; 10];
        rand::thread_rng().fill_bytes(&mut random);
        let id = uuid::Builder::from_unix_timestamp_millis(ms as u64, &random).into_uuid();
        Id(id.hyphenated().to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_unique_uuid_v7_in_time_order() {
        let a = Id::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = Id::new();
        assert_ne!(a, b);
        assert!(a < b, "{a:?} then {b:?}");
        let parsed = uuid::Uuid::parse_str(b.as_str()).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
        let many: std::collections::HashSet<Id> = (0..10_000).map(|_| Id::new()).collect();
        assert_eq!(many.len(), 10_000);
    }
}
