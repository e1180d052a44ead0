//! `GET /export/{format}`: a subgraph as a file, for tools that read a URL
//! (`networkx.read_graphml(url)`, Gephi's "open URL", `pandas.read_csv(url)`).
//!
//! Query parameters: `ids` (comma-separated seeds; none means the whole graph), `depth`
//! (0 to [`MAX_DEPTH`], default 1; 0 keeps only the entities of `ids` and the relations among
//! them), `relationKinds` and `kinds` (comma-separated enum names),
//! `limit` (entities: for a neighbourhood default [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`];
//! for the whole graph default and at most [`MAX_WHOLE`]), `page` (without `ids` only: page K,
//! from 1, of the whole graph at `limit` entities a page, see [`Selection::select_page`]) and,
//! for CSV only, `table` (`nodes` or `edges` for one plain table; by default the long table of
//! both), `asOf` (a day, `YYYY-MM-DD`: only the graph as it stood then, as the GraphQL
//! `asOf` argument) and `undated` (`true` or `false`, default `true`: with `asOf`, whether
//! relations and events without a date count).
//! The answer is an attachment named `dossier-<what>.<ext>`. When the limit cut the subgraph
//! short, the file says so in its own metadata (see `crate::export::Cut`) and
//! `X-Dossier-Truncated: true` says it too; a cut of the whole graph's note names the pages to
//! ask for instead. A page says in its metadata which page it is, of how many, and the next
//! page's path, which `Link: <…>; rel="next"` gives too; a page past the last is refused.
//! Errors are JSON in the shape of every refusal of
//! the server: `{"errors": [{"message": "…", "extensions": {"code": "INVALID_INPUT" |
//! "NOT_FOUND" | "LIMIT_EXCEEDED", …}}]}`, with `limit` and `value` for LIMIT_EXCEEDED.

use super::AppState;
use crate::export::{
    csv_tables_cut, csv_tables_page, export_cut, export_page, Format, Selection, SelectionError,
    DEFAULT_LIMIT, MAX_DEPTH, MAX_IDS, MAX_LIMIT, MAX_WHOLE,
};
use crate::graphql::error::code;
use crate::model::{Date, EntityKind, Id};
use crate::store::AsOf;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use std::str::FromStr;

/// The query string. Values are read as text and parsed here, so every mistake gets a message
/// that names the parameter.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Params {
    ids: Option<String>,
    depth: Option<String>,
    relation_kinds: Option<String>,
    kinds: Option<String>,
    limit: Option<String>,
    page: Option<String>,
    table: Option<String>,
    as_of: Option<String>,
    undated: Option<String>,
}

/// A refusal: the status, a stable code and a message for the person who wrote the URL.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// For LIMIT_EXCEEDED: the limit and the value asked for.
    limit: Option<(usize, usize)>,
}

impl Refusal {
    fn invalid(message: impl Into<String>) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            code: code::INVALID_INPUT,
            message: message.into(),
            limit: None,
        }
    }

    fn over_limit(parameter: &str, limit: usize, value: usize) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            code: code::LIMIT_EXCEEDED,
            message: format!("`{parameter}` is at most {limit}, got {value}"),
            limit: Some((limit, value)),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut extensions = json!({ "code": self.code });
        if let Some((limit, value)) = self.limit {
            extensions["limit"] = json!(limit);
            extensions["value"] = json!(value);
        }
        let body = json!({ "errors": [{ "message": self.message, "extensions": extensions }] });
        (self.status, Json(body)).into_response()
    }
}

/// Which CSV table to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Long,
    Nodes,
    Edges,
}

/// A checked request.
struct Request {
    format: Format,
    selection: Selection,
    table: Table,
    /// The page of the whole graph asked for, from 1.
    page: Option<usize>,
}

impl Request {
    /// The URL path of page `number` of this request: the same format, limit, kinds and table.
    fn page_path(&self, number: usize) -> String {
        let s = &self.selection;
        let mut path = format!(
            "/export/{}?page={number}&limit={}",
            self.format.url_name(),
            s.limit.unwrap_or(MAX_WHOLE)
        );
        if let Some(kinds) = &s.kinds {
            let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            path.push_str(&format!("&kinds={}", names.join(",")));
        }
        if let Some(kinds) = &s.relation_kinds {
            let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            path.push_str(&format!("&relationKinds={}", names.join(",")));
        }
        match self.table {
            Table::Nodes => path.push_str("&table=nodes"),
            Table::Edges => path.push_str("&table=edges"),
            Table::Long => {}
        }
        if let Some(a) = s.as_of {
            path.push_str(&format!("&asOf={}", a.day()));
            if !a.undated() {
                path.push_str("&undated=false");
            }
        }
        path
    }
}

