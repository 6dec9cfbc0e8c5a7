//! Reads `#[schema(..)]` attributes into plain structs that keep the span of
//! every key and value. Unknown and repeated keys are errors on the key.

use crate::ctxt::Ctxt;
use crate::symbol::*;
use fsync_schema_model::validate::did_you_mean;
use fsync_schema_model::{Action, DefaultValue};
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, ExprLit, ExprUnary, Ident, Lit, LitStr, Path, UnOp};

/// A value and where it was written.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// `#[schema(..)]` on the struct.
#[derive(Default)]
pub struct ContainerAttrs {
    pub table: Option<Spanned<String>>,
    pub renamed_from: Option<Spanned<String>>,
    pub primary_key: Option<Spanned<Vec<Ident>>>,
    pub indexes: Vec<IndexAttr>,
    pub uniques: Vec<UniqueAttr>,
    pub foreign_keys: Vec<ForeignKeyAttr>,
    pub checks: Vec<CheckAttr>,
    pub children: Vec<ChildAttr>,
    pub custom_behavior: Option<Span>,
}

/// `index(name = "..", columns(..), unique)`.
pub struct IndexAttr {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    pub columns: Vec<Ident>,
    pub unique: bool,
}

/// `unique(columns(..), name = "..")`.
pub struct UniqueAttr {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    pub columns: Vec<Ident>,
}

/// A foreign key, from `foreign_key(..)` on the struct.
pub struct ForeignKeyAttr {
    pub span: Span,
    pub columns: Vec<Ident>,
    /// The module of the referenced entity (`super::entry`).
    pub target: Option<Path>,
    pub ref_columns: Vec<Ident>,
    pub on_delete: Option<Spanned<Action>>,
    pub on_update: Option<Spanned<Action>>,
    pub relation: Option<Ident>,
    pub constraint: Option<Spanned<String>>,
}

/// `check(expr = "..", name = "..")`.
pub struct CheckAttr {
    pub span: Span,
    pub expr: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
}

/// `has_many(super::child::fk_column, relation = .., via = ..)` or `has_one(..)`.
pub struct ChildAttr {
    pub many: bool,
    pub span: Span,
    /// The child's module (`super::sync_generation`).
    pub module: Path,
    /// The child's foreign-key column (`conduit_id`).
    pub column: Ident,
    pub relation: Option<Ident>,
    pub via: Option<Ident>,
}

/// `#[schema(..)]` on a field.
#[derive(Default)]
pub struct FieldAttrs {
    pub primary_key: Option<Span>,
    pub autoincrement: Option<Span>,
    pub unique: Option<Span>,
    pub index: Option<Spanned<Option<String>>>,
    pub default: Option<Spanned<DefaultValue>>,
    pub references: Option<Spanned<Path>>,
    pub on_delete: Option<Spanned<Action>>,
    pub on_update: Option<Spanned<Action>>,
    pub relation: Option<Ident>,
    pub constraint: Option<Spanned<String>>,
    pub sql_type: SqlTypeAttrs,
    pub renamed_from: Option<Spanned<String>>,
}

/// `sql_type(sqlite = "..", postgres = "..", mysql = "..")`.
#[derive(Default)]
pub struct SqlTypeAttrs {
    pub span: Option<Span>,
    pub sqlite: Option<Spanned<String>>,
    pub postgres: Option<Spanned<String>>,
    pub mysql: Option<Spanned<String>>,
}

/// The name of a key as written (`index`, `on_delete`, ...).
fn key_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|ident| ident.to_string())
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

/// The error for a key not in `known`.
fn unknown_key(cx: &Ctxt, meta: &ParseNestedMeta, known: &[&str], place: &str) {
    let key = key_name(meta);
    let hint = did_you_mean(&key, known.iter().copied());
    let hint = if hint.is_empty() {
        format!("; expected one of {}", list(known))
    } else {
        hint
    };
    cx.error(
        meta.path.span(),
        format!("unknown {place} key `{key}`{hint}"),
    );
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Stores `value` in `slot`, or reports the key as repeated.
fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, value: T, meta: &ParseNestedMeta) {
    if slot.is_some() {
        cx.error(
            meta.path.span(),
            format!("duplicate key `{}`", key_name(meta)),
        );
    } else {
        *slot = Some(value);
    }
}

