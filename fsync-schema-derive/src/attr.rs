//! Reads `#[schema(..)]` attributes into plain structs that keep the span of
//! every key and value. Unknown and repeated keys are errors on the key; an
//! error in one key does not stop the others from being read.

use crate::ctxt::{Ctxt, Loc};
use crate::symbol::*;
use fsync_schema_model::validate::did_you_mean;
use fsync_schema_model::{Action, DefaultValue, IndexMethod};
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, ExprLit, ExprUnary, Ident, Lit, Path, UnOp};

/// A value and where it was written.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub loc: Loc,
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
    pub many_to_many: Vec<ManyToManyAttr>,
    /// SQLite's `STRICT` and `WITHOUT ROWID`.
    pub strict: Option<Span>,
    pub without_rowid: Option<Span>,
    /// MySQL's default collation of the table.
    pub collate: Option<Spanned<String>>,
    /// `doc_comments`: the doc comments of the struct and its fields are
    /// the table's and columns' comments.
    pub doc_comments: Option<Span>,
    pub custom_behavior: Option<Span>,
}

/// `many_to_many(super::actor, via = super::film_actor)`: the other entity,
/// related through a junction entity with a relation to each side.
pub struct ManyToManyAttr {
    pub target: Path,
    pub via: Path,
}

/// `index(name = "..", columns(a, b(191), desc(c), "lower(d)"), unique,
/// using = gin, where = "..", include(e))`.
pub struct IndexAttr {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    /// `None` when `columns(..)` is missing (an error says so).
    pub columns: Option<Vec<IndexPart>>,
    pub unique: bool,
    pub using: Option<Spanned<IndexMethod>>,
    /// `where = ".."`: a partial index's predicate.
    pub predicate: Option<Spanned<String>>,
    /// `include(a, b)`: columns stored outside the key.
    pub include: Option<Vec<Ident>>,
}

/// One key part of `index(columns(..))`.
pub struct IndexPart {
    pub kind: IndexPartKind,
    /// Written as `desc(..)`.
    pub descending: bool,
}

/// A column (`b`, or `b(191)` with a prefix length) or an SQL expression
/// (`"lower(email)"`).
pub enum IndexPartKind {
    Column { ident: Ident, prefix: Option<u32> },
    Expression(Spanned<String>),
}

/// `unique(columns(..), name = "..")`.
pub struct UniqueAttr {
    pub span: Span,
    pub name: Option<Spanned<String>>,
    /// `None` when `columns(..)` is missing (an error says so).
    pub columns: Option<Vec<Ident>>,
}

/// A foreign key, from `foreign_key(..)` on the struct.
pub struct ForeignKeyAttr {
    pub span: Span,
    pub columns: Option<Vec<Ident>>,
    /// The module of the referenced entity (`super::entry`).
    pub target: Option<Path>,
    pub ref_columns: Option<Vec<Ident>>,
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
    /// The default, and whether it was written as `default_sql`.
    pub default: Option<(Spanned<DefaultValue>, &'static str)>,
    pub references: Option<Spanned<Path>>,
    /// `relates_to = super::customer::id`: a relation the database does not
    /// enforce (no foreign key).
    pub relates_to: Option<Spanned<Path>>,
    pub on_delete: Option<Spanned<Action>>,
    pub on_update: Option<Spanned<Action>>,
    /// `on_update = current_timestamp`: a column option, not a foreign key's action.
    pub on_update_now: Option<Span>,
    pub relation: Option<Ident>,
    pub constraint: Option<Spanned<String>>,
    pub sql_type: SqlTypeAttrs,
    pub max_len: Option<Spanned<u32>>,
    pub renamed_from: Option<Spanned<String>>,
    /// `column = ".."`: the column's name when it is not the field's.
    pub column: Option<Spanned<String>>,
    /// `precision = p` and `scale = s` of a `Decimal` field.
    pub precision: Option<Spanned<u32>>,
    pub scale: Option<Spanned<u32>>,
    /// `nullable`: a plain field whose column may hold NULL.
    pub nullable: Option<Span>,
    /// `collate = ".."`: the column's collation.
    pub collate: Option<Spanned<String>>,
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

/// Wraps `read`, called with each key of a `#[schema(..)]` or of a nested list
/// like `index(..)`. An error in one key is recorded and parsing goes on with
/// the next key, so every mistake is reported at once; the key is then noted
/// in `attempted`, so that no "missing key" error repeats the mistake.
fn recovering<'a>(
    cx: &'a Ctxt,
    attempted: &'a mut Vec<String>,
    mut read: impl FnMut(&ParseNestedMeta, &str, &mut Vec<String>) -> syn::Result<()> + 'a,
) -> impl FnMut(ParseNestedMeta) -> syn::Result<()> + 'a {
    move |meta| {
        let key = key_name(&meta);
        if let Err(error) = read(&meta, &key, attempted) {
            cx.syn_error(error);
            attempted.push(key);
            skip_rest(&meta)?;
        }
        Ok(())
    }
}

