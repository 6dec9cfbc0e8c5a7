//! `sql_docs`: the SQL of FSYNC-002 read into the model, and each kind of
//! mismatch, made in a perturbed copy of that SQL, found where it was written.
#![cfg(feature = "sql-docs")]

use fsync_schema::compare::{Finding, Sides, compare_with};
use fsync_schema::sql_docs::{self, SqlDocs, SqlDocsError};
use fsync_schema::{
    Action, Backend, Column, ColumnType as T, DefaultValue, ForeignKey, Schema, Table, normalize,
};

const SPEC: &str = include_str!("data/fsync-002.md");
const FILE: &str = "docs/schema/file-sync.md";

fn parse(markdown: &str) -> SqlDocs {
    sql_docs::parse_markdown(FILE, markdown).unwrap_or_else(|e| panic!("{e}"))
}

fn int(name: &str, default: i64) -> Column {
    Column::new(name, T::Integer).default(DefaultValue::Int(default))
}

/// The spec's tables as the docs describe them: SQLite's INTEGER read as `integer`.
fn spec_model() -> Schema {
    let conduit = Table::new("sync_conduit")
        .with_column(Column::new("id", T::Integer).autoincrement())
        .with_column(Column::new("uuid", T::Blob))
        .with_column(Column::new("source_entry_id", T::Integer))
        .with_column(Column::new("target_entry_id", T::Integer))
        .with_column(Column::new("sync_mode", T::Text))
        .with_column(int("enabled", 1))
        .with_column(Column::new("schedule", T::Text).default(DefaultValue::Text("manual".into())))
        .with_column(int("use_index_rules", 1))
        .with_column(Column::new("index_mode_override", T::Text).nullable())
        .with_column(int("parallel_transfers", 3))
        .with_column(Column::new("bandwidth_limit_mbps", T::Integer).nullable())
        .with_column(Column::new("last_sync_completed_at", T::Text).nullable())
        .with_column(int("sync_generation", 0))
        .with_column(Column::new("last_sync_error", T::Text).nullable())
        .with_column(int("total_syncs", 0))
        .with_column(int("files_synced", 0))
        .with_column(int("bytes_transferred", 0))
        .with_column(Column::new("created_at", T::Text))
        .with_column(Column::new("updated_at", T::Text))
        .primary_key(["id"])
        .unique(None, ["uuid"])
        .foreign_key(
            ForeignKey::new(["source_entry_id"], "entry", ["id"]).on_delete(Action::Cascade),
        )
        .foreign_key(
            ForeignKey::new(["target_entry_id"], "entry", ["id"]).on_delete(Action::Cascade),
        )
        .index("idx_sync_conduit_enabled", ["enabled"]);
    let generation = Table::new("sync_generation")
        .with_column(Column::new("id", T::Integer).autoincrement())
        .with_column(Column::new("conduit_id", T::Integer))
        .with_column(Column::new("generation", T::Integer))
        .with_column(Column::new("started_at", T::Text))
        .with_column(Column::new("completed_at", T::Text).nullable())
        .with_column(int("files_copied", 0))
        .with_column(int("files_deleted", 0))
        .with_column(int("conflicts_resolved", 0))
        .with_column(int("bytes_transferred", 0))
        .with_column(int("errors_encountered", 0))
        .with_column(Column::new("verified_at", T::Text).nullable())
        .with_column(
            Column::new("verification_status", T::Text)
                .default(DefaultValue::Text("unverified".into())),
        )
        .primary_key(["id"])
        .foreign_key(
            ForeignKey::new(["conduit_id"], "sync_conduit", ["id"]).on_delete(Action::Cascade),
        )
        .index("idx_sync_generation_conduit", ["conduit_id", "generation"]);
    Schema::new([conduit, generation])
}

/// The 1-based line of the only line containing `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` should be on exactly one line");
    lines[0] as u64
}

