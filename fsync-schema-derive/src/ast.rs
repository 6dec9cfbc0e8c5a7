//! The checked input of `#[derive(Entity)]`: the struct's fields with their
//! attributes, the table model they describe, and the span of every part of
//! that model, so that problems found in the model land under the right token.

use crate::attr::{self, ContainerAttrs, FieldAttrs};
use crate::ctxt::{Ctxt, Loc};
use crate::naming::{pascal_case, relation_name};
use crate::symbol::{CONSTRAINT, ON_DELETE, ON_UPDATE, PRIMARY_KEY, REFERENCES, RELATION, TABLE};
use fsync_schema_model::validate::{self, Place, Problem, Requirement};
use fsync_schema_model::{
    Action, Column, ColumnType, ForeignKey as ModelForeignKey, Index, SqlTypes, Table, Targets,
    Unique,
};
use proc_macro2::Span;
use std::collections::HashMap;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, Path, Type, Visibility};

/// One entity: a struct, one field per column.
pub struct Entity<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub fields: Vec<Field<'a>>,
    /// The table as the attributes declare it. Column types are placeholders:
    /// the compiler supplies them through `ColumnValue` at the field's span.
    pub table: Table,
    pub foreign_keys: Vec<ForeignKey>,
    pub children: Vec<Child>,
    /// `many_to_many(target, via = junction)`: (target module, junction module).
    pub many_to_many: Vec<(Path, Path)>,
    pub custom_behavior: bool,
    /// Where each part of `table` was written.
    pub spans: HashMap<Place, Loc>,
    /// The broken structural rules that exist because of some backends only:
    /// errors only when the schema targets one of them, so `expand` emits
    /// them as backend rules that `entities!` checks.
    pub backend_problems: Vec<Problem>,
}

/// One field: a column.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    /// Where the type was written: errors about the type land there.
    pub ty_loc: Loc,
    /// The column's name: `column = ".."`, else the field's name without `r#`.
    pub name: String,
    /// The field's name without `r#`.
    pub field_name: String,
    /// The `Column` and `PrimaryKey` variant.
    pub variant: Ident,
    /// `max_len`, making a text column string(n): the length and where it was written.
    pub max_len: Option<(u32, Loc)>,
    /// `precision` and `scale`, making a `Decimal` column decimal(p, s):
    /// the numbers and where they were written.
    pub decimal: Option<((u32, u32), Loc)>,
    /// `nullable`: a plain field whose column may hold NULL, and where it was written.
    pub nullable: Option<Loc>,
}

/// A foreign key and the `belongs_to` relation it gives.
pub struct ForeignKey {
    /// The key's index in `Entity::table.foreign_keys`; `None` for a
    /// relation the database does not enforce (`relates_to`).
    pub model: Option<usize>,
    /// Indices into `Entity::fields`.
    pub fields: Vec<usize>,
    /// The referenced entity's module (`super::entry`, or `self`).
    pub module: Path,
    pub ref_columns: Vec<Ident>,
    pub on_delete: Action,
    pub on_update: Action,
    pub relation: Ident,
    pub span: Span,
}

impl ForeignKey {
    /// Whether the key references the entity's own table.
    pub fn is_self_reference(&self) -> bool {
        self.module.is_ident("self")
    }
}

/// A `has_many` / `has_one` relation declared by the parent.
pub struct Child {
    pub many: bool,
    pub module: Path,
    pub relation: Ident,
    /// The child's `belongs_to` relation.
    pub via: Via,
    pub span: Span,
}

/// How a parent names the child's `belongs_to` relation.
pub enum Via {
    /// By the child's foreign-key column: each child answers
    /// `Relation::<column>` for its single-column foreign keys.
    Column(Ident),
    /// By the relation's variant, `via = ..`.
    Relation(Ident),
}