/// Consumes the rest of a key's value, up to the next `,`.
fn skip_rest(meta: &ParseNestedMeta) -> syn::Result<()> {
    while !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// The error for a key not in `known`; a close match is noted as attempted.
fn unknown_key(
    meta: &ParseNestedMeta,
    key: &str,
    known: &[&str],
    place: &str,
    attempted: &mut Vec<String>,
) -> syn::Error {
    let hint = match did_you_mean(key, known.iter().copied()) {
        Some(candidate) => {
            attempted.push(candidate.to_owned());
            format!("; did you mean `{candidate}`?")
        }
        None => format!("; expected {}", one_of(known)),
    };
    syn::Error::new_spanned(&meta.path, format!("unknown {place} key `{key}`{hint}"))
}

/// "`a`", "`a` or `b`", "one of `a`, `b` or `c`".
pub fn one_of(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        [rest @ .., last] => format!("one of {} or {last}", rest.join(", ")),
    }
}

/// Stores `value` in `slot`, or reports the key as repeated.
fn set_once<T>(slot: &mut Option<T>, value: T, meta: &ParseNestedMeta) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new_spanned(
            &meta.path,
            format!("duplicate key `{}`; keep only one", key_name(meta)),
        ));
    }
    *slot = Some(value);
    Ok(())
}

/// Reads `key = "text"`.
fn string(meta: &ParseNestedMeta) -> syn::Result<Spanned<String>> {
    let key = key_name(meta);
    let expr: Expr = meta.value()?.parse()?;
    match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(Spanned {
            value: lit.value(),
            loc: lit.span().into(),
        }),
        _ => Err(syn::Error::new_spanned(
            &expr,
            format!("`{key}` takes a string literal: `{key} = \"..\"`"),
        )),
    }
}

/// A collation name, which cannot be empty.
fn non_empty(text: Spanned<String>) -> syn::Result<Spanned<String>> {
    if text.value.trim().is_empty() {
        return Err(syn::Error::new(
            text.loc.start,
            "`collate` takes a collation's name, e.g. `collate = \"utf8mb4_bin\"`",
        ));
    }
    Ok(text)
}

/// Reads `key = Ident`.
fn ident(meta: &ParseNestedMeta) -> syn::Result<Ident> {
    let key = key_name(meta);
    let expr: Expr = meta.value()?.parse()?;
    match &expr {
        Expr::Path(path) if path.path.get_ident().is_some() && path.qself.is_none() => {
            Ok(path.path.get_ident().cloned().expect("checked"))
        }
        _ => Err(syn::Error::new_spanned(
            &expr,
            format!("`{key}` takes a name without quotes: `{key} = Name`"),
        )),
    }
}

/// Reads `key(a, b, c)`: a list of column names.
fn columns(meta: &ParseNestedMeta) -> syn::Result<Vec<Ident>> {
    Ok(column_items(meta, false)?
        .into_iter()
        .map(|(column, _)| column)
        .collect())
}

