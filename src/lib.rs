//! The file-sync core of FSYNC-002: the `entry`, `sync_conduit` and
//! `sync_generation` tables as fsync-schema entities, their migrations, and
//! the rules of the domain (conduits join two directories; a finished sync
//! records a generation; verification moves along its lifecycle).
//! The first user of fsync-schema.

pub mod db;
pub mod entities;
pub mod migrations;
pub mod sync;
