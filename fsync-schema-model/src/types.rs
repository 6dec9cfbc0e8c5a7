//! Column types beyond the scalar ones: native enums and array elements.
//!
//! A native enum is a named list of values. PostgreSQL keeps it as a type of
//! the schema (`CREATE TYPE name AS ENUM (..)`), created before the tables
//! that use it and dropped after them; MySQL writes the values on each column
//! (`ENUM('a', 'b')`); SQLite stores the text. The column carries the whole
//! type ([`crate::Column::enum_type`]), so every table that uses it says what
//! it is, and [`crate::Schema::enum_types`] lists a schema's types.

use serde::{Deserialize, Serialize};

/// A native enum type: its name (PostgreSQL's type; MySQL has none) and its
/// values in order, exactly as stored (case kept).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EnumType {
    pub name: String,
    pub values: Vec<String>,
}

impl EnumType {
    /// The enum `name` with `values`, in order.
    pub fn new<S: Into<String>>(name: &str, values: impl IntoIterator<Item = S>) -> Self {
        EnumType {
            name: name.to_owned(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// The values as an SQL list: `'G', 'PG-13'` (quotes doubled).
    pub fn sql_values(&self) -> String {
        self.values
            .iter()
            .map(|v| format!("'{}'", v.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The values `to` adds to `self` with the value each comes after
    /// (`None`: first), when `to` keeps every value of `self` in the same
    /// order; `None` when it drops or reorders one, which PostgreSQL cannot do
    /// in place.
    pub fn added_values<'a>(&self, to: &'a EnumType) -> Option<Vec<(&'a str, Option<&'a str>)>> {
        let mut kept = to.values.iter().filter(|v| self.values.contains(v));
        if !self.values.iter().all(|v| kept.next() == Some(v)) {
            return None;
        }
        let mut out = Vec::new();
        for (i, value) in to.values.iter().enumerate() {
            if !self.values.contains(value) {
                out.push((
                    value.as_str(),
                    i.checked_sub(1).map(|p| to.values[p].as_str()),
                ));
            }
        }
        Some(out)
    }
}

/// The element type of an array column (PostgreSQL's `text[]`, `integer[]`):
/// a `Vec<T>` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    SmallInt,
    Integer,
    BigInt,
    Boolean,
    Float,
    Double,
    Text,
    Uuid,
}

impl Element {
    /// Every element type.
    pub const ALL: [Element; 8] = [
        Element::SmallInt,
        Element::Integer,
        Element::BigInt,
        Element::Boolean,
        Element::Float,
        Element::Double,
        Element::Text,
        Element::Uuid,
    ];

    /// The element's PostgreSQL type.
    pub const fn postgres(self) -> &'static str {
        match self {
            Element::SmallInt => "SMALLINT",
            Element::Integer => "INTEGER",
            Element::BigInt => "BIGINT",
            Element::Boolean => "BOOLEAN",
            Element::Float => "REAL",
            Element::Double => "DOUBLE PRECISION",
            Element::Text => "TEXT",
            Element::Uuid => "UUID",
        }
    }

    /// The element's name for messages: `text`.
    pub const fn name(self) -> &'static str {
        match self {
            Element::SmallInt => "small_int",
            Element::Integer => "integer",
            Element::BigInt => "big_int",
            Element::Boolean => "boolean",
            Element::Float => "float",
            Element::Double => "double",
            Element::Text => "text",
            Element::Uuid => "uuid",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_values_keep_order_or_give_none() {
        let from = EnumType::new("rating", ["G", "PG"]);
        let to = EnumType::new("rating", ["G", "PG", "PG-13", "R"]);
        assert_eq!(
            from.added_values(&to),
            Some(vec![("PG-13", Some("PG")), ("R", Some("PG-13"))])
        );
        let first = EnumType::new("rating", ["NC", "G", "PG"]);
        assert_eq!(from.added_values(&first), Some(vec![("NC", None)]));
        let reordered = EnumType::new("rating", ["PG", "G"]);
        assert_eq!(from.added_values(&reordered), None);
        let dropped = EnumType::new("rating", ["G"]);
        assert_eq!(from.added_values(&dropped), None);
    }

    #[test]
    fn values_are_quoted() {
        assert_eq!(
            EnumType::new("e", ["it's", "b"]).sql_values(),
            "'it''s', 'b'"
        );
    }
}