/// Reads `key(a, b(191))`: a list of column names, each with a prefix length
/// when `prefixes` allows one (index columns).
fn column_items(meta: &ParseNestedMeta, prefixes: bool) -> syn::Result<Vec<(Ident, Option<u32>)>> {
    let key = key_name(meta);
    if !meta.input.peek(syn::token::Paren) {
        return Err(syn::Error::new_spanned(
            &meta.path,
            format!("`{key}` takes a list of columns: `{key}(a, b)`"),
        ));
    }
    // Parsed from a copy of the list, so a bad item leaves nothing behind
    // that would make syn report the rest of the attribute as unexpected.
    let content;
    syn::parenthesized!(content in meta.input);
    let tokens: proc_macro2::TokenStream = content.parse()?;
    let items = syn::parse::Parser::parse2(
        syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
        tokens,
    )?;
    let column = |expr: &Expr| match expr {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident().cloned(),
        _ => None,
    };
    items
        .into_iter()
        .map(|item| match &item {
            _ if column(&item).is_some() => Ok((column(&item).expect("checked"), None)),
            Expr::Call(call) if column(&call.func).is_some() => {
                let name = column(&call.func).expect("checked");
                if !prefixes {
                    return Err(syn::Error::new_spanned(
                        &item,
                        format!("a prefix length belongs to an index column, `index(name = \"..\", columns({name}(191)))`; write `{key}({name})`"),
                    ));
                }
                let length = match call.args.first() {
                    Some(Expr::Lit(ExprLit {
                        lit: Lit::Int(int), ..
                    })) if call.args.len() == 1 => int.base10_parse::<u32>().ok().filter(|n| *n > 0),
                    _ => None,
                };
                match length {
                    Some(length) => Ok((name, Some(length))),
                    None => Err(syn::Error::new_spanned(
                        &call.args,
                        format!("a prefix length is a number of characters, at least 1: `{name}(191)`"),
                    )),
                }
            }
            _ => Err(syn::Error::new_spanned(
                &item,
                format!("expected a column name: `{key}(a, b)`"),
            )),
        })
        .collect()
}

/// Reads `columns(a, b(191), desc(c), "lower(d)")`: an index's key parts.
fn index_parts(meta: &ParseNestedMeta) -> syn::Result<Vec<IndexPart>> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(syn::Error::new_spanned(
            &meta.path,
            "`columns` takes a list of columns: `columns(a, b)`",
        ));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let tokens: proc_macro2::TokenStream = content.parse()?;
    let items = syn::parse::Parser::parse2(
        syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
        tokens,
    )?;
    items.iter().map(|item| index_part(item, false)).collect()
}

/// One key part; `descending` inside `desc(..)`.
fn index_part(item: &Expr, descending: bool) -> syn::Result<IndexPart> {
    const EXAMPLE: &str = "columns(a, b(191), desc(c), \"lower(d)\")";
    let column = |expr: &Expr| match expr {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident().cloned(),
        _ => None,
    };
    let kind = match item {
        _ if column(item).is_some() => IndexPartKind::Column {
            ident: column(item).expect("checked"),
            prefix: None,
        },
        Expr::Lit(ExprLit {
            lit: Lit::Str(sql), ..
        }) => {
            if sql.value().trim().is_empty() {
                return Err(syn::Error::new_spanned(
                    sql,
                    "an expression key part needs SQL, e.g. `\"lower(email)\"`",
                ));
            }
            IndexPartKind::Expression(Spanned {
                value: sql.value(),
                loc: sql.span().into(),
            })
        }
        Expr::Call(call)
            if column(&call.func).is_some_and(|f| f == DESC)
                && call.args.len() == 1
                && !matches!(call.args.first(), Some(Expr::Lit(_))) =>
        {
            if descending {
                return Err(syn::Error::new_spanned(
                    item,
                    "`desc(..)` inside `desc(..)`; write it once",
                ));
            }
            return index_part(call.args.first().expect("one argument"), true);
        }
        Expr::Call(call) if column(&call.func).is_some() => {
            let name = column(&call.func).expect("checked");
            let length = match call.args.first() {
                Some(Expr::Lit(ExprLit {
                    lit: Lit::Int(int), ..
                })) if call.args.len() == 1 => int.base10_parse::<u32>().ok().filter(|n| *n > 0),
                _ => None,
            };
            match length {
                Some(length) => IndexPartKind::Column {
                    ident: name,
                    prefix: Some(length),
                },
                None => {
                    return Err(syn::Error::new_spanned(
                        &call.args,
                        format!(
                            "a prefix length is a number of characters, at least 1: `{name}(191)`"
                        ),
                    ));
                }
            }
        }
        _ => {
            return Err(syn::Error::new_spanned(
                item,
                format!(
                    "expected a column, `desc(column)` or an SQL expression in quotes: `{EXAMPLE}`"
                ),
            ));
        }
    };
    Ok(IndexPart { kind, descending })
}

/// Reads `using = gin`.
fn index_method(meta: &ParseNestedMeta) -> syn::Result<Spanned<IndexMethod>> {
    let known: Vec<&str> = IndexMethod::ALL.iter().map(|m| m.key()).collect();
    let expr: Expr = meta.value()?.parse()?;
    let name = match &expr {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident(),
        _ => None,
    };
    let Some(name) = name else {
        return Err(syn::Error::new_spanned(
            &expr,
            format!(
                "`using` takes an index method without quotes, e.g. `using = gin`; expected {}",
                one_of(&known)
            ),
        ));
    };
    let text = name.to_string();
    match IndexMethod::ALL.into_iter().find(|m| m.key() == text) {
        Some(value) => Ok(Spanned {
            value,
            loc: name.span().into(),
        }),
        None => {
            let hint = match did_you_mean(&text, known.iter().copied()) {
                Some(candidate) => format!("; did you mean `{candidate}`?"),
                None => format!("; expected {}", one_of(&known)),
            };
            Err(syn::Error::new(
                name.span(),
                format!("unknown index method `{text}`{hint}"),
            ))
        }
    }
}

