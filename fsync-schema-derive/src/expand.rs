//! Emits the SeaORM entity and the table model for a checked [`Entity`].
//!
//! Generated code names everything by absolute path through
//! `::fsync_schema::__private`, so the caller needs no imports; the logic that
//! is the same for every entity lives in ordinary functions there.
//!
//! The named items (`Entity`, `Column`, `PrimaryKey`, `ActiveModel`,
//! `Relation`) are emitted in the caller's module, their impls inside one
//! `const _: () = { .. };` block. There, every use of a field's type goes
//! through one trait, `fsync_schema::__private::FieldColumn`, implemented for
//! the types a column can hold, and is spanned over the field's type: a type
//! that cannot be stored in a column gives one error there, not one per
//! generated method (the compiler reports an identical error at an identical
//! span once).

use crate::ast::{Entity, Field, Via};
use crate::ctxt::Loc;
use fsync_schema_model::tokens;
use fsync_schema_model::validate::{DefaultRef, Need};
use fsync_schema_model::{Backend, Targets};
use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use std::collections::BTreeMap;

/// `::fsync_schema::__private`.
fn private() -> TokenStream {
    quote!(::fsync_schema::__private)
}

/// `::fsync_schema::__private::sea_orm`.
fn sea() -> TokenStream {
    quote!(::fsync_schema::__private::sea_orm)
}

/// Everything the derive emits for `entity`.
pub fn expand(entity: &Entity) -> TokenStream {
    let (entity_struct, entity_impls) = entity_struct(entity);
    let (column, column_impls) = column_enum(entity);
    let (primary_key, primary_key_impls) = primary_key_enum(entity);
    let model = model_impls(entity);
    let (active_model, active_model_impls) = active_model(entity);
    let (relation, relation_impls) = relation_enum(entity);
    let schema = schema_impl(entity);
    let checks = compile_time_checks(entity);
    quote! {
        #entity_struct
        #column
        #primary_key
        #active_model
        #relation
        const _: () = {
            #entity_impls
            #column_impls
            #primary_key_impls
            #model
            #active_model_impls
            #relation_impls
            #schema
        };
        #checks
    }
}

/// Stub items emitted next to the errors when the input is not an entity, so
/// that code using the module does not add a cascade of errors.
pub fn fallback(vis: &syn::Visibility) -> TokenStream {
    quote! {
        #vis struct Entity;
        #vis enum Column {}
        #vis enum PrimaryKey {}
        #vis enum Relation {}
        #vis struct ActiveModel;
        const _: () = {
            #[automatically_derived]
            impl<T> ::fsync_schema::__private::BackendRules<T> for Entity {
                const SQLITE: () = ();
                const POSTGRES: () = ();
                const MYSQL: () = ();
            }
        };
    }
}

/// `ActiveValue<T>` for a field, spanned over the field's type.
fn active_type(field: &Field) -> TokenStream {
    let ty = field.ty;
    let open =
        quote_spanned!(field.ty_loc.start=> ::fsync_schema::__private::sea_orm::ActiveValue<);
    let close = quote_spanned!(field.ty_loc.end=> >);
    quote!(#open #ty #close)
}

/// `<ActiveValue<T> as FieldColumn<T>>::op(args)`, spanned over the
/// field's type: every token at its start but the argument list, at its end.
/// (An expression whose tokens mix the field's span and the macro's would be
/// reported at the macro.) The arguments too are spanned over the type, for an
/// argument that is the field's `ActiveValue` is checked where it is written.
fn op(field: &Field, op: &str, args: TokenStream) -> TokenStream {
    let ty = field.ty;
    let loc = field.ty_loc;
    let active = active_type(field);
    let op = Ident::new(op, loc.start);
    let args = group_at(Delimiter::Parenthesis, over(loc, args), loc.end);
    quote_spanned!(loc.start=> <#active as ::fsync_schema::__private::FieldColumn<#ty>>::#op #args)
}

/// Comma-separated `tokens`, each item spanned over `loc`: its last token at
/// the end of `loc`, the others at its start.
fn over(loc: Loc, tokens: TokenStream) -> TokenStream {
    let mut items: Vec<Vec<proc_macro2::TokenTree>> = vec![Vec::new()];
    for token in tokens {
        match &token {
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => items.push(Vec::new()),
            _ => items.last_mut().expect("one item").push(token),
        }
    }
    let items = items
        .into_iter()
        .filter(|item| !item.is_empty())
        .map(|item| {
            let last = item.len() - 1;
            item.into_iter()
                .enumerate()
                .map(|(i, mut token)| {
                    token.set_span(if i == last { loc.end } else { loc.start });
                    token
                })
                .collect::<TokenStream>()
        });
    quote!(#(#items),*)
}

/// A delimited group whose delimiters carry `span`.
fn group_at(delimiter: Delimiter, tokens: TokenStream, span: Span) -> Group {
    let mut group = Group::new(delimiter, tokens);
    group.set_span(span);
    group
}

/// A static list of `ty`'s variants as `IntoEnumIterator`.
fn iterable(ty: &Ident, variants: &[TokenStream]) -> TokenStream {
    let sea = sea();
    let count = variants.len();
    quote! {
        #[automatically_derived]
        impl #sea::strum::IntoEnumIterator for #ty {
            type Iterator = ::core::iter::Copied<::core::slice::Iter<'static, #ty>>;
            fn iter() -> Self::Iterator {
                static ALL: [#ty; #count] = [#(#variants),*];
                ALL.iter().copied()
            }
        }
    }
}

/// `IdenStatic` and `Iden` for an enum whose variants name columns.
fn iden_impls(ty: &Ident, arms: &[TokenStream]) -> TokenStream {
    let sea = sea();
    quote! {
        #[automatically_derived]
        impl #sea::IdenStatic for #ty {
            fn as_str(&self) -> &'static str {
                match *self { #(#arms)* }
            }
        }
        #[automatically_derived]
        impl #sea::Iden for #ty {
            // sea-query writes a borrowed name as it is: one holding a quote
            // character must be owned, so that it is escaped.
            fn quoted(&self) -> ::std::borrow::Cow<'static, str> {
                let name = #sea::IdenStatic::as_str(self);
                if name.contains(['"', '`', '[', ']']) {
                    ::std::borrow::Cow::Owned(::std::borrow::ToOwned::to_owned(name))
                } else {
                    ::std::borrow::Cow::Borrowed(name)
                }
            }
            fn unquoted(&self) -> &str {
                #sea::IdenStatic::as_str(self)
            }
        }
    }
}

