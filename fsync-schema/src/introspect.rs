//! Reading the schema of a live database.