impl<'a> Entity<'a> {
    /// Reads and checks the derive input; every problem goes to `cx`. Returns
    /// `None` when the input is not an entity at all (not a struct with named
    /// fields, or generic), since nothing sensible can then be generated.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Entity<'a>> {
        let named = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => Some(named),
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        "`Entity` needs a struct with named fields, one per column",
                    );
                    None
                }
            },
            Data::Enum(data) => {
                cx.error(
                    data.enum_token.span,
                    "`Entity` can only be derived for a struct; for enums stored as text use `#[derive(fsync_schema::TextEnum)]`",
                );
                None
            }
            Data::Union(data) => {
                cx.error(
                    data.union_token.span,
                    "`Entity` can only be derived for a struct",
                );
                None
            }
        };
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "an entity cannot be generic; write one concrete struct per table",
            );
            return None;
        }
        let named = named?;
        let container = attr::container(cx, &input.attrs);
        let fields_attrs: Vec<(&'a syn::Field, FieldAttrs)> = named
            .named
            .iter()
            .map(|field| (field, attr::field(cx, &field.attrs)))
            .collect();
        Some(lower(cx, input, container, fields_attrs))
    }

    /// The typed rules this entity must meet (one per place and column).
    pub fn requirements(&self) -> Vec<Requirement<'_>> {
        validate::requirements(&self.table)
    }

    /// Where `place` was written, or the struct's name.
    pub fn span(&self, place: Place) -> Loc {
        self.spans
            .get(&place)
            .copied()
            .unwrap_or_else(|| self.ident.span().into())
    }
}

