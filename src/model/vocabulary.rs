//! The relation vocabulary: every kind of relation dossier knows, with its labels, its symmetry
//! and the entity kinds it may join.
//!
//! The table in [`RelationKind::spec`] is the single source of truth: the GraphQL enum, the data
//! file validation, the exports and the documentation all read it. To add a kind, add a variant
//! and a row; the tests check that every row is well formed.

use super::EntityKind::{self, *};
use std::fmt;
use std::str::FromStr;

/// The kinds an "actor" may be: anyone or anything that can do something to someone.
const ACTORS: &[EntityKind] = &[Person, Organisation, Court, Government];
/// Every entity kind.
const ANY: &[EntityKind] = &[Person, Organisation, Court, Government, Event, Place];

/// What is fixed about one relation kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationSpec {
    /// The name used in data files and as the GraphQL enum value (`ARRESTED`).
    pub name: &'static str,
    /// The active label, read from `from` to `to` ("arrested").
    pub label: &'static str,
    /// The inverse label, read from `to` to `from` ("arrested by").
    pub inverse: &'static str,
    /// Whether `a REL b` says the same as `b REL a` (a call, a meeting, a family tie).
    pub symmetric: bool,
    /// The entity kinds allowed at the `from` end.
    pub from: &'static [EntityKind],
    /// The entity kinds allowed at the `to` end.
    pub to: &'static [EntityKind],
    /// One sentence for the schema documentation and the README.
    pub doc: &'static str,
}

macro_rules! vocabulary {
    ($( $variant:ident => $name:literal, $label:literal, $inverse:literal, $sym:literal, $from:expr => $to:expr, $doc:literal; )*) => {
        /// A kind of relation. See the module documentation and [`RelationKind::spec`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RelationKind { $( #[doc = $doc] $variant, )* }

        impl RelationKind {
            /// Every relation kind, in declaration order.
            pub const ALL: &'static [RelationKind] = &[ $( RelationKind::$variant, )* ];

            /// The fixed facts about this kind.
            pub const fn spec(self) -> &'static RelationSpec {
                match self {
                    $( RelationKind::$variant => &RelationSpec {
                        name: $name, label: $label, inverse: $inverse, symmetric: $sym,
                        from: $from, to: $to, doc: $doc,
                    }, )*
                }
            }
        }
    };
}

