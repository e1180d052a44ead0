//! The filter of a walk, built from a resolver's arguments: the kinds converted to the
//! model's and owned, so that a blocking task can take them and lend them to the store's
//! [`Filter`].

use super::scalars::{entity_kinds, relation_kinds, EntityKind, RelationKind};
use crate::model;
use crate::store::{AsOf, Direction, Filter};

/// A store [`Filter`] that owns its kinds.
pub(super) struct Walk {
    relation_kinds: Option<Vec<model::RelationKind>>,
    entity_kinds: Option<Vec<model::EntityKind>>,
    direction: Direction,
    as_of: Option<AsOf>,
}

impl Walk {
    /// Through relations of `relation`, in `direction`, to entities of `entity` (`None`: all),
    /// as of a day if given.
    pub(super) fn new(
        relation: Option<Vec<RelationKind>>,
        entity: Option<Vec<EntityKind>>,
        direction: Direction,
        as_of: Option<AsOf>,
    ) -> Walk {
        Walk {
            relation_kinds: relation_kinds(relation),
            entity_kinds: entity_kinds(entity),
            direction,
            as_of,
        }
    }

    /// The store's filter, borrowing the kinds.
    pub(super) fn filter(&self) -> Filter<'_> {
        Filter {
            relation_kinds: self.relation_kinds.as_deref(),
            direction: self.direction,
            entity_kinds: self.entity_kinds.as_deref(),
            as_of: self.as_of,
        }
    }
}