/// Builds the table model and the span map from the attributes, then runs the
/// model's structural validation and reports each problem at its span.
fn lower<'a>(
    cx: &Ctxt,
    input: &'a DeriveInput,
    container: ContainerAttrs,
    fields_attrs: Vec<(&'a syn::Field, FieldAttrs)>,
) -> Entity<'a> {
    let mut spans: HashMap<Place, Loc> = HashMap::new();
    let table_name = match &container.table {
        Some(table) => {
            spans.insert(Place::Table, table.loc);
            table.value.clone()
        }
        None => {
            if !cx.was_attempted(TABLE) {
                cx.error_spanned_by(
                    &input.ident,
                    "missing table name; add `#[schema(table = \"..\")]` to the struct",
                );
            }
            input.ident.to_string().to_lowercase()
        }
    };
    spans.insert(Place::PrimaryKey, input.ident.span().into());
    let mut table = Table::new(&table_name);
    table.renamed_from = container.renamed_from.as_ref().map(|r| r.value.clone());
    table.options.strict = container.strict.is_some();
    table.options.without_rowid = container.without_rowid.is_some();
    table.options.collation = container.collate.as_ref().map(|c| c.value.clone());
    let doc_comments = container.doc_comments.is_some();
    if doc_comments {
        table.options.comment = attr::doc_text(&input.attrs);
    }

    let mut fields = Vec::new();
    let mut foreign_keys = Vec::new();
    let mut field_keys: Vec<(usize, Span)> = Vec::new();
    for (i, (field, attrs)) in fields_attrs.iter().enumerate() {
        let ident = field.ident.as_ref().expect("named field");
        let field_name = ident.unraw().to_string();
        let name = attrs
            .column
            .as_ref()
            .map_or_else(|| field_name.clone(), |c| c.value.clone());
        spans.insert(
            Place::Column(i),
            attrs.column.as_ref().map_or(ident.span().into(), |c| c.loc),
        );
        spans.insert(Place::ColumnType(i), Loc::of(&field.ty));
        // The type is the compiler's to tell (through `ColumnValue`); a
        // `max_len` or `precision` makes it known here.
        let ty = match (&attrs.max_len, decimal(attrs)) {
            (_, Some(((precision, scale), _))) => ColumnType::Decimal(precision, scale),
            (Some(len), None) => ColumnType::String(len.value),
            (None, None) => ColumnType::Text,
        };
        let mut column = Column::new(&name, ty);
        column.renamed_from = attrs.renamed_from.as_ref().map(|r| r.value.clone());
        column.collation = attrs.collate.as_ref().map(|c| c.value.clone());
        if doc_comments {
            column.comment = attr::doc_text(&field.attrs);
        }
        column.sql_type = SqlTypes {
            sqlite: attrs.sql_type.sqlite.as_ref().map(|s| s.value.clone()),
            postgres: attrs.sql_type.postgres.as_ref().map(|s| s.value.clone()),
            mysql: attrs.sql_type.mysql.as_ref().map(|s| s.value.clone()),
        };
        if let Some(span) = attrs.autoincrement {
            column.autoincrement = true;
            spans.insert(Place::Autoincrement(i), span.into());
        }
        if let Some((default, _)) = &attrs.default {
            column.default = Some(default.value.clone());
            spans.insert(Place::Default(i), default.loc);
        }
        if let Some(span) = attrs.on_update_now {
            column.on_update_current_timestamp = true;
            spans.insert(Place::OnUpdateTimestamp(i), span.into());
        }
        if let Some(span) = attrs.primary_key {
            field_keys.push((i, span));
            if let Some(nullable) = attrs.nullable {
                cx.error(
                    nullable,
                    "a primary key column cannot be nullable; remove `nullable`",
                );
            }
        }
        if let Some(span) = attrs.unique {
            let u = table.uniques.len();
            spans.insert(Place::Unique(u), span.into());
            spans.insert(Place::UniqueColumn(u, 0), ident.span().into());
            table.uniques.push(Unique {
                name: None,
                columns: vec![name.clone()],
            });
        }
        if let Some(index) = &attrs.index {
            let x = table.indexes.len();
            spans.insert(Place::Index(x), index.loc);
            spans.insert(Place::IndexColumn(x, 0), ident.span().into());
            table.indexes.push(Index {
                name: index
                    .value
                    .clone()
                    .unwrap_or_else(|| format!("idx_{table_name}_{name}")),
                columns: vec![name.clone()],
                unique: false,
                prefixes: Default::default(),
                ..Default::default()
            });
        }
        if let (Some(_), Some(relates_to)) = (&attrs.references, &attrs.relates_to) {
            cx.error(
                relates_to.loc,
                "`relates_to` is a relation without a foreign key, and `references` one with; keep one of them",
            );
        }
        match &attrs.references {
            Some(path) => {
                let f = table.foreign_keys.len();
                let (module, ref_column) = split_column_path(cx, &path.value);
                spans.insert(Place::ForeignKey(f), path.loc);
                spans.insert(Place::ForeignKeyColumn(f, 0), Loc::of(&field.ty));
                spans.insert(Place::ForeignKeyTarget(f), path.loc);
                let on_delete = attrs.on_delete.as_ref();
                let on_update = attrs.on_update.as_ref();
                if let Some(action) = on_delete {
                    spans.insert(Place::OnDelete(f), action.loc);
                }
                if let Some(action) = on_update {
                    spans.insert(Place::OnUpdate(f), action.loc);
                }
                let relation = attrs
                    .relation
                    .clone()
                    .unwrap_or_else(|| relation_name(&field_name, ident.span()));
                table.foreign_keys.push(ModelForeignKey {
                    name: attrs.constraint.as_ref().map(|c| c.value.clone()),
                    columns: vec![name.clone()],
                    ref_table: target_table(&module, &table_name),
                    ref_columns: vec![ref_column.unraw().to_string()],
                    on_delete: on_delete.map_or(Action::NoAction, |a| a.value),
                    on_update: on_update.map_or(Action::NoAction, |a| a.value),
                });
                foreign_keys.push(ForeignKey {
                    model: Some(f),
                    fields: vec![i],
                    module,
                    ref_columns: vec![ref_column],
                    on_delete: on_delete.map_or(Action::NoAction, |a| a.value),
                    on_update: on_update.map_or(Action::NoAction, |a| a.value),
                    relation,
                    span: path.loc.start,
                });
            }
            None if attrs.relates_to.is_some() => {
                let path = attrs.relates_to.as_ref().expect("matched");
                let (module, ref_column) = split_column_path(cx, &path.value);
                for (loc, key) in [
                    (attrs.on_delete.as_ref().map(|a| a.loc), ON_DELETE),
                    (attrs.on_update.as_ref().map(|a| a.loc), ON_UPDATE),
                    (attrs.constraint.as_ref().map(|c| c.loc), CONSTRAINT),
                ] {
                    if let Some(loc) = loc {
                        cx.error(
                            loc,
                            format!("`{key}` belongs to a foreign key, and `relates_to` declares none; write `references = ..` for a foreign key"),
                        );
                    }
                }
                foreign_keys.push(ForeignKey {
                    model: None,
                    fields: vec![i],
                    relation: attrs
                        .relation
                        .clone()
                        .unwrap_or_else(|| relation_name(&field_name, ident.span())),
                    module,
                    ref_columns: vec![ref_column],
                    on_delete: Action::NoAction,
                    on_update: Action::NoAction,
                    span: path.loc.start,
                });
            }
            None => {
                let stray = [
                    (attrs.on_delete.as_ref().map(|a| a.loc), ON_DELETE),
                    (attrs.on_update.as_ref().map(|a| a.loc), ON_UPDATE),
                    (attrs.relation.as_ref().map(|r| r.span().into()), RELATION),
                    (attrs.constraint.as_ref().map(|c| c.loc), CONSTRAINT),
                ];
                for (loc, key) in stray {
                    if let Some(loc) = loc
                        && !cx.was_attempted(REFERENCES)
                    {
                        cx.error(
                            loc,
                            format!("`{key}` belongs to a foreign key; add `references = super::other::column` to this field"),
                        );
                    }
                }
            }
        }
        table.columns.push(column);
        fields.push(Field {
            ident,
            ty: &field.ty,
            ty_loc: Loc::of(&field.ty),
            variant: Ident::new(&pascal_case(&field_name), ident.span()),
            name,
            field_name,
            max_len: attrs.max_len.as_ref().map(|len| (len.value, len.loc)),
            decimal: decimal(attrs),
            nullable: attrs.nullable.map(Loc::from),
        });
    }

    // Struct-level column lists name fields; the model names columns.
    let column_of = |ident: &Ident| -> String {
        let field = ident.unraw().to_string();
        fields
            .iter()
            .find(|f: &&Field| f.field_name == field)
            .map_or(field, |f| f.name.clone())
    };
    match &container.primary_key {
        Some(key) => {
            if !field_keys.is_empty() {
                cx.error(
                    key.loc,
                    "the primary key is declared both here and with `#[schema(primary_key)]` on fields; keep one of the two",
                );
            }
            for (position, ident) in key.value.iter().enumerate() {
                spans.insert(Place::PrimaryKeyColumn(position), ident.span().into());
                table.primary_key.push(column_of(ident));
            }
        }
        None => {
            for (position, (i, span)) in field_keys.iter().enumerate() {
                spans.insert(Place::PrimaryKeyColumn(position), (*span).into());
                table.primary_key.push(fields[*i].name.clone());
            }
        }
    }

    for unique in &container.uniques {
        let Some(columns) = &unique.columns else {
            continue;
        };
        let u = table.uniques.len();
        spans.insert(
            Place::Unique(u),
            unique.name.as_ref().map_or(unique.span.into(), |n| n.loc),
        );
        for (j, ident) in columns.iter().enumerate() {
            spans.insert(Place::UniqueColumn(u, j), ident.span().into());
        }
        table.uniques.push(Unique {
            name: unique.name.as_ref().map(|n| n.value.clone()),
            columns: columns.iter().map(&column_of).collect(),
        });
    }
    for index in &container.indexes {
        let Some(parts) = &index.columns else {
            continue;
        };
        let x = table.indexes.len();
        spans.insert(
            Place::Index(x),
            index.name.as_ref().map_or(index.span.into(), |n| n.loc),
        );
        let mut model = Index::default();
        for (j, part) in parts.iter().enumerate() {
            let name = match &part.kind {
                attr::IndexPartKind::Column { ident, prefix } => {
                    spans.insert(Place::IndexColumn(x, j), ident.span().into());
                    let name = column_of(ident);
                    if let Some(chars) = prefix {
                        model.prefixes.insert(name.clone(), *chars);
                    }
                    name
                }
                attr::IndexPartKind::Expression(sql) => {
                    spans.insert(Place::IndexColumn(x, j), sql.loc);
                    Index::expression_part(&sql.value)
                }
            };
            if part.descending {
                model.descending.insert(name.clone());
            }
            model.columns.push(name);
        }
        // A missing name is already an error; a stand-in avoids a second one.
        model.name = index
            .name
            .as_ref()
            .map_or_else(|| format!("idx_{table_name}_{x}"), |n| n.value.clone());
        model.unique = index.unique;
        if let Some(using) = &index.using {
            model.using = using.value;
        }
        model.predicate = index.predicate.as_ref().map(|p| p.value.clone());
        model.include = index.include.iter().flatten().map(&column_of).collect();
        table.indexes.push(model);
    }
    for fk in &container.foreign_keys {
        let (Some(module), Some(columns), Some(ref_columns)) =
            (fk.target.clone(), &fk.columns, &fk.ref_columns)
        else {
            continue;
        };
        if let Some(last) = module.segments.last()
            && ref_columns.contains(&last.ident)
        {
            cx.error_spanned_by(
                &module,
                format!(
                    "in `foreign_key(..)`, `references` names the referenced entity's module, and `ref_columns(..)` its columns; write `references = {}`",
                    path_text(&module, 1)
                ),
            );
            continue;
        }
        let f = table.foreign_keys.len();
        spans.insert(Place::ForeignKey(f), fk.span.into());
        spans.insert(Place::ForeignKeyTarget(f), Loc::of(&module));
        for (j, ident) in columns.iter().enumerate() {
            spans.insert(Place::ForeignKeyColumn(f, j), ident.span().into());
        }
        if let Some(action) = &fk.on_delete {
            spans.insert(Place::OnDelete(f), action.loc);
        }
        if let Some(action) = &fk.on_update {
            spans.insert(Place::OnUpdate(f), action.loc);
        }
        let on_delete = fk.on_delete.as_ref().map_or(Action::NoAction, |a| a.value);
        let on_update = fk.on_update.as_ref().map_or(Action::NoAction, |a| a.value);
        let relation = fk.relation.clone().unwrap_or_else(|| {
            let last = module.segments.last().map(|s| s.ident.unraw().to_string());
            Ident::new(&pascal_case(&last.unwrap_or_default()), fk.span)
        });
        table.foreign_keys.push(ModelForeignKey {
            name: fk.constraint.as_ref().map(|c| c.value.clone()),
            columns: columns.iter().map(&column_of).collect(),
            ref_table: target_table(&module, &table_name),
            ref_columns: ref_columns.iter().map(|c| c.unraw().to_string()).collect(),
            on_delete,
            on_update,
        });
        let field_indices: Vec<usize> = columns
            .iter()
            .filter_map(|c| fields.iter().position(|f| c.unraw() == f.field_name))
            .collect();
        if field_indices.len() == columns.len() && columns.len() == ref_columns.len() {
            foreign_keys.push(ForeignKey {
                model: Some(f),
                fields: field_indices,
                module,
                ref_columns: ref_columns.clone(),
                on_delete,
                on_update,
                relation,
                span: fk.span,
            });
        }
    }
    for check in &container.checks {
        let Some(expr) = &check.expr else {
            continue;
        };
        let c = table.checks.len();
        spans.insert(Place::Check(c), expr.loc);
        table.checks.push(fsync_schema_model::Check {
            name: check.name.as_ref().map(|n| n.value.clone()),
            expr: expr.value.clone(),
        });
    }

    let children = container
        .children
        .iter()
        .map(|child| {
            let last = child
                .module
                .segments
                .last()
                .map(|s| s.ident.unraw().to_string());
            Child {
                many: child.many,
                module: child.module.clone(),
                relation: child.relation.clone().unwrap_or_else(|| {
                    Ident::new(&pascal_case(&last.unwrap_or_default()), child.span)
                }),
                via: match &child.via {
                    Some(via) => Via::Relation(via.clone()),
                    None => Via::Column(child.column.clone()),
                },
                span: child.span,
            }
        })
        .collect();

    let mut entity = Entity {
        ident: &input.ident,
        vis: &input.vis,
        fields,
        table,
        foreign_keys,
        children,
        many_to_many: container
            .many_to_many
            .iter()
            .map(|m| (m.target.clone(), m.via.clone()))
            .collect(),
        custom_behavior: container.custom_behavior.is_some(),
        spans,
        backend_problems: Vec::new(),
    };
    // The rules of every backend are errors now; those of some backends only
    // when `entities!` finds that the schema targets one of them.
    for problem in validate::structure(&entity.table, Targets::ALL) {
        // A misspelt or malformed `primary_key` is already an error, and a
        // table without columns cannot have a key.
        if problem.place == Place::PrimaryKey
            && (cx.was_attempted(PRIMARY_KEY) || entity.table.columns.is_empty())
        {
            continue;
        }
        if problem.is_general() {
            cx.error(entity.span(problem.place), problem.message);
        } else {
            entity.backend_problems.push(problem);
        }
    }
    check_relation_names(cx, &entity);
    entity
}

