//! `hand-migrate`: the hand-written baseline migration through
//! sea-orm-migration's own CLI (`hand-migrate -u sqlite://db?mode=rwc up`).

#[tokio::main]
async fn main() {
    sea_orm_migration::cli::run_cli(fsync_bench::hand_migration::Migrator).await;
}
