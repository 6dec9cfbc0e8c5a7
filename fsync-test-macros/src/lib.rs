//! Test attributes for tests that need a database server, so that `cargo test`
//! without the servers' URLs counts those tests as **ignored**, with the
//! reason, instead of reporting them as passed.
//!
//! Whether a server is there is read when this crate is compiled
//! (`option_env!`); cargo tracks those variables and rebuilds this crate, and
//! the tests using it, when one is set or unset, so the decision is always
//! the one of the `cargo test` that runs them:
//!
//! - `#[needs(postgres)]` (or `mysql`, or both) above a test's own `#[test]` /
//!   `#[tokio::test]` adds `#[ignore = "FSYNC_TEST_POSTGRES_URL is not set"]`
//!   when the variable is not set.
//! - `#[each_backend]` on `async fn name(backend: fsync_schema::Backend)`
//!   makes one test per backend, `name::sqlite`, `name::postgres` and
//!   `name::mysql` (or the backends listed: `#[each_backend(sqlite, postgres)]`),
//!   the server ones ignored as above.

use proc_macro::TokenStream;
use proc_macro2::{Ident, Span, TokenStream as Tokens};
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{ItemFn, Token};

/// A backend, as the attributes name it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    fn parse(ident: &Ident) -> syn::Result<Backend> {
        match ident.to_string().as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" => Ok(Backend::Postgres),
            "mysql" => Ok(Backend::MySql),
            other => Err(syn::Error::new(
                ident.span(),
                format!("unknown backend `{other}`; expected `sqlite`, `postgres` or `mysql`"),
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }

    fn variant(self) -> Ident {
        let name = match self {
            Backend::Sqlite => "Sqlite",
            Backend::Postgres => "Postgres",
            Backend::MySql => "MySql",
        };
        Ident::new(name, Span::call_site())
    }

    /// The `#[ignore = ".."]` a test on this backend gets in this build.
    fn ignore(self) -> Tokens {
        let (variable, set) = match self {
            Backend::Sqlite => return Tokens::new(),
            Backend::Postgres => (
                "FSYNC_TEST_POSTGRES_URL",
                option_env!("FSYNC_TEST_POSTGRES_URL").is_some(),
            ),
            Backend::MySql => (
                "FSYNC_TEST_MYSQL_URL",
                option_env!("FSYNC_TEST_MYSQL_URL").is_some(),
            ),
        };
        if set {
            return Tokens::new();
        }
        let reason = format!("{variable} is not set");
        quote!(#[ignore = #reason])
    }
}

fn backends(attr: TokenStream) -> syn::Result<Vec<Backend>> {
    Punctuated::<Ident, Token![,]>::parse_terminated
        .parse(attr)?
        .iter()
        .map(Backend::parse)
        .collect()
}

/// `#[needs(postgres)]`, `#[needs(mysql)]`, `#[needs(postgres, mysql)]`: the
/// test is ignored, naming the variable, when a server's URL is not set.
#[proc_macro_attribute]
pub fn needs(attr: TokenStream, item: TokenStream) -> TokenStream {
    let backends = match backends(attr) {
        Ok(backends) if !backends.is_empty() => backends,
        Ok(_) => {
            return syn::Error::new(Span::call_site(), "name the servers: `#[needs(postgres)]`")
                .to_compile_error()
                .into();
        }
        Err(error) => return error.to_compile_error().into(),
    };
    let ignore = backends
        .iter()
        .map(|b| b.ignore())
        .find(|tokens| !tokens.is_empty())
        .unwrap_or_default();
    let item = Tokens::from(item);
    quote!(#ignore #item).into()
}

/// `#[each_backend]` on `async fn name(backend: fsync_schema::Backend)`: one
/// `#[tokio::test]` per backend in a module `name` (`name::sqlite`, ..), the
/// server ones ignored when their URL is not set.
#[proc_macro_attribute]
pub fn each_backend(attr: TokenStream, item: TokenStream) -> TokenStream {
    let listed = match backends(attr) {
        Ok(listed) => listed,
        Err(error) => return error.to_compile_error().into(),
    };
    let all = [Backend::Sqlite, Backend::Postgres, Backend::MySql];
    let chosen: Vec<Backend> = if listed.is_empty() {
        all.to_vec()
    } else {
        listed
    };
    let function = match syn::parse::<ItemFn>(item) {
        Ok(function) if function.sig.asyncness.is_some() && function.sig.inputs.len() == 1 => {
            function
        }
        Ok(function) => {
            return syn::Error::new_spanned(
                &function.sig,
                "`#[each_backend]` takes `async fn name(backend: fsync_schema::Backend)`",
            )
            .to_compile_error()
            .into();
        }
        Err(error) => return error.to_compile_error().into(),
    };
    let name = &function.sig.ident;
    let tests = chosen.iter().map(|backend| {
        let test = Ident::new(backend.name(), Span::call_site());
        let variant = backend.variant();
        let ignore = backend.ignore();
        quote! {
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #ignore
            async fn #test() {
                super::#name(::fsync_schema::Backend::#variant).await
            }
        }
    });
    quote! {
        #function
        #[cfg(test)]
        mod #name {
            #(#tests)*
        }
    }
    .into()
}