fn list(text: Option<&str>) -> Vec<&str> {
    text.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn kinds<T: FromStr>(parameter: &str, text: Option<&str>) -> Result<Option<Vec<T>>, Refusal>
where
    T::Err: std::fmt::Display,
{
    if text.is_none() {
        return Ok(None);
    }
    list(text)
        .into_iter()
        .map(|name| {
            T::from_str(&name.to_ascii_uppercase())
                .map_err(|e| Refusal::invalid(format!("`{parameter}`: {e}")))
        })
        .collect::<Result<Vec<T>, _>>()
        .map(Some)
}

fn number(parameter: &str, text: Option<&str>, default: usize) -> Result<usize, Refusal> {
    match text {
        None => Ok(default),
        Some(t) => t.trim().parse().map_err(|_| {
            Refusal::invalid(format!("`{parameter}` must be a whole number, got `{t}`"))
        }),
    }
}

/// The `asOf` and `undated` parameters: a day, and whether undated things count then.
fn as_of(p: &Params) -> Result<Option<AsOf>, Refusal> {
    let undated = match p.undated.as_deref().map(str::trim) {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(Refusal::invalid(format!(
                "`undated` is `true` or `false`, got `{other}`"
            )))
        }
    };
    if p.as_of.is_none() && p.undated.is_some() {
        return Err(Refusal::invalid(
            "`undated` applies only with `asOf` (a day, YYYY-MM-DD)",
        ));
    }
    p.as_of
        .as_deref()
        .map(|text| {
            let day =
                Date::parse(text.trim()).map_err(|e| Refusal::invalid(format!("`asOf`: {e}")))?;
            AsOf::new(day, undated).map_err(|e| Refusal::invalid(format!("`asOf`: {e}")))
        })
        .transpose()
}

fn check(format: &str, p: &Params) -> Result<Request, Refusal> {
    let format = Format::parse(format).map_err(|e| Refusal::invalid(e.to_string()))?;
    let ids = list(p.ids.as_deref());
    if ids.len() > MAX_IDS {
        return Err(Refusal::over_limit("ids", MAX_IDS, ids.len()));
    }
    for id in &ids {
        Id::parse(id).map_err(|e| Refusal::invalid(format!("`ids`: {e}")))?;
    }
    let depth = number("depth", p.depth.as_deref(), 1)?;
    if depth == 0 && ids.is_empty() {
        return Err(Refusal::invalid(format!(
            "`depth` 0 keeps only the entities of `ids`, and none are given: give `ids`, or a depth of 1 to {MAX_DEPTH}"
        )));
    }
    if depth > MAX_DEPTH {
        return Err(Refusal::over_limit("depth", MAX_DEPTH, depth));
    }
    // The whole graph, by default all of it up to its own cap; a neighbourhood, 1,000.
    let (default, max) = if ids.is_empty() {
        (MAX_WHOLE, MAX_WHOLE)
    } else {
        (DEFAULT_LIMIT, MAX_LIMIT)
    };
    let limit = number("limit", p.limit.as_deref(), default)?;
    if limit == 0 {
        return Err(Refusal::invalid("`limit` must be at least 1"));
    }
    if limit > max {
        return Err(Refusal::over_limit("limit", max, limit));
    }
    let page = match p.page.as_deref() {
        None => None,
        Some(_) if !ids.is_empty() => {
            return Err(Refusal::invalid(
                "`page` pages the whole graph: leave out `ids` (a neighbourhood is one file, at most `limit` entities)",
            ))
        }
        Some(text) => match number("page", Some(text), 1)? {
            0 => return Err(Refusal::invalid("`page` starts at 1")),
            k => Some(k),
        },
    };
    let table = match (format, p.table.as_deref()) {
        (_, None) => Table::Long,
        (Format::Csv, Some("nodes")) => Table::Nodes,
        (Format::Csv, Some("edges")) => Table::Edges,
        (Format::Csv, Some("all")) => Table::Long,
        (Format::Csv, Some(other)) => {
            return Err(Refusal::invalid(format!(
                "`table` is `nodes`, `edges` or `all`, got `{other}`"
            )))
        }
        (_, Some(_)) => return Err(Refusal::invalid("`table` applies only to the CSV format")),
    };
    Ok(Request {
        format,
        selection: Selection {
            ids: ids.into_iter().map(String::from).collect(),
            depth,
            relation_kinds: kinds("relationKinds", p.relation_kinds.as_deref())?,
            kinds: kinds::<EntityKind>("kinds", p.kinds.as_deref())?,
            limit: Some(limit),
            as_of: as_of(p)?,
        },
        table,
        page,
    })
}

