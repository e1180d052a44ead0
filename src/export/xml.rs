//! XML writing shared by GraphML and GEXF, on `quick-xml`.
//!
//! Two things `quick-xml`'s own escaping leaves to the caller: characters XML 1.0 cannot hold
//! at all (most C0 controls) are replaced by U+FFFD, and in attribute values tabs, newlines and
//! carriage returns are written as character references, since a parser turns literal ones
//! into spaces (attribute-value normalisation) and GEXF keeps its values in attributes.

use super::fields::ColumnType;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use std::io::Cursor;

/// The type of an attribute column as GraphML's `attr.type` and GEXF's `type` both name it
/// (XML Schema's names).
pub(crate) fn xml_type(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Integer => "long",
        ColumnType::Float => "double",
        ColumnType::Bool => "boolean",
        ColumnType::Text => "string",
    }
}

/// Whether XML 1.0 can hold this character.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes text for an element's content: `&`, `<`, `>`; `\r` as a reference (a parser would
/// turn `\r\n` into `\n`); characters XML cannot hold as U+FFFD.
pub(crate) fn escape_text(s: &str) -> String {
    escape(s, false)
}

/// Escapes text for an attribute value: as [`escape_text`], plus `"`, `'`, tabs and newlines.
pub(crate) fn escape_attribute(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// An indenting XML writer into a string, with the escaping above.
pub(crate) struct Xml {
    w: Writer<Cursor<Vec<u8>>>,
}

impl Xml {
    /// A document with the `<?xml version="1.0" encoding="UTF-8"?>` declaration.
    pub(crate) fn new() -> Xml {
        let mut w = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .expect("writing to memory");
        Xml { w }
    }

    fn start(name: &str, attrs: &[(&str, &str)]) -> BytesStart<'static> {
        let mut el = BytesStart::new(name.to_string());
        for (k, v) in attrs {
            let value = escape_attribute(v);
            el.push_attribute(Attribute::from((k.as_bytes(), value.as_bytes())));
        }
        el.into_owned()
    }

    /// Opens `<name attrs…>`.
    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(Self::start(name, attrs)));
    }

    /// Closes `</name>`.
    pub(crate) fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// Writes `<name attrs…/>`.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(Self::start(name, attrs)));
    }

    /// Writes `<name attrs…>text</name>`.
    pub(crate) fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.event(Event::Start(Self::start(name, attrs)));
        let escaped = escape_text(text);
        self.event(Event::Text(BytesText::from_escaped(escaped)));
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn event(&mut self, e: Event<'_>) {
        self.w.write_event(e).expect("writing to memory");
    }

    /// The document.
    pub(crate) fn finish(self) -> String {
        let mut s =
            String::from_utf8(self.w.into_inner().into_inner()).expect("UTF-8 in, UTF-8 out");
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_keep_newlines_and_quotes_and_lose_forbidden_characters() {
        assert_eq!(
            escape_attribute("a \"b\" & 'c' <d>\n\te\r\u{1}"),
            "a &quot;b&quot; &amp; &apos;c&apos; &lt;d&gt;&#10;&#9;e&#13;\u{FFFD}"
        );
        assert_eq!(
            escape_text("x\ny & <z> “q” Əliyev"),
            "x\ny &amp; &lt;z&gt; “q” Əliyev"
        );
    }

    #[test]
    fn text_content_is_not_indented_away() {
        let mut x = Xml::new();
        x.open("a", &[("k", "v & w")]);
        x.leaf("b", &[], "  padded\n");
        x.close("a");
        let s = x.finish();
        assert!(s.contains("<a k=\"v &amp; w\">"), "{s}");
        assert!(s.contains("<b>  padded\n</b>"), "{s}");
    }
}
