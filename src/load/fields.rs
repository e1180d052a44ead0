//! The loader's readers of one field: a value parsed at its span, an optional one, a text that
//! cannot be empty, and a table of attributes; each records its error where the field is
//! written.

use super::{Loader, Site};
use crate::model::{AttributeValue, Attributes};
use std::collections::BTreeMap;
use toml::Spanned;

impl Loader<'_> {
    /// Parses a spanned value, recording an error at its span on failure.
    pub(super) fn parse<T, E: std::fmt::Display>(
        &mut self,
        at: &Site,
        field: &str,
        value: &Spanned<String>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(value.get_ref()) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(at.at(value.span(), field, e.to_string()));
                None
            }
        }
    }

    pub(super) fn parse_opt<T, E: std::fmt::Display>(
        &mut self,
        at: &Site,
        field: &str,
        value: &Option<Spanned<String>>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ()> {
        match value {
            None => Ok(None),
            Some(v) => self.parse(at, field, v, parse).map(Some).ok_or(()),
        }
    }

    pub(super) fn non_empty(
        &mut self,
        at: &Site,
        field: &str,
        value: &Spanned<String>,
    ) -> Option<String> {
        let text = value.get_ref().trim();
        if text.is_empty() {
            self.errors
                .push(at.at(value.span(), field, "cannot be empty".into()));
            return None;
        }
        Some(text.to_string())
    }

    pub(super) fn attributes(
        &mut self,
        at: &Site,
        field: &str,
        raw: &Option<Spanned<BTreeMap<String, toml::Value>>>,
    ) -> Option<Attributes> {
        let mut out = Attributes::new();
        let Some(raw) = raw else { return Some(out) };
        for (key, value) in raw.get_ref() {
            let v = match value {
                toml::Value::Integer(i) => AttributeValue::Integer(*i),
                toml::Value::Float(x) => AttributeValue::Float(*x),
                toml::Value::String(s) => AttributeValue::Text(s.clone()),
                toml::Value::Boolean(b) => AttributeValue::Bool(*b),
                other => {
                    self.errors.push(at.at(
                        raw.span(),
                        &format!("{field}.{key}"),
                        format!(
                            "expected a string, number or boolean, found {}",
                            other.type_str()
                        ),
                    ));
                    return None;
                }
            };
            out.insert(key.clone(), v);
        }
        Some(out)
    }
}