/// Calls `$callback!` with the vocabulary's rows, so other layers can derive their own types
/// from the one table (the GraphQL enum does) without repeating it.
macro_rules! relation_kinds {
    ($callback:ident) => {
        $callback! {
    Arrested => "ARRESTED", "arrested", "arrested by", false, ACTORS => &[Person],
        "Took a person into custody (an arrest, criminal or administrative).";
    Detained => "DETAINED", "detained", "detained by", false, ACTORS => &[Person],
        "Held a person in detention, e.g. an administrative detention for a number of days.";
    Sentenced => "SENTENCED", "sentenced", "sentenced by", false, &[Court, Government] => &[Person],
        "Imposed a sentence (imprisonment, fine) on a person.";
    Charged => "CHARGED", "charged", "charged by", false, ACTORS => &[Person, Organisation],
        "Brought a criminal charge or opened a criminal case against someone.";
    Accused => "ACCUSED", "accused", "accused by", false, ACTORS => ANY,
        "Accused someone of wrongdoing; usually an allegation (claim ALLEGED or DISPUTED).";
    Defended => "DEFENDED", "defended", "defended by", false, ACTORS => ACTORS,
        "Defended someone: as counsel, as a legal team, or as an advocate for their case.";
    RuledOn => "RULED_ON", "ruled on", "was ruled on by", false, &[Court] => ANY,
        "A court decided on the case of someone or something (a ruling, an interim measure, a priority status).";
    Ordered => "ORDERED", "ordered", "was ordered by", false, ACTORS => ACTORS,
        "Obliged someone to do something (a court's directive, a government's order).";
    Requested => "REQUESTED", "requested", "was requested by", false, ACTORS => ANY,
        "Asked someone for something, or asked for an event to happen (`to` is whom it was asked of, or the event).";
    Called => "CALLED", "called", "called", true, ACTORS => ACTORS,
        "Had a telephone call with someone.";
    SpokeWith => "SPOKE_WITH", "spoke with", "spoke with", true, ACTORS => ACTORS,
        "Had a conversation with someone (the source does not say it was a call or a meeting).";
    Met => "MET", "met", "met", true, ACTORS => ACTORS,
        "Met someone in person.";
    NegotiatedWith => "NEGOTIATED_WITH", "negotiated with", "negotiated with", true, ACTORS => ACTORS,
        "Held talks or negotiations with someone.";
    ApologisedTo => "APOLOGISED_TO", "apologised to", "received an apology from", false, ACTORS => ACTORS,
        "Apologised to someone.";
    Criticised => "CRITICISED", "criticised", "was criticised by", false, ACTORS => ANY,
        "Denounced, condemned or expressed concern about someone or something.";
    Urged => "URGED", "urged", "was urged by", false, ACTORS => ANY,
        "Called on someone to act, or stressed the necessity of something to them (guarantees, a ceasefire).";
    Announced => "ANNOUNCED", "announced", "was announced by", false, ACTORS => ANY,
        "Made an official announcement or declaration about something.";
    Reported => "REPORTED", "reported", "was reported by", false, ACTORS => ANY,
        "Gave an account of something: casualty figures, an event, a conversation.";
    Restricted => "RESTRICTED", "restricted", "was restricted by", false, ACTORS => ANY,
        "Limited access to or the activity of someone or something (a blocked platform, a travel ban).";
    Targeted => "TARGETED", "targeted", "was targeted by", false, &[Person, Organisation, Court, Government, Event] => ANY,
        "Attacked or was directed against someone or something (shelling, a military operation).";
    CarriedOut => "CARRIED_OUT", "carried out", "was carried out by", false, ACTORS => &[Event],
        "Conducted an event such as a military operation.";
    Organised => "ORGANISED", "organised", "was organised by", false, ACTORS => &[Event],
        "Convened, scheduled or hosted an event.";
    ParticipatedIn => "PARTICIPATED_IN", "took part in", "had participant", false, ACTORS => &[Event],
        "Took part in an event (talks, a meeting, an agreement).";
    Concerns => "CONCERNS", "concerns", "is the subject of", false, &[Event] => ANY,
        "An event is about someone or something (a Security Council meeting on a region).";
    PartOf => "PART_OF", "part of", "includes", false, &[Event] => &[Event],
        "An event is part of a larger one (shelling within a military operation).";
    LocatedIn => "LOCATED_IN", "located in", "location of", false, ANY => &[Place],
        "Took place in, or is situated in, a place.";
    Leads => "LEADS", "leads", "is led by", false, &[Person] => &[Organisation, Court, Government],
        "Heads an organisation, a government or a court.";
    MemberOf => "MEMBER_OF", "member of", "has member", false, ACTORS => &[Organisation, Court, Government],
        "Belongs to an organisation or body.";
    WorksFor => "WORKS_FOR", "works for", "employs", false, &[Person] => &[Organisation, Court, Government],
        "Holds a post in an organisation, a government or a court (an official, an ombudsman).";
    SpokespersonFor => "SPOKESPERSON_FOR", "spokesperson for", "has spokesperson", false, &[Person] => &[Organisation, Court, Government, Person],
        "Speaks officially on behalf of someone.";
    Represents => "REPRESENTS", "represents", "is represented by", false, ACTORS => ACTORS,
        "Acts as the representative of someone (in negotiations, as an envoy).";
    Advises => "ADVISES", "advises", "is advised by", false, &[Person, Organisation] => ACTORS,
        "Is an adviser to someone.";
    RelativeOf => "RELATIVE_OF", "relative of", "relative of", true, &[Person] => &[Person],
        "A family tie; the `role` says which (\"brother\").";
    AssociateOf => "ASSOCIATE_OF", "associate of", "associate of", true, ACTORS => ACTORS,
        "A known association not covered by a more specific kind.";
    Related => "RELATED", "related to", "related to", false, ANY => ANY,
        "A relation outside this vocabulary, as imported datasets state it: its own `label` says what (\"award received\", \"shares border with\").";
        }
    };
}
pub(crate) use relation_kinds;

relation_kinds!(vocabulary);

impl RelationKind {
    /// The name used in data files and GraphQL (`RULED_ON`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The active label ("arrested").
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// Whether the relation reads the same both ways.
    pub fn is_symmetric(self) -> bool {
        self.spec().symmetric
    }

    /// Whether a relation of this kind may go from an entity of kind `from` to one of kind `to`.
    /// Symmetric kinds accept either orientation.
    pub fn allows(self, from: EntityKind, to: EntityKind) -> bool {
        let s = self.spec();
        let direct = s.from.contains(&from) && s.to.contains(&to);
        direct || (s.symmetric && s.from.contains(&to) && s.to.contains(&from))
    }
}

impl fmt::Display for RelationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a relation kind name that is not in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown relation kind `{0}` (expected one of the vocabulary's names, such as ARRESTED or RULED_ON)")]
pub struct UnknownRelationKind(pub String);

impl FromStr for RelationKind {
    type Err = UnknownRelationKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RelationKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownRelationKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_and_is_screaming_snake_case() {
        for &k in RelationKind::ALL {
            assert_eq!(k.name().parse::<RelationKind>(), Ok(k));
            assert!(k.name().chars().all(|c| c.is_ascii_uppercase() || c == '_'));
            assert!(!k.label().is_empty() && !k.spec().inverse.is_empty());
            assert!(!k.spec().from.is_empty() && !k.spec().to.is_empty());
        }
    }

    #[test]
    fn the_spec_kinds_are_present() {
        for name in [
            "ARRESTED",
            "DETAINED",
            "SENTENCED",
            "CHARGED",
            "DEFENDED",
            "RULED_ON",
            "CALLED",
        ] {
            assert!(name.parse::<RelationKind>().is_ok(), "{name}");
        }
    }

    #[test]
    fn symmetric_kinds_allow_both_orientations() {
        assert!(RelationKind::Called.allows(Government, Person));
        assert!(RelationKind::Called.allows(Person, Government));
        assert!(!RelationKind::Arrested.allows(Person, Government));
    }
}
