//! Collects every error of one expansion, so the user sees them all at once.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt::Display;

/// Where something was written: from its first to its last token. On stable
/// Rust a proc macro cannot join two spans, but an error or a generated item
/// whose first token carries `start` and last token `end` covers the range.
#[derive(Clone, Copy, Debug)]
pub struct Loc {
    pub start: Span,
    pub end: Span,
}

impl Loc {
    /// The range of `tokens` (a path, an expression, a type).
    pub fn of(tokens: impl ToTokens) -> Loc {
        let mut spans = tokens.into_token_stream().into_iter().map(|t| t.span());
        let start = spans.next().unwrap_or_else(Span::call_site);
        let end = spans.last().unwrap_or(start);
        Loc { start, end }
    }

    /// Two tokens spanning the range, for `syn::Error::new_spanned`.
    pub fn tokens(self) -> TokenStream {
        let start = proc_macro2::Ident::new("start", self.start);
        let end = proc_macro2::Ident::new("end", self.end);
        quote::quote!(#start #end)
    }
}

impl From<Span> for Loc {
    fn from(span: Span) -> Loc {
        Loc {
            start: span,
            end: span,
        }
    }
}

/// The errors of one derive invocation.
#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
    /// Keys the user wrote but got wrong (a misspelling or a bad value). An
    /// error already explains them, so "missing `key`" would only repeat it.
    attempted: RefCell<BTreeSet<String>>,
}

impl Ctxt {
    /// Records an error at `loc` (a span or a range).
    pub fn error(&self, loc: impl Into<Loc>, message: impl Display) {
        let loc = loc.into();
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(loc.tokens(), message));
    }

    /// Records an error spanning `tokens`.
    pub fn error_spanned_by(&self, tokens: impl ToTokens, message: impl Display) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens, message));
    }

    /// Records a parse error.
    pub fn syn_error(&self, error: syn::Error) {
        self.errors.borrow_mut().push(error);
    }

    /// Notes that the user tried to write `key`, without success.
    pub fn attempted(&self, key: &str) {
        self.attempted.borrow_mut().insert(key.to_owned());
    }

    /// Whether the user tried to write `key` and an error already says so.
    pub fn was_attempted(&self, key: &str) -> bool {
        self.attempted.borrow().contains(key)
    }

    /// All errors combined into one, or `Ok` when there are none.
    pub fn check(self) -> Result<(), syn::Error> {
        let mut errors = self.errors.into_inner().into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}
