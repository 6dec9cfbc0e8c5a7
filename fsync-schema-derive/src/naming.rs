//! How generated names derive from field and module names.

use proc_macro2::Span;
use syn::Ident;

/// `source_entry_id` → `SourceEntryId`.
pub fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}

/// The relation variant of a foreign-key field: `source_entry_id` → `SourceEntry`.
pub fn relation_name(field: &str, span: Span) -> Ident {
    let stem = field
        .strip_suffix("_id")
        .filter(|s| !s.is_empty())
        .unwrap_or(field);
    Ident::new(&pascal_case(stem), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal_case("source_entry_id"), "SourceEntryId");
        assert_eq!(pascal_case("id"), "Id");
        assert_eq!(relation_name("conduit_id", Span::call_site()), "Conduit");
        assert_eq!(relation_name("owner", Span::call_site()), "Owner");
    }
}
