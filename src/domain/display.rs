//! Numbers as people read them.

/// 1204 → "1,204".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// -1204 → "-1,204": a count that may be below zero, grouped the same way.
pub fn grouped(n: i64) -> String {
    let digits = thousands(n.unsigned_abs());
    if n < 0 { format!("-{digits}") } else { digits }
}

/// A movement of stock with its sign: 1000000 → "+1,000,000", -5 → "-5".
pub fn signed(n: i64) -> String {
    if n < 0 {
        grouped(n)
    } else {
        format!("+{}", thousands(n.unsigned_abs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn signs_stay_in_front_of_the_groups() {
        assert_eq!(grouped(-1_000_250), "-1,000,250");
        assert_eq!(grouped(1204), "1,204");
        assert_eq!(signed(1_000_000), "+1,000,000");
        assert_eq!(signed(-1_000_000), "-1,000,000");
        assert_eq!(signed(0), "+0");
        assert_eq!(grouped(i64::MIN), "-9,223,372,036,854,775,808");
    }
}