/// Whether the key's value is `= current_timestamp` (`on_update` as a
/// column option), looked at without consuming it.
fn current_timestamp_value(meta: &ParseNestedMeta) -> bool {
    let fork = meta.input.fork();
    fork.parse::<syn::Token![=]>().is_ok()
        && fork
            .parse::<Ident>()
            .is_ok_and(|ident| ident == CURRENT_TIMESTAMP)
        && (fork.is_empty() || fork.peek(syn::Token![,]))
}

/// Reads `on_delete = cascade`.
fn action(meta: &ParseNestedMeta) -> syn::Result<Spanned<Action>> {
    let key = key_name(meta);
    // `set_default` parses, to be refused with its reason; it is not offered.
    let known: Vec<&str> = Action::ALL
        .iter()
        .filter(|a| **a != Action::SetDefault)
        .map(|a| a.key())
        .collect();
    let expr: Expr = meta.value()?.parse()?;
    let name = match &expr {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident(),
        _ => None,
    };
    let Some(name) = name else {
        return Err(syn::Error::new_spanned(
            &expr,
            format!(
                "`{key}` takes an action without quotes, e.g. `{key} = cascade`; expected {}",
                one_of(&known)
            ),
        ));
    };
    let text = name.to_string();
    match Action::ALL.into_iter().find(|a| a.key() == text) {
        Some(value) => Ok(Spanned {
            value,
            loc: name.span().into(),
        }),
        None => {
            let hint = match did_you_mean(&text, known.iter().copied()) {
                Some(candidate) => format!("; did you mean `{candidate}`?"),
                None => format!("; expected {}", one_of(&known)),
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
    let loc = Loc::of(&expr);
    let unsupported = || {
        syn::Error::new_spanned(
            &expr,
            "unsupported default; write a literal (`1`, `-1`, `1.5`, `true`, `\"manual\"`) or `current_timestamp`, or use `default_sql = \"..\"`",
        )
    };
    let value = match &expr {
        Expr::Lit(ExprLit { lit, .. }) => literal(lit, false).ok_or_else(unsupported)?,
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            Expr::Lit(ExprLit { lit, .. }) => literal(lit, true).ok_or_else(unsupported)?,
            _ => return Err(unsupported()),
        },
        Expr::Path(path) if path.path.is_ident(CURRENT_TIMESTAMP) => DefaultValue::CurrentTimestamp,
        Expr::Path(path) if path.path.get_ident().is_some() => {
            let name = path.path.get_ident().expect("checked").to_string();
            let hint = match did_you_mean(&name, [CURRENT_TIMESTAMP, "true", "false"]) {
                Some(candidate) => format!("; did you mean `{candidate}`?"),
                None => "; write a literal or `current_timestamp`, or use `default_sql = \"..\"` for an SQL expression".to_owned(),
            };
            return Err(syn::Error::new_spanned(
                &expr,
                format!("unknown default `{name}`{hint}"),
            ));
        }
        _ => return Err(unsupported()),
    };
    Ok(Spanned { value, loc })
}

/// Reads `max_len = 64`: the length of a string(n) column. How long a
/// string(n) may be is a backend's rule (see `validate::structure`).
fn max_len(meta: &ParseNestedMeta) -> syn::Result<Spanned<u32>> {
    let expr: Expr = meta.value()?.parse()?;
    let value = match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => int.base10_parse::<u32>().ok(),
        _ => None,
    };
    match value {
        Some(len) if len >= 1 => Ok(Spanned {
            value: len,
            loc: Loc::of(&expr),
        }),
        _ => Err(syn::Error::new_spanned(
            &expr,
            format!(
                "`max_len` takes a length of at least 1 character (and at most {} when the schema targets MySQL), e.g. `max_len = 64`",
                fsync_schema_model::validate::MAX_VARCHAR_CHARS
            ),
        )),
    }
}

/// `precision = 10` / `scale = 2`: a number of digits from `min` to 65.
fn digits(meta: &ParseNestedMeta, key: &str, min: u32) -> syn::Result<Spanned<u32>> {
    let limit = fsync_schema_model::validate::MAX_DECIMAL_PRECISION;
    let expr: Expr = meta.value()?.parse()?;
    let value = match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => int.base10_parse::<u32>().ok(),
        _ => None,
    };
    match value {
        Some(n) if (min..=limit).contains(&n) => Ok(Spanned {
            value: n,
            loc: Loc::of(&expr),
        }),
        _ => Err(syn::Error::new_spanned(
            &expr,
            format!(
                "`{key}` takes a number of digits from {min} to {limit}, e.g. `precision = 10, scale = 2`"
            ),
        )),
    }
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
fn path_value(meta: &ParseNestedMeta, example: &str) -> syn::Result<Spanned<Path>> {
    let key = key_name(meta);
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Path(path) if path.qself.is_none() => Ok(Spanned {
            loc: Loc::of(&path.path),
            value: path.path,
        }),
        other => Err(syn::Error::new_spanned(
            &other,
            format!("`{key}` takes a path without quotes, e.g. `{key} = {example}`"),
        )),
    }
}

