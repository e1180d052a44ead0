//! Choosing what to export: the neighbourhood of some entities, or the whole graph, through
//! the store's filter — shared by the `/export` route and `dossier export`.

use super::{Cut, View};
use crate::model::{EntityKind, RelationKind};
use crate::store::{Filter, Graph, Node};

/// What to export, as the `/export` route and `dossier export` take it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The seeds of the neighbourhood; empty means the whole graph.
    pub ids: Vec<String>,
    /// How many relations out from the seeds to walk (ignored for the whole graph).
    pub depth: usize,
    /// Only relations of these kinds (`None`: all).
    pub relation_kinds: Option<Vec<RelationKind>>,
    /// Only entities of these kinds (`None`: all). Seeds are always included.
    pub kinds: Option<Vec<EntityKind>>,
    /// The most entities to export (`None`: no limit).
    pub limit: Option<usize>,
}

/// Why a selection cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    /// A seed id names no entity.
    #[error("no entity has the id `{0}`")]
    UnknownEntity(String),
}

impl Selection {
    /// The entities and relations selected, and whether the limit cut the selection short.
    ///
    /// With seeds: [`Graph::neighbourhood`] through the filter (O(V' + E') for the part
    /// visited). Without: every entity of the kinds asked for, in id order, up to the limit,
    /// and the relations of the kinds asked for among them (O(V + E)).
    pub fn select(&self, graph: &Graph) -> Result<(View, bool), SelectionError> {
        let limit = self.limit.unwrap_or(usize::MAX);
        let filter = Filter {
            relation_kinds: self.relation_kinds.as_deref(),
            entity_kinds: self.kinds.as_deref(),
            ..Filter::default()
        };
        if self.ids.is_empty() {
            let mut nodes: Vec<Node> = graph.entities(self.kinds.as_deref()).collect();
            let truncated = nodes.len() > limit;
            nodes.truncate(limit);
            let members: std::collections::HashSet<Node> = nodes.iter().copied().collect();
            let edges = graph
                .all_relations()
                .filter(|&e| {
                    let (a, b) = graph.endpoints(e);
                    let kind = graph.relation(e).kind();
                    members.contains(&a)
                        && members.contains(&b)
                        && filter.relation_kinds.is_none_or(|k| k.contains(&kind))
                })
                .collect();
            return Ok((View { nodes, edges }, truncated));
        }
        let seeds = self
            .ids
            .iter()
            .map(|id| {
                graph
                    .node(id)
                    .ok_or_else(|| SelectionError::UnknownEntity(id.clone()))
            })
            .collect::<Result<Vec<Node>, _>>()?;
        let sub = graph.neighbourhood(&seeds, self.depth, &filter, limit);
        let truncated = sub.truncated;
        Ok((sub.into(), truncated))
    }
}

impl Selection {
    /// [`Selection::select`], with how the limit cut the selection, if it did: the entities
    /// kept, and (for the whole graph) how many were selected. O(V + E) as `select`.
    pub fn select_cut(&self, graph: &Graph) -> Result<(View, Option<Cut>), SelectionError> {
        let (view, truncated) = self.select(graph)?;
        if !truncated {
            return Ok((view, None));
        }
        let selected = self.ids.is_empty().then(|| match self.kinds.as_deref() {
            None => graph.entity_count(),
            Some(k) => graph.entities(Some(k)).count(),
        });
        let cut = Cut {
            kept: view.nodes.len(),
            selected,
            limit: self.limit.unwrap_or(usize::MAX),
        };
        Ok((view, Some(cut)))
    }
}

/// Shorthand for [`Selection::select`].
pub fn select(graph: &Graph, selection: &Selection) -> Result<(View, bool), SelectionError> {
    selection.select(graph)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::{fixture, COUNTS};

    #[test]
    fn no_ids_selects_the_whole_graph_and_kinds_narrow_it() {
        let g = fixture();
        let (v, truncated) = Selection::default().select(&g).unwrap();
        assert_eq!((v.nodes.len(), v.edges.len()), COUNTS);
        assert!(!truncated);
        let people = Selection {
            kinds: Some(vec![EntityKind::Person]),
            relation_kinds: Some(vec![RelationKind::Called]),
            ..Selection::default()
        };
        let (v, _) = people.select(&g).unwrap();
        assert_eq!(v.nodes.len(), 3);
        assert_eq!(v.edges.len(), 1);
        let (v, truncated) = Selection {
            limit: Some(2),
            ..Selection::default()
        }
        .select(&g)
        .unwrap();
        assert_eq!(v.nodes.len(), 2);
        assert!(truncated);
    }

    #[test]
    fn a_neighbourhood_starts_from_its_seeds_and_unknown_seeds_are_refused() {
        let g = fixture();
        let sel = Selection {
            ids: vec!["court".into()],
            depth: 1,
            ..Selection::default()
        };
        let (v, _) = sel.select(&g).unwrap();
        let ids: Vec<&str> = v.nodes.iter().map(|&n| g.entity(n).id()).collect();
        assert_eq!(ids[0], "court");
        assert!(ids.contains(&"rail-mammadov"));
        let bad = Selection {
            ids: vec!["nobody".into()],
            ..Selection::default()
        };
        assert_eq!(
            bad.select(&g).unwrap_err(),
            SelectionError::UnknownEntity("nobody".into())
        );
    }
}
