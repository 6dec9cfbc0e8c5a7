//! `#[derive(TextEnum)]`: an enum stored as TEXT, with SeaORM's value traits.
//!
//! Unit variants are stored as their snake_case name (or `#[text(rename = "..")]`);
//! a variant with one field is stored as a prefix (`#[text(prefix = "interval:")]`,
//! by default the snake_case name and `:`) followed by the field's `Display`,
//! and read back with its `FromStr`.
//!
//! `#[text(native)]` (or `#[text(native = "type_name")]`) on the enum stores it
//! as a native enum instead: PostgreSQL's `CREATE TYPE .. AS ENUM`, MySQL's
//! `ENUM(..)`, TEXT on SQLite; every variant is then a unit variant.

use crate::ctxt::Ctxt;
use crate::naming::pascal_case;
use crate::symbol::*;
use fsync_schema_model::validate::did_you_mean;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

enum Form<'a> {
    Exact(String),
    Prefix(String, &'a syn::Type),
}

struct Variant<'a> {
    ident: &'a syn::Ident,
    form: Form<'a>,
    span: Span,
}

/// `SourceEntry` → `source_entry`.
fn snake_case(pascal: &str) -> String {
    let mut out = String::new();
    for (i, ch) in pascal.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(ch.to_lowercase());
    }
    debug_assert_eq!(pascal_case(&out), pascal);
    out
}

/// Expands `#[derive(TextEnum)]`; every problem is reported at once.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let data = match &input.data {
        Data::Enum(data) => Some(data),
        _ => {
            cx.error_spanned_by(&input.ident, "`TextEnum` can only be derived for an enum");
            None
        }
    };
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(&input.generics, "a text enum cannot be generic");
    }
    let native = read_native(&cx, input);
    let mut variants = Vec::new();
    if let Some(data) = data {
        if data.variants.is_empty() {
            cx.error_spanned_by(&input.ident, "a text enum needs at least one variant");
        }
        for variant in &data.variants {
            if let Some(parsed) = read_variant(&cx, variant) {
                variants.push(parsed);
            }
        }
    }
    if native.is_some() {
        for variant in &variants {
            if let Form::Prefix(..) = variant.form {
                cx.error(
                    variant.span,
                    "a native enum (`#[text(native)]`) stores one value per variant; give this variant no field, or store the enum as text (remove `native`)",
                );
            }
        }
    }
    let mut texts: Vec<(&str, &syn::Ident)> = Vec::new();
    for variant in &variants {
        let (text, key) = match &variant.form {
            Form::Exact(text) => (text.as_str(), RENAME),
            Form::Prefix(text, _) => (text.as_str(), PREFIX),
        };
        if let Some((_, other)) = texts.iter().find(|(t, _)| *t == text) {
            cx.error(
                variant.span,
                format!(
                    "`{}` is stored as `{text}`, like `{other}`; give one of them another `#[text({key} = \"..\")]`",
                    variant.ident
                ),
            );
        }
        texts.push((text, variant.ident));
    }
    // With every variant read, the impls are emitted next to the errors, so
    // that code using the enum (as a column type) adds no errors of its own.
    let complete = data.is_some_and(|d| d.variants.len() == variants.len())
        && !variants.is_empty()
        && input.generics.params.is_empty();
    let output = if complete {
        Some(expand(input, &variants, native.as_deref()))
    } else {
        // thiserror's idea (`fallback.rs`): stub impls next to the errors, so
        // that each use of the type does not add an error of its own.
        input.generics.params.is_empty().then(|| fallback(input))
    };
    let errors = cx.check().err().map(syn::Error::into_compile_error);
    quote!(#errors #output)
}

/// The impls of a text enum with bodies that are never run, for an input that
/// has errors: the type still works as a column type, and the errors on the
/// input are the only ones.
fn fallback(input: &DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let name = ident.to_string();
    let p = quote!(::fsync_schema::__private);
    let sea = quote!(#p::sea_orm);
    quote! {
        #[automatically_derived]
        impl #ident {
            /// The texts a stored value may take.
            pub const TEXT_FORMS: &'static [#p::TextVariant] = &[];
        }
        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::unreachable!()
            }
        }
        #[automatically_derived]
        impl ::core::str::FromStr for #ident {
            type Err = #p::TextEnumError;
            fn from_str(_: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::unreachable!()
            }
        }
        #[automatically_derived]
        impl #p::SqlValue for #ident {
            const COLUMN_TYPE: #p::model::ColumnType = #p::model::ColumnType::Text;
        }
        #[automatically_derived]
        impl ::core::convert::From<#ident> for #sea::Value {
            fn from(_: #ident) -> Self {
                ::core::unreachable!()
            }
        }
        #[automatically_derived]
        impl #p::sea_query::ValueType for #ident {
            fn try_from(_: #sea::Value) -> ::core::result::Result<Self, #p::sea_query::ValueTypeErr> {
                ::core::unreachable!()
            }
            fn type_name() -> ::std::string::String {
                ::core::convert::From::from(#name)
            }
            fn array_type() -> #p::sea_query::ArrayType {
                #p::text_enum::string_array_type()
            }
            fn column_type() -> #p::sea_query::ColumnType {
                #p::sea_query::ColumnType::Text
            }
        }
        #[automatically_derived]
        impl #p::sea_query::Nullable for #ident {
            fn null() -> #sea::Value {
                #sea::Value::String(::core::option::Option::None)
            }
        }
        #[automatically_derived]
        impl #sea::TryGetable for #ident {
            fn try_get_by<I: #sea::ColIdx>(_: &#sea::QueryResult, _: I) -> ::core::result::Result<Self, #sea::TryGetError> {
                ::core::unreachable!()
            }
        }
    }
}

