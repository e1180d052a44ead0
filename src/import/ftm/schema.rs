//! What each FtM schema becomes: an entity of a kind, a document, a citation, a court case
//! or party, a link (and the kind, label, ends and role of each link schema), or nothing.

use super::super::Mapping;
use crate::model::{EntityKind, Id, RelationKind};

/// What a schema becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// An entity; `None` for a `PublicBody`, whose kind is decided once every court is known.
    Thing(Option<EntityKind>),
    Document,
    Documentation,
    CourtCase,
    CourtCaseParty,
    Link(LinkSchema),
    /// Not held by dossier.
    Other,
}

pub(super) fn classify(schema: &str, mapping: &Mapping) -> Class {
    if let Some(kind) = mapping.entity_type(schema) {
        return Class::Thing(Some(kind));
    }
    match schema {
        "Person" => Class::Thing(Some(EntityKind::Person)),
        "Organization" | "Company" | "LegalEntity" => Class::Thing(Some(EntityKind::Organisation)),
        "PublicBody" => Class::Thing(None),
        "Event" => Class::Thing(Some(EntityKind::Event)),
        "Address" => Class::Thing(Some(EntityKind::Place)),
        "Document" | "Pages" | "Folder" | "Package" | "PlainText" | "HyperText" | "Email"
        | "Message" | "Article" | "Image" | "Video" | "Audio" | "Table" | "Workbook" => {
            Class::Document
        }
        "Documentation" => Class::Documentation,
        "CourtCase" => Class::CourtCase,
        "CourtCaseParty" => Class::CourtCaseParty,
        other => LinkSchema::of(other).map_or(Class::Other, Class::Link),
    }
}

/// The FtM link schemata dossier reads as relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LinkSchema {
    Representation,
    Call,
    Membership,
    Employment,
    Family,
    Associate,
    Directorship,
    Ownership,
    UnknownLink,
}

impl LinkSchema {
    pub(super) fn of(schema: &str) -> Option<LinkSchema> {
        Some(match schema {
            "Representation" => LinkSchema::Representation,
            "Call" => LinkSchema::Call,
            "Membership" => LinkSchema::Membership,
            "Employment" => LinkSchema::Employment,
            "Family" => LinkSchema::Family,
            "Associate" => LinkSchema::Associate,
            "Directorship" => LinkSchema::Directorship,
            "Ownership" => LinkSchema::Ownership,
            "UnknownLink" => LinkSchema::UnknownLink,
            _ => return None,
        })
    }

    /// The properties naming the two ends, from → to.
    pub(super) fn ends(self) -> (&'static str, &'static str) {
        match self {
            LinkSchema::Representation => ("agent", "client"),
            LinkSchema::Call => ("caller", "receiver"),
            LinkSchema::Membership => ("member", "organization"),
            LinkSchema::Employment => ("employee", "employer"),
            LinkSchema::Family => ("person", "relative"),
            LinkSchema::Associate => ("person", "associate"),
            LinkSchema::Directorship => ("director", "organization"),
            LinkSchema::Ownership => ("owner", "asset"),
            LinkSchema::UnknownLink => ("subject", "object"),
        }
    }

    /// The property that says the role (`role`, or `relationship` for people).
    pub(super) fn role(self) -> Option<&'static str> {
        match self {
            LinkSchema::Call => None,
            LinkSchema::Family | LinkSchema::Associate => Some("relationship"),
            _ => Some("role"),
        }
    }

    /// The schema's own label, kept when its kind does not fit the ends.
    pub(super) fn label(self) -> &'static str {
        match self {
            LinkSchema::Representation => "represents",
            LinkSchema::Call => "called",
            LinkSchema::Membership => "member of",
            LinkSchema::Employment => "works for",
            LinkSchema::Family => "relative of",
            LinkSchema::Associate => "associate of",
            LinkSchema::Directorship => "director of",
            LinkSchema::Ownership => "owner of",
            LinkSchema::UnknownLink => "linked to",
        }
    }

    /// The kind and label of a link with these roles, and how many roles that used up (an
    /// `UnknownLink`'s first role is its label).
    pub(super) fn kind(self, roles: &[&str]) -> (RelationKind, String, usize) {
        let said = roles.join(" ").to_lowercase();
        let says = |words: &[&str]| words.iter().any(|w| said.contains(w));
        let kind = match self {
            LinkSchema::Representation if says(&["spokes"]) => RelationKind::SpokespersonFor,
            LinkSchema::Representation
                if says(&["defen", "counsel", "lawyer", "attorney", "advocat", "legal"]) =>
            {
                RelationKind::Defended
            }
            LinkSchema::Representation => RelationKind::Represents,
            LinkSchema::Call => RelationKind::Called,
            LinkSchema::Membership => RelationKind::MemberOf,
            LinkSchema::Employment if says(&["spokes"]) => RelationKind::SpokespersonFor,
            LinkSchema::Employment | LinkSchema::Directorship => RelationKind::WorksFor,
            LinkSchema::Family => RelationKind::RelativeOf,
            LinkSchema::Associate => RelationKind::AssociateOf,
            LinkSchema::Ownership => RelationKind::Related,
            LinkSchema::UnknownLink => {
                return match roles.first() {
                    Some(first) => {
                        let kind = crate::import::loose::relation_kind(first)
                            .unwrap_or(RelationKind::Related);
                        (kind, first.to_string(), 1)
                    }
                    None => (RelationKind::Related, self.label().into(), 0),
                };
            }
        };
        (kind, self.label().into(), 0)
    }
}

/// The role dossier's export writes for a kind when the relation has none; read back as none.
pub(super) fn default_role(kind: RelationKind) -> Option<&'static str> {
    match kind {
        RelationKind::Defended => Some("defence counsel"),
        RelationKind::Represents => Some("representative"),
        RelationKind::SpokespersonFor => Some("spokesperson"),
        _ => None,
    }
}

/// The kind in the id of a link dossier's export wrote (`dossier-rel-<from>.<kind>.<to>`),
/// when its ends are these.
pub(super) fn dossier_kind(ftm_id: &str, from: &Id, to: &Id) -> Option<RelationKind> {
    let mut parts = ftm_id.strip_prefix("dossier-rel-")?.split('.');
    let (f, k, t) = (parts.next()?, parts.next()?, parts.next()?);
    if f != from.as_str() || t != to.as_str() {
        return None;
    }
    RelationKind::ALL
        .iter()
        .copied()
        .find(|kind| kind.name().to_ascii_lowercase().replace('_', "-") == k)
}
