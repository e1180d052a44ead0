//! `documents.csv`: the source documents, one a row.

use super::header::Columns;
use super::row::{Place, Row};
use super::table::{each_row, Table};
use crate::import::first::Record;
use crate::import::Session;
use crate::model::{Date, Document};
use crate::store::StoreError;
use std::path::Path;

const DOCUMENTS: Columns = Columns {
    table: "documents",
    required: &["id", "title"],
    optional: &["publisher", "published", "url"],
};

/// Reads `documents.csv`.
pub(in crate::import) fn documents(cx: &mut Session, path: &Path) {
    cx.tables.reading(Record::Document, path);
    each_row(cx, path, &Documents);
}

/// The rows of `documents.csv`.
struct Documents;

impl Table for Documents {
    type Row = Document;

    fn columns(&self) -> &Columns {
        &DOCUMENTS
    }

    fn parse(&self, row: &Row) -> Option<Document> {
        let id = row.id("id");
        let title = row.required("title");
        let published = row.parse("published", Date::parse);
        let (Some(id), Some(title), Ok(published)) = (id, title, published) else {
            return None;
        };
        Some(Document {
            id,
            title: title.to_string(),
            publisher: row.get("publisher").map(String::from),
            published,
            url: row.get("url").map(String::from),
        })
    }

    fn add(&self, cx: &mut Session, at: &Place, doc: Document) {
        let id = doc.id.to_string();
        if let Err(e) = cx.add_document(doc) {
            let mut message = e.to_string();
            if matches!(e, StoreError::Duplicate { .. }) {
                message += &cx.first_definition(Record::Document, &id);
            }
            at.fail(cx, "id", message);
        }
    }
}
