//! Reading the schema written as SQL in Markdown documentation.
