//! The hand-written SeaORM baseline the benchmarks compare fsync-schema with,
//! and what the benchmarks share.
//!
//! - [`hand`]: the spec's three tables (FSYNC-002) written by hand with
//!   SeaORM 2.0's `DeriveEntityModel`, the same columns, types, keys and
//!   indexes as `fsync::entities`;
//! - [`hand_migration`]: the migration a SeaORM user writes for them
//!   (`manager.create_table(Table::create()..)`), run by the `hand-migrate`
//!   binary through `sea_orm_migration::cli::run_cli`;
//! - [`workload`]: the rows and queries the runtime benchmarks time, once per side;
//! - [`synthetic`]: schemas of any size for the scale benchmarks;
//! - [`report`]: ratios read back from criterion's estimates.
//!
//! `docs/BENCHMARKS.md` has the results and the commands.

pub mod hand;
pub mod hand_migration;
pub mod report;
pub mod synthetic;
pub mod workload;
