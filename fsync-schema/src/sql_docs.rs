//! Reading the schema written as SQL in Markdown documentation.
//!
//! Every ```` ```sql ```` fenced block of a Markdown file is parsed with
//! `sqlparser` (SQLite dialect). `CREATE TABLE` and `CREATE [UNIQUE] INDEX`
//! statements become the model ([`Schema`]); other statements (queries,
//! `PRAGMA`s) are ignored. Each table, column, constraint and index keeps the
//! place it was written ([`Locations`]), so a mismatch can be reported as
//! `docs/schema/file-sync.md:42`.
//!
//! Declared types map back to the logical [`ColumnType`] SQLite suggests
//! (`INTEGER` is `integer`, `VARCHAR(64)` is `string(64)`); when the declared
//! text is not what the renderer writes for that type, it is kept in
//! `Column::sql_type.sqlite`, so a comparison sees the declared type exactly.
//! SQLite's INTEGER stands for `i16`, `i32`, `i64` and `bool` alike: compare
//! the docs with the entities at the level SQLite sees, with [`crate::normalize::comparable`] on
//! both sides.

use crate::compare::{Finding, Target};
use crate::model::{
    Action, Backend, Check, Column, ColumnType, DefaultValue, ForeignKey, Index, Schema, Table,
    Unique,
};
use crate::normalize;
use crate::render;
use serde::Serialize;
use sqlparser::ast::{
    ColumnOption, CreateIndex, CreateTable, DataType, Expr, Ident, IndexColumn, ObjectName,
    ReferentialAction, Spanned, Statement, TableConstraint, UnaryOperator, Value,
};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Span, Token};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a documentation file: 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

impl Location {
    /// `file:line:column`.
    pub fn full(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

impl fmt::Display for Location {
    /// `file:line`, the form editors and terminals link.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Where each part of the documented schema was written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Locations {
    /// By table name: the table's name in `CREATE TABLE`.
    pub tables: BTreeMap<String, Location>,
    /// By (table, column).
    pub columns: BTreeMap<(String, String), Location>,
    /// By table: the `PRIMARY KEY` clause, or the column holding it.
    pub primary_keys: BTreeMap<String, Location>,
    /// By (table, columns).
    pub uniques: BTreeMap<(String, Vec<String>), Location>,
    /// By (table, local columns).
    pub foreign_keys: BTreeMap<(String, Vec<String>), Location>,
    /// By (table, index name).
    pub indexes: BTreeMap<(String, String), Location>,
    /// By (table, name or else canonical expression).
    pub checks: BTreeMap<(String, String), Location>,
}

impl Locations {
    /// Where the docs wrote what `finding` is about; for things the docs
    /// lack, where they wrote the table; `None` when the table is missing too.
    pub fn of(&self, finding: &Finding) -> Option<&Location> {
        let table = finding.table.clone();
        let found = match &finding.target {
            Target::Table => None,
            Target::Column { name } => self.columns.get(&(table.clone(), name.clone())),
            Target::PrimaryKey => self.primary_keys.get(&table),
            Target::Unique { columns } => self.uniques.get(&(table.clone(), columns.clone())),
            Target::ForeignKey { columns } => {
                self.foreign_keys.get(&(table.clone(), columns.clone()))
            }
            Target::Index { name } => self.indexes.get(&(table.clone(), name.clone())),
            Target::Check { name, expr } => self
                .checks
                .get(&(table.clone(), name.clone().unwrap_or_else(|| expr.clone()))),
        };
        found.or_else(|| self.tables.get(&table))
    }
}

/// The schema written in documentation, and where each part was written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SqlDocs {
    pub schema: Schema,
    pub locations: Locations,
}

/// Why documentation could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SqlDocsError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// SQL that does not parse, or that the model cannot hold.
    #[error("{}: {message}", location.full())]
    Sql { location: Location, message: String },
}

/// One fenced ```` ```sql ```` block: its text and the file line of its first line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlBlock {
    pub first_line: u64,
    pub text: String,
}

