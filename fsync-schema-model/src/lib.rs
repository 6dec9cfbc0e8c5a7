//! The schema model of fsync-schema: plain, serializable data describing tables,
//! and [`validate`], the one definition of a valid table and schema. It has no
//! spans and no proc-macro types, so the derive macro and the runtime tools share it.

pub mod model;
pub mod naming;
pub mod step;
pub mod types;
pub mod validate;

pub use model::*;
pub use step::{Change, Step};

#[cfg(feature = "tokens")]
pub mod tokens;
