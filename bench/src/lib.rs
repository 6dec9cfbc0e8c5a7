//! The hand-written SeaORM baseline the benchmarks compare fsync-schema with.
