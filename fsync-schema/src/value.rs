//! Rust types that columns hold, and their logical [`ColumnType`]s.
//!
//! The derive asks the compiler for a field's column type through
//! [`ColumnValue`], at the field's span: an unsupported type is an error on the
//! field, and type aliases or user types work as well as the built-in ones.

use crate::model::{ColumnType, DefaultKind};
use crate::text_enum::TextVariant;
use sea_orm::sea_query::{self, ArrayType, ValueType};

/// A non-null Rust type that a column can store, with its logical type.
///
/// Implemented for integers, `bool`, floats, `String`, `Vec<u8>`, `Uuid`, the
/// chrono date and time types, `serde_json::Value`, and enums deriving
/// [`TextEnum`](crate::TextEnum). Nullable columns are `Option<T>` of these.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "unsupported column type",
    note = "a column holds i16, i32, i64, bool, f32, f64, String, Vec<u8>, Uuid, a chrono date or time, serde_json::Value, an enum deriving `fsync_schema::TextEnum`, or an `Option` of these"
)]
pub trait SqlValue:
    ValueType + sea_query::Nullable + Into<sea_orm::Value> + sea_orm::TryGetable + Clone + Send
{
    /// The logical column type.
    const COLUMN_TYPE: ColumnType;
    /// For text enums: the texts a stored value may take.
    const TEXT_VARIANTS: Option<&'static [TextVariant]> = None;
}

/// A Rust type a model field may have: a [`SqlValue`], or an `Option` of one
/// for a nullable column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "unsupported column type",
    note = "a column holds i16, i32, i64, bool, f32, f64, String, Vec<u8>, Uuid, a chrono date or time, serde_json::Value, an enum deriving `fsync_schema::TextEnum`, or an `Option` of these"
)]
pub trait ColumnValue:
    ValueType + Into<sea_orm::Value> + sea_orm::TryGetable + Clone + Send
{
    /// The logical column type.
    const COLUMN_TYPE: ColumnType;
    /// Whether the column is nullable (the type is an `Option`).
    const NULLABLE: bool;
    /// For text enums: the texts a stored value may take.
    const TEXT_VARIANTS: Option<&'static [TextVariant]>;
    /// The type without its `Option`.
    type NotNull: SqlValue;
}

impl<T: SqlValue> ColumnValue for T {
    const COLUMN_TYPE: ColumnType = T::COLUMN_TYPE;
    const NULLABLE: bool = false;
    const TEXT_VARIANTS: Option<&'static [TextVariant]> = T::TEXT_VARIANTS;
    type NotNull = T;
}

impl<T: SqlValue> ColumnValue for Option<T> {
    const COLUMN_TYPE: ColumnType = T::COLUMN_TYPE;
    const NULLABLE: bool = true;
    const TEXT_VARIANTS: Option<&'static [TextVariant]> = T::TEXT_VARIANTS;
    type NotNull = T;
}

macro_rules! sql_values {
    ($($rust:ty => $column:expr),* $(,)?) => {
        $(impl SqlValue for $rust {
            const COLUMN_TYPE: ColumnType = $column;
        })*
    };
}

sql_values! {
    i16 => ColumnType::SmallInt,
    i32 => ColumnType::Integer,
    i64 => ColumnType::BigInt,
    bool => ColumnType::Boolean,
    f32 => ColumnType::Float,
    f64 => ColumnType::Double,
    String => ColumnType::Text,
    Vec<u8> => ColumnType::Blob,
    uuid::Uuid => ColumnType::Uuid,
    chrono::NaiveDate => ColumnType::Date,
    chrono::NaiveTime => ColumnType::Time,
    chrono::NaiveDateTime => ColumnType::DateTime,
    chrono::DateTime<chrono::Utc> => ColumnType::TimestampTz,
    sea_orm::JsonValue => ColumnType::Json,
    sea_orm::prelude::Decimal => ColumnType::Decimal(DECIMAL_PRECISION, DECIMAL_SCALE),
}

/// The precision of a `Decimal` field without `precision = ..`: the 28
/// significant digits `rust_decimal::Decimal` holds.
pub const DECIMAL_PRECISION: u32 = 28;
/// The scale of a `Decimal` field without `scale = ..`.
pub const DECIMAL_SCALE: u32 = 10;

/// A typed rule that the derive checks at compile time (see
/// [`validate::requirements`](crate::validate::requirements)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need<'a> {
    NotNull,
    Nullable,
    Integer,
    /// A default of this kind, with its text (for text defaults) and value
    /// (for integer defaults).
    Default(DefaultKind, &'a str, i64),
    /// The column is in a primary key, an index or a foreign key.
    Keyable,
    /// The field declares `max_len`: it must hold text.
    MaxLen,
    /// The field declares `precision` or `scale`: it must hold a decimal.
    Decimal,
}

