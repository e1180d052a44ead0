//! The data file format: one TOML file per source document, with the document's metadata, the
//! entities it introduces and the relations it states. See the README's "Data files" section.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A whole data file, as written. Only syntax and shape are checked here; meaning is checked
/// when it is converted (see [`super::Loader`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    pub document: Option<Spanned<RawDocument>>,
    #[serde(default)]
    pub entity: Vec<Spanned<RawEntity>>,
    #[serde(default)]
    pub relation: Vec<Spanned<RawRelation>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDocument {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub publisher: Option<String>,
    pub published: Option<Spanned<String>>,
    pub url: Option<String>,
    /// Path of the document's full text, relative to the data directory.
    pub text: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEntity {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub roles: Option<Spanned<Vec<String>>>,
    pub start: Option<Spanned<String>>,
    pub end: Option<Spanned<String>>,
    pub place: Option<Spanned<String>>,
    pub attributes: Option<Spanned<BTreeMap<String, toml::Value>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRelation {
    pub id: Option<Spanned<String>>,
    pub kind: Spanned<String>,
    /// The relation's own label; only (and always) with kind `RELATED`.
    pub label: Option<Spanned<String>>,
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub date: Option<Spanned<String>>,
    pub until: Option<Spanned<String>>,
    pub role: Option<String>,
    pub claim: Option<Spanned<String>>,
    pub description: Option<String>,
    /// A quote from this file's document.
    pub quote: Option<Spanned<String>>,
    /// Citations of any document.
    #[serde(default)]
    pub citations: Vec<Spanned<RawCitation>>,
    pub attributes: Option<Spanned<BTreeMap<String, toml::Value>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCitation {
    pub document: Spanned<String>,
    pub quote: Spanned<String>,
}
