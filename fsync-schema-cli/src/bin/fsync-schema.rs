//! The installed `fsync-schema` command (`cargo install fsync-schema-cli`):
//! `init` and `pull`, the commands that need no entities of a crate.

fn main() -> std::process::ExitCode {
    fsync_schema_cli::standalone()
}
