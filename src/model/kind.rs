//! Entity kinds and claim statuses: small closed sets with fixed names.

use std::fmt;
use std::str::FromStr;

/// The error for a name outside a closed set; says which names were expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{found}` (expected one of {expected})")]
pub struct UnknownName {
    /// What was being parsed ("entity kind").
    pub what: &'static str,
    /// The text found.
    pub found: String,
    /// The accepted names, comma-separated.
    pub expected: String,
}

macro_rules! closed_set {
    ($(#[$meta:meta])* $ty:ident, $what:literal { $( $(#[$vmeta:meta])* $variant:ident => $name:literal, )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $ty { $( $(#[$vmeta])* $variant, )* }

        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[ $( $ty::$variant, )* ];

            /// The fixed upper-case name used in data files and GraphQL.
            pub const fn name(self) -> &'static str {
                match self { $( $ty::$variant => $name, )* }
            }
        }

        impl FromStr for $ty {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $( $name => Ok($ty::$variant), )*
                    _ => Err(UnknownName {
                        what: $what,
                        found: s.to_string(),
                        expected: [$( $name, )*].join(", "),
                    }),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

closed_set! {
    /// What an entity is.
    EntityKind, "entity kind" {
        /// A natural person.
        Person => "PERSON",
        /// A non-state organisation: an NGO, a union, a company, a news agency, a platform.
        Organisation => "ORGANISATION",
        /// A court or tribunal.
        Court => "COURT",
        /// A state, a government or one of its bodies (a ministry, a presidential office).
        Government => "GOVERNMENT",
        /// Something that happened: an operation, talks, a meeting.
        Event => "EVENT",
        /// A city, a region, a building.
        Place => "PLACE",
    }
}

impl EntityKind {
    /// The name with its indefinite article, for messages: "a PERSON", "an ORGANISATION".
    pub const fn with_article(self) -> &'static str {
        match self {
            EntityKind::Person => "a PERSON",
            EntityKind::Organisation => "an ORGANISATION",
            EntityKind::Court => "a COURT",
            EntityKind::Government => "a GOVERNMENT",
            EntityKind::Event => "an EVENT",
            EntityKind::Place => "a PLACE",
        }
    }
}

closed_set! {
    /// How the source presents a relation: claims are not facts.
    ClaimStatus, "claim status" {
        /// Stated by the source as fact, on its own or another's authority.
        Reported => "REPORTED",
        /// An accusation or a presumption that the source does not vouch for.
        Alleged => "ALLEGED",
        /// Contested by a party the source quotes.
        Disputed => "DISPUTED",
        /// Confirmed by an authoritative source (a court, an official record).
        Confirmed => "CONFIRMED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_say_what_was_expected() {
        for &k in EntityKind::ALL {
            assert_eq!(k.name().parse::<EntityKind>(), Ok(k));
        }
        let err = "PERSONS".parse::<EntityKind>().unwrap_err();
        assert!(err.to_string().contains("PERSON, ORGANISATION"), "{err}");
    }

    #[test]
    fn kinds_take_the_article_their_sound_asks_for() {
        for &k in EntityKind::ALL {
            let article = if "AEIOU".contains(&k.name()[..1]) {
                "an"
            } else {
                "a"
            };
            assert_eq!(k.with_article(), format!("{article} {k}"));
        }
    }
}