/// `precision = p, scale = s` (scale 0 when left out, the precision
/// `Decimal`'s own when only the scale is given).
fn decimal(attrs: &FieldAttrs) -> Option<((u32, u32), Loc)> {
    let precision = attrs.precision.as_ref();
    let scale = attrs.scale.as_ref();
    let loc = precision.or(scale)?.loc;
    let precision = precision.map_or(28, |p| p.value);
    Some(((precision, scale.map_or(0, |s| s.value)), loc))
}

/// The first `segments` segments of `path`, as written.
fn path_text(path: &Path, drop_last: usize) -> String {
    let keep = path.segments.len().saturating_sub(drop_last);
    path.segments
        .iter()
        .take(keep)
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// `super::entry::id` → (`super::entry`, `id`).
fn split_column_path(cx: &Ctxt, path: &Path) -> (Path, Ident) {
    let mut module = path.clone();
    let column = module
        .segments
        .pop()
        .map(|pair| pair.into_value().ident)
        .expect("a parsed path has a segment");
    if module.segments.is_empty() {
        cx.error_spanned_by(
            path,
            format!(
                "`references` needs the referenced entity's module and column, e.g. `super::entry::{column}` (or `self::{column}` for this table)"
            ),
        );
        module = syn::parse_quote!(self);
    } else {
        module.segments.pop_punct();
    }
    (module, column)
}

/// A stand-in for the referenced table's name, good enough for the structural
/// checks; the generated code reads the real one from the referenced entity.
fn target_table(module: &Path, own: &str) -> String {
    if module.is_ident("self") {
        return own.to_owned();
    }
    module
        .segments
        .last()
        .map_or_else(|| own.to_owned(), |s| s.ident.unraw().to_string())
}

/// Relation variants must be distinct.
fn check_relation_names(cx: &Ctxt, entity: &Entity) {
    let mut seen: Vec<String> = Vec::new();
    let names = entity
        .foreign_keys
        .iter()
        .map(|fk| &fk.relation)
        .chain(entity.children.iter().map(|c| &c.relation));
    for name in names {
        let text = name.to_string();
        if seen.contains(&text) {
            cx.error(
                name.span(),
                format!("duplicate relation `{text}`; name one of them with `relation = ..`"),
            );
        }
        seen.push(text);
    }
}
