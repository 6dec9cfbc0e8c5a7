//! Runtime support for enums stored as TEXT (`#[derive(TextEnum)]`).

use sea_orm::sea_query::{ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};
use std::str::FromStr;

/// One text form of a text-enum variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextVariant {
    /// A unit variant stored as exactly this text.
    Exact(&'static str),
    /// A variant with a payload, stored as this prefix followed by the payload.
    Prefix(&'static str),
}

impl TextVariant {
    fn describe(self) -> String {
        match self {
            TextVariant::Exact(text) => format!("`{text}`"),
            TextVariant::Prefix(prefix) => format!("`{prefix}<value>`"),
        }
    }
}

/// Whether `text` matches one of `variants` (payloads are not parsed). A
/// `const fn`, so the derive checks text defaults at compile time.
pub const fn accepts(variants: &[TextVariant], text: &str) -> bool {
    let mut i = 0;
    while i < variants.len() {
        let matched = match variants[i] {
            TextVariant::Exact(exact) => bytes_equal(exact.as_bytes(), text.as_bytes()),
            TextVariant::Prefix(prefix) => {
                prefix.len() <= text.len()
                    && bytes_equal(prefix.as_bytes(), text.as_bytes().split_at(prefix.len()).0)
            }
        };
        if matched {
            return true;
        }
        i += 1;
    }
    false
}

/// Byte-wise equality, usable in `const fn`s.
pub(crate) const fn bytes_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A text that is not a value of a text enum.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {type_name}; expected {expected}{reason}")]
pub struct TextEnumError {
    /// The enum's Rust name.
    pub type_name: &'static str,
    /// The text that did not parse.
    pub value: String,
    /// The accepted forms, e.g. "`mirror`, `bidirectional` or `selective`".
    pub expected: String,
    /// Why the payload did not parse, with a leading "; ", or "".
    pub reason: String,
}

impl TextEnumError {
    /// The error for `value`, listing the forms of `variants`.
    pub fn new(type_name: &'static str, value: &str, variants: &[TextVariant]) -> Self {
        let forms: Vec<String> = variants.iter().map(|v| v.describe()).collect();
        let expected = match forms.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => "nothing".to_owned(),
        };
        TextEnumError {
            type_name,
            value: value.to_owned(),
            expected,
            reason: String::new(),
        }
    }

    /// Adds why a payload did not parse.
    pub fn because(mut self, reason: impl std::fmt::Display) -> Self {
        self.reason = format!(" ({reason})");
        self
    }
}

/// Decodes a text enum from a query result; a text that does not parse is an
/// error naming the column and the value.
pub fn try_get<T, I>(res: &QueryResult, index: I) -> Result<T, TryGetError>
where
    T: FromStr<Err = TextEnumError>,
    I: ColIdx,
{
    let text = String::try_get_by(res, index)?;
    text.parse().map_err(|error: TextEnumError| {
        let column = format!("{index:?}");
        TryGetError::DbErr(DbErr::Type(format!(
            "column `{}`: {error}",
            column.trim_matches('"')
        )))
    })
}

/// Converts a sea-query value holding text into a text enum.
pub fn try_from_value<T: FromStr>(value: Value) -> Result<T, ValueTypeErr> {
    match value {
        Value::String(Some(text)) => text.parse().map_err(|_| ValueTypeErr),
        _ => Err(ValueTypeErr),
    }
}

/// The sea-query value of a text enum.
pub fn to_value(text: String) -> Value {
    Value::String(Some(text))
}

/// sea-query's column type of a native enum `name` with the values of `variants`.
#[doc(hidden)]
pub fn native_column_type(
    name: &'static str,
    variants: &[TextVariant],
) -> sea_orm::sea_query::ColumnType {
    use sea_orm::sea_query::{Alias, IntoIden};
    sea_orm::sea_query::ColumnType::Enum {
        name: Alias::new(name).into_iden(),
        variants: variants
            .iter()
            .map(|v| match v {
                TextVariant::Exact(text) | TextVariant::Prefix(text) => {
                    Alias::new(*text).into_iden()
                }
            })
            .collect(),
    }
}

#[doc(hidden)]
pub fn string_array_type() -> sea_orm::sea_query::ArrayType {
    <String as ValueType>::array_type()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMS: &[TextVariant] = &[
        TextVariant::Exact("manual"),
        TextVariant::Prefix("interval:"),
    ];

    #[test]
    fn accepts_exact_texts_and_prefixes() {
        assert!(accepts(FORMS, "manual"));
        assert!(accepts(FORMS, "interval:5m"));
        assert!(!accepts(FORMS, "manua"));
        assert!(!accepts(FORMS, "interval"));
    }

    #[test]
    fn error_lists_the_forms() {
        let error = TextEnumError::new("Schedule", "weekly", FORMS);
        assert_eq!(
            error.to_string(),
            "`weekly` is not a valid Schedule; expected `manual` or `interval:<value>`"
        );
    }
}
