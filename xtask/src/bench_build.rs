//! `cargo xtask bench-build`: not written yet.

/// Options of this task.
#[derive(clap::Args)]
pub struct Args {}

/// Runs the task.
pub fn run(_args: Args) -> crate::TaskResult {
    Err("not implemented yet".into())
}