/// `#[text(native)]` or `#[text(native = "name")]` on the enum: the native
/// type's name (by default the enum's name in snake_case), or `None` when the
/// enum is stored as text.
fn read_native(cx: &Ctxt, input: &DeriveInput) -> Option<String> {
    let mut native: Option<String> = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident(TEXT)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            match key.as_str() {
                NATIVE => {
                    let name = if meta.input.peek(syn::Token![=]) {
                        let name: LitStr = meta.value()?.parse()?;
                        if name.value().is_empty() {
                            return Err(syn::Error::new(
                                name.span(),
                                "a native enum's type name cannot be empty; write `native = \"type_name\"` or `native`",
                            ));
                        }
                        name.value()
                    } else {
                        snake_case(&input.ident.to_string())
                    };
                    if native.is_some() {
                        return Err(meta.error("duplicate key `native`; keep only one"));
                    }
                    native = Some(name);
                    Ok(())
                }
                RENAME | PREFIX => Err(meta.error(format!(
                    "`{key}` belongs on a variant; on the enum, `#[text(..)]` takes `native`"
                ))),
                _ => Err(meta.error(format!(
                    "unknown text key `{key}` on the enum; expected `native` or `native = \"type_name\"`"
                ))),
            }
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    native
}

fn read_variant<'a>(cx: &Ctxt, variant: &'a syn::Variant) -> Option<Variant<'a>> {
    let mut rename: Option<LitStr> = None;
    let mut prefix: Option<LitStr> = None;
    for attr in variant.attrs.iter().filter(|a| a.path().is_ident(TEXT)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let slot = match key.as_str() {
                RENAME => &mut rename,
                PREFIX => &mut prefix,
                _ => {
                    let hint = match did_you_mean(&key, TEXT_KEYS.iter().copied()) {
                        Some(candidate) => format!("; did you mean `{candidate}`?"),
                        None => "; expected `rename` or `prefix`".to_owned(),
                    };
                    return Err(meta.error(format!("unknown text key `{key}`{hint}")));
                }
            };
            let value: LitStr = meta.value()?.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    format!("`{key}` takes a string literal: `{key} = \"..\"`"),
                )
            })?;
            if slot.is_some() {
                cx.error(
                    meta.path.span(),
                    format!("duplicate key `{key}`; keep only one"),
                );
            }
            *slot = Some(value);
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    let snake = snake_case(&variant.ident.to_string());
    // Errors about the stored text land on the `rename` or `prefix` that set
    // it, or on the variant's name.
    let span = rename
        .as_ref()
        .or(prefix.as_ref())
        .map_or_else(|| variant.ident.span(), LitStr::span);
    match &variant.fields {
        Fields::Unit => {
            if let Some(prefix) = &prefix {
                cx.error(
                    prefix.span(),
                    "`prefix` is for a variant with one field; use `rename` for a unit variant",
                );
            }
            let text = rename.map_or(snake, |r| r.value());
            if text.is_empty() {
                cx.error(
                    span,
                    "a variant cannot be stored as the empty text; `rename` it to a non-empty text",
                );
            }
            Some(Variant {
                ident: &variant.ident,
                form: Form::Exact(text),
                span,
            })
        }
        Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
            if let Some(rename) = &rename {
                cx.error(
                    rename.span(),
                    "`rename` is for unit variants; use `prefix` for a variant with a field",
                );
            }
            let text = prefix.map_or(format!("{snake}:"), |p| p.value());
            if text.is_empty() {
                cx.error(
                    span,
                    "a prefix cannot be empty, or every text would parse as this variant",
                );
            }
            let ty = &fields.unnamed[0].ty;
            Some(Variant {
                ident: &variant.ident,
                form: Form::Prefix(text, ty),
                span,
            })
        }
        _ => {
            cx.error_spanned_by(
                &variant.fields,
                "a text enum variant is a unit variant or has exactly one unnamed field (its payload)",
            );
            None
        }
    }
}

