//! The checks of an argument against its bounds: over its limit, `LIMIT_EXCEEDED` (with the
//! limit and the value); under its least value, `INVALID_INPUT`.

use super::error::ApiError;

/// `value` of `argument` as a count, if it lies in `min..=max`.
pub(super) fn bounded(
    argument: &'static str,
    value: i32,
    min: i32,
    max: i32,
) -> Result<usize, ApiError> {
    if value > max {
        return Err(ApiError::LimitExceeded {
            argument,
            limit: max as i64,
            value: value as i64,
        });
    }
    if value < min {
        return Err(ApiError::invalid(
            argument,
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(value as usize)
}

/// Refuses more than `max` of `argument` (ids, characters): `count` is how many were given.
pub(super) fn at_most(argument: &'static str, count: usize, max: usize) -> Result<(), ApiError> {
    if count > max {
        return Err(ApiError::LimitExceeded {
            argument,
            limit: max as i64,
            value: count as i64,
        });
    }
    Ok(())
}
