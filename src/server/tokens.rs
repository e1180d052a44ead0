//! Write tokens as they are configured: `name:sha256hex`, the name of who writes and the
//! SHA-256 of their secret token, so the configuration holds no secret.

use std::fmt;

/// One configured write token.
#[derive(Clone, PartialEq, Eq)]
pub struct WriteToken {
    /// Who writes with it (recorded with each change).
    pub name: String,
    /// The SHA-256 digest of the secret token.
    pub sha256: [u8; 32],
}

impl fmt::Debug for WriteToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The digest is not the secret, but there is no reason to print it either.
        f.debug_struct("WriteToken")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl WriteToken {
    /// Parses `name:sha256hex`: a non-empty name of letters, digits, `-`, `_` or `.`, a
    /// colon, and 64 hexadecimal digits.
    pub fn parse(s: &str) -> Result<WriteToken, String> {
        let Some((name, hex)) = s.trim().split_once(':') else {
            return Err(format!("`{}` is not `name:sha256hex` (no colon)", shown(s)));
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(format!(
                "the name `{}` must be letters, digits, `-`, `_` or `.`",
                shown(name)
            ));
        }
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "the digest for `{name}` must be 64 hexadecimal digits (a SHA-256), found {} characters",
                hex.len()
            ));
        }
        let mut sha256 = [0u8; 32];
        for (i, byte) in sha256.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("checked hex digits");
        }
        Ok(WriteToken {
            name: name.to_owned(),
            sha256,
        })
    }
}

impl WriteToken {
    /// Whether `secret` is this token's: its SHA-256 compared in constant time.
    pub fn verifies(&self, secret: &str) -> bool {
        use sha2::{Digest, Sha256};
        use subtle::ConstantTimeEq;
        let digest = Sha256::digest(secret.as_bytes());
        digest.as_slice().ct_eq(&self.sha256).into()
    }
}

/// The name of the token `secret` is, if any. Every token is compared (in constant time), so
/// the time taken says nothing about which one matched, or how nearly.
pub fn author_of<'a>(tokens: &'a [WriteToken], secret: &str) -> Option<&'a str> {
    let mut found = None;
    for t in tokens {
        if t.verifies(secret) {
            found = Some(t.name.as_str());
        }
    }
    found
}

/// Reads a tokens file: one `name:sha256hex` a line; blank lines and `#` comments skipped.
pub fn read_file(path: &std::path::Path) -> Result<Vec<WriteToken>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(
            WriteToken::parse(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?,
        );
    }
    Ok(out)
}

/// At most the first 20 characters of a value, so an error never echoes a pasted secret
/// whole.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_and_a_sha256_digest_parse() {
        let t = WriteToken::parse(&format!("alice:{}", "ab".repeat(32))).unwrap();
        assert_eq!(t.name, "alice");
        assert_eq!(t.sha256, [0xab; 32]);
    }

    #[test]
    fn anything_else_is_refused_with_what_was_expected() {
        for bad in [
            "alice",
            "alice:1234",
            &format!(":{}", "0".repeat(64)),
            &format!("al ice:{}", "0".repeat(64)),
            &format!("alice:{}", "g".repeat(64)),
        ] {
            assert!(WriteToken::parse(bad).is_err(), "{bad}");
        }
        let e = WriteToken::parse("alice:1234").unwrap_err();
        assert!(e.contains("64 hexadecimal digits"), "{e}");
    }
}
