//! `dossier token new NAME`: a fresh random write token and the line that configures it.

use crate::server::WriteToken;
use sha2::{Digest, Sha256};

/// Why no token was made.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The name is not one a token can have.
    #[error("{0}")]
    Name(String),
    /// The system gave no randomness.
    #[error("cannot read random bytes from the system: {0}")]
    Random(String),
}

/// A new token: the secret (for the curator, shown once) and its configuration line.
#[derive(Debug)]
pub struct NewToken {
    /// The secret token: 32 random bytes in hexadecimal.
    pub secret: String,
    /// `name:sha256hex`, for `--write-tokens`.
    pub line: String,
}

/// Runs `dossier token`: prints the secret (shown only now) and its configuration line.
pub fn run(args: &crate::config::TokenArgs) -> Result<(), TokenError> {
    match &args.action {
        crate::config::TokenAction::New { name } => {
            let t = new(name)?;
            println!(
                "token (give it to {name}; it is shown only now):\n  {}",
                t.secret
            );
            println!(
                "configuration line (--write-tokens, DOSSIER_WRITE_TOKENS or a tokens file; no secret in it):\n  {}",
                t.line
            );
            Ok(())
        }
    }
}

/// Makes a token for `name`.
pub fn new(name: &str) -> Result<NewToken, TokenError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| TokenError::Random(e.to_string()))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let line = format!("{name}:{}", hex(&Sha256::digest(secret.as_bytes())));
    WriteToken::parse(&line).map_err(TokenError::Name)?;
    Ok(NewToken { secret, line })
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_token_checks_against_its_own_line_and_tokens_differ() {
        let a = new("alice").unwrap();
        let b = new("alice").unwrap();
        assert_ne!(a.secret, b.secret);
        let t = WriteToken::parse(&a.line).unwrap();
        assert!(t.verifies(&a.secret));
        assert!(!t.verifies(&b.secret));
        assert!(new("al ice").is_err());
    }
}