/// Why column type `T` fails `need`, or `None` when it meets it. A `const fn`,
/// so the derive evaluates it at compile time; it applies the same rules as
/// [`Requirement::check`](crate::validate::Requirement::check).
///
/// `max_len` is the field's `max_len` (0 when it has none): a text column
/// with one is a `string(max_len)` column.
pub const fn unmet<T: ColumnValue>(need: Need<'_>, max_len: u32) -> Option<&'static str> {
    let ty = match (T::COLUMN_TYPE, max_len) {
        (ColumnType::Text, 1..) => ColumnType::String(max_len),
        (ty, _) => ty,
    };
    match need {
        Need::MaxLen if !matches!(T::COLUMN_TYPE, ColumnType::Text) => Some(
            "`max_len` needs a text column (a `String` or a text enum); remove it or change the field's type",
        ),
        Need::Decimal if !matches!(T::COLUMN_TYPE, ColumnType::Decimal(..)) => Some(
            "`precision` and `scale` need a decimal column (a `Decimal`); remove them or change the field's type",
        ),
        Need::Keyable if !ty.is_keyable() => Some(
            "a text, blob or JSON column cannot be part of a primary key, an index or a foreign key (MySQL indexes only a prefix of it); give a `String` field `max_len = n` to make it string(n)",
        ),
        Need::Default(DefaultKind::Int, _, value)
            if ty.accepts_kind(DefaultKind::Int, 0) && !ty.int_in_range(value) =>
        {
            Some(
                "this default is out of the column's range (i16 or i32); write a smaller value or widen the field's type",
            )
        }
        Need::NotNull if T::NULLABLE => Some(
            "a primary key column cannot be nullable; make the field a plain type instead of an `Option<_>`",
        ),
        Need::Nullable if !T::NULLABLE => Some(
            "`set_null` needs a nullable column; make the field an `Option<_>` or choose another action",
        ),
        Need::Integer if !ty.is_integer() => Some(
            "`autoincrement` needs an integer column; make the field an i16, i32 or i64, or remove `autoincrement`",
        ),
        Need::Default(kind, text, _) => {
            if !ty.accepts_kind(kind, char_count(text)) {
                return Some(match kind {
                    DefaultKind::Int => {
                        "an integer default needs an integer or float column; write a default of the column's type"
                    }
                    DefaultKind::Float => {
                        "a float default needs an f32 or f64 column; write a default of the column's type"
                    }
                    DefaultKind::Bool => {
                        "a boolean default needs a bool column; write a default of the column's type"
                    }
                    DefaultKind::Text => match ty {
                        ColumnType::String(_) => {
                            "this default is longer than the column's `max_len`; shorten it or raise `max_len`"
                        }
                        _ => {
                            "a string default needs a String, text enum, JSON, date or time column; write a default of the column's type"
                        }
                    },
                    DefaultKind::CurrentTimestamp => {
                        "`current_timestamp` needs a date-time column (NaiveDateTime or DateTime<Utc>)"
                    }
                    DefaultKind::Sql => "this default does not fit the column's type",
                });
            }
            match (kind, T::TEXT_VARIANTS) {
                (DefaultKind::Text, Some(variants))
                    if !crate::text_enum::accepts(variants, text) =>
                {
                    Some(
                        "this default is not a value of the enum; write the text of a variant: its snake_case name, its `rename`, or its `prefix` and a value",
                    )
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The SeaORM column type for a logical type (used by `ColumnTrait::def`).
pub fn sea_orm_column_type(ty: ColumnType) -> sea_orm::ColumnType {
    use sea_orm::ColumnType as S;
    match ty {
        ColumnType::SmallInt => S::SmallInteger,
        ColumnType::Integer => S::Integer,
        ColumnType::BigInt => S::BigInteger,
        ColumnType::Boolean => S::Boolean,
        ColumnType::Float => S::Float,
        ColumnType::Double => S::Double,
        ColumnType::Decimal(precision, scale) => S::Decimal(Some((precision, scale))),
        ColumnType::Text => S::Text,
        ColumnType::String(len) => S::String(sea_query::StringLen::N(len)),
        ColumnType::Blob => S::Blob,
        ColumnType::Uuid => S::Uuid,
        ColumnType::Date => S::Date,
        ColumnType::Time => S::Time,
        ColumnType::DateTime => S::DateTime,
        ColumnType::TimestampTz => S::TimestampWithTimeZone,
        ColumnType::Json => S::Json,
    }
}

/// The `sea_query` array type of a column type `T` (for `ModelTrait::get_value_type`).
pub fn array_type<T: ColumnValue>() -> ArrayType {
    <T as ValueType>::array_type()
}

/// The number of characters of UTF-8 `text`, in a `const fn`.
const fn char_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut count) = (0, 0);
    while i < bytes.len() {
        if bytes[i] & 0b1100_0000 != 0b1000_0000 {
            count += 1;
        }
        i += 1;
    }
    count
}