/// The ```` ```sql ```` blocks of a Markdown text (fences of ``` or ~~~, up to
/// three spaces of indentation, info string starting with `sql`).
pub fn sql_blocks(markdown: &str) -> Vec<SqlBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, bool, u64, Vec<&str>)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let number = index as u64 + 1;
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let fence = |c: char| trimmed.chars().take_while(|&x| x == c).count();
        match &mut open {
            None => {
                if indent > 3 {
                    continue;
                }
                for c in ['`', '~'] {
                    let n = fence(c);
                    // CommonMark: a backtick fence's info string has no backticks,
                    // so "```` ```sql ```` block" in prose opens nothing.
                    if n >= 3 && !(c == '`' && trimmed[n..].contains('`')) {
                        let info = trimmed[n..].trim();
                        let language = info
                            .split(|ch: char| ch.is_whitespace() || ch == ',' || ch == '{')
                            .next()
                            .unwrap_or("");
                        open = Some((
                            c,
                            n,
                            language.eq_ignore_ascii_case("sql"),
                            number + 1,
                            Vec::new(),
                        ));
                        break;
                    }
                }
            }
            Some((c, n, is_sql, first, lines)) => {
                let closing = fence(*c);
                if indent <= 3 && closing >= *n && trimmed[closing..].trim().is_empty() {
                    if *is_sql {
                        blocks.push(SqlBlock {
                            first_line: *first,
                            text: lines.join("\n"),
                        });
                    }
                    open = None;
                } else {
                    lines.push(line);
                }
            }
        }
    }
    if let Some((_, _, true, first, lines)) = open {
        blocks.push(SqlBlock {
            first_line: first,
            text: lines.join("\n"),
        });
    }
    blocks
}

/// The Markdown files named by `paths`: files as given, folders replaced by
/// their `.md` and `.mdx` files, recursively, in name order.
pub fn markdown_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SqlDocsError> {
    let mut files = Vec::new();
    for path in paths {
        collect_files(path, &mut files)?;
    }
    Ok(files)
}

/// Reads the Markdown files named by `paths` (see [`markdown_files`]) into
/// one documented schema.
pub fn read(paths: &[PathBuf]) -> Result<SqlDocs, SqlDocsError> {
    let files = markdown_files(paths)?;
    let mut inputs = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|source| SqlDocsError::Io {
            path: file.display().to_string(),
            source,
        })?;
        inputs.push((file.display().to_string(), text));
    }
    parse_files(inputs.iter().map(|(f, t)| (f.as_str(), t.as_str())))
}

fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), SqlDocsError> {
    let io = |source| SqlDocsError::Io {
        path: path.display().to_string(),
        source,
    };
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io)?;
        entries.sort();
        for entry in entries {
            let markdown = entry
                .extension()
                .is_some_and(|ext| ext == "md" || ext == "mdx");
            if entry.is_dir() || markdown {
                collect_files(&entry, files)?;
            }
        }
        Ok(())
    } else if path.exists() {
        files.push(path.to_path_buf());
        Ok(())
    } else {
        Err(io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such file or folder",
        )))
    }
}

/// Parses one Markdown text; `file` names it in locations.
pub fn parse_markdown(file: &str, markdown: &str) -> Result<SqlDocs, SqlDocsError> {
    parse_files([(file, markdown)])
}

/// Parses several Markdown texts, given as (file name, text), into one schema:
/// an index may be documented in another file than its table.
pub fn parse_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<SqlDocs, SqlDocsError> {
    let mut reader = Reader::default();
    for (file, markdown) in files {
        for block in sql_blocks(markdown) {
            reader.block(file, &block)?;
        }
    }
    reader.finish()
}

/// Parses SQL text as if it started at `first_line` of `file`.
pub fn parse_sql(file: &str, first_line: u64, sql: &str) -> Result<SqlDocs, SqlDocsError> {
    let mut reader = Reader::default();
    reader.block(
        file,
        &SqlBlock {
            first_line,
            text: sql.to_owned(),
        },
    )?;
    reader.finish()
}

