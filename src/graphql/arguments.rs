//! The arguments many fields share, written once: the time arguments `asOf` and `undated`
//! of every field that reads the graph as of a day, and the scope of the structural queries
//! (`relationKinds`, `kinds`, `claims`, `since`, `until`, then the time arguments).
//!
//! async-graphql takes an argument's description only as a string literal, so a `const`
//! cannot share it, and it has no way to flatten a group of arguments into a field. So
//! [`with_arguments!`] wraps an `#[Object] impl` block and writes the arguments into the
//! methods that ask for them; for an interface, which must declare them in its attribute
//! (the `Entity` interface), it hands them to another macro. [`as_of_day`] reads the time
//! arguments.

use super::error::ApiError;
use super::scalars::Date;
use crate::store::AsOf;

/// The as-of day of the `asOf` and `undated` arguments: `INVALID_INPUT` on `asOf` for a month
/// or a year (the graph is read as of one day).
pub(super) fn as_of_day(day: Option<Date>, undated: bool) -> Result<Option<AsOf>, ApiError> {
    day.map(|d| AsOf::new(d.0, undated).map_err(|e| ApiError::invalid("asOf", e)))
        .transpose()
}

/// Writes the shared arguments into the resolvers of an `#[Object] impl` block.
///
/// Wrap the whole block. After its parameter list, a method asks for
/// - `as_of(day, undated)`: the time arguments, last, under these names (`as_of` → `asOf`);
///   it reads them as any other parameter, as a rule with [`as_of_day`];
/// - `within(w)`, or `within(w) (more parameters)`: the scope of a structural query, then
///   the `more parameters`, then the time arguments; the body starts with `w`, the
///   `store::Within` they give ([`super::structure::within`]), so a bad `asOf` fails first.
///
/// ```ignore
/// with_arguments! {
///     /// The object's description.
///     #[Object]
///     impl Query {
///         /// The field's description.
///         async fn field(&self, ctx: &Context<'_>, id: ID) as_of(as_of, undated) -> Result<X> {
///             let as_of = as_of_day(as_of, undated)?;
///             …
///         }
///         /// A structural field.
///         async fn other(&self, ctx: &Context<'_>) within(w) (#[graphql(default = 20)] limit: i32)
///             -> Result<Y> {
///             analyse(ctx, w, limit).await
///         }
///     }
/// }
/// ```
///
/// The names a method reads come from the caller because a macro's own names are hidden from
/// the body it is given. Every method of the block is an `async fn` whose own parameters end
/// without a trailing comma, and whose return type is a name with at most one generic
/// argument (`Result<Vec<X>>`, `ID`): async-graphql must see that it is a `Result`, which a
/// type passed whole through a macro hides. Attributes and doc comments pass through.
///
/// `with_arguments!(interface => then)` calls `then! { arg(name = "as_of", …), arg(name =
/// "undated", …) }`: the time arguments as the `#[graphql(field(…))]` of an `Interface`
/// declares them, for a macro that writes them into the fields that take them (their `ty`
/// names `Date`, which must be in scope there).
macro_rules! with_arguments {
    // The descriptions, written here once: every other form takes them from this one.
    (@described $($form:tt)*) => {
        $crate::graphql::arguments::with_arguments! {
            @with
            "Only the graph as it stood on this day (YYYY-MM-DD): relations begun by then and not ended before it, between entities in force then (events by their start and end). A partial date counts from its first possible day (`2023-09` from 1 September), an end through its last. Without it, every relation ever recorded.",
            "With `asOf`: whether relations and events without a date count (default true: standing facts, such as who leads a government, are mostly undated).";
            $($form)*
        }
    };
    (@with $as_of_desc:literal, $undated_desc:literal; interface => $then:ident) => {
        $then! {
            arg(name = "as_of", ty = "Option<Date>", desc = $as_of_desc),
            arg(name = "undated", ty = "bool", default = true, desc = $undated_desc)
        }
    };
    (@with $as_of_desc:literal, $undated_desc:literal;
        $(#[$attr:meta])*
        impl $ty:ident {
            $(
                $(#[$method:meta])*
                async fn $name:ident($($param:tt)*)
                    $(as_of($as_of:ident, $undated:ident))?
                    $(within($within:ident) $(($($more:tt)+))?)?
                    -> $out:ident $(<$out_of:ty>)? $body:block
            )*
        }
    ) => {
        $(#[$attr])*
        impl $ty {
            $(
                $(#[$method])*
                async fn $name(
                    $($param)*
                    $(
                        , #[graphql(desc = $as_of_desc)] $as_of: Option<$crate::graphql::Date>,
                        #[graphql(default = true, desc = $undated_desc)] $undated: bool
                    )?
                    $(
                        , relation_kinds: Option<Vec<$crate::graphql::RelationKind>>,
                        kinds: Option<Vec<$crate::graphql::EntityKind>>,
                        claims: Option<Vec<$crate::graphql::ClaimStatus>>,
                        since: Option<$crate::graphql::Date>,
                        until: Option<$crate::graphql::Date>
                        $(, $($more)+)?,
                        #[graphql(desc = $as_of_desc)] as_of: Option<$crate::graphql::Date>,
                        #[graphql(default = true, desc = $undated_desc)] undated: bool
                    )?
                ) -> $out $(<$out_of>)? {
                    $(
                        let $within = $crate::graphql::structure::within(
                            relation_kinds,
                            kinds,
                            claims,
                            since,
                            until,
                            None,
                            $crate::graphql::arguments::as_of_day(as_of, undated)?,
                        );
                    )?
                    $body
                }
            )*
        }
    };
    ($($form:tt)*) => {
        $crate::graphql::arguments::with_arguments! { @described $($form)* }
    };
}
pub(crate) use with_arguments;
