//! Rust types that columns hold, and their logical [`ColumnType`]s.
//!
//! The derive asks the compiler for a field's column type through
//! [`ColumnValue`], at the field's span: an unsupported type is an error on the
//! field, and type aliases or user types work as well as the built-in ones.

use crate::model::{ColumnType, Element};
use crate::text_enum::TextVariant;
use crate::validate::{DefaultRef, Need};
use sea_orm::sea_query::{self, ArrayType, ValueType};

/// A non-null Rust type that a column can store, with its logical type.
///
/// Implemented for integers, `bool`, floats, `String`, `Vec<u8>`, `Uuid`, the
/// chrono date and time types, `serde_json::Value`, and enums deriving
/// [`TextEnum`](crate::TextEnum). Nullable columns are `Option<T>` of these.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "unsupported column type",
    note = "a column holds i16, i32, i64, u8, u16, u32, u64, bool, f32, f64, Decimal, String, Vec<u8>, Uuid, a chrono date or time, serde_json::Value, an enum deriving `fsync_schema::TextEnum`, a `Vec` of integers, floats, bools, Strings or Uuids (PostgreSQL arrays), or an `Option` of these"
)]
pub trait SqlValue:
    ValueType + sea_query::Nullable + Into<sea_orm::Value> + sea_orm::TryGetable + Clone + Send
{
    /// The logical column type.
    const COLUMN_TYPE: ColumnType;
    /// For text enums: the texts a stored value may take.
    const TEXT_VARIANTS: Option<&'static [TextVariant]> = None;
    /// For native enums (`#[text(native)]`): the type's name; its values are
    /// the `TEXT_VARIANTS`.
    const ENUM_NAME: Option<&'static str> = None;

    /// Reads the value where SeaORM's own decoding fails, or `None` when
    /// there is no other way: an unsigned integer on PostgreSQL, stored in a
    /// wider signed type (sqlx-postgres has no unsigned types).
    fn read_widened(
        _row: &sea_orm::QueryResult,
        _pre: &str,
        _column: &str,
    ) -> Option<Result<Option<Self>, sea_orm::TryGetError>> {
        None
    }
}

/// A Rust type a model field may have: a [`SqlValue`], or an `Option` of one
/// for a nullable column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "unsupported column type",
    note = "a column holds i16, i32, i64, u8, u16, u32, u64, bool, f32, f64, Decimal, String, Vec<u8>, Uuid, a chrono date or time, serde_json::Value, an enum deriving `fsync_schema::TextEnum`, a `Vec` of integers, floats, bools, Strings or Uuids (PostgreSQL arrays), or an `Option` of these"
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
    /// For native enums: the type's name.
    const ENUM_NAME: Option<&'static str>;
    /// The type without its `Option`.
    type NotNull: SqlValue;

    /// Reads the column `column` (prefixed `pre`) of `row`.
    fn read(
        row: &sea_orm::QueryResult,
        pre: &str,
        column: &str,
    ) -> Result<Self, sea_orm::TryGetError>;
}

/// `T` from `row`, by SeaORM or else by [`SqlValue::read_widened`]; `None` for NULL.
fn read_nullable<T: SqlValue>(
    row: &sea_orm::QueryResult,
    pre: &str,
    column: &str,
) -> Result<Option<T>, sea_orm::TryGetError> {
    match row.try_get_nullable::<Option<T>>(pre, column) {
        Ok(value) => Ok(value),
        Err(error) => T::read_widened(row, pre, column).unwrap_or(Err(error)),
    }
}

impl<T: SqlValue> ColumnValue for T {
    const COLUMN_TYPE: ColumnType = T::COLUMN_TYPE;
    const NULLABLE: bool = false;
    const TEXT_VARIANTS: Option<&'static [TextVariant]> = T::TEXT_VARIANTS;
    const ENUM_NAME: Option<&'static str> = T::ENUM_NAME;
    type NotNull = T;

    fn read(
        row: &sea_orm::QueryResult,
        pre: &str,
        column: &str,
    ) -> Result<Self, sea_orm::TryGetError> {
        read_nullable(row, pre, column)?
            .ok_or_else(|| sea_orm::TryGetError::Null(format!("{pre}{column}")))
    }
}

impl<T: SqlValue> ColumnValue for Option<T> {
    const COLUMN_TYPE: ColumnType = T::COLUMN_TYPE;
    const NULLABLE: bool = true;
    const TEXT_VARIANTS: Option<&'static [TextVariant]> = T::TEXT_VARIANTS;
    const ENUM_NAME: Option<&'static str> = T::ENUM_NAME;
    type NotNull = T;