/// The attachment's name: `dossier-all.graphml`, `dossier-echr-depth2.gexf`,
/// `dossier-a-b-c-and-4-more-depth1-edges.csv`, `dossier-echr-depth1-asof-2023-09-19.json`.
fn filename(req: &Request) -> String {
    let ids = &req.selection.ids;
    let mut name = String::from("dossier-");
    if ids.is_empty() {
        name.push_str("all");
    } else {
        name.push_str(&ids.iter().take(3).cloned().collect::<Vec<_>>().join("-"));
        if ids.len() > 3 {
            name.push_str(&format!("-and-{}-more", ids.len() - 3));
        }
        name.push_str(&format!("-depth{}", req.selection.depth));
    }
    if let Some(a) = req.selection.as_of {
        name.push_str(&format!("-asof-{}", a.day()));
    }
    if let Some(k) = req.page {
        name.push_str(&format!("-page{k}"));
    }
    match req.table {
        Table::Nodes => name.push_str("-nodes"),
        Table::Edges => name.push_str("-edges"),
        Table::Long => {}
    }
    format!("{name}.{}", req.format.extension())
}

/// `GET /export/{format}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    Path(format): Path<String>,
    params: Result<Query<Params>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(p)) => p,
        Err(e) => return Refusal::invalid(e.body_text()).into_response(),
    };
    let req = match check(&format, &params) {
        Ok(r) => r,
        Err(refusal) => return refusal.into_response(),
    };
    // One snapshot for the whole request; the export is CPU work proportional to the
    // subgraph, so it runs off the async workers.
    let graph = state.store.snapshot();
    let name = filename(&req);
    let (format, table) = (req.format, req.table);
    let work = tokio::task::spawn_blocking(move || {
        if let Some(number) = req.page {
            let mut paged = req.selection.select_page(&graph, number)?;
            paged.page.next = (number < paged.page.pages).then(|| req.page_path(number + 1));
            let body = match table {
                Table::Long => export_page(&graph, &paged, format),
                Table::Nodes => csv_tables_page(&graph, &paged).0,
                Table::Edges => csv_tables_page(&graph, &paged).1,
            };
            return Ok::<_, SelectionError>((body, paged.page.truncated(), paged.page.next));
        }
        let (view, mut cut) = req.selection.select_cut(&graph)?;
        if let Some(c) = cut.as_mut().filter(|_| req.selection.ids.is_empty()) {
            // The whole graph can be had page by page at the same limit.
            c.pages = c.selected.map(|s| s.div_ceil(c.limit.max(1)));
        }
        let body = match table {
            Table::Long => export_cut(&graph, &view, format, cut),
            Table::Nodes => csv_tables_cut(&graph, &view, cut).0,
            Table::Edges => csv_tables_cut(&graph, &view, cut).1,
        };
        Ok((body, cut.is_some(), None))
    })
    .await;
    match work {
        Ok(Ok((body, truncated, next))) => {
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or(HeaderValue::from_static("attachment"));
            let mut response = (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(format.content_type()),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                    (
                        header::HeaderName::from_static("x-dossier-truncated"),
                        HeaderValue::from_static(if truncated { "true" } else { "false" }),
                    ),
                ],
                body,
            )
                .into_response();
            if let Some(link) =
                next.and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok())
            {
                response.headers_mut().insert(header::LINK, link);
            }
            response
        }
        Ok(Err(e @ SelectionError::PageOutOfRange { .. })) => {
            Refusal::invalid(e.to_string()).into_response()
        }
        Ok(Err(SelectionError::UnknownEntity(id))) => Refusal {
            status: StatusCode::NOT_FOUND,
            code: code::NOT_FOUND,
            message: format!("no entity has the id `{id}`"),
            limit: None,
        }
        .into_response(),
        Err(e) => {
            tracing::error!("export failed: {e}");
            Refusal {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: code::INTERNAL,
                message: "the export failed; the details are in the server log".into(),
                limit: None,
            }
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        let q: String = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        parse_query(&q)
    }

    fn parse_query(q: &str) -> Params {
        let uri: axum::http::Uri = format!("/export/x?{q}").parse().unwrap();
        Query::<Params>::try_from_uri(&uri).unwrap().0
    }

    #[test]
    fn limits_and_bad_values_are_refused_with_their_codes() {
        let over = check("graphml", &params(&[("depth", "5")])).err().unwrap();
        assert_eq!(
            (over.status, over.code),
            (StatusCode::BAD_REQUEST, code::LIMIT_EXCEEDED)
        );
        let over = check("graphml", &params(&[("ids", "echr"), ("limit", "10001")]))
            .err()
            .unwrap();
        assert_eq!(over.code, code::LIMIT_EXCEEDED);
        let over = check("graphml", &params(&[("limit", "100001")]))
            .err()
            .unwrap();
        assert_eq!(over.code, code::LIMIT_EXCEEDED);
        let many = vec!["a"; 101].join(",");
        let over = check("graphml", &params(&[("ids", &many)])).err().unwrap();
        assert_eq!(over.code, code::LIMIT_EXCEEDED);
        for bad in [
            check("xlsx", &Params::default()),
            check("dot", &params(&[("kinds", "PEOPLE")])),
            check("dot", &params(&[("relationKinds", "HUGGED")])),
            check("dot", &params(&[("depth", "two")])),
            check("dot", &params(&[("depth", "0")])),
            check("dot", &params(&[("ids", "Not%20An%20Id")])),
            check("dot", &params(&[("table", "nodes")])),
            check("csv", &params(&[("table", "both")])),
            check("csv", &params(&[("page", "0")])),
            check("csv", &params(&[("page", "two")])),
            check("csv", &params(&[("ids", "echr"), ("page", "1")])),
            check("csv", &params(&[("asOf", "2023-09-31")])),
            check("csv", &params(&[("asOf", "2023-09")])),
            check("csv", &params(&[("asOf", "2023-09-20"), ("undated", "no")])),
            check("csv", &params(&[("undated", "false")])),
        ] {
            assert_eq!(bad.err().unwrap().code, code::INVALID_INPUT);
        }
    }

    #[test]
    fn a_good_request_is_parsed_and_named() {
        let req = check(
            "NODE_LINK_JSON",
            &params(&[
                ("ids", "echr,gubad-ibadoglu"),
                ("depth", "2"),
                ("relationKinds", "arrested,CALLED"),
            ]),
        )
        .ok()
        .unwrap();
        assert_eq!(req.format, Format::NodeLinkJson);
        assert_eq!(req.selection.depth, 2);
        assert_eq!(req.selection.limit, Some(DEFAULT_LIMIT));
        let whole = check("graphml", &Params::default()).ok().unwrap();
        assert_eq!(
            whole.selection.limit,
            Some(MAX_WHOLE),
            "the whole graph, up to its cap"
        );
        assert_eq!(req.selection.relation_kinds.as_ref().unwrap().len(), 2);
        assert_eq!(filename(&req), "dossier-echr-gubad-ibadoglu-depth2.json");
        let csv = check("csv", &params(&[("table", "edges")])).ok().unwrap();
        assert_eq!(filename(&csv), "dossier-all-edges.csv");
        let page = check(
            "NODE_LINK_JSON",
            &params(&[
                ("page", "2"),
                ("limit", "500"),
                ("kinds", "person"),
                ("table", "nodes"),
            ]),
        );
        assert_eq!(
            page.err().unwrap().code,
            code::INVALID_INPUT,
            "table is CSV's"
        );
        let page = check(
            "csv",
            &params(&[("page", "2"), ("limit", "500"), ("kinds", "person,court")]),
        )
        .ok()
        .unwrap();
        assert_eq!(page.page, Some(2));
        assert_eq!(filename(&page), "dossier-all-page2.csv");
        assert_eq!(
            page.page_path(3),
            "/export/csv?page=3&limit=500&kinds=PERSON,COURT"
        );
        let dated = check(
            "csv",
            &params(&[("page", "1"), ("asOf", "2023-09-19"), ("undated", "false")]),
        )
        .ok()
        .unwrap();
        assert_eq!(filename(&dated), "dossier-all-asof-2023-09-19-page1.csv");
        assert_eq!(
            dated.page_path(2),
            "/export/csv?page=2&limit=100000&asOf=2023-09-19&undated=false"
        );
    }
}