/// Replaces the one occurrence of `from` in the spec.
fn perturb(from: &str, to: &str) -> String {
    assert_eq!(SPEC.matches(from).count(), 1, "`{from}` should occur once");
    SPEC.replacen(from, to, 1)
}

/// The findings between the spec and a perturbed copy, each with the location
/// the copy gives it.
fn mismatches(perturbed: &str) -> Vec<(String, Option<String>)> {
    let spec = parse(SPEC);
    let docs = parse(perturbed);
    let findings: Vec<Finding> = compare_with(
        &normalize::comparable(&spec.schema, Backend::Sqlite),
        &normalize::comparable(&docs.schema, Backend::Sqlite),
        &Sides::new("spec", "docs"),
    );
    findings
        .iter()
        .map(|f| {
            (
                f.to_string(),
                docs.locations.of(f).map(|location| location.to_string()),
            )
        })
        .collect()
}

fn at(text: &str, needle: &str) -> Option<String> {
    Some(format!("{FILE}:{}", line_of(text, needle)))
}

#[test]
fn the_spec_sql_reads_as_the_model() {
    let docs = parse(SPEC);
    assert_eq!(docs.schema, spec_model());
    assert_eq!(
        docs.locations.tables["sync_generation"].full(),
        format!(
            "{FILE}:{}:14",
            line_of(SPEC, "CREATE TABLE sync_generation")
        )
    );
    assert_eq!(
        docs.locations.columns[&("sync_conduit".into(), "enabled".into())].full(),
        format!("{FILE}:{}:5", line_of(SPEC, "enabled INTEGER"))
    );
    assert_eq!(
        docs.locations.indexes[&(
            "sync_generation".into(),
            "idx_sync_generation_conduit".into()
        )]
            .line,
        line_of(SPEC, "CREATE INDEX idx_sync_generation_conduit")
    );
    assert_eq!(
        docs.locations.foreign_keys[&("sync_conduit".into(), vec!["target_entry_id".into()])].line,
        line_of(SPEC, "FOREIGN KEY (target_entry_id)")
    );
    assert_eq!(
        sql_docs::sql_blocks(SPEC).len(),
        2,
        "the rust block is not sql"
    );
}

#[test]
fn a_copy_without_changes_has_no_mismatch() {
    assert_eq!(mismatches(SPEC), vec![]);
}

#[test]
fn changed_column_properties_are_found_on_their_line() {
    let text = perturb(
        "enabled INTEGER NOT NULL DEFAULT 1",
        "enabled INTEGER NOT NULL DEFAULT 0",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit.enabled: default is 1 in the spec but 0 in the docs".to_owned(),
            at(&text, "enabled INTEGER")
        )]
    );

    let text = perturb("sync_mode TEXT NOT NULL", "sync_mode VARCHAR(16) NOT NULL");
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit.sync_mode: type is TEXT in the spec but VARCHAR(16) in the docs".into(),
            at(&text, "sync_mode VARCHAR")
        )]
    );

    let text = perturb(
        "index_mode_override TEXT,",
        "index_mode_override TEXT NOT NULL,",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit.index_mode_override: nullable in the spec but NOT NULL in the docs"
                .into(),
            at(&text, "index_mode_override")
        )]
    );

    let text = perturb(
        "schedule TEXT NOT NULL DEFAULT 'manual'",
        "schedule TEXT NOT NULL",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit.schedule: default is 'manual' in the spec but none in the docs".into(),
            at(&text, "schedule TEXT")
        )]
    );

    let text = perturb(
        "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    conduit_id",
        "    id INTEGER PRIMARY KEY,\n    conduit_id",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_generation.id: AUTOINCREMENT in the spec but not AUTOINCREMENT in the docs"
                .into(),
            at(&text, "id INTEGER PRIMARY KEY,")
        )]
    );
}

