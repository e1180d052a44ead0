//! Stable, human-readable identifiers.

use std::fmt;
use std::sync::Arc;

/// The longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;

/// A stable identifier: a slug of lowercase ASCII letters and digits, in words joined by single
/// hyphens, optionally in dotted segments (`rail-abbasov`, `rail-abbasov.arrested.azerbaijan`).
///
/// Cloning is cheap (a reference count).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(Arc<str>);

/// Why a text is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The text is empty.
    #[error("an id cannot be empty")]
    Empty,
    /// The text is longer than `MAX_ID_LEN` (128 bytes).
    #[error("an id is at most {MAX_ID_LEN} bytes long, this one has {0}")]
    TooLong(usize),
    /// The text has a character or shape outside the slug rules.
    #[error("`{0}` is not a valid id: use lowercase letters a-z, digits and single hyphens between words (dots separate segments), e.g. `gubad-ibadoglu`")]
    Invalid(String),
}

impl Id {
    /// Parses a slug. Costs O(length).
    pub fn parse(text: &str) -> Result<Id, IdError> {
        if text.is_empty() {
            return Err(IdError::Empty);
        }
        if text.len() > MAX_ID_LEN {
            return Err(IdError::TooLong(text.len()));
        }
        // Segments between dots, words between hyphens, none empty: every separator sits
        // between two letters or digits. One pass over the bytes (ids are checked for every
        // row of a bulk import).
        let mut after_separator = true;
        let mut ok = true;
        for b in text.bytes() {
            match b {
                b'a'..=b'z' | b'0'..=b'9' => after_separator = false,
                b'.' | b'-' if !after_separator => after_separator = true,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && !after_separator {
            Ok(Id(Arc::from(text)))
        } else {
            Err(IdError::Invalid(text.to_string()))
        }
    }

    /// An id from text that was an id already (read back from a graph's records): not checked
    /// again.
    pub(crate) fn trusted(text: &str) -> Id {
        debug_assert!(
            Id::parse(text).is_ok(),
            "`{text}` was checked when it was added"
        );
        Id(Arc::from(text))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", &self.0)
    }
}

impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_accepted_and_everything_else_is_refused() {
        for ok in [
            "echr",
            "gubad-ibadoglu",
            "a1.called.b2",
            "un-security-council-meeting",
        ] {
            assert!(Id::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "Gubad", "a--b", "-a", "a-", "a b", "a..b", "ə", "a_b", "a.-b", "a-.b", ".a", "a.",
        ] {
            assert!(Id::parse(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            Id::parse(&"a".repeat(200)),
            Err(IdError::TooLong(200))
        ));
    }
}