/// Rejects a value after a flag: `primary_key = true`.
fn flag(meta: &ParseNestedMeta) -> syn::Result<Span> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        let key = key_name(meta);
        return Err(syn::Error::new_spanned(
            &meta.path,
            format!("`{key}` is a flag and takes no value; write `{key}` alone"),
        ));
    }
    Ok(meta.path.span())
}

/// Reads every `#[schema(..)]` on the struct.
pub fn container(cx: &Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    let mut attempted = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(SCHEMA)) {
        let read = |meta: &ParseNestedMeta, key: &str, attempted: &mut Vec<String>| match key {
            TABLE => set_once(&mut out.table, string(meta)?, meta),
            RENAMED_FROM => set_once(&mut out.renamed_from, string(meta)?, meta),
            PRIMARY_KEY => {
                let loc = Loc::from(meta.path.span());
                let value = columns(meta)?;
                set_once(&mut out.primary_key, Spanned { value, loc }, meta)
            }
            INDEX => {
                out.indexes.push(index(cx, meta)?);
                Ok(())
            }
            UNIQUE => {
                out.uniques.push(unique(cx, meta)?);
                Ok(())
            }
            FOREIGN_KEY => {
                out.foreign_keys.push(foreign_key(cx, meta)?);
                Ok(())
            }
            CHECK => {
                out.checks.push(check(cx, meta)?);
                Ok(())
            }
            HAS_MANY | HAS_ONE => {
                out.children.push(child(cx, meta, key == HAS_MANY)?);
                Ok(())
            }
            MANY_TO_MANY => {
                out.many_to_many.push(many_to_many(cx, meta)?);
                Ok(())
            }
            CUSTOM_BEHAVIOR => {
                let span = flag(meta)?;
                set_once(&mut out.custom_behavior, span, meta)
            }
            STRICT => {
                let span = flag(meta)?;
                set_once(&mut out.strict, span, meta)
            }
            WITHOUT_ROWID => {
                let span = flag(meta)?;
                set_once(&mut out.without_rowid, span, meta)
            }
            COLLATE => set_once(&mut out.collate, non_empty(string(meta)?)?, meta),
            DOC_COMMENTS => {
                let span = flag(meta)?;
                set_once(&mut out.doc_comments, span, meta)
            }
            _ if FIELD_KEYS.contains(&key) => Err(syn::Error::new_spanned(
                &meta.path,
                format!("`{key}` belongs on a field, not on the struct"),
            )),
            _ => Err(unknown_key(meta, key, CONTAINER_KEYS, "struct", attempted)),
        };
        if let Err(error) = attr.parse_nested_meta(recovering(cx, &mut attempted, read)) {
            cx.syn_error(error);
        }
    }
    for key in attempted {
        cx.attempted(&key);
    }
    out
}

