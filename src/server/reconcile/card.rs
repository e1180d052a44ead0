//! The reconciliation service's helpers around the batches: suggest (autocompletion of
//! entities, types and properties), the HTML preview card and the entity's JSON view.

use super::batch::{self, Property, Refused, MAX_LIMIT};
use super::{answer, error, kind_json, Caps, PREVIEW_SIZE};
use crate::model::EntityKind;
use crate::server::AppState;
use crate::store::Graph;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;
use serde_json::{json, Value};
use std::fmt::Write;
use std::sync::Arc;

/// The most suggestions skipped with `cursor`.
const MAX_CURSOR: usize = 1000;
/// The suggestions a page holds when no `limit` is given.
const SUGGEST_PAGE: usize = 10;

/// The parameters of the suggest services.
#[derive(Debug, Deserialize)]
pub(crate) struct SuggestParams {
    prefix: Option<String>,
    cursor: Option<usize>,
    limit: Option<usize>,
    #[serde(rename = "type")]
    kind: Option<String>,
    callback: Option<String>,
}

fn suggest_params(
    params: Result<Query<SuggestParams>, QueryRejection>,
    caps: &Caps,
) -> Result<(SuggestParams, String), Refused> {
    let Query(p) = params.map_err(|e| {
        Refused::invalid(format!(
            "{} (suggest takes `prefix`, and `cursor` and `limit` as whole numbers)",
            e.body_text()
        ))
    })?;
    let prefix = p.prefix.clone().unwrap_or_default();
    if prefix.len() > caps.max_text {
        return Err(Refused::limit(
            "the length of `prefix` in bytes",
            caps.max_text,
            prefix.len(),
        ));
    }
    if let Some(c) = p.cursor.filter(|&c| c > MAX_CURSOR) {
        return Err(Refused::limit("`cursor`", MAX_CURSOR, c));
    }
    match p.limit {
        Some(0) => Err(Refused::invalid("`limit` must be at least 1")),
        Some(l) if l > MAX_LIMIT => Err(Refused::limit("`limit`", MAX_LIMIT, l)),
        _ => Ok((p, prefix)),
    }
}