    fn read(
        row: &sea_orm::QueryResult,
        pre: &str,
        column: &str,
    ) -> Result<Self, sea_orm::TryGetError> {
        read_nullable(row, pre, column)
    }
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
    Vec<i16> => ColumnType::Array(Element::SmallInt),
    Vec<i32> => ColumnType::Array(Element::Integer),
    Vec<i64> => ColumnType::Array(Element::BigInt),
    Vec<bool> => ColumnType::Array(Element::Boolean),
    Vec<f32> => ColumnType::Array(Element::Float),
    Vec<f64> => ColumnType::Array(Element::Double),
    Vec<String> => ColumnType::Array(Element::Text),
    Vec<uuid::Uuid> => ColumnType::Array(Element::Uuid),
}

/// Unsigned integers: native on MySQL; on PostgreSQL (no unsigned types)
/// stored in the next wider signed type, and read back from it.
macro_rules! unsigned_values {
    ($($rust:ty => $column:expr, $wider:ty;)*) => {
        $(impl SqlValue for $rust {
            const COLUMN_TYPE: ColumnType = $column;

            fn read_widened(
                row: &sea_orm::QueryResult,
                pre: &str,
                column: &str,
            ) -> Option<Result<Option<Self>, sea_orm::TryGetError>> {
                let wide = row.try_get_nullable::<Option<$wider>>(pre, column).ok()?;
                Some(wide.map(<$rust as TryFrom<$wider>>::try_from).transpose().map_err(|_| {
                    sea_orm::TryGetError::DbErr(sea_orm::DbErr::Type(format!(
                        "column `{pre}{column}`: the value is out of the range of {}",
                        stringify!($rust)
                    )))
                }))
            }
        })*
    };
}

unsigned_values! {
    u8 => ColumnType::TinyUnsigned, i16;
    u16 => ColumnType::SmallUnsigned, i32;
    u32 => ColumnType::Unsigned, i64;
    u64 => ColumnType::BigUnsigned, i64;
}

/// The precision of a `Decimal` field without `precision = ..`: the 28
/// significant digits `rust_decimal::Decimal` holds.
pub const DECIMAL_PRECISION: u32 = 28;
/// The scale of a `Decimal` field without `scale = ..`.
pub const DECIMAL_SCALE: u32 = 10;

/// Why column type `T` fails `need`, or `None` when it meets it: the model's
/// [`Need::unmet`] (the one definition of the typed rules), and for a text
/// enum's default, whether it is a value of the enum. A `const fn`, so the
/// derive evaluates it at compile time.
///
/// `max_len` is the field's `max_len` (0 when it has none): a text column
/// with one is a `string(max_len)` column.
pub const fn unmet<T: ColumnValue>(need: Need<'_>, max_len: u32) -> Option<&'static str> {
    let ty = match (T::COLUMN_TYPE, max_len) {
        (ColumnType::Text, 1..) => ColumnType::String(max_len),
        (ty, _) => ty,
    };
    if let Some(message) = need.unmet(ty, T::NULLABLE) {
        return Some(message);
    }
    let set = matches!(T::COLUMN_TYPE, ColumnType::Set);
    match (need, T::TEXT_VARIANTS) {
        (Need::Default(DefaultRef::Text(text)), Some(variants))
            if set && !crate::enum_set::accepts_each(variants, text) =>
        {
            Some(
                "this default is not a list of the set's values; write the texts of variants joined by commas, without spaces (`\"\"` for the empty set)",
            )
        }
        (Need::Default(DefaultRef::Text(text)), Some(variants))
            if !set && !crate::text_enum::accepts(variants, text) =>
        {
            Some(
                "this default is not a value of the enum; write the text of a variant: its snake_case name, its `rename`, or its `prefix` and a value",
            )
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
        ColumnType::TinyUnsigned => S::TinyUnsigned,
        ColumnType::SmallUnsigned => S::SmallUnsigned,
        ColumnType::Unsigned => S::Unsigned,
        ColumnType::BigUnsigned => S::BigUnsigned,
        // A native enum's name and values come with the column (`seaorm::column_def`).
        ColumnType::Enum | ColumnType::Set => S::Text,
        ColumnType::Array(element) => S::Array(sea_query::RcOrArc::new(sea_orm_column_type(
            element_type(element),
        ))),
    }
}

/// The logical type of an array's elements.
pub fn element_type(element: Element) -> ColumnType {
    match element {
        Element::SmallInt => ColumnType::SmallInt,
        Element::Integer => ColumnType::Integer,
        Element::BigInt => ColumnType::BigInt,
        Element::Boolean => ColumnType::Boolean,
        Element::Float => ColumnType::Float,
        Element::Double => ColumnType::Double,
        Element::Text => ColumnType::Text,
        Element::Uuid => ColumnType::Uuid,
    }
}

/// The `sea_query` array type of a column type `T` (for `ModelTrait::get_value_type`).
pub fn array_type<T: ColumnValue>() -> ArrayType {
    <T as ValueType>::array_type()
}