/// Reads `key = "text"`.
fn string(meta: &ParseNestedMeta) -> syn::Result<Spanned<String>> {
    let lit: LitStr = meta.value()?.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!(
                "`{}` takes a string literal: `{} = \"..\"`",
                key_name(meta),
                key_name(meta)
            ),
        )
    })?;
    Ok(Spanned {
        value: lit.value(),
        span: lit.span(),
    })
}

/// Reads `key = Ident`.
fn ident(meta: &ParseNestedMeta) -> syn::Result<Ident> {
    let key = key_name(meta);
    meta.value()?
        .parse()
        .map_err(|e| syn::Error::new(e.span(), format!("`{key}` takes a name: `{key} = Name`")))
}

/// Reads `key(a, b, c)`: a list of column names.
fn columns(meta: &ParseNestedMeta) -> syn::Result<Vec<Ident>> {
    let key = key_name(meta);
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!("`{key}` takes a list of columns: `{key}(a, b)`")));
    }
    let mut out = Vec::new();
    meta.parse_nested_meta(|inner| {
        match inner.path.get_ident() {
            Some(column) if inner.input.is_empty() || inner.input.peek(syn::Token![,]) => {
                out.push(column.clone())
            }
            _ => return Err(inner.error("expected a column name")),
        }
        Ok(())
    })?;
    Ok(out)
}

/// Reads `on_delete = cascade`.
fn action(meta: &ParseNestedMeta) -> syn::Result<Spanned<Action>> {
    let key = key_name(meta);
    let name: Ident = meta.value()?.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("`{key}` takes an action: `{key} = cascade`"),
        )
    })?;
    let text = name.to_string();
    let known: Vec<&str> = Action::ALL.iter().map(|a| a.key()).collect();
    match Action::ALL.into_iter().find(|a| a.key() == text) {
        Some(value) => Ok(Spanned {
            value,
            span: name.span(),
        }),
        None => {
            let hint = did_you_mean(&text, known.iter().copied());
            let hint = if hint.is_empty() {
                format!("; expected one of {}", list(&known))
            } else {
                hint
            };
            Err(syn::Error::new(
                name.span(),
                format!("unknown action `{text}`{hint}"),
            ))
        }
    }
}

/// Reads `default = 1 | -1 | 1.5 | true | "text" | current_timestamp`.
fn default_value(meta: &ParseNestedMeta) -> syn::Result<Spanned<DefaultValue>> {
    let expr: Expr = meta.value()?.parse()?;
    let span = expr.span();
    let unsupported = || {
        syn::Error::new(
            span,
            "unsupported default; write a literal (`1`, `1.5`, `true`, `\"manual\"`) or `current_timestamp`, or use `default_sql = \"..\"`",
        )
    };
    let value = match &expr {
        Expr::Lit(ExprLit { lit, .. }) => literal(lit, false).ok_or_else(unsupported)?,
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => match &**expr {
            Expr::Lit(ExprLit { lit, .. }) => literal(lit, true).ok_or_else(unsupported)?,
            _ => return Err(unsupported()),
        },
        Expr::Path(path) if path.path.is_ident(CURRENT_TIMESTAMP) => DefaultValue::CurrentTimestamp,
        Expr::Path(path) => {
            let name = quote::quote!(#path).to_string();
            return Err(syn::Error::new(
                span,
                format!(
                    "unknown default `{name}`{}",
                    match did_you_mean(&name, [CURRENT_TIMESTAMP]) {
                        hint if hint.is_empty() =>
                            "; the only keyword is `current_timestamp`".to_owned(),
                        hint => hint,
                    }
                ),
            ));
        }
        _ => return Err(unsupported()),
    };
    Ok(Spanned { value, span })
}

fn literal(lit: &Lit, negative: bool) -> Option<DefaultValue> {
    let sign = if negative { "-" } else { "" };
    match lit {
        Lit::Int(int) => format!("{sign}{}", int.base10_digits())
            .parse()
            .ok()
            .map(DefaultValue::Int),
        Lit::Float(float) => format!("{sign}{}", float.base10_digits())
            .parse()
            .ok()
            .map(DefaultValue::Float),
        Lit::Bool(flag) if !negative => Some(DefaultValue::Bool(flag.value)),
        Lit::Str(text) if !negative => Some(DefaultValue::Text(text.value())),
        _ => None,
    }
}

/// Reads a path value: `references = super::entry::id`.
fn path_value(meta: &ParseNestedMeta) -> syn::Result<Path> {
    let key = key_name(meta);
    meta.value()?.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("`{key}` takes a path to a column, e.g. `{key} = super::entry::id`"),
        )
    })
}

