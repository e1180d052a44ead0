//! Relay-style paging: `first`/`after` arguments, opaque cursors, and the connection types.

use super::bounds::bounded;
use super::error::ApiError;
use async_graphql::connection::{Connection, CursorType, Edge, EmptyFields};
use async_graphql::{OutputType, SimpleObject};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The page size when `first` is not given.
pub const DEFAULT_PAGE: usize = 20;
/// The largest page a client may ask for.
pub const MAX_PAGE: usize = 100;

/// The extra field on every connection.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct Totals {
    /// How many items match in all, across every page.
    pub total_count: usize,
}

/// A page of `T`, Relay-style, with `totalCount` and a `nodes` shortcut.
pub type Page<T> = Connection<Cursor, T, Totals, EmptyFields>;

/// An item's cursor: its position in a list of one order, written out (an opaque string,
/// `String!` in the schema) only when a client asks for it, so a page of `nodes` costs no
/// cursor at all (writing one for each of a page's 100 items was 2 allocations an item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The order the position is in (see [`PageRequest`]).
    order: &'static str,
    /// The item's position.
    index: usize,
}

impl CursorType for Cursor {
    type Error = &'static str;

    fn decode_cursor(s: &str) -> Result<Cursor, &'static str> {
        for order in ["o", "d"] {
            if let Some(index) = decode_cursor(order, s) {
                return Ok(Cursor { order, index });
            }
        }
        Err("not a cursor returned by this API")
    }

    fn encode_cursor(&self) -> String {
        encode_cursor(self.order, self.index)
    }
}

/// A validated page request: where to start and how many to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// The index of the first item.
    pub offset: usize,
    /// How many items at most.
    pub size: usize,
    /// The order the cursors are positions in (`o`: as recorded, `d`: by date), written into
    /// each cursor so that one issued for one order is refused in another.
    order: &'static str,
}

impl PageRequest {
    /// Checks `first` (1 to 100, default 20) and decodes `after`, for a list in its recorded
    /// order.
    pub fn parse(first: Option<i32>, after: Option<&str>) -> Result<PageRequest, ApiError> {
        Self::parse_in("o", first, after)
    }

    /// As [`PageRequest::parse`], for a list in date order: its cursors are not those of the
    /// recorded order (an offset in one is a different item in the other).
    pub fn parse_by_date(first: Option<i32>, after: Option<&str>) -> Result<PageRequest, ApiError> {
        Self::parse_in("d", first, after)
    }

    fn parse_in(
        order: &'static str,
        first: Option<i32>,
        after: Option<&str>,
    ) -> Result<PageRequest, ApiError> {
        let size = match first {
            None => DEFAULT_PAGE,
            Some(n) => bounded("first", n, 1, MAX_PAGE as i32)?,
        };
        let offset = match after {
            None => 0,
            Some(c) => decode_cursor(order, c)
                .ok_or_else(|| ApiError::invalid("after", "not a cursor returned by this API for this order (use pageInfo.endCursor or an edge's cursor, with the same orderBy)"))?
                + 1,
        };
        Ok(PageRequest {
            offset,
            size,
            order,
        })
    }

    /// Cuts one page out of `items` and wraps it as a connection.
    pub fn page<I, T: OutputType>(self, items: Vec<I>, wrap: impl Fn(I) -> T) -> Page<T> {
        self.page_of(items.len(), items, wrap)
    }

    /// Cuts one page out of `items`, of which there are `total`, and wraps it as a connection:
    /// only the items up to the end of the page are visited, and nothing is collected, so the
    /// first pages of a large table cost what they return, not what the table holds.
    pub fn page_of<I, T: OutputType>(
        self,
        total: usize,
        items: impl IntoIterator<Item = I>,
        wrap: impl Fn(I) -> T,
    ) -> Page<T> {
        let has_next = self.offset.saturating_add(self.size) < total;
        let mut conn = Connection::with_additional_fields(
            self.offset > 0,
            has_next,
            Totals { total_count: total },
        );
        conn.edges.extend(
            items
                .into_iter()
                .enumerate()
                .skip(self.offset)
                .take(self.size)
                .map(|(index, item)| {
                    let cursor = Cursor {
                        order: self.order,
                        index,
                    };
                    Edge::new(cursor, wrap(item))
                }),
        );
        conn
    }
}

fn encode_cursor(order: &str, index: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{order}:{index}"))
}

fn decode_cursor(order: &str, cursor: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .strip_prefix(order)?
        .strip_prefix(':')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor("o", &encode_cursor("o", 41)), Some(41));
        let c = Cursor {
            order: "d",
            index: 7,
        };
        assert_eq!(Cursor::decode_cursor(&c.encode_cursor()), Ok(c));
        assert_eq!(
            PageRequest::parse(None, Some(&encode_cursor("o", 4)))
                .unwrap()
                .offset,
            5
        );
        assert!(PageRequest::parse(None, Some("nonsense")).is_err());
        // A cursor of the date order is not one of the recorded order, nor the reverse.
        assert!(PageRequest::parse(None, Some(&encode_cursor("d", 4))).is_err());
        assert!(PageRequest::parse_by_date(None, Some(&encode_cursor("o", 4))).is_err());
        assert_eq!(
            PageRequest::parse_by_date(None, Some(&encode_cursor("d", 4)))
                .unwrap()
                .offset,
            5
        );
        assert!(matches!(
            PageRequest::parse(Some(101), None),
            Err(ApiError::LimitExceeded { .. })
        ));
        assert!(matches!(
            PageRequest::parse(Some(0), None),
            Err(ApiError::InvalidInput { .. })
        ));
    }
}
