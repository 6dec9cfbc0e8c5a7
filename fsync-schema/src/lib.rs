//! Schema as code for SeaORM 2.0.
//!
//! One annotated struct per table is the single source of truth:
//! `#[derive(fsync_schema::Entity)]` emits the SeaORM entity (Entity, Column,
//! PrimaryKey, Relation, ActiveModel, `Related` impls) and the table's
//! [`model::Table`], from which this crate renders DDL for SQLite, PostgreSQL
//! and MySQL, diffs schemas and writes migrations.
//!
//! ```
//! fsync_schema::entities! {
//!     mod sync_conduit {
//!         #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
//!         #[schema(table = "sync_conduit")]
//!         pub struct Model {
//!             #[schema(primary_key, autoincrement)]
//!             pub id: i32,
//!             pub name: String,
//!         }
//!     }
//!     mod sync_generation {
//!         #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
//!         #[schema(table = "sync_generation", index(name = "idx_sync_generation_conduit", columns(conduit_id, generation)))]
//!         pub struct Model {
//!             #[schema(primary_key, autoincrement)]
//!             pub id: i32,
//!             #[schema(references = super::sync_conduit::id, on_delete = cascade)]
//!             pub conduit_id: i32,
//!             pub generation: i64,
//!         }
//!     }
//! }
//!
//! # fn main() {
//! let sql = fsync_schema::render::schema_sql(&schema(), fsync_schema::Backend::Sqlite).unwrap();
//! assert!(sql.contains(r#"CREATE INDEX "idx_sync_generation_conduit" ON "sync_generation" ("conduit_id", "generation")"#));
//! # }
//! ```
//!
//! The guide (`docs/guide/` in the repository) walks through entities, text
//! enums, relations and migrations with examples that run as tests.

#[cfg(all(feature = "migration", feature = "introspect"))]
pub mod baseline;
pub mod catalogue;
pub mod changes;
#[cfg(feature = "codegen")]
pub mod codegen;
pub mod compare;
#[cfg(any(feature = "migration", feature = "introspect"))]
pub mod connect;
pub mod enum_set;
pub mod equivalence;
pub mod fill;
#[cfg(feature = "migration")]
pub mod fleet;
#[cfg(feature = "introspect")]
pub mod introspect;
pub mod lint;
#[cfg(feature = "migration")]
pub mod migration;
pub mod normalize;
#[cfg(feature = "pull")]
pub mod pull;
pub mod render;
pub mod seaorm;
#[cfg(feature = "sql-docs")]
pub mod sql_docs;
pub mod text_enum;
pub mod value;

pub use fsync_schema_model::step::{self, Change, Step};

pub use enum_set::EnumSet;
pub use fsync_schema_derive::{Entity, TextEnum};
pub use fsync_schema_model::model::*;
pub use fsync_schema_model::{model, naming, validate};
pub use text_enum::{TextEnumError, TextVariant};
pub use value::{ColumnValue, SqlValue};

/// An entity whose table the schema model describes; implemented by
/// `#[derive(Entity)]`.
pub trait SchemaEntity: sea_orm::EntityTrait {
    /// The table's name.
    const TABLE_NAME: &'static str;

    /// The table's column names, in order.
    const COLUMN_NAMES: &'static [&'static str];

    /// The model's field names (without `r#`), one per column in the same
    /// order: they differ from the column names where a field declares
    /// `column = ".."`.
    const FIELD_NAMES: &'static [&'static str] = Self::COLUMN_NAMES;

    /// The column sets a foreign key may reference: the primary key, each
    /// UNIQUE constraint and each unique index.
    const UNIQUE_KEYS: &'static [&'static [&'static str]];

    /// The table as schema model.
    fn table() -> Table;

    /// `CREATE TABLE` for `backend`.
    fn create_table_statement(backend: Backend) -> sea_query::TableCreateStatement {
        render::create_table(&Self::table(), backend)
    }

    /// `CREATE INDEX` for each of the table's indexes on `backend`.
    fn create_index_statements(backend: Backend) -> Vec<sea_query::IndexCreateStatement> {
        render::create_indexes(&Self::table(), backend)
    }
}