/// Reads every `#[schema(..)]` on a field.
pub fn field(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    let mut attempted = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(SCHEMA)) {
        let read = |meta: &ParseNestedMeta, key: &str, attempted: &mut Vec<String>| match key {
            PRIMARY_KEY => set_once(&mut out.primary_key, flag(meta)?, meta),
            AUTOINCREMENT => set_once(&mut out.autoincrement, flag(meta)?, meta),
            NULLABLE => set_once(&mut out.nullable, flag(meta)?, meta),
            UNIQUE => set_once(&mut out.unique, flag(meta)?, meta),
            INDEX => {
                let value = if meta.input.peek(syn::Token![=]) {
                    let name = string(meta)?;
                    Spanned {
                        value: Some(name.value),
                        loc: name.loc,
                    }
                } else {
                    Spanned {
                        value: None,
                        loc: flag(meta)?.into(),
                    }
                };
                set_once(&mut out.index, value, meta)
            }
            DEFAULT | DEFAULT_SQL => {
                let (value, key) = if key == DEFAULT {
                    (default_value(meta)?, DEFAULT)
                } else {
                    let sql = string(meta)?;
                    let value = Spanned {
                        value: DefaultValue::Sql(sql.value),
                        loc: sql.loc,
                    };
                    (value, DEFAULT_SQL)
                };
                match &out.default {
                    Some((_, other)) if *other != key => Err(syn::Error::new_spanned(
                        &meta.path,
                        format!("`{key}` and `{other}` both set the default; keep one of them"),
                    )),
                    _ => set_once(&mut out.default, (value, key), meta),
                }
            }
            REFERENCES => {
                let value = path_value(meta, "super::entry::id")?;
                set_once(&mut out.references, value, meta)
            }
            RELATES_TO => {
                let value = path_value(meta, "super::entry::id")?;
                set_once(&mut out.relates_to, value, meta)
            }
            ON_DELETE => set_once(&mut out.on_delete, action(meta)?, meta),
            ON_UPDATE if current_timestamp_value(meta) => {
                let span = meta.path.span();
                let _: Expr = meta.value()?.parse()?;
                set_once(&mut out.on_update_now, span, meta)
            }
            ON_UPDATE => set_once(&mut out.on_update, action(meta)?, meta),
            RELATION => set_once(&mut out.relation, ident(meta)?, meta),
            CONSTRAINT => set_once(&mut out.constraint, string(meta)?, meta),
            SQL_TYPE => sql_type(cx, meta, &mut out.sql_type),
            MAX_LEN => set_once(&mut out.max_len, max_len(meta)?, meta),
            RENAMED_FROM => set_once(&mut out.renamed_from, string(meta)?, meta),
            COLUMN => set_once(&mut out.column, string(meta)?, meta),
            PRECISION => set_once(&mut out.precision, digits(meta, PRECISION, 1)?, meta),
            SCALE => set_once(&mut out.scale, digits(meta, SCALE, 0)?, meta),
            COLLATE => set_once(&mut out.collate, non_empty(string(meta)?)?, meta),
            FOREIGN_KEY => Err(syn::Error::new_spanned(
                &meta.path,
                "on a field, a foreign key is `references = super::entry::id`; `foreign_key(..)` on the struct is for keys of several columns",
            )),
            "null" | "not_null" | "optional" => Err(syn::Error::new_spanned(
                &meta.path,
                format!(
                    "`{key}` is not a key: a column is nullable when its field is an `Option<_>` (or, for a plain field read as never NULL, `nullable`)"
                ),
            )),
            _ if CONTAINER_KEYS.contains(&key) => Err(syn::Error::new_spanned(
                &meta.path,
                format!("`{key}` belongs on the struct, not on a field"),
            )),
            _ => Err(unknown_key(meta, key, FIELD_KEYS, "field", attempted)),
        };
        if let Err(error) = attr.parse_nested_meta(recovering(cx, &mut attempted, read)) {
            cx.syn_error(error);
        }
    }
    for key in attempted {
        cx.attempted(&key);
    }
    out
}

/// Requires the list form `key(..)`.
fn require_list(meta: &ParseNestedMeta, example: &str) -> syn::Result<()> {
    if meta.input.peek(syn::token::Paren) {
        Ok(())
    } else {
        Err(syn::Error::new_spanned(
            &meta.path,
            format!("`{}` takes a list: `{example}`", key_name(meta)),
        ))
    }
}

/// Reads the keys of a nested list like `index(..)` with `read`; returns the
/// keys the user tried to write but got wrong.
fn nested(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    read: impl FnMut(&ParseNestedMeta, &str, &mut Vec<String>) -> syn::Result<()>,
) -> syn::Result<Vec<String>> {
    let mut attempted = Vec::new();
    meta.parse_nested_meta(recovering(cx, &mut attempted, read))?;
    Ok(attempted)
}

