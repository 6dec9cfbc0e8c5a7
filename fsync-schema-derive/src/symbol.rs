//! The vocabulary of `#[schema(..)]` and `#[text(..)]`: every key lives here.

pub const SCHEMA: &str = "schema";
pub const TEXT: &str = "text";

// Struct-level keys.
pub const TABLE: &str = "table";
pub const RENAMED_FROM: &str = "renamed_from";
pub const INDEX: &str = "index";
pub const UNIQUE: &str = "unique";
pub const PRIMARY_KEY: &str = "primary_key";
pub const FOREIGN_KEY: &str = "foreign_key";
pub const CHECK: &str = "check";
pub const HAS_MANY: &str = "has_many";
pub const HAS_ONE: &str = "has_one";
pub const CUSTOM_BEHAVIOR: &str = "custom_behavior";
pub const MANY_TO_MANY: &str = "many_to_many";
pub const STRICT: &str = "strict";
pub const WITHOUT_ROWID: &str = "without_rowid";
pub const COLLATE: &str = "collate";
pub const DOC_COMMENTS: &str = "doc_comments";
pub const CONTAINER_KEYS: &[&str] = &[
    TABLE,
    RENAMED_FROM,
    INDEX,
    UNIQUE,
    PRIMARY_KEY,
    FOREIGN_KEY,
    CHECK,
    HAS_MANY,
    HAS_ONE,
    MANY_TO_MANY,
    STRICT,
    WITHOUT_ROWID,
    COLLATE,
    DOC_COMMENTS,
    CUSTOM_BEHAVIOR,
];

// Field-level keys (with PRIMARY_KEY, UNIQUE, INDEX, RENAMED_FROM).
pub const AUTOINCREMENT: &str = "autoincrement";
pub const DEFAULT: &str = "default";
pub const DEFAULT_SQL: &str = "default_sql";
pub const REFERENCES: &str = "references";
pub const RELATES_TO: &str = "relates_to";
pub const ON_DELETE: &str = "on_delete";
pub const ON_UPDATE: &str = "on_update";
pub const RELATION: &str = "relation";
pub const CONSTRAINT: &str = "constraint";
pub const SQL_TYPE: &str = "sql_type";
pub const MAX_LEN: &str = "max_len";
pub const COLUMN: &str = "column";
pub const PRECISION: &str = "precision";
pub const SCALE: &str = "scale";
pub const NULLABLE: &str = "nullable";
pub const FIELD_KEYS: &[&str] = &[
    PRIMARY_KEY,
    AUTOINCREMENT,
    UNIQUE,
    INDEX,
    DEFAULT,
    DEFAULT_SQL,
    REFERENCES,
    RELATES_TO,
    ON_DELETE,
    ON_UPDATE,
    RELATION,
    CONSTRAINT,
    SQL_TYPE,
    MAX_LEN,
    RENAMED_FROM,
    COLUMN,
    PRECISION,
    SCALE,
    NULLABLE,
    COLLATE,
];

// Keys inside `index(..)`, `unique(..)`, `foreign_key(..)`, `check(..)`, `has_many(..)`.
pub const NAME: &str = "name";
pub const COLUMNS: &str = "columns";
pub const REF_COLUMNS: &str = "ref_columns";
pub const EXPR: &str = "expr";
pub const VIA: &str = "via";
pub const USING: &str = "using";
pub const WHERE: &str = "where";
pub const INCLUDE: &str = "include";
pub const DESC: &str = "desc";
pub const INDEX_KEYS: &[&str] = &[NAME, COLUMNS, UNIQUE, USING, WHERE, INCLUDE];
pub const UNIQUE_KEYS: &[&str] = &[NAME, COLUMNS];
pub const FOREIGN_KEY_KEYS: &[&str] = &[
    COLUMNS,
    REFERENCES,
    REF_COLUMNS,
    ON_DELETE,
    ON_UPDATE,
    RELATION,
    CONSTRAINT,
];
pub const CHECK_KEYS: &[&str] = &[NAME, EXPR];
pub const CHILD_KEYS: &[&str] = &[RELATION, VIA];

// Keys inside `sql_type(..)`.
pub const SQLITE: &str = "sqlite";
pub const POSTGRES: &str = "postgres";
pub const MYSQL: &str = "mysql";
pub const BACKENDS: &[&str] = &[SQLITE, POSTGRES, MYSQL];

// Default keywords.
pub const CURRENT_TIMESTAMP: &str = "current_timestamp";

// `#[text(..)]` keys.
pub const RENAME: &str = "rename";
pub const PREFIX: &str = "prefix";
pub const NATIVE: &str = "native";
pub const TEXT_KEYS: &[&str] = &[RENAME, PREFIX];