fn expand(input: &DeriveInput, variants: &[Variant], native: Option<&str>) -> TokenStream {
    let ident = &input.ident;
    let name = ident.to_string();
    let p = quote!(::fsync_schema::__private);
    let sea = quote!(#p::sea_orm);
    let forms = variants.iter().map(|v| match &v.form {
        Form::Exact(text) => quote!(#p::TextVariant::Exact(#text)),
        Form::Prefix(text, _) => quote!(#p::TextVariant::Prefix(#text)),
    });
    let display_arms = variants.iter().map(|v| {
        let variant = v.ident;
        match &v.form {
            Form::Exact(text) => quote!(Self::#variant => f.write_str(#text),),
            Form::Prefix(prefix, ty) => {
                // Spanned at the payload's type: a payload without `Display`
                // is an error there.
                let display =
                    quote_spanned!(ty.span()=> <#ty as ::core::fmt::Display>::fmt(payload, f));
                quote!(Self::#variant(payload) => {
                    f.write_str(#prefix)?;
                    #display
                })
            }
        }
    });
    let exact_arms = variants.iter().filter_map(|v| {
        let variant = v.ident;
        match &v.form {
            Form::Exact(text) => {
                Some(quote!(#text => return ::core::result::Result::Ok(Self::#variant),))
            }
            Form::Prefix(..) => None,
        }
    });
    let prefix_parsers = variants.iter().filter_map(|v| {
        let variant = v.ident;
        match &v.form {
            Form::Prefix(prefix, ty) => {
                // Spanned at the payload's type: a payload without `FromStr`
                // (or whose error has no `Display`) is one error there.
                let parse = quote_spanned!(ty.span()=>
                    <#ty as ::core::str::FromStr>::from_str(rest)
                        .map_err(|error| #p::TextEnumError::new(#name, text, Self::TEXT_FORMS).because(error))
                );
                Some(quote! {
                    if let ::core::option::Option::Some(rest) = text.strip_prefix(#prefix) {
                        return #parse.map(Self::#variant);
                    }
                })
            }
            Form::Exact(_) => None,
        }
    });
    let (column_type, enum_name, sea_column_type) = match native {
        Some(name) => (
            quote!(#p::model::ColumnType::Enum),
            quote!(::core::option::Option::Some(#name)),
            quote!(#p::text_enum::native_column_type(#name, Self::TEXT_FORMS)),
        ),
        None => (
            quote!(#p::model::ColumnType::Text),
            quote!(::core::option::Option::None),
            quote!(#p::sea_query::ColumnType::Text),
        ),
    };
    let all_unit = variants.iter().all(|v| matches!(v.form, Form::Exact(_)));
    let as_str = all_unit.then(|| {
        let arms = variants.iter().map(|v| {
            let (variant, Form::Exact(text)) = (v.ident, &v.form) else {
                unreachable!()
            };
            quote!(Self::#variant => #text,)
        });
        quote! {
            /// The text this value is stored as.
            pub const fn as_str(&self) -> &'static str {
                match self { #(#arms)* }
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #ident {
            /// The texts a stored value may take.
            pub const TEXT_FORMS: &'static [#p::TextVariant] = &[#(#forms),*];
            #as_str
        }
        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self { #(#display_arms)* }
            }
        }
        #[automatically_derived]
        impl ::core::str::FromStr for #ident {
            type Err = #p::TextEnumError;
            #[allow(unreachable_code, clippy::needless_return)]
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                match text {
                    #(#exact_arms)*
                    _ => {}
                }
                #(#prefix_parsers)*
                ::core::result::Result::Err(#p::TextEnumError::new(#name, text, Self::TEXT_FORMS))
            }
        }
        #[automatically_derived]
        impl #p::SqlValue for #ident {
            const COLUMN_TYPE: #p::model::ColumnType = #column_type;
            const TEXT_VARIANTS: ::core::option::Option<&'static [#p::TextVariant]> =
                ::core::option::Option::Some(Self::TEXT_FORMS);
            const ENUM_NAME: ::core::option::Option<&'static str> = #enum_name;
        }
        #[automatically_derived]
        impl ::core::convert::From<#ident> for #sea::Value {
            fn from(value: #ident) -> Self {
                #p::text_enum::to_value(::std::string::ToString::to_string(&value))
            }
        }
        #[automatically_derived]
        impl #p::sea_query::ValueType for #ident {
            fn try_from(value: #sea::Value) -> ::core::result::Result<Self, #p::sea_query::ValueTypeErr> {
                #p::text_enum::try_from_value(value)
            }
            fn type_name() -> ::std::string::String {
                ::core::convert::From::from(#name)
            }
            fn array_type() -> #p::sea_query::ArrayType {
                #p::text_enum::string_array_type()
            }
            fn column_type() -> #p::sea_query::ColumnType {
                #sea_column_type
            }
        }
        #[automatically_derived]
        impl #p::sea_query::Nullable for #ident {
            fn null() -> #sea::Value {
                #sea::Value::String(::core::option::Option::None)
            }
        }
        #[automatically_derived]
        impl #sea::TryGetable for #ident {
            fn try_get_by<I: #sea::ColIdx>(res: &#sea::QueryResult, index: I) -> ::core::result::Result<Self, #sea::TryGetError> {
                #p::text_enum::try_get(res, index)
            }
        }
    }
}