/// `GET /reconcile/suggest/entity?prefix=…`: entities whose name or alias the prefix finds
/// (the name search, whose prefix tier makes it an autocompletion), an exact id first.
pub(crate) async fn suggest_entity(
    State(state): State<AppState>,
    Extension(caps): Extension<Arc<Caps>>,
    params: Result<Query<SuggestParams>, QueryRejection>,
) -> Response {
    let (p, prefix) = match suggest_params(params, &caps) {
        Ok(x) => x,
        Err(r) => return error(&r),
    };
    let kinds = match p.kind.as_deref().map(|k| batch::kind(k, &caps)).transpose() {
        Ok(k) => k.map(|k| vec![k]),
        Err(r) => return error(&r),
    };
    let (skip, take) = (p.cursor.unwrap_or(0), p.limit.unwrap_or(SUGGEST_PAGE));
    let g = state.store.snapshot();
    let result = tokio::task::spawn_blocking(move || {
        let mut nodes = Vec::new();
        if let Some(n) = g.node(prefix.trim()) {
            if kinds.as_ref().is_none_or(|k| k.contains(&g.entity_kind(n))) {
                nodes.push(n);
            }
        }
        for hit in g.search(&prefix, kinds.as_deref(), skip + take + 1) {
            if !nodes.contains(&hit.node) {
                nodes.push(hit.node);
            }
        }
        nodes
            .into_iter()
            .skip(skip)
            .take(take)
            .map(|n| {
                let e = g.entity(n);
                let mut v =
                    json!({ "id": e.id(), "name": e.name(), "notable": [kind_json(e.kind())] });
                if let Some(d) = e.description() {
                    v["description"] = Value::from(d);
                }
                v
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    answer(p.callback.as_deref(), &json!({ "result": result }))
}

/// What a suggest service over a fixed list lists.
pub(crate) trait Suggested: Sized + 'static {
    /// Every item, in the order they are suggested.
    const ALL: &'static [Self];
    /// Whether the item is suggested for `prefix` (trimmed and lowercased).
    fn matches(&self, prefix: &str) -> bool;
    /// The suggestion.
    fn to_json(&self) -> Value;
}

/// `GET /reconcile/suggest/type?prefix=…`: the entity kinds whose id or name starts with the
/// prefix, ignoring case.
impl Suggested for EntityKind {
    const ALL: &'static [EntityKind] = EntityKind::ALL;
    fn matches(&self, prefix: &str) -> bool {
        self.name().to_lowercase().starts_with(prefix)
    }
    fn to_json(&self) -> Value {
        kind_json(*self)
    }
}

/// `GET /reconcile/suggest/property?prefix=…`: the properties a query may give, whose id or
/// name starts with the prefix, ignoring case.
impl Suggested for Property {
    const ALL: &'static [Property] = &Property::ALL;
    fn matches(&self, prefix: &str) -> bool {
        self.id().starts_with(prefix) || self.name().to_lowercase().starts_with(prefix)
    }
    fn to_json(&self) -> Value {
        json!({ "id": self.id(), "name": self.name(), "description": self.description() })
    }
}

/// `GET /reconcile/suggest/type` and `/property`: every `T` the prefix matches; `cursor` and
/// `limit` are checked, but a list this short is never cut.
pub(crate) async fn suggest_among<T: Suggested>(
    Extension(caps): Extension<Arc<Caps>>,
    params: Result<Query<SuggestParams>, QueryRejection>,
) -> Response {
    let (p, prefix) = match suggest_params(params, &caps) {
        Ok(x) => x,
        Err(r) => return error(&r),
    };
    let prefix = prefix.trim().to_lowercase();
    let result: Vec<Value> = T::ALL
        .iter()
        .filter(|x| x.matches(&prefix))
        .map(T::to_json)
        .collect();
    answer(p.callback.as_deref(), &json!({ "result": result }))
}

/// `GET /reconcile/entity/{id}`: the entity as JSON (the manifest's `view`).
pub(crate) async fn entity(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let g = state.store.snapshot();
    let Some(n) = g.node(&id) else {
        return not_found(&id);
    };
    let e = g.entity(n);
    let mut v = json!({
        "id": e.id(),
        "kind": e.kind().name(),
        "name": e.name(),
        "aliases": e.aliases(),
        "description": e.description(),
        "roles": e.roles(),
        "degree": g.degree(n),
        "relations": relations(&g, n, 50),
    });
    if let Some(s) = e.start() {
        v["start"] = Value::from(s.to_string());
    }
    if let Some(end) = e.end() {
        v["end"] = Value::from(end.to_string());
    }
    if let Some(p) = e.place() {
        v["place"] = Value::from(p.to_string());
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        v.to_string(),
    )
        .into_response()
}

/// The first `max` relations of an entity, as `{label, other, otherName, date}` read from it.
fn relations(g: &Graph, n: crate::store::Node, max: usize) -> Vec<Value> {
    g.incident_iter(n)
        .take(max)
        .map(|edge| {
            let r = g.relation(edge);
            let (from, to) = g.endpoints(edge);
            // Read from this entity: "arrested X", or "arrested by X".
            let (label, other) = if from == n {
                (r.label(), to)
            } else {
                (r.kind().spec().inverse, from)
            };
            let o = g.entity(other);
            json!({
                "label": label,
                "id": o.id(),
                "name": o.name(),
                "date": r.date().map(|d| d.to_string()),
            })
        })
        .collect()
}

/// `GET /reconcile/preview/{id}`: a small HTML card (name, kind, aliases, description, roles,
/// a few relations), every text escaped, no script, sized for the manifest's frame.
pub(crate) async fn preview(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let g = state.store.snapshot();
    let Some(n) = g.node(&id) else {
        return (
            StatusCode::NOT_FOUND,
            html_headers(),
            format!(
                "<!doctype html><meta charset=utf-8><p>No entity <code>{}</code>.</p>",
                escape(&id)
            ),
        )
            .into_response();
    };
    let e = g.entity(n);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html><head><meta charset=utf-8><title>{name}</title><style>\
         body{{font:13px/1.35 system-ui,sans-serif;margin:8px;max-width:{w}px}}\
         h1{{font-size:16px;margin:0}} .k{{color:#666;font-size:11px;text-transform:uppercase}}\
         p{{margin:4px 0}} ul{{margin:4px 0;padding-left:16px}}</style></head><body>\
         <h1>{name}</h1><div class=k>{kind} · {id} · {degree} relations</div>",
        name = escape(e.name()),
        w = PREVIEW_SIZE.0 - 16,
        kind = escape(&super::kind_name(e.kind())),
        id = escape(e.id()),
        degree = g.degree(n),
    );
    if !e.aliases().is_empty() {
        let aliases: Vec<String> = e.aliases().iter().map(|a| escape(a)).collect();
        let _ = write!(out, "<p><i>Also:</i> {}</p>", aliases.join(", "));
    }
    if let Some(d) = e.description() {
        let _ = write!(out, "<p>{}</p>", escape(d));
    }
    if !e.roles().is_empty() {
        let roles: Vec<String> = e.roles().iter().map(|r| escape(r)).collect();
        let _ = write!(out, "<p><i>Roles:</i> {}</p>", roles.join("; "));
    }
    let rels = relations(&g, n, 5);
    if !rels.is_empty() {
        out.push_str("<ul>");
        for r in rels {
            let _ = write!(
                out,
                "<li>{} {}{}</li>",
                escape(r["label"].as_str().unwrap_or_default()),
                escape(r["name"].as_str().unwrap_or_default()),
                r["date"]
                    .as_str()
                    .map(|d| format!(" ({})", escape(d)))
                    .unwrap_or_default(),
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</body></html>");
    (html_headers(), out).into_response()
}

fn html_headers() -> [(header::HeaderName, HeaderValue); 3] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        // The card runs no script and loads nothing; OpenRefine frames it from another origin.
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        ),
    ]
}

fn not_found(id: &str) -> Response {
    crate::server::guards::refusal(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!(
            "no entity has the id `{}`",
            id.chars().take(100).collect::<String>()
        ),
    )
}

/// Escapes text for HTML element content and quoted attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
