//! Live changes over graphql-transport-ws.

use super::super::scalars::RelationKind;
use super::{curator, Change};
use crate::journal::Entry;
use crate::model;
use crate::store::{Edit, Graph};
use async_graphql::{Context, Result, Subscription, ID};
use futures_util::Stream;

/// Live changes.
#[derive(Default)]
pub struct Subscription;

/// Live changes.
#[Subscription]
impl Subscription {
    /// Each change as it is acknowledged: all, or those touching `near` or one of its
    /// neighbours, or those adding, changing or removing a relation of `kinds`. A subscriber
    /// that falls more than 1,024 changes behind misses the oldest.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        near: Option<ID>,
        kinds: Option<Vec<RelationKind>>,
    ) -> Result<impl Stream<Item = Change>> {
        let curator = curator(ctx)?.clone();
        let kinds: Option<Vec<model::RelationKind>> =
            kinds.map(|k| k.into_iter().map(Into::into).collect());
        let near = near.map(|n| n.to_string());
        let mut feed = curator.subscribe();
        let store = curator.store().clone();
        Ok(async_stream::stream! {
            loop {
                let entry = match feed.recv().await {
                    Ok(e) => e,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                };
                if matches(&entry, near.as_deref(), kinds.as_deref(), &store.snapshot()) {
                    yield Change(entry);
                }
            }
        })
    }
}

/// Whether a change is one a subscriber asked for.
fn matches(
    entry: &Entry,
    near: Option<&str>,
    kinds: Option<&[model::RelationKind]>,
    graph: &Graph,
) -> bool {
    if let Some(kinds) = kinds {
        let of_kind = entry.edits.iter().any(|e| match e {
            Edit::Relation { before, after, .. } => {
                before.iter().chain(after).any(|r| kinds.contains(&r.kind))
            }
            _ => false,
        });
        if !of_kind {
            return false;
        }
    }
    let Some(near) = near else {
        return true;
    };
    let touched = entry.entities();
    if touched.iter().any(|t| t == near) {
        return true;
    }
    let Some(n) = graph.node(near) else {
        return false;
    };
    graph.incident_iter(n).any(|e| {
        let (f, t) = graph.endpoints(e);
        let other = if f == n { t } else { f };
        let other = graph.entity(other).id();
        touched.iter().any(|t| t == other)
    })
}