/// Declares entity modules and a `schema()` function returning their tables:
///
/// ```
/// fsync_schema::entities! {
///     targets(sqlite, postgres);
///     pub mod note {
///         #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
///         #[schema(table = "note")]
///         pub struct Model {
///             #[schema(primary_key)]
///             pub id: i32,
///         }
///     }
/// }
/// # fn main() {
/// assert_eq!(schema().tables[0].name, "note");
/// assert_eq!(schema().targets.names(), "sqlite, postgres");
/// # }
/// ```
///
/// Modules are files (`mod entry;`) or inline (`mod note { .. }`). The
/// optional first line `targets(..)` names the backends the schema targets
/// (`sqlite`, `postgres`, `mysql`; all three when left out): the entities'
/// rules of those backends are checked at compile time, and only those, and
/// the tools render SQL for those backends only.
///
/// Declaring a module here is what registers it with `cargo xtask gen-migration`.
/// The list is matched in one pass, not one module at a time, so it takes any
/// number of modules without raising the crate's `recursion_limit` (the
/// workspace's tests build 300 entities, its benchmark 1,000).
#[macro_export]
macro_rules! entities {
    (targets $targets:tt; $($modules:tt)*) => {
        $crate::__entities!(@modules $targets $($modules)*);
    };
    ($($modules:tt)*) => {
        $crate::__entities!(@modules (sqlite, postgres, mysql) $($modules)*);
    };
}

/// The steps of [`entities!`]: the modules, `schema()`, and the backend rules
/// of every entity for each targeted backend. No step recurses over the
/// modules: each is one repetition, so the nesting depth stays the same
/// whatever their number.
#[doc(hidden)]
#[macro_export]
macro_rules! __entities {
    (@modules $targets:tt $($(#[$meta:meta])* $vis:vis mod $name:ident $body:tt)*) => {
        $($(#[$meta])* $vis mod $name $body)*
        /// The schema of every entity declared in this module, in declaration order.
        pub fn schema() -> $crate::Schema {
            $crate::Schema::new([$(<$name::Entity as $crate::SchemaEntity>::table()),*])
                .targeting($crate::__entities!(@targets $targets))
        }
        $crate::__entities!(@rules $targets [$($name)*]);
    };
    (@targets ($($backend:ident),* $(,)?)) => {
        $crate::Targets::of(&[$($crate::__entities!(@backend $backend)),*])
    };
    (@rules ($($backend:ident),* $(,)?) $names:tt) => {
        $($crate::__entities!(@rules_of $backend $names);)*
    };
    (@rules_of sqlite [$($name:ident)*]) => {
        $(const _: () = <$name::Entity as $crate::__private::BackendRules<()>>::SQLITE;)*
    };
    (@rules_of postgres [$($name:ident)*]) => {
        $(const _: () = <$name::Entity as $crate::__private::BackendRules<()>>::POSTGRES;)*
    };
    (@rules_of mysql [$($name:ident)*]) => {
        $(const _: () = <$name::Entity as $crate::__private::BackendRules<()>>::MYSQL;)*
    };
    // An unknown backend is reported once, by `@backend`.
    (@rules_of $other:ident $names:tt) => {};
    (@backend sqlite) => { $crate::Backend::Sqlite };
    (@backend postgres) => { $crate::Backend::Postgres };
    (@backend mysql) => { $crate::Backend::MySql };
    (@backend $other:ident) => {
        ::core::compile_error!(::core::concat!(
            "unknown backend `", ::core::stringify!($other), "` in `targets(..)`; expected `sqlite`, `postgres` or `mysql`"
        ))
    };
}

/// The tables the migration runner keeps for itself: sea-orm-migration's
/// record of applied migrations, the journal of a migration in progress on
/// MySQL, and the migration lock on a Galera cluster. They are no part of a
/// schema: `diff`, `pull`, `baseline`, introspection and `fresh`'s list of
/// what it leaves all skip them.
pub const RUNNER_TABLES: [&str; 3] = [
    "seaql_migrations",
    "fsync_schema_journal",
    "fsync_schema_lock",
];

/// Whether `table` is one of the [`RUNNER_TABLES`].
pub fn is_runner_table(table: &str) -> bool {
    RUNNER_TABLES.contains(&table)
}

#[doc(hidden)]
pub mod __private;
