//! Choosing what to export: the neighbourhood of some entities, or the whole graph, through
//! the store's filter — shared by the `/export` route and `dossier export`.

use super::{Cut, Page, View};
use crate::model::{EntityKind, RelationKind};
use crate::store::{AsOf, Edge, Filter, Graph, Node};
use std::collections::HashSet;

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
    /// Only the graph as it stood on a day (`None`: everything ever recorded): relations in
    /// force then, and entities in force then (events by their start and end); seeds are
    /// always included.
    pub as_of: Option<AsOf>,
}

/// Why a selection cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    /// A seed id names no entity.
    #[error("no entity has the id `{0}`")]
    UnknownEntity(String),
    /// A page past the last one (or page 0).
    #[error("`page` {page} is out of range: the whole graph at this limit is page 1 to {pages}")]
    PageOutOfRange {
        /// The page asked for.
        page: usize,
        /// How many pages there are.
        pages: usize,
    },
}

/// One page of the whole graph: what [`Selection::select_page`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged {
    /// The page's own entities in id order, then the other ends (in id order), and the
    /// relations from the page's own entities in the order they were added.
    pub view: View,
    /// The other ends of the relations that are on other pages, flagged `page_ref`.
    pub refs: HashSet<Node>,
    /// Which page it is and what it holds; `next` is for the caller to fill in.
    pub page: Page,
}

impl Selection {
    /// The entities and relations selected, and whether the limit cut the selection short.
    ///
    /// With seeds: [`Graph::neighbourhood`] through the filter (O(V' + E') for the part
    /// visited). Without: every entity of the kinds asked for (in force on the as-of day), in
    /// id order, up to the limit, and the relations of the kinds asked for (in force) among
    /// them (O(V + E)).
    pub fn select(&self, graph: &Graph) -> Result<(View, bool), SelectionError> {
        let limit = self.limit.unwrap_or(usize::MAX);
        let filter = Filter {
            relation_kinds: self.relation_kinds.as_deref(),
            entity_kinds: self.kinds.as_deref(),
            as_of: self.as_of,
            ..Filter::default()
        };
        if self.ids.is_empty() {
            let mut nodes: Vec<Node> = self.entities(graph).collect();
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
                        && self.as_of.is_none_or(|d| graph.relation_in_force(e, d))
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
    /// The entities of the kinds asked for that are in force on the as-of day, in id order:
    /// the whole graph's selection. O(V).
    fn entities<'a>(&'a self, graph: &'a Graph) -> impl Iterator<Item = Node> + 'a {
        let as_of = self.as_of;
        graph
            .entities(self.kinds.as_deref())
            .filter(move |&n| as_of.is_none_or(|d| graph.entity_in_force(n, d)))
    }

    /// How many entities the whole graph's selection holds. O(1) without kinds or a day, O(V)
    /// with them.
    fn selected(&self, graph: &Graph) -> usize {
        match (self.kinds.as_deref(), self.as_of) {
            (None, None) => graph.entity_count(),
            _ => self.entities(graph).count(),
        }
    }

    /// [`Selection::select`], with how the limit cut the selection, if it did: the entities
    /// kept, and (for the whole graph) how many were selected. O(V + E) as `select`.
    pub fn select_cut(&self, graph: &Graph) -> Result<(View, Option<Cut>), SelectionError> {
        let (view, truncated) = self.select(graph)?;
        if !truncated {
            return Ok((view, None));
        }
        let selected = self.ids.is_empty().then(|| self.selected(graph));
        let cut = Cut {
            kept: view.nodes.len(),
            selected,
            limit: self.limit.unwrap_or(usize::MAX),
            pages: None,
        };
        Ok((view, Some(cut)))
    }

    /// Page `number` (from 1) of the whole graph, `limit` entities a page (the ids are
    /// ignored: pages are of the whole graph, or of the entities of `kinds`, in force on the
    /// as-of day if there is one): the entities in
    /// id order from `(number - 1) * limit`, every relation (of `relation_kinds`) whose `from`
    /// is one of them and whose `to` is selected, and those `to`s that are on other pages, so
    /// that every relation is on exactly one page and each page is a file on its own.
    /// O(V) to find the page (O(1) per entity skipped), then O(V' + E' log E') for the page.
    pub fn select_page(&self, graph: &Graph, number: usize) -> Result<Paged, SelectionError> {
        let size = self.limit.unwrap_or(usize::MAX).max(1);
        let kinds = self.kinds.as_deref();
        let selected = self.selected(graph);
        let pages = selected.div_ceil(size).max(1);
        if number == 0 || number > pages {
            return Err(SelectionError::PageOutOfRange {
                page: number,
                pages,
            });
        }
        let start = (number - 1) * size;
        let own: Vec<Node> = self.entities(graph).skip(start).take(size).collect();
        let on_page: HashSet<Node> = own.iter().copied().collect();
        let admitted = |n: Node| kinds.is_none_or(|k| k.contains(&graph.entity_kind(n)));
        let relation_kinds = self.relation_kinds.as_deref();
        let mut edges: Vec<Edge> = own
            .iter()
            .flat_map(|&n| graph.outgoing(n))
            .filter(|&e| {
                relation_kinds.is_none_or(|k| k.contains(&graph.relation_kind(e)))
                    && admitted(graph.endpoints(e).1)
                    && self.as_of.is_none_or(|d| graph.relation_in_force(e, d))
            })
            .collect();
        edges.sort_unstable_by_key(|e| e.index());
        let mut refs = HashSet::new();
        let mut others: Vec<Node> = edges
            .iter()
            .map(|&e| graph.endpoints(e).1)
            .filter(|to| !on_page.contains(to) && refs.insert(*to))
            .collect();
        others.sort_unstable_by(|&a, &b| graph.entity(a).id().cmp(graph.entity(b).id()));
        let page = Page {
            number,
            pages,
            size,
            selected,
            first: start + 1,
            own: own.len(),
            refs: others.len(),
            relations: edges.len(),
            next: None,
        };
        let mut nodes = own;
        nodes.extend(others);
        Ok(Paged {
            view: View { nodes, edges },
            refs,
            page,
        })
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
    fn pages_hold_their_entities_the_relations_from_them_and_their_other_ends() {
        let g = fixture();
        let sel = Selection {
            limit: Some(3),
            ..Selection::default()
        };
        let pages = g.entity_count().div_ceil(3);
        let mut own = Vec::new();
        let mut relations = Vec::new();
        for k in 1..=pages {
            let p = sel.select_page(&g, k).unwrap();
            assert_eq!((p.page.number, p.page.pages), (k, pages));
            let mine = &p.view.nodes[..p.page.own];
            assert!(mine.iter().all(|n| !p.refs.contains(n)));
            assert_eq!(p.view.nodes.len(), p.page.own + p.refs.len());
            for &e in &p.view.edges {
                let (from, to) = g.endpoints(e);
                assert!(mine.contains(&from));
                assert!(mine.contains(&to) || p.refs.contains(&to));
            }
            own.extend_from_slice(mine);
            relations.extend(p.view.edges);
        }
        assert_eq!(
            own,
            g.entities(None).collect::<Vec<_>>(),
            "id order, once each"
        );
        relations.sort_unstable_by_key(|e| e.index());
        assert_eq!(
            relations,
            g.all_relations().collect::<Vec<_>>(),
            "once each"
        );
        assert_eq!(
            sel.select_page(&g, pages + 1).unwrap_err(),
            SelectionError::PageOutOfRange {
                page: pages + 1,
                pages
            }
        );
        assert!(sel.select_page(&g, 0).is_err());
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
