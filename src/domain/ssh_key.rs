//! An SSH public key as staff hand it in (one OpenSSH `.pub` line): what is
//! kept of it, and its SHA-256 fingerprint, the name staff and the server
//! use for it.

use russh::keys::{HashAlg, PublicKey};

/// A public key read from a `.pub` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffKey {
    /// The algorithm's name, e.g. `ssh-ed25519`.
    pub algorithm: String,
    /// The key as an OpenSSH line without its comment.
    pub public_key: String,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    pub comment: String,
}

/// The fingerprint of a key, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Reads the first key line of a `.pub` file (blank and `#` lines skipped).
pub fn parse(text: &str) -> Result<StaffKey, String> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or("the file holds no public key: give the .pub file ssh-keygen made")?;
    if line.contains("PRIVATE KEY") {
        return Err(
            "this is a private key: give the .pub file beside it, never the private key".into(),
        );
    }
    let key = PublicKey::from_openssh(line).map_err(|e| {
        format!("this is not an OpenSSH public key line ({e}): give the .pub file ssh-keygen made")
    })?;
    let comment: String = key
        .comment()
        .as_str_lossy()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let mut bare = key.clone();
    bare.set_comment("");
    let public_key = bare
        .to_openssh()
        .map_err(|e| format!("the key could not be written back ({e})"))?
        .trim()
        .to_string();
    Ok(StaffKey {
        algorithm: key.algorithm().as_str().to_string(),
        public_key,
        fingerprint: fingerprint(&key),
        comment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAxqcUprDiY4Dh04i8SOTDBnyjWupstTlsnLOPWFA7c6 nurse@ward";

    #[test]
    fn reads_a_pub_line_with_its_fingerprint() {
        let k = parse(&format!("# a comment\n\n{ED25519}\n")).unwrap();
        assert_eq!(k.algorithm, "ssh-ed25519");
        assert_eq!(k.comment, "nurse@ward");
        assert_eq!(
            k.fingerprint,
            "SHA256:8Jz6sCn8KYS149Rbybi8rIaUEIbrThJXZZCPj1CX66M"
        );
        assert_eq!(k.fingerprint.len(), 50);
        assert!(!k.public_key.contains("nurse@ward"));
        assert_eq!(parse(&k.public_key).unwrap().fingerprint, k.fingerprint);
    }

    #[test]
    fn refuses_private_keys_and_nonsense() {
        assert!(
            parse("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n")
                .unwrap_err()
                .contains("private key")
        );
        assert!(parse("").unwrap_err().contains("no public key"));
        assert!(parse("ssh-ed25519 notbase64").is_err());
    }
}
