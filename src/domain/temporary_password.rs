//! The temporary password a new patient account gets: read aloud or
//! written down at the desk, so it is groups of letters and digits without
//! look-alikes (no i, l, o, 0, 1), and long enough for the hospital's policy.

use rand::Rng;

/// Letters and digits that cannot be mistaken for one another on paper.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters in one group: `7kqm-xr2p-…`.
const GROUP: usize = 4;
/// At least this many groups (16 characters of 31: about 79 bits).
const MIN_GROUPS: usize = 4;

/// A fresh temporary password of at least `min_length` characters, as
/// groups of four joined by dashes.
pub fn generate(rng: &mut impl Rng, min_length: usize) -> String {
    let mut groups = MIN_GROUPS;
    while groups * (GROUP + 1) - 1 < min_length {
        groups += 1;
    }
    let parts: Vec<String> = (0..groups)
        .map(|_| {
            (0..GROUP)
                .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
                .collect()
        })
        .collect();
    parts.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::password::PasswordPolicy;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn passes_the_policy_and_reaches_its_minimum_length() {
        let mut rng = StdRng::seed_from_u64(7);
        for min in [8, 12, 19, 20, 40] {
            let p = generate(&mut rng, min);
            assert!(p.chars().count() >= min, "{p} is shorter than {min}");
            let policy = PasswordPolicy {
                min_length: min,
                demo: false,
            };
            assert_eq!(policy.check("wl-000001-k", &p), Ok(()), "{p}");
            assert!(p.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        }
    }

    #[test]
    fn two_are_different() {
        let mut rng = rand::thread_rng();
        assert_ne!(generate(&mut rng, 12), generate(&mut rng, 12));
    }
}
