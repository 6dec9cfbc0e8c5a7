//! FSYNC-002's tables written by hand in plain SeaORM 2.0, as a SeaORM user
//! would: `DeriveEntityModel`, `DeriveRelation`, `Related` impls, and the
//! text columns as typed enums.
//!
//! The text enums: `SyncMode` has unit variants only, so it is SeaORM's
//! `DeriveActiveEnum` (`rs_type = "String"`); `Schedule` and
//! `VerificationStatus` carry a payload (`interval:5m`, `failed:<reason>`),
//! which `DeriveActiveEnum` cannot hold, so they get hand-written `Display`
//! and `FromStr` and SeaORM's `DeriveValueType` (`value_type = "String"`).
//! That keeps the Rust types of `fsync::entities` (a `String` column, as the
//! spec's sketch has, would do less work and so flatter the baseline).

pub mod entry;
pub mod sync_conduit;
pub mod sync_generation;
pub mod types;

pub use types::{Schedule, SyncMode, VerificationStatus};