/// Rejects a value after a flag: `primary_key = true`.
fn flag(meta: &ParseNestedMeta) -> syn::Result<Span> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        let key = key_name(meta);
        return Err(meta.error(format!(
            "`{key}` is a flag and takes no value; write `{key}`"
        )));
    }
    Ok(meta.path.span())
}

/// Reads every `#[schema(..)]` on the struct.
pub fn container(cx: &Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident(SCHEMA)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = key_name(&meta);
            match key.as_str() {
                TABLE => {
                    let value = string(&meta)?;
                    set_once(cx, &mut out.table, value, &meta);
                }
                RENAMED_FROM => {
                    let value = string(&meta)?;
                    set_once(cx, &mut out.renamed_from, value, &meta);
                }
                PRIMARY_KEY => {
                    let span = meta.path.span();
                    let value = Spanned {
                        value: columns(&meta)?,
                        span,
                    };
                    set_once(cx, &mut out.primary_key, value, &meta);
                }
                INDEX => out.indexes.push(index(cx, &meta)?),
                UNIQUE => out.uniques.push(unique(cx, &meta)?),
                FOREIGN_KEY => out.foreign_keys.push(foreign_key(cx, &meta)?),
                CHECK => out.checks.push(check(cx, &meta)?),
                HAS_MANY | HAS_ONE => out.children.push(child(cx, &meta, key == HAS_MANY)?),
                CUSTOM_BEHAVIOR => {
                    let span = flag(&meta)?;
                    set_once(cx, &mut out.custom_behavior, span, &meta);
                }
                _ => {
                    unknown_key(cx, &meta, CONTAINER_KEYS, "struct");
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    out
}

/// Reads every `#[schema(..)]` on a field.
pub fn field(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident(SCHEMA)) {
        let result = attr.parse_nested_meta(|meta| {
            match key_name(&meta).as_str() {
                PRIMARY_KEY => {
                    let span = flag(&meta)?;
                    set_once(cx, &mut out.primary_key, span, &meta);
                }
                AUTOINCREMENT => {
                    let span = flag(&meta)?;
                    set_once(cx, &mut out.autoincrement, span, &meta);
                }
                UNIQUE => {
                    let span = flag(&meta)?;
                    set_once(cx, &mut out.unique, span, &meta);
                }
                INDEX => {
                    let value = if meta.input.peek(syn::Token![=]) {
                        let name = string(&meta)?;
                        Spanned {
                            value: Some(name.value),
                            span: name.span,
                        }
                    } else {
                        Spanned {
                            value: None,
                            span: flag(&meta)?,
                        }
                    };
                    set_once(cx, &mut out.index, value, &meta);
                }
                DEFAULT => {
                    let value = default_value(&meta)?;
                    set_once(cx, &mut out.default, value, &meta);
                }
                DEFAULT_SQL => {
                    let sql = string(&meta)?;
                    let value = Spanned {
                        value: DefaultValue::Sql(sql.value),
                        span: sql.span,
                    };
                    set_once(cx, &mut out.default, value, &meta);
                }
                REFERENCES => {
                    let path = path_value(&meta)?;
                    let value = Spanned {
                        span: path.span(),
                        value: path,
                    };
                    set_once(cx, &mut out.references, value, &meta);
                }
                ON_DELETE => {
                    let value = action(&meta)?;
                    set_once(cx, &mut out.on_delete, value, &meta);
                }
                ON_UPDATE => {
                    let value = action(&meta)?;
                    set_once(cx, &mut out.on_update, value, &meta);
                }
                RELATION => {
                    let value = ident(&meta)?;
                    set_once(cx, &mut out.relation, value, &meta);
                }
                CONSTRAINT => {
                    let value = string(&meta)?;
                    set_once(cx, &mut out.constraint, value, &meta);
                }
                SQL_TYPE => sql_type(cx, &meta, &mut out.sql_type)?,
                RENAMED_FROM => {
                    let value = string(&meta)?;
                    set_once(cx, &mut out.renamed_from, value, &meta);
                }
                _ => {
                    unknown_key(cx, &meta, FIELD_KEYS, "field");
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    out
}

/// Consumes whatever follows an unknown key, so parsing goes on.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
    }
    Ok(())
}

/// Requires the list form `key(..)`.
fn require_list(meta: &ParseNestedMeta, example: &str) -> syn::Result<()> {
    if meta.input.peek(syn::token::Paren) {
        Ok(())
    } else {
        Err(meta.error(format!("expected `{example}`")))
    }
}

fn index(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<IndexAttr> {
    require_list(meta, "index(name = \"idx_..\", columns(..))")?;
    let mut out = IndexAttr {
        span: meta.path.span(),
        name: None,
        columns: Vec::new(),
        unique: false,
    };
    let mut columns_seen = None;
    let mut unique_seen = None;
    meta.parse_nested_meta(|inner| {
        match key_name(&inner).as_str() {
            NAME => {
                let value = string(&inner)?;
                set_once(cx, &mut out.name, value, &inner);
            }
            COLUMNS => {
                let value = columns(&inner)?;
                set_once(cx, &mut columns_seen, (), &inner);
                out.columns = value;
            }
            UNIQUE => {
                flag(&inner)?;
                set_once(cx, &mut unique_seen, (), &inner);
                out.unique = true;
            }
            _ => {
                unknown_key(cx, &inner, INDEX_KEYS, "index");
                skip_value(&inner)?;
            }
        }
        Ok(())
    })?;
    if out.name.is_none() {
        cx.error(
            out.span,
            "index needs a name: `index(name = \"idx_..\", columns(..))`",
        );
    }
    if columns_seen.is_none() {
        cx.error(out.span, "index needs `columns(..)`");
    }
    Ok(out)
}

fn unique(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<UniqueAttr> {
    require_list(meta, "unique(columns(..))")?;
    let mut out = UniqueAttr {
        span: meta.path.span(),
        name: None,
        columns: Vec::new(),
    };
    let mut columns_seen = None;
    meta.parse_nested_meta(|inner| {
        match key_name(&inner).as_str() {
            NAME => {
                let value = string(&inner)?;
                set_once(cx, &mut out.name, value, &inner);
            }
            COLUMNS => {
                let value = columns(&inner)?;
                set_once(cx, &mut columns_seen, (), &inner);
                out.columns = value;
            }
            _ => {
                unknown_key(cx, &inner, UNIQUE_KEYS, "unique");
                skip_value(&inner)?;
            }
        }
        Ok(())
    })?;
    if columns_seen.is_none() {
        cx.error(out.span, "unique needs `columns(..)`");
    }
    Ok(out)
}

fn foreign_key(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<ForeignKeyAttr> {
    require_list(
        meta,
        "foreign_key(columns(..), references = super::parent, ref_columns(..))",
    )?;
    let mut out = ForeignKeyAttr {
        span: meta.path.span(),
        columns: Vec::new(),
        target: None,
        ref_columns: Vec::new(),
        on_delete: None,
        on_update: None,
        relation: None,
        constraint: None,
    };
    let mut columns_seen = None;
    let mut ref_columns_seen = None;
    meta.parse_nested_meta(|inner| {
        match key_name(&inner).as_str() {
            COLUMNS => {
                let value = columns(&inner)?;
                set_once(cx, &mut columns_seen, (), &inner);
                out.columns = value;
            }
            REFERENCES => {
                let value = path_value(&inner)?;
                set_once(cx, &mut out.target, value, &inner);
            }
            REF_COLUMNS => {
                let value = columns(&inner)?;
                set_once(cx, &mut ref_columns_seen, (), &inner);
                out.ref_columns = value;
            }
            ON_DELETE => {
                let value = action(&inner)?;
                set_once(cx, &mut out.on_delete, value, &inner);
            }
            ON_UPDATE => {
                let value = action(&inner)?;
                set_once(cx, &mut out.on_update, value, &inner);
            }
            RELATION => {
                let value = ident(&inner)?;
                set_once(cx, &mut out.relation, value, &inner);
            }
            CONSTRAINT => {
                let value = string(&inner)?;
                set_once(cx, &mut out.constraint, value, &inner);
            }
            _ => {
                unknown_key(cx, &inner, FOREIGN_KEY_KEYS, "foreign_key");
                skip_value(&inner)?;
            }
        }
        Ok(())
    })?;
    if out.target.is_none() {
        cx.error(
            out.span,
            "foreign_key needs `references = path::to::entity_module`",
        );
    }
    if columns_seen.is_none() || ref_columns_seen.is_none() {
        cx.error(
            out.span,
            "foreign_key needs `columns(..)` and `ref_columns(..)`",
        );
    }
    Ok(out)
}

fn check(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<CheckAttr> {
    require_list(meta, "check(expr = \"..\")")?;
    let mut out = CheckAttr {
        span: meta.path.span(),
        expr: None,
        name: None,
    };
    meta.parse_nested_meta(|inner| {
        match key_name(&inner).as_str() {
            EXPR => {
                let value = string(&inner)?;
                set_once(cx, &mut out.expr, value, &inner);
            }
            NAME => {
                let value = string(&inner)?;
                set_once(cx, &mut out.name, value, &inner);
            }
            _ => {
                unknown_key(cx, &inner, CHECK_KEYS, "check");
                skip_value(&inner)?;
            }
        }
        Ok(())
    })?;
    if out.expr.is_none() {
        cx.error(out.span, "check needs `expr = \"..\"`");
    }
    Ok(out)
}

fn child(cx: &Ctxt, meta: &ParseNestedMeta, many: bool) -> syn::Result<ChildAttr> {
    let key = key_name(meta);
    let example = format!("{key} = super::child::foreign_key_column");
    let mut target: Option<Path> = None;
    let mut relation = None;
    let mut via = None;
    if meta.input.peek(syn::Token![=]) {
        target = Some(path_value(meta)?);
    } else {
        require_list(meta, &example)?;
        meta.parse_nested_meta(|inner| {
            match key_name(&inner).as_str() {
                RELATION if inner.input.peek(syn::Token![=]) => {
                    let value = ident(&inner)?;
                    set_once(cx, &mut relation, value, &inner);
                }
                VIA if inner.input.peek(syn::Token![=]) => {
                    let value = ident(&inner)?;
                    set_once(cx, &mut via, value, &inner);
                }
                _ if inner.path.segments.len() > 1 && target.is_none() => {
                    target = Some(inner.path.clone());
                }
                _ => {
                    unknown_key(cx, &inner, CHILD_KEYS, &key);
                    skip_value(&inner)?;
                }
            }
            Ok(())
        })?;
    }
    let Some(mut module) = target else {
        return Err(meta.error(format!("expected `{example}`")));
    };
    let Some(last) = module.segments.pop() else {
        return Err(meta.error(format!("expected `{example}`")));
    };
    let column = last.into_value().ident;
    if module.segments.is_empty() {
        return Err(syn::Error::new(
            column.span(),
            format!("`{key}` takes a path to the child's foreign-key column, e.g. `{example}`"),
        ));
    }
    module.segments.pop_punct();
    Ok(ChildAttr {
        many,
        span: meta.path.span(),
        module,
        column,
        relation,
        via,
    })
}

fn sql_type(cx: &Ctxt, meta: &ParseNestedMeta, out: &mut SqlTypeAttrs) -> syn::Result<()> {
    require_list(
        meta,
        "sql_type(sqlite = \"..\", postgres = \"..\", mysql = \"..\")",
    )?;
    set_once(cx, &mut out.span, meta.path.span(), meta);
    meta.parse_nested_meta(|inner| {
        let slot = match key_name(&inner).as_str() {
            SQLITE => &mut out.sqlite,
            POSTGRES => &mut out.postgres,
            MYSQL => &mut out.mysql,
            _ => {
                unknown_key(cx, &inner, BACKENDS, "sql_type");
                return skip_value(&inner);
            }
        };
        let value = string(&inner)?;
        set_once(cx, slot, value, &inner);
        Ok(())
    })
}
