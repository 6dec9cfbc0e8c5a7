//! The derives of fsync-schema. This crate only parses and hands off: `ast`
//! reads and checks the input (calling the model's validation), `expand`
//! emits code that reaches the runtime through `fsync_schema::__private`.
//! Use them through the `fsync-schema` crate.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod naming;
mod symbol;
mod text_enum;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives the SeaORM entity and the schema model of a table from its `Model`
/// struct. See the `fsync-schema` crate for the `#[schema(..)]` attributes.
#[proc_macro_derive(Entity, attributes(schema))]
pub fn derive_entity(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let cx = ctxt::Ctxt::default();
    let output = match ast::Entity::from_ast(&cx, &input) {
        Some(entity) => expand::expand(&entity),
        None => expand::fallback(&input.vis),
    };
    match cx.check() {
        Ok(()) => output.into(),
        Err(errors) => {
            let errors = errors.to_compile_error();
            quote::quote!(#errors #output).into()
        }
    }
}

/// Derives storage as TEXT for an enum: `Display`, `FromStr`, and SeaORM's
/// value traits. Unit variants are stored as their snake_case name (or
/// `#[text(rename = "..")]`); a one-field variant as `#[text(prefix = "..")]`
/// followed by its payload.
#[proc_macro_derive(TextEnum, attributes(text))]
pub fn derive_text_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    text_enum::derive(&input).into()
}