#[test]
fn missing_extra_and_moved_columns_are_found() {
    let text = perturb("    last_sync_error TEXT,\n", "");
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit.last_sync_error: column is in the spec but not in the docs".into(),
            at(&text, "CREATE TABLE sync_conduit")
        )]
    );

    let text = perturb(
        "    last_sync_error TEXT,\n",
        "    last_sync_error TEXT,\n    last_sync_warning TEXT,\n",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit.last_sync_warning: column is in the docs but not in the spec".into(),
            at(&text, "last_sync_warning")
        )]
    );

    let text = perturb(
        "    created_at TEXT NOT NULL,\n    updated_at TEXT NOT NULL,\n    FOREIGN KEY (source",
        "    updated_at TEXT NOT NULL,\n    created_at TEXT NOT NULL,\n    FOREIGN KEY (source",
    );
    let found = mismatches(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].0.starts_with("sync_conduit: column order is (")
            && found[0]
                .0
                .contains("bytes_transferred, created_at, updated_at) in the spec but (")
            && found[0]
                .0
                .ends_with("bytes_transferred, updated_at, created_at) in the docs"),
        "{found:?}"
    );
    assert_eq!(found[0].1, at(&text, "CREATE TABLE sync_conduit"));
}

#[test]
fn keys_and_constraints_are_found_on_their_line() {
    let text = perturb(
        "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    conduit_id",
        "    id INTEGER NOT NULL,\n    conduit_id",
    )
    .replacen(
        "    FOREIGN KEY (conduit_id)",
        "    PRIMARY KEY (id, generation),\n    FOREIGN KEY (conduit_id)",
        1,
    );
    assert_eq!(
        mismatches(&text),
        [
            (
                "sync_generation.id: AUTOINCREMENT in the spec but not AUTOINCREMENT in the docs"
                    .into(),
                at(&text, "    id INTEGER NOT NULL,")
            ),
            (
                "sync_generation: primary key: columns is (id) in the spec but (id, generation) in the docs"
                    .into(),
                at(&text, "PRIMARY KEY (id, generation)")
            ),
        ]
    );

    let text = perturb("uuid BLOB NOT NULL UNIQUE", "uuid BLOB NOT NULL");
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit: unique (uuid) is in the spec but not in the docs".into(),
            at(&text, "CREATE TABLE sync_conduit")
        )]
    );

    let text = perturb(
        "    FOREIGN KEY (source_entry_id)",
        "    CONSTRAINT uq_endpoints UNIQUE (source_entry_id, target_entry_id),\n    FOREIGN KEY (source_entry_id)",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit: unique (source_entry_id, target_entry_id) is in the docs but not in the spec"
                .into(),
            at(&text, "uq_endpoints")
        )]
    );

    let text = perturb(
        "FOREIGN KEY (source_entry_id) REFERENCES entry(id) ON DELETE CASCADE",
        "FOREIGN KEY (source_entry_id) REFERENCES entry(id) ON DELETE SET NULL ON UPDATE RESTRICT",
    );
    assert_eq!(
        mismatches(&text),
        [
            (
                "sync_conduit: foreign key (source_entry_id): ON DELETE is CASCADE in the spec but SET NULL in the docs".into(),
                at(&text, "FOREIGN KEY (source_entry_id)")
            ),
            (
                "sync_conduit: foreign key (source_entry_id): ON UPDATE is NO ACTION in the spec but RESTRICT in the docs".into(),
                at(&text, "FOREIGN KEY (source_entry_id)")
            ),
        ]
    );

    let text = perturb(
        "FOREIGN KEY (target_entry_id) REFERENCES entry(id)",
        "FOREIGN KEY (target_entry_id) REFERENCES entries(id)",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit: foreign key (target_entry_id): target is entry(id) in the spec but entries(id) in the docs".into(),
            at(&text, "FOREIGN KEY (target_entry_id)")
        )]
    );

    // A column-level REFERENCES instead of the table-level clause is the same key.
    let text = perturb(
        "    conduit_id INTEGER NOT NULL,",
        "    conduit_id INTEGER NOT NULL REFERENCES sync_conduit ON DELETE CASCADE,",
    )
    .replacen(
        ",\n    FOREIGN KEY (conduit_id) REFERENCES sync_conduit(id) ON DELETE CASCADE",
        "",
        1,
    );
    assert_eq!(mismatches(&text), vec![]);

    let text = perturb(
        ",\n    FOREIGN KEY (conduit_id) REFERENCES sync_conduit(id) ON DELETE CASCADE",
        "",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_generation: foreign key (conduit_id) is in the spec but not in the docs".into(),
            at(&text, "CREATE TABLE sync_generation")
        )]
    );

    let text = perturb(
        "    errors_encountered INTEGER NOT NULL DEFAULT 0,",
        "    errors_encountered INTEGER NOT NULL DEFAULT 0 CHECK (errors_encountered >= 0),",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_generation: check (errors_encountered>=0) is in the docs but not in the spec"
                .into(),
            at(&text, "CHECK (errors_encountered")
        )]
    );
}

