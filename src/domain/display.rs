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

/// A count and its noun, singular for one: "1 batch", "1,000 tablets".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A quantity in an item's unit, grouped and pluralised when the unit is
/// a word: "1 tablet", "1,000 tablets", "20 ml", "-3 boxes".
pub fn quantity_of(n: i64, unit: &str) -> String {
    let number = grouped(n);
    let is_word = unit.chars().count() > 2 && unit.chars().all(char::is_alphabetic);
    if n.unsigned_abs() == 1 || !is_word {
        return format!("{number} {unit}");
    }
    if let Some(stem) = unit.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{number} {stem}ies");
    }
    let ending = if ["s", "x", "ch", "sh"].iter().any(|e| unit.ends_with(e)) {
        "es"
    } else {
        "s"
    };
    format!("{number} {unit}{ending}")
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

    #[test]
    fn one_is_singular_and_many_are_grouped() {
        assert_eq!(plural(1, "movement", "movements"), "1 movement");
        assert_eq!(plural(0, "batch", "batches"), "0 batches");
        assert_eq!(plural(1000, "tablet", "tablets"), "1,000 tablets");
    }

    #[test]
    fn amounts_name_their_unit_as_people_say_it() {
        assert_eq!(quantity_of(1, "tablet"), "1 tablet");
        assert_eq!(quantity_of(1000, "tablet"), "1,000 tablets");
        assert_eq!(quantity_of(-3, "box"), "-3 boxes");
        assert_eq!(quantity_of(250, "ml"), "250 ml");
        assert_eq!(quantity_of(2, "g/l"), "2 g/l");
        assert_eq!(quantity_of(6, "pessary"), "6 pessaries");
        assert_eq!(quantity_of(3, "ampoule"), "3 ampoules");
    }
}
