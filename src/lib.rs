//! The file-sync core of FSYNC-002: the `entry`, `sync_conduit` and
//! `sync_generation` tables as fsync-schema entities, and their migrations.
//! The first user of fsync-schema.

pub mod entities;