#[test]
fn index_changes_are_found_on_their_line() {
    let text = perturb(
        "ON sync_generation(conduit_id, generation)",
        "ON sync_generation(generation, conduit_id)",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_generation: index `idx_sync_generation_conduit`: columns is (conduit_id, generation) in the spec but (generation, conduit_id) in the docs".into(),
            at(&text, "CREATE INDEX idx_sync_generation_conduit")
        )]
    );

    let text = perturb(
        "CREATE INDEX idx_sync_conduit_enabled",
        "CREATE UNIQUE INDEX idx_sync_conduit_enabled",
    );
    assert_eq!(
        mismatches(&text),
        [(
            "sync_conduit: index `idx_sync_conduit_enabled`: uniqueness is not unique in the spec but UNIQUE in the docs".into(),
            at(&text, "idx_sync_conduit_enabled")
        )]
    );

    let text = perturb(
        "CREATE INDEX idx_sync_conduit_enabled",
        "CREATE INDEX idx_conduit_enabled",
    );
    assert_eq!(
        mismatches(&text),
        [
            (
                "sync_conduit: index `idx_sync_conduit_enabled` is in the spec but not in the docs"
                    .into(),
                at(&text, "CREATE TABLE sync_conduit")
            ),
            (
                "sync_conduit: index `idx_conduit_enabled` is in the docs but not in the spec"
                    .into(),
                at(&text, "idx_conduit_enabled")
            ),
        ]
    );
}

#[test]
fn missing_and_extra_tables_are_found() {
    let start = SPEC.find("```sql\nCREATE TABLE sync_generation").unwrap();
    let last = "ON sync_generation(conduit_id, generation);\n```\n";
    let end = SPEC.find(last).unwrap() + last.len();
    let text = format!("{}{}", &SPEC[..start], &SPEC[end..]);
    assert_eq!(
        mismatches(&text),
        [(
            "sync_generation: table is in the spec but not in the docs".to_owned(),
            None
        )]
    );

    let text = format!("{SPEC}\n```sql\nCREATE TABLE note (id INTEGER PRIMARY KEY);\n```\n");
    assert_eq!(
        mismatches(&text),
        [(
            "note: table is in the docs but not in the spec".to_owned(),
            at(&text, "CREATE TABLE note")
        )]
    );
}

#[test]
fn sql_that_does_not_parse_is_an_error_with_line_and_column() {
    let text = perturb(
        "    parallel_transfers INTEGER NOT NULL DEFAULT 3,",
        "    parallel_transfers INTEGER NOT NULL DEFAULT,",
    );
    let error = sql_docs::parse_markdown(FILE, &text).unwrap_err();
    let line = line_of(&text, "parallel_transfers");
    match &error {
        SqlDocsError::Sql { location, message } => {
            assert_eq!((location.line, location.column), (line, 48), "{error}");
            assert!(message.contains("Expected: an expression"), "{message}");
        }
        other => panic!("{other}"),
    }
    assert!(
        error
            .to_string()
            .starts_with(&format!("{FILE}:{line}:48: ")),
        "{error}"
    );

    let text = perturb("DEFAULT 'unverified'", "DEFAULT 'unverified");
    let error = sql_docs::parse_markdown(FILE, &text).unwrap_err();
    let line = line_of(&text, "verification_status TEXT");
    assert!(
        error
            .to_string()
            .starts_with(&format!("{FILE}:{line}:47: Unterminated string literal")),
        "{error}"
    );
}

