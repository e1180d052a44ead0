//! A `[document]` table: its id, title and date, and its full `text` read from a file beside
//! the data, kept to check quotes against.

use super::{file, Loader, Site};
use crate::model::{Date, Document, Id};
use toml::Spanned;

impl Loader<'_> {
    pub(super) fn document(&mut self, at: &Site, raw: &Spanned<file::RawDocument>) {
        let d = raw.get_ref();
        let id = self.parse(at, "document.id", &d.id, Id::parse);
        let title = self.non_empty(at, "document.title", &d.title);
        let published = self.parse_opt(at, "document.published", &d.published, Date::parse);
        let text = match &d.text {
            None => Ok(None),
            Some(t) => {
                let path = self.dir.join(t.get_ref());
                match std::fs::read_to_string(&path) {
                    Ok(s) => Ok(Some(s)),
                    Err(e) => {
                        self.errors.push(at.at(
                            t.span(),
                            "document.text",
                            format!(
                                "cannot read `{}` (a path relative to the data directory): {e}",
                                t.get_ref()
                            ),
                        ));
                        Err(())
                    }
                }
            }
        };
        let (Some(id), Some(title), Ok(published), Ok(text)) = (id, title, published, text) else {
            return;
        };
        let doc = Document {
            id: id.clone(),
            title,
            publisher: d.publisher.clone(),
            published,
            url: d.url.clone(),
        };
        match self.builder.add_document(doc) {
            Ok(()) => {
                if let Some(text) = text {
                    self.texts.insert(id, text);
                }
            }
            Err(e) => self
                .errors
                .push(at.at(d.id.span(), "document.id", e.to_string())),
        }
    }
}