fn column_enum(entity: &Entity) -> (TokenStream, TokenStream) {
    let sea = sea();
    let private = private();
    let vis = entity.vis;
    let ident = format_ident!("Column");
    let variants: Vec<&Ident> = entity.fields.iter().map(|f| &f.variant).collect();
    let docs = entity
        .fields
        .iter()
        .map(|f| format!("The `{}` column.", f.name));
    let names: Vec<&str> = entity.fields.iter().map(|f| f.name.as_str()).collect();
    let paths: Vec<TokenStream> = variants.iter().map(|v| quote!(Column::#v)).collect();
    let name_arms: Vec<TokenStream> = variants
        .iter()
        .zip(&names)
        .map(|(v, n)| quote!(Column::#v => #n,))
        .collect();
    let iterable = iterable(&ident, &paths);
    let iden = iden_impls(&ident, &name_arms);
    let definition = quote! {
        /// The table's columns. Generated by `#[derive(fsync_schema::Entity)]`.
        // No `PartialEq`: its `eq` would shadow `ColumnTrait::eq` in filters.
        #[derive(Copy, Clone, Debug)]
        #vis enum Column {
            #(#[doc = #docs] #variants,)*
        }
    };
    let impls = quote! {
        #iterable
        #iden
        #[automatically_derived]
        impl ::core::str::FromStr for Column {
            type Err = #sea::ColumnFromStrErr;
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                match text {
                    #(#names => ::core::result::Result::Ok(Column::#variants),)*
                    _ => ::core::result::Result::Err(#sea::ColumnFromStrErr(::core::convert::From::from(text))),
                }
            }
        }
        #[automatically_derived]
        impl #sea::ColumnTrait for Column {
            type EntityName = Entity;
            /// Worked out once from the table model (`fsync_schema::seaorm::column_defs`).
            fn def(&self) -> #sea::ColumnDef {
                static DEFS: ::std::sync::OnceLock<::std::vec::Vec<#sea::ColumnDef>> =
                    ::std::sync::OnceLock::new();
                let defs = DEFS.get_or_init(|| {
                    #private::seaorm::column_defs(&<Entity as #private::SchemaEntity>::table())
                });
                ::core::clone::Clone::clone(&defs[*self as usize])
            }
        }
    };
    (definition, impls)
}

/// The fields of the primary key, in key order, each once.
fn key_fields<'e, 'a>(entity: &'e Entity<'a>) -> Vec<&'e Field<'a>> {
    let mut out: Vec<&Field> = Vec::new();
    for name in &entity.table.primary_key {
        if let Some(field) = entity.fields.iter().find(|f| &f.name == name)
            && !out.iter().any(|f| f.name == field.name)
        {
            out.push(field);
        }
    }
    out
}

fn primary_key_enum(entity: &Entity) -> (TokenStream, TokenStream) {
    let sea = sea();
    let private = private();
    let vis = entity.vis;
    let ident = format_ident!("PrimaryKey");
    let keys = key_fields(entity);
    let variants: Vec<&Ident> = keys.iter().map(|f| &f.variant).collect();
    let paths: Vec<TokenStream> = variants.iter().map(|v| quote!(PrimaryKey::#v)).collect();
    let arms: Vec<TokenStream> = keys
        .iter()
        .map(|f| {
            let (v, n) = (&f.variant, &f.name);
            quote!(PrimaryKey::#v => #n,)
        })
        .collect();
    // The key's type without `Option`: a nullable key column is an error of
    // its own, which SeaORM's bounds on the key type would only repeat.
    let key_type = |field: &Field| {
        let ty = field.ty;
        let open = quote_spanned!(field.ty_loc.start=> <);
        let close = quote_spanned!(field.ty_loc.end=> NotNull);
        quote!(#open #ty as #private::ColumnValue>::#close)
    };
    let value_type = match keys.as_slice() {
        // No key is an error already; any valid type avoids more.
        [] => quote!(i32),
        [one] => key_type(one),
        many => {
            let types = many.iter().map(|f| key_type(f));
            quote!((#(#types),*))
        }
    };
    let auto_increment = keys.len() == 1
        && entity
            .table
            .column(&keys[0].name)
            .is_some_and(|c| c.autoincrement);
    let iterable = iterable(&ident, &paths);
    let iden = iden_impls(&ident, &arms);
    let definition = quote! {
        /// The primary key's columns. Generated by `#[derive(fsync_schema::Entity)]`.
        #[derive(Copy, Clone, Debug)]
        #vis enum PrimaryKey {
            #(#variants,)*
        }
    };
    let impls = quote! {
        #iterable
        #iden
        #[automatically_derived]
        impl #sea::PrimaryKeyToColumn for PrimaryKey {
            type Column = Column;
            fn into_column(self) -> Column {
                match self { #(PrimaryKey::#variants => Column::#variants,)* }
            }
            #[allow(unreachable_patterns)]
            fn from_column(column: Column) -> ::core::option::Option<Self> {
                match column {
                    #(Column::#variants => ::core::option::Option::Some(PrimaryKey::#variants),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
        #[automatically_derived]
        impl #sea::PrimaryKeyTrait for PrimaryKey {
            type ValueType = #value_type;
            fn auto_increment() -> bool {
                #auto_increment
            }
        }
    };
    (definition, impls)
}

fn entity_struct(entity: &Entity) -> (TokenStream, TokenStream) {
    let sea = sea();
    let vis = entity.vis;
    let model = entity.ident;
    let table = &entity.table.name;
    // Without quote characters the name needs no escaping: sea-query may borrow it.
    let quoted = (!table.contains(['"', '`', '[', ']'])).then(|| {
        quote! {
            fn quoted(&self) -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#table)
            }
        }
    });
    let doc = format!("The `{table}` table. Generated by `#[derive(fsync_schema::Entity)]`.");
    let definition = quote! {
        #[doc = #doc]
        #[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
        #vis struct Entity;
    };
    let impls = quote! {
        #[automatically_derived]
        impl #sea::EntityName for Entity {
            fn table_name(&self) -> &'static str {
                #table
            }
        }
        #[automatically_derived]
        impl #sea::IdenStatic for Entity {
            fn as_str(&self) -> &'static str {
                #table
            }
        }
        #[automatically_derived]
        impl #sea::Iden for Entity {
            #quoted
            fn unquoted(&self) -> &str {
                #table
            }
        }
        #[automatically_derived]
        impl #sea::EntityTrait for Entity {
            type Model = #model;
            type ModelEx = #model;
            type ActiveModel = ActiveModel;
            type ActiveModelEx = ActiveModel;
            type Column = Column;
            type PrimaryKey = PrimaryKey;
            type Relation = Relation;
        }
    };
    (definition, impls)
}

fn model_impls(entity: &Entity) -> TokenStream {
    let sea = sea();
    let model = entity.ident;
    let fields: Vec<&Ident> = entity.fields.iter().map(|f| f.ident).collect();
    let variants: Vec<&Ident> = entity.fields.iter().map(|f| &f.variant).collect();
    let get = entity.fields.iter().map(|f| {
        let field = f.ident;
        op(f, "to_value", quote!(&self.#field))
    });
    let value_type = entity.fields.iter().map(|f| op(f, "array_type", quote!()));
    let try_set = entity.fields.iter().map(|f| {
        let name = &f.name;
        op(f, "from_value", quote!(value, #name))
    });
    let read = entity.fields.iter().map(|f| {
        let name = &f.name;
        op(f, "try_get", quote!(row, pre, #name))
    });
    quote! {
        #[automatically_derived]
        impl #sea::ModelTrait for #model {
            type Entity = Entity;
            fn get(&self, column: Column) -> #sea::Value {
                match column {
                    #(Column::#variants => #get,)*
                }
            }
            fn get_value_type(column: Column) -> #sea::sea_query::ArrayType {
                match column {
                    #(Column::#variants => #value_type,)*
                }
            }
            fn try_set(&mut self, column: Column, value: #sea::Value) -> ::core::result::Result<(), #sea::DbErr> {
                match column {
                    #(Column::#variants => {
                        self.#fields = #try_set?;
                        ::core::result::Result::Ok(())
                    })*
                }
            }
        }
        #[automatically_derived]
        impl #sea::FromQueryResult for #model {
            fn from_query_result(row: &#sea::QueryResult, pre: &str) -> ::core::result::Result<Self, #sea::DbErr> {
                Self::from_query_result_nullable(row, pre).map_err(::core::convert::Into::into)
            }
            fn from_query_result_nullable(row: &#sea::QueryResult, pre: &str) -> ::core::result::Result<Self, #sea::TryGetError> {
                ::core::result::Result::Ok(Self {
                    #(#fields: #read?,)*
                })
            }
        }
    }
}

fn active_model(entity: &Entity) -> (TokenStream, TokenStream) {
    let sea = sea();
    let vis = entity.vis;
    let model = entity.ident;
    let fields: Vec<&Ident> = entity.fields.iter().map(|f| f.ident).collect();
    let variants: Vec<&Ident> = entity.fields.iter().map(|f| &f.variant).collect();
    let names: Vec<&str> = entity.fields.iter().map(|f| f.name.as_str()).collect();
    let types = entity.fields.iter().map(active_type);
    let each = |name: &str, args: &dyn Fn(&Field) -> TokenStream| -> Vec<TokenStream> {
        entity.fields.iter().map(|f| op(f, name, args(f))).collect()
    };
    let field = |f: &Field| f.ident.clone();
    let unchanged = each("unchanged", &|f| {
        let field = field(f);
        quote!(model.#field)
    });
    let into_model = each("into_model", &|f| {
        let (field, name) = (field(f), &f.name);
        quote!(active.#field, #name)
    });
    let take = each("take", &|f| {
        let field = field(f);
        quote!(&mut self.#field)
    });
    let get = each("get", &|f| {
        let field = field(f);
        quote!(&self.#field)
    });
    let set_if_not_equals = each("set_if_not_equals", &|f| {
        let field = field(f);
        quote!(&mut self.#field, value)
    });
    let try_set = each("try_set", &|f| {
        let (field, name) = (field(f), &f.name);
        quote!(&mut self.#field, value, #name)
    });
    let not_set = each("not_set", &|_| quote!());
    let is_not_set = each("is_not_set", &|f| {
        let field = field(f);
        quote!(&self.#field)
    });
    let reset = each("reset", &|f| {
        let field = field(f);
        quote!(&mut self.#field)
    });
    let default_value = each("default_value", &|_| quote!());
    let clone = each("clone", &|f| {
        let field = field(f);
        quote!(&self.#field)
    });
    let eq = each("eq", &|f| {
        let field = field(f);
        quote!(&self.#field, &other.#field)
    });
    let debug = each("debug", &|f| {
        let field = field(f);
        quote!(&self.#field)
    });
    let behavior = (!entity.custom_behavior).then(|| {
        quote! {
            #[automatically_derived]
            impl #sea::ActiveModelBehavior for ActiveModel {}
        }
    });
    let definition = quote! {
        /// The model with each field set, unchanged or not set. Generated by `#[derive(fsync_schema::Entity)]`.
        #vis struct ActiveModel {
            #(pub #fields: #types,)*
        }
    };
    let impls = quote! {
        #behavior
        #[automatically_derived]
        impl ::core::clone::Clone for ActiveModel {
            fn clone(&self) -> Self {
                Self { #(#fields: #clone,)* }
            }
        }
        #[automatically_derived]
        impl ::core::cmp::PartialEq for ActiveModel {
            #[allow(unused_variables)]
            fn eq(&self, other: &Self) -> bool {
                true #(&& #eq)*
            }
        }
        #[automatically_derived]
        impl ::core::fmt::Debug for ActiveModel {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct("ActiveModel")
                    #(.field(#names, #debug))*
                    .finish()
            }
        }
        #[automatically_derived]
        impl ::core::default::Default for ActiveModel {
            fn default() -> Self {
                <Self as #sea::ActiveModelBehavior>::new()
            }
        }
        #[automatically_derived]
        impl ::core::convert::From<#model> for ActiveModel {
            fn from(model: #model) -> Self {
                Self { #(#fields: #unchanged,)* }
            }
        }
        #[automatically_derived]
        impl #sea::IntoActiveModel<ActiveModel> for #model {
            fn into_active_model(self) -> ActiveModel {
                ::core::convert::From::from(self)
            }
        }
        #[automatically_derived]
        impl ::core::convert::TryFrom<ActiveModel> for #model {
            type Error = #sea::DbErr;
            fn try_from(active: ActiveModel) -> ::core::result::Result<Self, #sea::DbErr> {
                ::core::result::Result::Ok(Self {
                    #(#fields: #into_model?,)*
                })
            }
        }
        #[automatically_derived]
        impl #sea::TryIntoModel<#model> for ActiveModel {
            fn try_into_model(self) -> ::core::result::Result<#model, #sea::DbErr> {
                ::core::convert::TryFrom::try_from(self)
            }
        }
        #[automatically_derived]
        impl #sea::ActiveModelTrait for ActiveModel {
            type Entity = Entity;
            fn take(&mut self, column: Column) -> #sea::ActiveValue<#sea::Value> {
                match column {
                    #(Column::#variants => #take,)*
                }
            }
            fn get(&self, column: Column) -> #sea::ActiveValue<#sea::Value> {
                match column {
                    #(Column::#variants => #get,)*
                }
            }
            fn set_if_not_equals(&mut self, column: Column, value: #sea::Value) {
                match column {
                    #(Column::#variants => #set_if_not_equals,)*
                }
            }
            fn try_set(&mut self, column: Column, value: #sea::Value) -> ::core::result::Result<(), #sea::DbErr> {
                match column {
                    #(Column::#variants => #try_set,)*
                }
            }
            fn not_set(&mut self, column: Column) {
                match column {
                    #(Column::#variants => self.#fields = #not_set,)*
                }
            }
            fn is_not_set(&self, column: Column) -> bool {
                match column {
                    #(Column::#variants => #is_not_set,)*
                }
            }
            fn reset(&mut self, column: Column) {
                match column {
                    #(Column::#variants => #reset,)*
                }
            }
            fn default() -> Self {
                Self { #(#fields: #not_set,)* }
            }
            fn default_values() -> Self {
                Self { #(#fields: #default_value,)* }
            }
        }
    };
    (definition, impls)
}

fn action_tokens(action: fsync_schema_model::Action) -> TokenStream {
    use fsync_schema_model::Action as A;
    let sea = sea();
    let variant = match action {
        A::NoAction => return quote!(::core::option::Option::None),
        A::Restrict => quote!(Restrict),
        A::Cascade => quote!(Cascade),
        A::SetNull => quote!(SetNull),
        A::SetDefault => quote!(SetDefault),
    };
    quote!(::core::option::Option::Some(#sea::ForeignKeyAction::#variant))
}

fn relation_enum(entity: &Entity) -> (TokenStream, TokenStream) {
    let sea = sea();
    let private = private();
    let vis = entity.vis;
    let ident = format_ident!("Relation");
    let mut seen = Vec::new();
    let mut variants = Vec::new();
    let mut docs = Vec::new();
    let mut defs = Vec::new();
    // The relation of each single-column foreign key, by column, so that a
    // parent's `has_many(super::child::column)` can name it.
    let mut by_column: Vec<(Ident, Ident)> = Vec::new();
    // Related impls, keyed by the target module, with the variant that gives them.
    let mut related: BTreeMap<String, Vec<(TokenStream, Ident)>> = BTreeMap::new();
    for fk in &entity.foreign_keys {
        if seen.contains(&fk.relation.to_string()) {
            continue;
        }
        seen.push(fk.relation.to_string());
        let module = &fk.module;
        let from: Vec<&str> = fk
            .fields
            .iter()
            .map(|i| entity.fields[*i].name.as_str())
            .collect();
        // The referenced fields' column names, from the referenced entity.
        let to = fk.ref_columns.iter().map(|c| {
            let field = syn::ext::IdentExt::unraw(c).to_string();
            quote!(#private::column_of::<#module::Entity>(#field))
        });
        let (on_delete, on_update) = (action_tokens(fk.on_delete), action_tokens(fk.on_update));
        let variant = &fk.relation;
        docs.push(format!(
            "Belongs to `{}` through ({}).",
            quote!(#module),
            from.join(", ")
        ));
        // The constraint name render gives the key, so that SeaORM's schema
        // builder names it alike.
        let constraint = entity
            .table
            .foreign_keys
            .iter()
            .find(|model| {
                model
                    .columns
                    .iter()
                    .map(String::as_str)
                    .eq(from.iter().copied())
            })
            .map(|model| model.constraint_name(&entity.table.name));
        let constraint = tokens::option_string(constraint.as_deref());
        let enforced = fk.model.is_some();
        defs.push(quote_spanned! {fk.span=>
            Relation::#variant => #private::belongs_to::<Entity, #module::Entity>(
                &[#(#from),*], &[#(#to),*], #on_delete, #on_update, #constraint, #enforced,
            ),
        });
        variants.push(variant.clone());
        if let [field] = fk.fields.as_slice() {
            let column = entity.fields[*field].ident;
            if !by_column.iter().any(|(c, _)| c == column) {
                by_column.push((column.clone(), variant.clone()));
            }
        }
        if !fk.is_self_reference() {
            related
                .entry(quote!(#module).to_string())
                .or_default()
                .push((quote!(#module), variant.clone()));
        }
    }
    let fk_targets: Vec<String> = related.keys().cloned().collect();
    for child in &entity.children {
        if seen.contains(&child.relation.to_string()) {
            continue;
        }
        seen.push(child.relation.to_string());
        let (module, variant, many) = (&child.module, &child.relation, child.many);
        let via = match &child.via {
            Via::Column(column) | Via::Relation(column) => column,
        };
        let kind = if many { "Has many" } else { "Has one" };
        let what = match &child.via {
            Via::Column(_) => "foreign key",
            Via::Relation(_) => "relation",
        };
        docs.push(format!(
            "{kind} `{}` (their `{via}` {what}).",
            quote!(#module)
        ));
        // Both paths name the child's module in type position, so that an
        // unknown module is one error, not two with different hints.
        defs.push(quote_spanned! {child.span=>
            Relation::#variant => #private::has_child(
                <#module::Relation as #sea::RelationTrait>::def(&<#module::Relation>::#via),
                #many,
            ),
        });
        variants.push(variant.clone());
        let key = quote!(#module).to_string();
        if !fk_targets.contains(&key) {
            related
                .entry(key)
                .or_default()
                .push((quote!(#module), variant.clone()));
        }
    }
    let related_impls = related.values().filter(|v| v.len() == 1).map(|v| {
        let (module, variant) = &v[0];
        quote! {
            #[automatically_derived]
            impl #sea::Related<#module::Entity> for Entity {
                fn to() -> #sea::RelationDef {
                    <Relation as #sea::RelationTrait>::def(&Relation::#variant)
                }
            }
        }
    });
    // Many-to-many through a junction that relates to both sides.
    let many_to_many = entity.many_to_many.iter().map(|(target, via)| {
        quote! {
            #[automatically_derived]
            impl #sea::Related<#target::Entity> for Entity {
                fn to() -> #sea::RelationDef {
                    <#via::Entity as #sea::Related<#target::Entity>>::to()
                }
                fn via() -> ::core::option::Option<#sea::RelationDef> {
                    ::core::option::Option::Some(<#via::Entity as #sea::Related<Entity>>::to().rev())
                }
            }
        }
    });
    let column_consts = by_column.iter().map(|(column, variant)| {
        quote! {
            #[allow(non_upper_case_globals)]
            pub const #column: Relation = Relation::#variant;
        }
    });
    let paths: Vec<TokenStream> = variants.iter().map(|v| quote!(Relation::#v)).collect();
    let iterable = iterable(&ident, &paths);
    let definition = quote! {
        /// The table's relations. Generated by `#[derive(fsync_schema::Entity)]`.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        #vis enum Relation {
            #(#[doc = #docs] #variants,)*
        }
    };
    let impls = quote! {
        /// The relation of each single-column foreign key, by column.
        #[doc(hidden)]
        impl Relation {
            #(#column_consts)*
        }
        #iterable
        #[automatically_derived]
        impl #sea::RelationTrait for Relation {
            fn def(&self) -> #sea::RelationDef {
                match *self { #(#defs)* }
            }
        }
        #(#related_impls)*
        #(#many_to_many)*
    };
    (definition, impls)
}

fn schema_impl(entity: &Entity) -> TokenStream {
    let private = private();
    let table = &entity.table;
    let name = &table.name;
    let renamed = tokens::option_string(table.renamed_from.as_deref());
    let columns = entity.fields.iter().zip(&table.columns).map(|(field, column)| {
        let col_name = &column.name;
        let sql_type = tokens::sql_types(&column.sql_type);
        // A float default that is not finite is an error already (SQL has
        // no such number), and cannot be written as a Rust literal.
        let finite = |d: &&fsync_schema_model::DefaultValue| {
            !matches!(d, fsync_schema_model::DefaultValue::Float(f) if !f.is_finite())
        };
        let default = column.default.as_ref().filter(finite).map(|d| {
            let d = tokens::default_value(d);
            quote!(column.default = ::core::option::Option::Some(#d);)
        });
        let autoincrement = column.autoincrement.then(|| quote!(column.autoincrement = true;));
        let nullable = field.nullable.map(|_| quote!(column.nullable = true;));
        let on_update = column
            .on_update_current_timestamp
            .then(|| quote!(column.on_update_current_timestamp = true;));
        let collation = column.collation.as_ref().map(|c| {
            quote!(column.collation = ::core::option::Option::Some(::core::convert::From::from(#c));)
        });
        let comment = column.comment.as_ref().map(|c| {
            quote!(column.comment = ::core::option::Option::Some(::core::convert::From::from(#c));)
        });
        let max_len = field.max_len.map(|(len, _)| {
            quote!(column.ty = ::fsync_schema::model::ColumnType::String(#len);)
        });
        let decimal = field.decimal.map(|((precision, scale), _)| {
            quote!(column.ty = ::fsync_schema::model::ColumnType::Decimal(#precision, #scale);)
        });
        let renamed = column.renamed_from.as_deref().map(|r| {
            quote!(column.renamed_from = ::core::option::Option::Some(::core::convert::From::from(#r));)
        });
        let new = op(field, "column", quote!(#col_name, #sql_type));
        quote! {{
            #[allow(unused_mut)]
            let mut column = #new;
            #default
            #autoincrement
            #nullable
            #on_update
            #collation
            #comment
            #max_len
            #decimal
            #renamed
            column
        }}
    });
    let primary_key = &table.primary_key;
    let uniques = table.uniques.iter().map(tokens::unique);
    let indexes = table.indexes.iter().map(tokens::index);
    let checks = table.checks.iter().map(tokens::check);
    let (strict, without_rowid) = (table.options.strict, table.options.without_rowid);
    let table_collation = tokens::option_string(table.options.collation.as_deref());
    let table_comment = tokens::option_string(table.options.comment.as_deref());
    let foreign_keys = entity.foreign_keys.iter().filter_map(|fk| Some((fk, fk.model?))).map(|(fk, model)| {
        let model = &table.foreign_keys[model];
        let module = &fk.module;
        let columns = &model.columns;
        let ref_columns = model
            .ref_columns
            .iter()
            .map(|field| quote!(#private::column_of::<#module::Entity>(#field)));
        let name = tokens::option_string(model.name.as_deref());
        let (on_delete, on_update) = (tokens::action(model.on_delete), tokens::action(model.on_update));
        quote! {
            ::fsync_schema::model::ForeignKey {
                name: #name,
                columns: ::std::vec![#(::core::convert::From::from(#columns)),*],
                ref_table: ::core::convert::From::from(<#module::Entity as #private::SchemaEntity>::TABLE_NAME),
                ref_columns: ::std::vec![#(::core::convert::From::from(#ref_columns)),*],
                on_delete: #on_delete,
                on_update: #on_update,
            }
        }
    });
    let column_names = table.columns.iter().map(|column| &column.name);
    let field_names = entity.fields.iter().map(|field| &field.field_name);
    let unique_keys = std::iter::once(&table.primary_key)
        .chain(table.uniques.iter().map(|unique| &unique.columns))
        .chain(
            table
                .indexes
                .iter()
                .filter(|index| index.is_unique_key())
                .map(|index| &index.columns),
        )
        .filter(|key| !key.is_empty())
        .map(|key| quote!(&[#(#key),*]));
    quote! {
        #[automatically_derived]
        impl #private::SchemaEntity for Entity {
            const TABLE_NAME: &'static str = #name;
            const COLUMN_NAMES: &'static [&'static str] = &[#(#column_names),*];
            const FIELD_NAMES: &'static [&'static str] = &[#(#field_names),*];
            const UNIQUE_KEYS: &'static [&'static [&'static str]] = &[#(#unique_keys),*];
            fn table() -> ::fsync_schema::model::Table {
                ::fsync_schema::model::Table {
                    name: ::core::convert::From::from(#name),
                    renamed_from: #renamed,
                    columns: ::std::vec![#(#columns),*],
                    primary_key: ::std::vec![#(::core::convert::From::from(#primary_key)),*],
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
                }
            }
        }
    }
}

/// The need of a typed rule as tokens; `None` for a default that is not a
/// finite number (an error already, and not a Rust literal).
fn need_tokens(need: &Need) -> Option<TokenStream> {
    let private = private();
    let need = match need {
        Need::NotNull => quote!(NotNull),
        Need::Nullable => quote!(Nullable),
        Need::Integer => quote!(Integer),
        Need::Keyable => quote!(Keyable),
        Need::MaxLen => quote!(MaxLen),
        Need::Decimal => quote!(Decimal),
        Need::PlainType => quote!(PlainType),
        Need::MySqlTextDefault => quote!(MySqlTextDefault),
        Need::Storable(backend) => {
            let backend = match backend {
                Backend::Sqlite => quote!(Sqlite),
                Backend::Postgres => quote!(Postgres),
                Backend::MySql => quote!(MySql),
            };
            quote!(Storable(::fsync_schema::model::Backend::#backend))
        }
        Need::Timestamp => quote!(Timestamp),
        Need::Prefix(chars) => quote!(Prefix(#chars)),
        Need::Default(value) => {
            let value = match *value {
                DefaultRef::Int(int) => quote!(Int(#int)),
                DefaultRef::Float(float) if !float.is_finite() => return None,
                DefaultRef::Float(float) => quote!(Float(#float)),
                DefaultRef::Bool(flag) => quote!(Bool(#flag)),
                DefaultRef::Text(text) => quote!(Text(#text)),
                DefaultRef::CurrentTimestamp => quote!(CurrentTimestamp),
                DefaultRef::Sql(sql) => quote!(Sql(#sql)),
            };
            quote!(Default(#private::DefaultRef::#value))
        }
    };
    Some(quote!(#private::Need::#need))
}

/// A constant expression that panics with `message` (an expression of type
/// `&str`) when `condition` holds; the error lands on `loc`.
fn panic_at(loc: Loc, message: TokenStream) -> TokenStream {
    // The panic's span is the error's: from the start to the end of `loc`.
    let panic = quote_spanned!(loc.start=> ::core::panic!);
    let args = group_at(Delimiter::Parenthesis, quote!("{}", #message), loc.end);
    quote!(#panic #args)
}

/// The typed rule `need` on `field`, as a constant expression that panics
/// under `loc` when the field's type does not meet it.
fn typed_rule(field: &Field, need: TokenStream, max_len: u32, loc: Loc) -> TokenStream {
    let private = private();
    let ty = field.ty;
    let panic = panic_at(loc, quote!(message));
    quote_spanned! {loc.start=>
        if let ::core::option::Option::Some(message) =
            #private::unmet::<#ty>(#need, #max_len)
        {
            #panic
        }
    }
}

/// The rule that the backend of `need` (a `Need::Storable`) has a column of
/// the field's type, as a constant expression that panics under `loc`. The
/// type is asked through `FieldColumn`, spanned over the field's type like
/// every other use: a type no column holds is one error there, not one more.
fn storable_rule(field: &Field, need: TokenStream, loc: Loc) -> TokenStream {
    let private = private();
    let ty = field.ty;
    let active = active_type(field);
    let column_type = Ident::new("COLUMN_TYPE", field.ty_loc.end);
    let path = quote_spanned!(field.ty_loc.start=> <#active as ::fsync_schema::__private::FieldColumn<#ty>>::#column_type);
    let panic = panic_at(loc, quote!(message));
    quote_spanned! {loc.start=>
        if let ::core::option::Option::Some(message) = #private::unsupported(#path, #need) {
            #panic
        }
    }
}

/// The rules checked at compile time: the typed rules of every backend and
/// the foreign-key checks as constants evaluated now, under the token they
/// come from; the rules of some backends only (typed or structural) in
/// `BackendRules`, which `entities!` evaluates for the backends it targets.
fn compile_time_checks(entity: &Entity) -> TokenStream {
    let private = private();
    let mut out = TokenStream::new();
    // Each backend rule and the backends it belongs to.
    let mut backend_rules: Vec<(Targets, TokenStream)> = Vec::new();
    for requirement in entity.requirements() {
        let Some(need) = need_tokens(&requirement.need) else {
            continue;
        };
        let loc = entity.span(requirement.place);
        let field = &entity.fields[requirement.column];
        let max_len = field.max_len.map_or(0u32, |(len, _)| len);
        let rule = match requirement.need {
            Need::Storable(_) => storable_rule(field, need, loc),
            _ => typed_rule(field, need, max_len, loc),
        };
        let backends = requirement.need.backends();
        if backends.is_all() {
            out.extend(quote_spanned!(loc.start=> const _: () = #rule;));
        } else {
            backend_rules.push((backends, rule));
        }
    }
    for problem in &entity.backend_problems {
        let message = &problem.message;
        backend_rules.push((
            problem.backends,
            panic_at(entity.span(problem.place), quote!(#message)),
        ));
    }
    out.extend(backend_rules_impl(&backend_rules));
    // `max_len` is for text fields only.
    for field in &entity.fields {
        let Some((len, loc)) = field.max_len else {
            continue;
        };
        let rule = typed_rule(field, quote!(#private::Need::MaxLen), len, loc);
        out.extend(quote_spanned!(loc.start=> const _: () = #rule;));
    }
    // `nullable` is for plain (not `Option`) fields only.
    for field in &entity.fields {
        let Some(loc) = field.nullable else {
            continue;
        };
        let rule = typed_rule(field, quote!(#private::Need::PlainType), 0, loc);
        out.extend(quote_spanned!(loc.start=> const _: () = #rule;));
    }
    // `precision` and `scale` are for decimal fields only.
    for field in &entity.fields {
        let Some((_, loc)) = field.decimal else {
            continue;
        };
        let rule = typed_rule(field, quote!(#private::Need::Decimal), 0, loc);
        out.extend(quote_spanned!(loc.start=> const _: () = #rule;));
    }
    // The referenced columns must be a key of the referenced entity: SQLite
    // accepts the table and then refuses every insert ("foreign key mismatch").
    for fk in &entity.foreign_keys {
        let Some(model) = fk.model else {
            continue;
        };
        let model = &entity.table.foreign_keys[model];
        let (Some(first), Some(last)) = (fk.ref_columns.first(), fk.ref_columns.last()) else {
            continue;
        };
        let module = &fk.module;
        let ref_columns = &model.ref_columns;
        let ref_column_names = ref_columns
            .iter()
            .map(|field| quote!(#private::column_of::<#module::Entity>(#field)));
        let path = quote!(#module).to_string().replace(' ', "");
        let message = if let [column] = ref_columns.as_slice() {
            format!(
                "`{path}::{column}` is neither the primary key nor unique, and a foreign key must reference a unique column set: mark it `#[schema(unique)]` or reference another column"
            )
        } else {
            format!(
                "({}) of `{path}` are neither the primary key nor a unique column set, and a foreign key must reference one: declare `unique(columns({}))` on that entity or reference another key",
                ref_columns.join(", "),
                ref_columns.join(", ")
            )
        };
        let panic = quote_spanned!(first.span()=> ::core::panic!);
        let message = group_at(Delimiter::Parenthesis, quote!(#message), last.span());
        out.extend(quote_spanned! {first.span()=>
            const _: () = if !#private::references_a_key::<#module::Entity>(&[#(#ref_column_names),*]) {
                #panic #message
            };
        });
    }
    let mut type_checks = TokenStream::new();
    for fk in &entity.foreign_keys {
        let module = &fk.module;
        for (field, ref_column) in fk.fields.iter().zip(&fk.ref_columns) {
            let ty = entity.fields[*field].ty;
            let span = ref_column.span();
            let model =
                quote_spanned!(span=> <#module::Entity as #private::sea_orm::EntityTrait>::Model);
            // Spanned at the referenced column, where the error lands.
            type_checks.extend(quote_spanned! {span=>
                {
                    let referenced: fn(&#model) -> &_ = |model| &model.#ref_column;
                    Referenced(referenced).same_type_as::<#ty>();
                }
            });
        }
    }
    if !type_checks.is_empty() {
        // `same_type` infers the referenced type from the closure, and the
        // compiler would unify too early and report a confusing type mismatch
        // at the derive. Called from a method of a value that already has the
        // referenced type, its bound reports `SameType`'s message instead.
        out.extend(quote! {
            const _: fn() = || {
                struct Referenced<M, R>(fn(&M) -> &R);
                impl<M, R> Referenced<M, R> {
                    fn same_type_as<F>(self)
                    where
                        F: #private::ColumnValue,
                        R: #private::ColumnValue,
                        F::NotNull: #private::SameType<R::NotNull>,
                    {
                        #private::same_type::<F, M, R>(self.0)
                    }
                }
                #type_checks
            };
        });
    }
    out
}

/// `BackendRules` for the entity: each rule a constant of its own (a rule of
/// two backends is evaluated, and reported, once), each backend's constant
/// evaluating the rules that belong to it.
fn backend_rules_impl(rules: &[(Targets, TokenStream)]) -> TokenStream {
    let private = private();
    let names: Vec<Ident> = (0..rules.len()).map(|i| format_ident!("R{i}")).collect();
    let consts = rules
        .iter()
        .zip(&names)
        .map(|((_, rule), name)| quote!(const #name: () = #rule;));
    let backend = |backend: Backend| {
        let used = rules
            .iter()
            .zip(&names)
            .filter(|((targets, _), _)| targets.contains(backend))
            .map(|(_, name)| name);
        quote!({ #(let () = Rules::<T>::#used;)* })
    };
    let (sqlite, postgres, mysql) = (
        backend(Backend::Sqlite),
        backend(Backend::Postgres),
        backend(Backend::MySql),
    );
    quote! {
        const _: () = {
            #[allow(dead_code)]
            struct Rules<T>(::core::marker::PhantomData<T>);
            #[allow(non_upper_case_globals)]
            impl<T> Rules<T> {
                #(#consts)*
            }
            #[automatically_derived]
            impl<T> #private::BackendRules<T> for Entity {
                const SQLITE: () = #sqlite;
                const POSTGRES: () = #postgres;
                const MYSQL: () = #mysql;
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctxt::Ctxt;

    /// Entity 5 of the schema of `cargo xtask bench-build scale`
    /// (`xtask/src/scale_schema.rs`): 20 columns, two foreign keys, three
    /// `has_many`, a UNIQUE and two indexes.
    const SCALE_ENTITY: &str = r#"
        #[schema(table = "t0005", index(name = "idx_t0005_name_day", columns(name, day)))]
        #[schema(has_many(super::e0006::prev_id, relation = E0006))]
        #[schema(has_many(super::e0010::half_id, relation = E0010))]
        #[schema(has_many(super::e0011::half_id, relation = E0011))]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(references = super::e0004::id, on_delete = cascade, relation = E0004)]
            pub prev_id: i32,
            #[schema(references = super::e0002::id, on_delete = set_null, relation = E0002)]
            pub half_id: Option<i32>,
            #[schema(unique, max_len = 64)]
            pub code: String,
            #[schema(max_len = 64)]
            pub name: String,
            pub note: Option<String>,
            #[schema(default = 0)]
            pub amount: i64,
            pub ratio: f64,
            pub score: Option<f32>,
            #[schema(default = true)]
            pub active: bool,
            #[schema(default = 0)]
            pub visits: i32,
            pub rank: i16,
            #[schema(index)]
            pub created_at: DateTimeUtc,
            pub updated_at: Option<DateTimeUtc>,
            pub day: Date,
            pub uuid: Uuid,
            pub payload: Option<Vec<u8>>,
            pub total: i64,
            pub parent_rank: Option<i64>,
            #[schema(max_len = 16, default = "new")]
            pub status: String,
        }
    "#;

    /// Counts in a token stream: tokens (a group's delimiters count as one),
    /// and the keywords `impl`, `fn`, `const`.
    fn counts(tokens: TokenStream, out: &mut BTreeMap<&'static str, usize>) {
        for token in tokens {
            *out.entry("tokens").or_default() += 1;
            match token {
                proc_macro2::TokenTree::Group(group) => counts(group.stream(), out),
                proc_macro2::TokenTree::Ident(ident) => {
                    for keyword in ["impl", "fn", "const", "match", "static"] {
                        if ident == keyword {
                            *out.entry(keyword).or_default() += 1;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The size of the derive's output for one entity of the scale schema,
    /// printed (`cargo test -p fsync-schema-derive --lib -- --nocapture
    /// expansion_size`) and held under a budget, so that what each entity
    /// costs the compiler does not grow unnoticed.
    #[test]
    fn expansion_size_of_a_scale_entity() {
        let input: syn::DeriveInput = syn::parse_str(SCALE_ENTITY).unwrap();
        let cx = Ctxt::default();
        let entity = crate::ast::Entity::from_ast(&cx, &input).expect("an entity");
        let output = expand(&entity);
        assert!(cx.check().is_ok());
        let mut out = BTreeMap::new();
        counts(output.clone(), &mut out);
        let text = output.to_string();
        let const_items = text.matches("const _ :").count();
        println!(
            "expansion of one 20-column entity: {} tokens, {} bytes as text; {} impl, {} fn, {} const ({} `const _` items), {} match, {} static",
            out["tokens"],
            text.len(),
            out["impl"],
            out["fn"],
            out["const"],
            const_items,
            out["match"],
            out["static"],
        );
        let parts = [
            ("Entity", {
                let (a, b) = entity_struct(&entity);
                quote!(#a #b)
            }),
            ("Column", {
                let (a, b) = column_enum(&entity);
                quote!(#a #b)
            }),
            ("PrimaryKey", {
                let (a, b) = primary_key_enum(&entity);
                quote!(#a #b)
            }),
            ("Model impls", model_impls(&entity)),
            ("ActiveModel", {
                let (a, b) = active_model(&entity);
                quote!(#a #b)
            }),
            ("Relation", {
                let (a, b) = relation_enum(&entity);
                quote!(#a #b)
            }),
            ("SchemaEntity", schema_impl(&entity)),
            ("compile-time checks", compile_time_checks(&entity)),
        ];
        for (name, tokens) in parts {
            let mut part = BTreeMap::new();
            counts(tokens, &mut part);
            println!("  {name}: {} tokens", part["tokens"]);
        }
        // What the derive itself takes per entity, in the build profile of
        // the test (a dev build's proc macro is unoptimized too).
        let runs = 20;
        let start = std::time::Instant::now();
        for _ in 0..runs {
            let input: syn::DeriveInput = syn::parse_str(SCALE_ENTITY).unwrap();
            let cx = Ctxt::default();
            let entity = crate::ast::Entity::from_ast(&cx, &input).expect("an entity");
            std::hint::black_box(expand(&entity));
            cx.check().unwrap();
        }
        println!(
            "parse, check and expand: {:.2} ms per entity (mean of {runs})",
            start.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
        );
        assert!(out["tokens"] < 40_000, "{out:?}");
    }
}
