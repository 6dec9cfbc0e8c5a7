//! [`EnumSet`]: a set of a native enum's values, the Rust side of MySQL's
//! `SET(..)` column (the values joined by commas in TEXT elsewhere).

use crate::model::ColumnType;
use crate::text_enum::{TextEnumError, TextVariant};
use crate::value::SqlValue;
use sea_orm::sea_query::{ArrayType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};
use std::fmt;
use std::str::FromStr;

/// A set of values of the enum `T` (`#[derive(TextEnum)]`), kept in the
/// order the enum declares them, as MySQL stores a `SET`: a field of type
/// `EnumSet<T>` is a `SET('a', 'b', ..)` column of `T`'s values on MySQL and
/// TEXT elsewhere, holding the values joined by commas (`Trailers,Deleted
/// Scenes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumSet<T>(Vec<T>);

impl<T> Default for EnumSet<T> {
    fn default() -> Self {
        EnumSet(Vec::new())
    }
}

impl<T: SqlValue + fmt::Display + PartialEq> EnumSet<T> {
    /// The empty set.
    pub fn new() -> Self {
        EnumSet(Vec::new())
    }

    /// Adds `value` (once), in the enum's order.
    pub fn insert(&mut self, value: T) {
        if self.0.contains(&value) {
            return;
        }
        let rank = |v: &T| position::<T>(&v.to_string());
        let at = self.0.partition_point(|v| rank(v) < rank(&value));
        self.0.insert(at, value);
    }

    /// Whether `value` is in the set.
    pub fn contains(&self, value: &T) -> bool {
        self.0.contains(value)
    }

    /// The values, in the enum's order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter()
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The position of the stored text `text` among `T`'s values.
fn position<T: SqlValue>(text: &str) -> usize {
    T::TEXT_VARIANTS
        .unwrap_or_default()
        .iter()
        .position(|v| matches!(v, TextVariant::Exact(exact) if *exact == text))
        .unwrap_or(usize::MAX)
}

impl<T: SqlValue + fmt::Display + PartialEq> FromIterator<T> for EnumSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = EnumSet::new();
        for value in iter {
            set.insert(value);
        }
        set
    }
}

impl<T: fmt::Display> fmt::Display for EnumSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, value) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{value}")?;
        }
        Ok(())
    }
}

impl<T> FromStr for EnumSet<T>
where
    T: SqlValue + FromStr<Err = TextEnumError> + fmt::Display + PartialEq,
{
    type Err = TextEnumError;

    /// The values of `text` joined by commas; the empty text is the empty set.
    fn from_str(text: &str) -> Result<Self, TextEnumError> {
        if text.is_empty() {
            return Ok(EnumSet::new());
        }
        text.split(',').map(T::from_str).collect()
    }
}

impl<T: fmt::Display> From<EnumSet<T>> for Value {
    fn from(set: EnumSet<T>) -> Value {
        Value::String(Some(set.to_string()))
    }
}

impl<T> ValueType for EnumSet<T>
where
    T: SqlValue + FromStr<Err = TextEnumError> + fmt::Display + PartialEq,
{
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        match value {
            Value::String(Some(text)) => text.parse().map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "EnumSet".to_owned()
    }

    fn array_type() -> ArrayType {
        <String as ValueType>::array_type()
    }

    fn column_type() -> sea_orm::sea_query::ColumnType {
        sea_orm::sea_query::ColumnType::Text
    }
}

impl<T> Nullable for EnumSet<T> {
    fn null() -> Value {
        Value::String(None)
    }
}

impl<T> TryGetable for EnumSet<T>
where
    T: SqlValue + FromStr<Err = TextEnumError> + fmt::Display + PartialEq,
{
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        text.parse().map_err(|error: TextEnumError| {
            let column = format!("{index:?}");
            TryGetError::DbErr(DbErr::Type(format!(
                "column `{}`: {error}",
                column.trim_matches('"')
            )))
        })
    }
}

impl<T> SqlValue for EnumSet<T>
where
    T: SqlValue + FromStr<Err = TextEnumError> + fmt::Display + PartialEq,
{
    const COLUMN_TYPE: ColumnType = ColumnType::Set;
    const TEXT_VARIANTS: Option<&'static [TextVariant]> = T::TEXT_VARIANTS;
    const ENUM_NAME: Option<&'static str> = T::ENUM_NAME;
}

/// Whether every comma-separated part of `text` is one of `variants` (the
/// empty text is the empty set). A `const fn`, so the derive checks a set's
/// default at compile time.
pub const fn accepts_each(variants: &[TextVariant], text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        if i == bytes.len() || bytes[i] == b',' {
            if !(start == 0 && i == bytes.len() && i == 0) {
                let (_, rest) = bytes.split_at(start);
                let (part, _) = rest.split_at(i - start);
                if !exact(variants, part) {
                    return false;
                }
            }
            start = i + 1;
        }
        i += 1;
    }
    true
}

/// Whether `part` is exactly the text of one of `variants`.
const fn exact(variants: &[TextVariant], part: &[u8]) -> bool {
    let mut v = 0;
    while v < variants.len() {
        if let TextVariant::Exact(text) = variants[v]
            && crate::text_enum::bytes_equal(text.as_bytes(), part)
        {
            return true;
        }
        v += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMS: &[TextVariant] = &[
        TextVariant::Exact("Trailers"),
        TextVariant::Exact("Deleted Scenes"),
    ];

    #[test]
    fn defaults_are_lists_of_values() {
        assert!(accepts_each(FORMS, ""));
        assert!(accepts_each(FORMS, "Trailers"));
        assert!(accepts_each(FORMS, "Trailers,Deleted Scenes"));
        assert!(!accepts_each(FORMS, "Trailers,"));
        assert!(!accepts_each(FORMS, "trailers"));
        assert!(!accepts_each(FORMS, "Trailers, Deleted Scenes"));
    }
}
