//! Rust expressions that rebuild model values, naming types through
//! `::fsync_schema::model`. The derive uses them for `SchemaEntity::table()`,
//! the migration generator for the steps it writes.

use crate::model::*;
use proc_macro2::TokenStream;
use quote::quote;

/// `::core::option::Option<String>` from an optional text.
pub fn option_string(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(::core::option::Option::Some(::core::convert::From::from(#text))),
        None => quote!(::core::option::Option::None),
    }
}

fn strings(items: &[String]) -> TokenStream {
    quote!(::std::vec![#(::core::convert::From::from(#items)),*])
}

/// A [`ColumnType`].
pub fn column_type(ty: ColumnType) -> TokenStream {
    let m = quote!(::fsync_schema::model::ColumnType);
    match ty {
        ColumnType::SmallInt => quote!(#m::SmallInt),
        ColumnType::Integer => quote!(#m::Integer),
        ColumnType::BigInt => quote!(#m::BigInt),
        ColumnType::Boolean => quote!(#m::Boolean),
        ColumnType::Float => quote!(#m::Float),
        ColumnType::Double => quote!(#m::Double),
        ColumnType::Decimal(precision, scale) => quote!(#m::Decimal(#precision, #scale)),
        ColumnType::Text => quote!(#m::Text),
        ColumnType::String(len) => quote!(#m::String(#len)),
        ColumnType::Blob => quote!(#m::Blob),
        ColumnType::Uuid => quote!(#m::Uuid),
        ColumnType::Date => quote!(#m::Date),
        ColumnType::Time => quote!(#m::Time),
        ColumnType::DateTime => quote!(#m::DateTime),
        ColumnType::TimestampTz => quote!(#m::TimestampTz),
        ColumnType::Json => quote!(#m::Json),
        ColumnType::TinyUnsigned => quote!(#m::TinyUnsigned),
        ColumnType::SmallUnsigned => quote!(#m::SmallUnsigned),
        ColumnType::Unsigned => quote!(#m::Unsigned),
        ColumnType::BigUnsigned => quote!(#m::BigUnsigned),
        ColumnType::Enum => quote!(#m::Enum),
        ColumnType::Set => quote!(#m::Set),
        ColumnType::Array(element) => {
            let element = element_tokens(element);
            quote!(#m::Array(#element))
        }
    }
}

/// An [`Element`].
fn element_tokens(element: Element) -> TokenStream {
    let m = quote!(::fsync_schema::model::Element);
    match element {
        Element::SmallInt => quote!(#m::SmallInt),
        Element::Integer => quote!(#m::Integer),
        Element::BigInt => quote!(#m::BigInt),
        Element::Boolean => quote!(#m::Boolean),
        Element::Float => quote!(#m::Float),
        Element::Double => quote!(#m::Double),
        Element::Text => quote!(#m::Text),
        Element::Uuid => quote!(#m::Uuid),
    }
}

/// An [`EnumType`].
pub fn enum_type(enum_type: &EnumType) -> TokenStream {
    let name = &enum_type.name;
    let values = strings(&enum_type.values);
    quote!(::fsync_schema::model::EnumType { name: ::core::convert::From::from(#name), values: #values })
}

/// A [`DefaultValue`].
pub fn default_value(value: &DefaultValue) -> TokenStream {
    let m = quote!(::fsync_schema::model::DefaultValue);
    match value {
        DefaultValue::Int(int) => quote!(#m::Int(#int)),
        DefaultValue::Float(float) => quote!(#m::Float(#float)),
        DefaultValue::Bool(flag) => quote!(#m::Bool(#flag)),
        DefaultValue::Text(text) => quote!(#m::Text(::core::convert::From::from(#text))),
        DefaultValue::CurrentTimestamp => quote!(#m::CurrentTimestamp),
        DefaultValue::Sql(sql) => quote!(#m::Sql(::core::convert::From::from(#sql))),
    }
}

/// A [`DefaultKind`].
pub fn default_kind(kind: DefaultKind) -> TokenStream {
    let m = quote!(::fsync_schema::model::DefaultKind);
    match kind {
        DefaultKind::Int => quote!(#m::Int),
        DefaultKind::Float => quote!(#m::Float),
        DefaultKind::Bool => quote!(#m::Bool),
        DefaultKind::Text => quote!(#m::Text),
        DefaultKind::CurrentTimestamp => quote!(#m::CurrentTimestamp),
        DefaultKind::Sql => quote!(#m::Sql),
    }
}

/// An [`Action`].
pub fn action(action: Action) -> TokenStream {
    let m = quote!(::fsync_schema::model::Action);
    match action {
        Action::NoAction => quote!(#m::NoAction),
        Action::Restrict => quote!(#m::Restrict),
        Action::Cascade => quote!(#m::Cascade),
        Action::SetNull => quote!(#m::SetNull),
        Action::SetDefault => quote!(#m::SetDefault),
    }
}

/// [`SqlTypes`].
pub fn sql_types(types: &SqlTypes) -> TokenStream {
    let (sqlite, postgres, mysql) = (
        option_string(types.sqlite.as_deref()),
        option_string(types.postgres.as_deref()),
        option_string(types.mysql.as_deref()),
    );
    quote!(::fsync_schema::model::SqlTypes { sqlite: #sqlite, postgres: #postgres, mysql: #mysql })
}

/// A [`Unique`].
pub fn unique(unique: &Unique) -> TokenStream {
    let name = option_string(unique.name.as_deref());
    let columns = strings(&unique.columns);
    quote!(::fsync_schema::model::Unique { name: #name, columns: #columns })
}

/// An [`Index`].
pub fn index(index: &Index) -> TokenStream {
    let name = &index.name;
    let columns = strings(&index.columns);
    let unique = index.unique;
    let prefixes = index
        .prefixes
        .iter()
        .map(|(column, chars)| quote!((::std::string::String::from(#column), #chars)));
    let descending = index
        .descending
        .iter()
        .map(|part| quote!(::std::string::String::from(#part)));
    let using = index_method(index.using);
    let predicate = option_string(index.predicate.as_deref());
    let include = strings(&index.include);
    quote!(::fsync_schema::model::Index {
        name: ::core::convert::From::from(#name),
        columns: #columns,
        unique: #unique,
        prefixes: ::std::collections::BTreeMap::from([#(#prefixes),*]),
        descending: ::std::collections::BTreeSet::from([#(#descending),*]),
        using: #using,
        predicate: #predicate,
        include: #include,
    })
}

/// An [`IndexMethod`].
pub fn index_method(method: IndexMethod) -> TokenStream {
    let m = quote!(::fsync_schema::model::IndexMethod);
    match method {
        IndexMethod::Btree => quote!(#m::Btree),
        IndexMethod::Hash => quote!(#m::Hash),
        IndexMethod::Gin => quote!(#m::Gin),
        IndexMethod::Gist => quote!(#m::Gist),
        IndexMethod::Spgist => quote!(#m::Spgist),
        IndexMethod::Brin => quote!(#m::Brin),
        IndexMethod::Fulltext => quote!(#m::Fulltext),
        IndexMethod::Spatial => quote!(#m::Spatial),
    }
}

/// A [`Check`].
pub fn check(check: &Check) -> TokenStream {
    let name = option_string(check.name.as_deref());
    let expr = &check.expr;
    quote!(::fsync_schema::model::Check { name: #name, expr: ::core::convert::From::from(#expr) })
}

/// A [`ForeignKey`].
pub fn foreign_key(fk: &ForeignKey) -> TokenStream {
    let name = option_string(fk.name.as_deref());
    let columns = strings(&fk.columns);
    let ref_table = &fk.ref_table;
    let ref_columns = strings(&fk.ref_columns);
    let (on_delete, on_update) = (action(fk.on_delete), action(fk.on_update));
    quote!(::fsync_schema::model::ForeignKey {
        name: #name,
        columns: #columns,
        ref_table: ::core::convert::From::from(#ref_table),
        ref_columns: #ref_columns,
        on_delete: #on_delete,
        on_update: #on_update,
    })
}

/// A [`Column`].
pub fn column(column: &Column) -> TokenStream {
    let name = &column.name;
    let renamed = option_string(column.renamed_from.as_deref());
    let ty = column_type(column.ty);
    let sql_type = sql_types(&column.sql_type);
    let nullable = column.nullable;
    let default = match &column.default {
        Some(value) => {
            let value = default_value(value);
            quote!(::core::option::Option::Some(#value))
        }
        None => quote!(::core::option::Option::None),
    };
    let autoincrement = column.autoincrement;
    let enum_type = match &column.enum_type {
        Some(e) => {
            let e = enum_type(e);
            quote!(::core::option::Option::Some(#e))
        }
        None => quote!(::core::option::Option::None),
    };
    let on_update = column.on_update_current_timestamp;
    let collation = option_string(column.collation.as_deref());
    let comment = option_string(column.comment.as_deref());
    quote!(::fsync_schema::model::Column {
        name: ::core::convert::From::from(#name),
        renamed_from: #renamed,
        ty: #ty,
        sql_type: #sql_type,
        nullable: #nullable,
        default: #default,
        autoincrement: #autoincrement,
        enum_type: #enum_type,
        on_update_current_timestamp: #on_update,
        collation: #collation,
        comment: #comment,
    })
}

/// A [`Table`].
pub fn table(table: &Table) -> TokenStream {
    let name = &table.name;
    let renamed = option_string(table.renamed_from.as_deref());
    let columns = table.columns.iter().map(column);
    let primary_key = strings(&table.primary_key);
    let uniques = table.uniques.iter().map(unique);
    let foreign_keys = table.foreign_keys.iter().map(foreign_key);
    let indexes = table.indexes.iter().map(index);
    let checks = table.checks.iter().map(check);
    let (strict, without_rowid) = (table.options.strict, table.options.without_rowid);
    let table_collation = option_string(table.options.collation.as_deref());
    let table_comment = option_string(table.options.comment.as_deref());
    quote!(::fsync_schema::model::Table {
        name: ::core::convert::From::from(#name),
        renamed_from: #renamed,
        columns: ::std::vec![#(#columns),*],
        primary_key: #primary_key,
        uniques: ::std::vec![#(#uniques),*],
        foreign_keys: ::std::vec![#(#foreign_keys),*],
        indexes: ::std::vec![#(#indexes),*],
        checks: ::std::vec![#(#checks),*],
        options: ::fsync_schema::model::TableOptions {
            strict: #strict,
            without_rowid: #without_rowid,
            collation: #table_collation,
            comment: #table_comment,
        },
    })
}
