//! The catalogue's schema tools: `cargo run --bin schema -- <command>`.

fn main() -> std::process::ExitCode {
    fsync_schema_cli::Project::new(env!("CARGO_MANIFEST_DIR"), catalogue::entities::schema)
        .migrator(catalogue::migrations::Migrator)
        .embedded_database("catalogue.db")
        .run()
}
