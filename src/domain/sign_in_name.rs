//! The name a sign-in attempt is kept under. A typed user name that no
//! account has may be a password typed into the wrong field, so the audit
//! trail and the lockout count keep a keyed tag of it, never its text.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// What every tag of a user name nobody has starts with. No account can be
/// named so: a user name has no colon.
pub const UNKNOWN_PREFIX: &str = "unknown:";

/// The longest typed user name kept (in characters); the rest is ignored.
const MAX_TYPED: usize = 64;

/// A typed user name as accounts are looked up by: trimmed, lower-case, at
/// most 64 characters.
pub fn fold(typed: &str) -> String {
    typed
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_TYPED)
        .collect()
}

/// Why a stored key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the key for user names has {0} bytes, fewer than the 32 it needs")]
pub struct ShortKey(pub usize);

/// The hospital's own key for tagging user names nobody has
/// (`hospital_secrets.user_name_key`): another hospital's tags differ, and
/// nobody without the file can test a guess against a tag.
#[derive(Clone)]
pub struct UserNameKey(Hmac<Sha256>);

impl UserNameKey {
    /// The fewest bytes a key may have.
    pub const MIN_LEN: usize = 32;

    /// A key from its stored bytes, which are wiped once read.
    pub fn new(bytes: Zeroizing<Vec<u8>>) -> Result<Self, ShortKey> {
        if bytes.len() < Self::MIN_LEN {
            return Err(ShortKey(bytes.len()));
        }
        // HMAC takes a key of any length, so this never refuses.
        Hmac::<Sha256>::new_from_slice(&bytes)
            .map(UserNameKey)
            .map_err(|_| ShortKey(bytes.len()))
    }

    /// `unknown:` and the first 16 hex digits of HMAC-SHA256 of the folded
    /// name: the same name always gives the same tag in one hospital, so its
    /// failed sign-ins are counted, locked and seen together.
    pub fn tag(&self, typed: &str) -> String {
        let mut mac = self.0.clone();
        mac.update(fold(typed).as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("{UNKNOWN_PREFIX}{}", hex::encode(&digest[..8]))
    }
}

impl std::fmt::Debug for UserNameKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserNameKey(hidden)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> UserNameKey {
        UserNameKey::new(Zeroizing::new(vec![byte; 32])).unwrap()
    }

    #[test]
    fn a_tag_is_the_prefix_and_sixteen_hex_digits_of_the_keyed_hash() {
        // HMAC-SHA256 with 32 bytes of 0x0b over "my-secret-pass-99",
        // computed independently (Python's hmac module).
        let tag = key(0x0b).tag("My-Secret-Pass-99");
        assert_eq!(tag, "unknown:09d558ca427cc820");
    }

    #[test]
    fn the_same_typed_name_gives_the_same_tag_whatever_its_case_or_spaces() {
        let k = key(7);
        assert_eq!(k.tag("Ghost"), k.tag(" ghost "));
        assert_eq!(k.tag("ghost"), k.tag("GHOST"));
        assert_ne!(k.tag("ghost"), k.tag("ghost2"));
    }

    #[test]
    fn another_key_gives_another_tag() {
        assert_ne!(key(1).tag("ghost"), key(2).tag("ghost"));
    }

    #[test]
    fn a_short_key_is_refused_and_a_key_never_shows_in_debug() {
        assert_eq!(
            UserNameKey::new(Zeroizing::new(vec![1; 31])).unwrap_err(),
            ShortKey(31)
        );
        assert_eq!(format!("{:?}", key(1)), "UserNameKey(hidden)");
    }

    #[test]
    fn a_typed_name_is_folded_and_cut_at_sixty_four_characters() {
        assert_eq!(fold("  Amina.Okafor "), "amina.okafor");
        assert_eq!(fold(&"x".repeat(100)).chars().count(), 64);
    }
}