/// Reports `what` as missing from the list at `span`, unless the user tried
/// to write it and an error already says what is wrong.
fn require<T>(
    cx: &Ctxt,
    value: &Option<T>,
    key: &str,
    attempted: &[String],
    span: Span,
    message: &str,
) {
    if value.is_none() && !attempted.iter().any(|a| a == key) {
        cx.error(span, message);
    }
}

fn index(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<IndexAttr> {
    require_list(meta, "index(name = \"idx_..\", columns(..))")?;
    let mut out = IndexAttr {
        span: meta.path.span(),
        name: None,
        columns: None,
        unique: false,
        using: None,
        predicate: None,
        include: None,
    };
    let mut unique_seen = None;
    let attempted = nested(cx, meta, |inner, key, attempted| match key {
        NAME => set_once(&mut out.name, string(inner)?, inner),
        COLUMNS => set_once(&mut out.columns, index_parts(inner)?, inner),
        UNIQUE => {
            flag(inner)?;
            out.unique = true;
            set_once(&mut unique_seen, (), inner)
        }
        USING => set_once(&mut out.using, index_method(inner)?, inner),
        WHERE => {
            let predicate = string(inner)?;
            if predicate.value.trim().is_empty() {
                return Err(syn::Error::new(
                    predicate.loc.start,
                    "`where` needs an SQL condition, e.g. `where = \"deleted_at IS NULL\"`",
                ));
            }
            set_once(&mut out.predicate, predicate, inner)
        }
        INCLUDE => set_once(&mut out.include, columns(inner)?, inner),
        _ => Err(unknown_key(inner, key, INDEX_KEYS, "index", attempted)),
    })?;
    require(
        cx,
        &out.name,
        NAME,
        &attempted,
        out.span,
        "index needs a name: `index(name = \"idx_..\", columns(..))`",
    );
    require(
        cx,
        &out.columns,
        COLUMNS,
        &attempted,
        out.span,
        "index needs its columns: `index(name = \"idx_..\", columns(..))`",
    );
    Ok(out)
}

fn unique(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<UniqueAttr> {
    require_list(meta, "unique(columns(..))")?;
    let mut out = UniqueAttr {
        span: meta.path.span(),
        name: None,
        columns: None,
    };
    let attempted = nested(cx, meta, |inner, key, attempted| match key {
        NAME => set_once(&mut out.name, string(inner)?, inner),
        COLUMNS => set_once(&mut out.columns, columns(inner)?, inner),
        _ => Err(unknown_key(inner, key, UNIQUE_KEYS, "unique", attempted)),
    })?;
    require(
        cx,
        &out.columns,
        COLUMNS,
        &attempted,
        out.span,
        "unique needs its columns: `unique(columns(..))`",
    );
    Ok(out)
}

fn foreign_key(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<ForeignKeyAttr> {
    const EXAMPLE: &str = "foreign_key(columns(..), references = super::parent, ref_columns(..))";
    require_list(meta, EXAMPLE)?;
    let mut out = ForeignKeyAttr {
        span: meta.path.span(),
        columns: None,
        target: None,
        ref_columns: None,
        on_delete: None,
        on_update: None,
        relation: None,
        constraint: None,
    };
    let attempted = nested(cx, meta, |inner, key, attempted| match key {
        COLUMNS => set_once(&mut out.columns, columns(inner)?, inner),
        REFERENCES => {
            let path = path_value(inner, "super::parent")?;
            set_once(&mut out.target, path.value, inner)
        }
        REF_COLUMNS => set_once(&mut out.ref_columns, columns(inner)?, inner),
        ON_DELETE => set_once(&mut out.on_delete, action(inner)?, inner),
        ON_UPDATE => set_once(&mut out.on_update, action(inner)?, inner),
        RELATION => set_once(&mut out.relation, ident(inner)?, inner),
        CONSTRAINT => set_once(&mut out.constraint, string(inner)?, inner),
        _ => Err(unknown_key(
            inner,
            key,
            FOREIGN_KEY_KEYS,
            "foreign_key",
            attempted,
        )),
    })?;
    require(
        cx,
        &out.columns,
        COLUMNS,
        &attempted,
        out.span,
        &format!("foreign_key needs its columns: `{EXAMPLE}`"),
    );
    require(
        cx,
        &out.target,
        REFERENCES,
        &attempted,
        out.span,
        &format!("foreign_key needs the referenced entity's module: `{EXAMPLE}`"),
    );
    require(
        cx,
        &out.ref_columns,
        REF_COLUMNS,
        &attempted,
        out.span,
        &format!("foreign_key needs the referenced columns: `{EXAMPLE}`"),
    );
    Ok(out)
}

fn check(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<CheckAttr> {
    require_list(meta, "check(expr = \"..\")")?;
    let mut out = CheckAttr {
        span: meta.path.span(),
        expr: None,
        name: None,
    };
    let attempted = nested(cx, meta, |inner, key, attempted| match key {
        EXPR => set_once(&mut out.expr, string(inner)?, inner),
        NAME => set_once(&mut out.name, string(inner)?, inner),
        _ => Err(unknown_key(inner, key, CHECK_KEYS, "check", attempted)),
    })?;
    require(
        cx,
        &out.expr,
        EXPR,
        &attempted,
        out.span,
        "check needs its SQL expression: `check(expr = \"..\")`",
    );
    Ok(out)
}

fn many_to_many(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<ManyToManyAttr> {
    const EXAMPLE: &str = "many_to_many(super::actor, via = super::film_actor)";
    require_list(meta, EXAMPLE)?;
    let mut target: Option<Path> = None;
    let mut via: Option<Path> = None;
    let mut first = true;
    nested(cx, meta, |inner, name, attempted| {
        let is_first = std::mem::replace(&mut first, false);
        match name {
            VIA if inner.input.peek(syn::Token![=]) => {
                let path = path_value(inner, "super::film_actor")?;
                set_once(&mut via, path.value, inner)
            }
            _ if is_first && (inner.input.is_empty() || inner.input.peek(syn::Token![,])) => {
                target = Some(inner.path.clone());
                Ok(())
            }
            _ => Err(unknown_key(inner, name, &[VIA], MANY_TO_MANY, attempted)),
        }
    })?;
    match (target, via) {
        (Some(target), Some(via)) => Ok(ManyToManyAttr { target, via }),
        _ => Err(syn::Error::new_spanned(
            &meta.path,
            format!(
                "`many_to_many` needs the other entity's module and the junction's: `{EXAMPLE}`"
            ),
        )),
    }
}

fn child(cx: &Ctxt, meta: &ParseNestedMeta, many: bool) -> syn::Result<ChildAttr> {
    let key = key_name(meta);
    let example = format!("{key}(super::child::parent_id)");
    let wrong_path = |path: &Path| {
        syn::Error::new_spanned(
            path,
            format!(
                "`{key}` takes the path of the child's foreign-key column, with the child's module: `{example}`"
            ),
        )
    };
    let mut target: Option<Path> = None;
    let mut relation = None;
    let mut via = None;
    if meta.input.peek(syn::Token![=]) {
        target = Some(path_value(meta, "super::child::parent_id")?.value);
    } else {
        require_list(meta, &example)?;
        let mut first = true;
        nested(cx, meta, |inner, name, attempted| {
            let is_first = std::mem::replace(&mut first, false);
            match name {
                RELATION if inner.input.peek(syn::Token![=]) => {
                    set_once(&mut relation, ident(inner)?, inner)
                }
                VIA if inner.input.peek(syn::Token![=]) => set_once(&mut via, ident(inner)?, inner),
                _ if inner.input.is_empty() || inner.input.peek(syn::Token![,]) => {
                    if is_first {
                        target = Some(inner.path.clone());
                        Ok(())
                    } else {
                        Err(unknown_key(inner, name, CHILD_KEYS, &key, attempted))
                    }
                }
                _ => Err(unknown_key(inner, name, CHILD_KEYS, &key, attempted)),
            }
        })?;
    }
    let Some(mut module) = target else {
        return Err(syn::Error::new_spanned(
            &meta.path,
            format!("`{key}` needs the path of the child's foreign-key column first: `{example}`"),
        ));
    };
    if module.segments.len() < 2 {
        return Err(wrong_path(&module));
    }
    let column = module
        .segments
        .pop()
        .expect("two segments")
        .into_value()
        .ident;
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
    set_once(&mut out.span, meta.path.span(), meta)?;
    nested(cx, meta, |inner, key, attempted| {
        let slot = match key {
            SQLITE => &mut out.sqlite,
            POSTGRES => &mut out.postgres,
            MYSQL => &mut out.mysql,
            _ => return Err(unknown_key(inner, key, BACKENDS, "sql_type", attempted)),
        };
        set_once(slot, string(inner)?, inner)
    })?;
    Ok(())
}

/// The text of the `///` doc comments in `attrs`, one line each without the
/// space after `///`; `None` when there are none.
pub fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .map(|line| {
            line.strip_prefix(' ')
                .unwrap_or(&line)
                .trim_end()
                .to_owned()
        })
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}