#[test]
fn index_kinds_in_docs_are_read() {
    let text = format!(
        "{SPEC}\n```sql\nCREATE INDEX idx_lower ON sync_conduit(lower(sync_mode), id DESC) WHERE enabled = 1;\n```\n"
    );
    let docs = sql_docs::parse_markdown(FILE, &text).expect("parse");
    let index = docs
        .schema
        .table("sync_conduit")
        .and_then(|t| t.indexes.iter().find(|i| i.name == "idx_lower"))
        .expect("idx_lower");
    assert_eq!(index.columns, ["(lower(sync_mode))", "id"]);
    assert!(index.descending.contains("id"), "{index:?}");
    assert_eq!(index.predicate.as_deref(), Some("enabled = 1"));
}

#[test]
fn the_model_cannot_hold_some_sql_and_says_where() {
    let text = format!("{SPEC}\n```sql\nCREATE INDEX idx_x ON missing(a);\n```\n");
    let error = sql_docs::parse_markdown(FILE, &text).unwrap_err();
    assert!(
        error.to_string().contains("which no ```sql block creates"),
        "{error}"
    );

    let text = format!("{SPEC}\n```sql\nCREATE TABLE sync_conduit (id INTEGER);\n```\n");
    let error = sql_docs::parse_markdown(FILE, &text).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{FILE}:{}:14: table `sync_conduit` is already defined at {FILE}:{}",
            line_of(&text, "CREATE TABLE sync_conduit (id"),
            line_of(SPEC, "CREATE TABLE sync_conduit")
        )
    );
}

#[test]
fn fences_and_declared_types_are_read_as_sqlite_reads_them() {
    let text = "\
Text about ```` ```sql ```` blocks,
```` ```sql ```` even at the start of a line.

~~~sql
CREATE TABLE t (
  a int PRIMARY KEY,
  b varchar(12) DEFAULT -2.5,
  c BOOLEAN DEFAULT TRUE,
  d TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  e NUMERIC DEFAULT (1 + 2),
  f,
  CONSTRAINT ck CHECK (a > 0)
);
~~~

```sql title=\"ignored info\"
SELECT 1;
```

    ```sql
    CREATE TABLE not_a_fence (a INTEGER);
    ```
";
    let docs = parse(text);
    let table = Table::new("t")
        .with_column(Column::new("a", T::Integer).sql_type(fsync_schema::Backend::Sqlite, "INT"))
        .with_column(
            Column::new("b", T::String(12))
                .nullable()
                .default(DefaultValue::Float(-2.5)),
        )
        .with_column(
            Column::new("c", T::Boolean)
                .nullable()
                .sql_type(fsync_schema::Backend::Sqlite, "BOOLEAN")
                .default(DefaultValue::Bool(true)),
        )
        .with_column(
            Column::new("d", T::DateTime)
                .nullable()
                .sql_type(fsync_schema::Backend::Sqlite, "TIMESTAMP")
                .default(DefaultValue::CurrentTimestamp),
        )
        .with_column(
            Column::new("e", T::Text)
                .nullable()
                .sql_type(fsync_schema::Backend::Sqlite, "NUMERIC")
                .default(DefaultValue::Sql("(1 + 2)".into())),
        )
        .with_column(
            Column::new("f", T::Blob)
                .nullable()
                .sql_type(fsync_schema::Backend::Sqlite, ""),
        )
        .primary_key(["a"])
        .check(Some("ck"), "a > 0");
    assert_eq!(docs.schema, Schema::new([table]));
    assert_eq!(docs.locations.checks[&("t".into(), "ck".into())].line, 12);
}