#[derive(Default)]
struct Reader {
    docs: SqlDocs,
    /// Indexes, kept until every table is known.
    indexes: Vec<(Location, CreateIndex)>,
    /// Foreign keys written without referenced columns: (table, fk position, location).
    implicit_targets: Vec<(String, usize, Location)>,
}

impl Reader {
    fn block(&mut self, file: &str, block: &SqlBlock) -> Result<(), SqlDocsError> {
        // Leading newlines make the parser's lines the file's lines.
        let padded = "\n".repeat(block.first_line.saturating_sub(1) as usize) + &block.text;
        let statements = Parser::parse_sql(&SQLiteDialect {}, &padded).map_err(|error| {
            let message = error.to_string();
            let message = message
                .strip_prefix("sql parser error: ")
                .unwrap_or(&message)
                .to_owned();
            let (line, column, message) =
                split_position(&message).unwrap_or((block.first_line, 1, message.clone()));
            SqlDocsError::Sql {
                location: Location {
                    file: file.to_owned(),
                    line,
                    column,
                },
                message,
            }
        })?;
        let start = Location {
            file: file.to_owned(),
            line: block.first_line,
            column: 1,
        };
        for statement in statements {
            match statement {
                Statement::CreateTable(create) => self.table(file, &start, create)?,
                Statement::CreateIndex(create) => {
                    let location = at(file, create_index_span(&create), &start);
                    self.indexes.push((location, create));
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn table(
        &mut self,
        file: &str,
        start: &Location,
        create: CreateTable,
    ) -> Result<(), SqlDocsError> {
        let name_ident = last_ident(&create.name);
        let table_location = at(file, name_ident.span, start);
        let name = name_ident.value.clone();
        let fail = |location: &Location, message: String| SqlDocsError::Sql {
            location: location.clone(),
            message,
        };
        if let Some(first) = self.docs.locations.tables.get(&name) {
            return Err(fail(
                &table_location,
                format!("table `{name}` is already defined at {first}"),
            ));
        }
        let locations = &mut self.docs.locations;
        locations
            .tables
            .insert(name.clone(), table_location.clone());
        let mut table = Table::new(&name);
        let mut primary_key_at: Option<Location> = None;
        let mut set_primary_key = |table: &mut Table,
                                   columns: Vec<String>,
                                   location: Location|
         -> Result<(), SqlDocsError> {
            if let Some(first) = &primary_key_at {
                return Err(fail(
                    &location,
                    format!("table `{name}` has a second primary key; the first is at {first}"),
                ));
            }
            table.primary_key = columns;
            primary_key_at = Some(location);
            Ok(())
        };

        for def in &create.columns {
            let column_name = def.name.value.clone();
            let location = at(file, def.name.span, start);
            locations
                .columns
                .insert((name.clone(), column_name.clone()), location.clone());
            let mut column = declared_column(&column_name, &def.data_type);
            column.nullable = true;
            for option in &def.options {
                let option_name = option.name.as_ref().map(|i| i.value.clone());
                match &option.option {
                    ColumnOption::Null => column.nullable = true,
                    ColumnOption::NotNull => column.nullable = false,
                    ColumnOption::Default(expr) => column.default = default_value(expr),
                    ColumnOption::PrimaryKey(_) => {
                        set_primary_key(&mut table, vec![column_name.clone()], location.clone())?;
                    }
                    ColumnOption::Unique(_) => {
                        table.uniques.push(Unique {
                            name: option_name,
                            columns: vec![column_name.clone()],
                        });
                        locations
                            .uniques
                            .insert((name.clone(), vec![column_name.clone()]), location.clone());
                    }
                    ColumnOption::ForeignKey(fk) => {
                        let references = at(file, last_ident(&fk.foreign_table).span, start);
                        let foreign_key = ForeignKey {
                            name: option_name.or_else(|| fk.name.as_ref().map(|i| i.value.clone())),
                            columns: vec![column_name.clone()],
                            ref_table: last_ident(&fk.foreign_table).value.clone(),
                            ref_columns: idents(&fk.referred_columns),
                            on_delete: action(fk.on_delete),
                            on_update: action(fk.on_update),
                        };
                        if foreign_key.ref_columns.is_empty() {
                            self.implicit_targets.push((
                                name.clone(),
                                table.foreign_keys.len(),
                                references,
                            ));
                        }
                        table.foreign_keys.push(foreign_key);
                        locations
                            .foreign_keys
                            .insert((name.clone(), vec![column_name.clone()]), location.clone());
                    }
                    ColumnOption::Check(check) => {
                        let check_name =
                            option_name.or_else(|| check.name.as_ref().map(|i| i.value.clone()));
                        let expr = check.expr.to_string();
                        locations.checks.insert(
                            (
                                name.clone(),
                                check_name
                                    .clone()
                                    .unwrap_or_else(|| normalize::canonical_expression(&expr)),
                            ),
                            at(file, check.expr.span(), &location),
                        );
                        table.checks.push(Check {
                            name: check_name,
                            expr,
                        });
                    }
                    ColumnOption::DialectSpecific(tokens) => {
                        for token in tokens {
                            if let Token::Word(word) = token
                                && word.value.eq_ignore_ascii_case("autoincrement")
                            {
                                column.autoincrement = true;
                            }
                        }
                    }
                    ColumnOption::Generated { .. } | ColumnOption::Identity(_) => {
                        return Err(fail(
                            &location,
                            format!(
                                "generated column `{column_name}` cannot be described by the schema model"
                            ),
                        ));
                    }
                    _ => {}
                }
            }
            table.columns.push(column);
        }

        for constraint in &create.constraints {
            match constraint {
                TableConstraint::PrimaryKey(key) => {
                    let columns = index_columns(&key.columns, file, start)?;
                    let span = key
                        .name
                        .as_ref()
                        .map(|i| i.span)
                        .or_else(|| key.columns.first().map(|c| c.column.expr.span()));
                    let location = at(file, span.unwrap_or(Span::empty()), &table_location);
                    set_primary_key(&mut table, columns, location)?;
                }
                TableConstraint::Unique(unique) => {
                    let columns = index_columns(&unique.columns, file, start)?;
                    let span = unique
                        .name
                        .as_ref()
                        .map(|i| i.span)
                        .or_else(|| unique.columns.first().map(|c| c.column.expr.span()));
                    locations.uniques.insert(
                        (name.clone(), columns.clone()),
                        at(file, span.unwrap_or(Span::empty()), &table_location),
                    );
                    table.uniques.push(Unique {
                        name: unique.name.as_ref().map(|i| i.value.clone()),
                        columns,
                    });
                }
                TableConstraint::ForeignKey(fk) => {
                    let columns = idents(&fk.columns);
                    let span = fk
                        .name
                        .as_ref()
                        .map(|i| i.span)
                        .or_else(|| fk.columns.first().map(|i| i.span));
                    let location = at(file, span.unwrap_or(Span::empty()), &table_location);
                    let foreign_key = ForeignKey {
                        name: fk.name.as_ref().map(|i| i.value.clone()),
                        columns: columns.clone(),
                        ref_table: last_ident(&fk.foreign_table).value.clone(),
                        ref_columns: idents(&fk.referred_columns),
                        on_delete: action(fk.on_delete),
                        on_update: action(fk.on_update),
                    };
                    if foreign_key.ref_columns.is_empty() {
                        self.implicit_targets.push((
                            name.clone(),
                            table.foreign_keys.len(),
                            location.clone(),
                        ));
                    }
                    table.foreign_keys.push(foreign_key);
                    locations
                        .foreign_keys
                        .insert((name.clone(), columns), location);
                }
                TableConstraint::Check(check) => {
                    let check_name = check.name.as_ref().map(|i| i.value.clone());
                    let expr = check.expr.to_string();
                    let span = check
                        .name
                        .as_ref()
                        .map(|i| i.span)
                        .unwrap_or_else(|| check.expr.span());
                    locations.checks.insert(
                        (
                            name.clone(),
                            check_name
                                .clone()
                                .unwrap_or_else(|| normalize::canonical_expression(&expr)),
                        ),
                        at(file, span, &table_location),
                    );
                    table.checks.push(Check {
                        name: check_name,
                        expr,
                    });
                }
                other => {
                    return Err(fail(
                        &at(file, other.span(), &table_location),
                        format!("constraint `{other}` cannot be described by the schema model"),
                    ));
                }
            }
        }

        for column in &mut table.columns {
            if table.primary_key.contains(&column.name) {
                column.nullable = false;
            }
        }
        if let Some(location) = primary_key_at {
            locations.primary_keys.insert(name.clone(), location);
        }
        self.docs.schema.tables.push(table);
        Ok(())
    }

    fn finish(mut self) -> Result<SqlDocs, SqlDocsError> {
        for (location, create) in std::mem::take(&mut self.indexes) {
            let table_name = last_ident(&create.table_name).value.clone();
            let fail = |message: String| SqlDocsError::Sql {
                location: location.clone(),
                message,
            };
            let Some(name) = &create.name else {
                return Err(fail("an index needs a name".to_owned()));
            };
            let index_name = last_ident(name).value.clone();
            let (columns, descending) = index_parts(&create.columns);
            let Some(table) = self
                .docs
                .schema
                .tables
                .iter_mut()
                .find(|t| t.name == table_name)
            else {
                return Err(fail(format!(
                    "index `{index_name}` is on table `{table_name}`, which no ```sql block creates"
                )));
            };
            table.indexes.push(Index {
                name: index_name.clone(),
                columns,
                unique: create.unique,
                descending,
                predicate: create.predicate.as_ref().map(ToString::to_string),
                ..Default::default()
            });
            self.docs
                .locations
                .indexes
                .insert((table_name, index_name), location);
        }
        for (table_name, position, location) in std::mem::take(&mut self.implicit_targets) {
            let schema = &self.docs.schema;
            let target = &schema
                .table(&table_name)
                .expect("table was parsed")
                .foreign_keys[position]
                .ref_table;
            let key = schema
                .table(target)
                .map(|t| t.primary_key.clone())
                .filter(|key| !key.is_empty())
                .ok_or_else(|| SqlDocsError::Sql {
                    location,
                    message: format!(
                        "foreign key references `{target}` without columns, and no ```sql block gives `{target}` a primary key"
                    ),
                })?;
            let table = self
                .docs
                .schema
                .tables
                .iter_mut()
                .find(|t| t.name == table_name)
                .expect("table was parsed");
            table.foreign_keys[position].ref_columns = key;
        }
        Ok(self.docs)
    }
}

/// Splits "... at Line: 3, Column: 26" into (3, 26, "...").
fn split_position(message: &str) -> Option<(u64, u64, String)> {
    let at = message.rfind(" at Line: ")?;
    let rest = &message[at + " at Line: ".len()..];
    let (line, column) = rest.split_once(", Column: ")?;
    let line = line.trim().parse().ok()?;
    let column = column.trim().parse().ok()?;
    let text = message[..at].trim_end_matches([',', ' ']).to_owned();
    Some((line, column, text))
}

/// The location of `span`, or `fallback` when the parser gave none.
fn at(file: &str, span: Span, fallback: &Location) -> Location {
    if span.start.line == 0 {
        fallback.clone()
    } else {
        Location {
            file: file.to_owned(),
            line: span.start.line,
            column: span.start.column,
        }
    }
}

fn create_index_span(create: &CreateIndex) -> Span {
    create
        .name
        .as_ref()
        .map(|n| last_ident(n).span)
        .unwrap_or_else(|| last_ident(&create.table_name).span)
}

fn last_ident(name: &ObjectName) -> Ident {
    name.0
        .last()
        .and_then(|part| part.as_ident().cloned())
        .unwrap_or_else(|| Ident::new(name.to_string()))
}

fn idents(idents: &[Ident]) -> Vec<String> {
    idents.iter().map(|i| i.value.clone()).collect()
}

fn index_columns(
    columns: &[IndexColumn],
    file: &str,
    fallback: &Location,
) -> Result<Vec<String>, SqlDocsError> {
    columns
        .iter()
        .map(|column| match &column.column.expr {
            Expr::Identifier(ident) => Ok(ident.value.clone()),
            other => Err(SqlDocsError::Sql {
                location: at(file, other.span(), fallback),
                message: format!(
                    "`{other}` is not a column; a key or unique constraint names columns only"
                ),
            }),
        })
        .collect()
}

/// The key parts of an index: a column's name, or an expression in
/// parentheses; and the parts sorted descending.
fn index_parts(columns: &[IndexColumn]) -> (Vec<String>, std::collections::BTreeSet<String>) {
    let mut descending = std::collections::BTreeSet::new();
    let parts = columns
        .iter()
        .map(|column| {
            let part = match &column.column.expr {
                Expr::Identifier(ident) => ident.value.clone(),
                other => Index::expression_part(&other.to_string()),
            };
            if matches!(
                column.column.options.sort,
                Some(sqlparser::ast::OrderBySort::Desc)
            ) {
                descending.insert(part.clone());
            }
            part
        })
        .collect();
    (parts, descending)
}

fn action(action: Option<ReferentialAction>) -> Action {
    match action {
        None | Some(ReferentialAction::NoAction) => Action::NoAction,
        Some(ReferentialAction::Restrict) => Action::Restrict,
        Some(ReferentialAction::Cascade) => Action::Cascade,
        Some(ReferentialAction::SetNull) => Action::SetNull,
        Some(ReferentialAction::SetDefault) => Action::SetDefault,
    }
}

/// A column from its declared type: the logical type SQLite's affinity rules
/// suggest, and the declared text when the renderer would write another.
fn declared_column(name: &str, data_type: &DataType) -> Column {
    let declared = match data_type {
        DataType::Unspecified => String::new(),
        other => other.to_string(),
    };
    let ty = normalize::logical_type(&declared, Backend::Sqlite).unwrap_or(ColumnType::Text);
    let mut column = Column::new(name, ty);
    if declared != render::native_type(ty, Backend::Sqlite) {
        column.sql_type.sqlite = Some(declared);
    }
    column
}

/// A default from its expression: literals as literals, anything else as SQL.
fn default_value(expr: &Expr) -> Option<DefaultValue> {
    fn number(text: &str, negative: bool) -> DefaultValue {
        let signed = if negative {
            format!("-{text}")
        } else {
            text.to_owned()
        };
        match signed.parse::<i64>() {
            Ok(int) => DefaultValue::Int(int),
            Err(_) => match signed.parse::<f64>() {
                Ok(float) => DefaultValue::Float(float),
                Err(_) => DefaultValue::Sql(signed),
            },
        }
    }
    Some(match expr {
        Expr::Value(value) => match &value.value {
            Value::Number(text, _) => number(text, false),
            Value::SingleQuotedString(text) => DefaultValue::Text(text.clone()),
            Value::Boolean(flag) => DefaultValue::Bool(*flag),
            Value::Null => return None,
            _ => DefaultValue::Sql(expr.to_string()),
        },
        Expr::UnaryOp {
            op: op @ (UnaryOperator::Minus | UnaryOperator::Plus),
            expr: inner,
        } => match inner.as_ref() {
            Expr::Value(value) => match &value.value {
                Value::Number(text, _) => number(text, *op == UnaryOperator::Minus),
                _ => DefaultValue::Sql(expr.to_string()),
            },
            _ => DefaultValue::Sql(expr.to_string()),
        },
        Expr::Function(function)
            if function
                .name
                .to_string()
                .eq_ignore_ascii_case("current_timestamp")
                && function.args.to_string().is_empty() =>
        {
            DefaultValue::CurrentTimestamp
        }
        Expr::Identifier(ident) if ident.value.eq_ignore_ascii_case("current_timestamp") => {
            DefaultValue::CurrentTimestamp
        }
        other => DefaultValue::Sql(other.to_string()),
    })
}
