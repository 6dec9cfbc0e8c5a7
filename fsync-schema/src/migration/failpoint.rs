//! Fault injection for the tests that kill a runner at every step.
//!
//! With `FSYNC_FAILPOINT=<n>` in the environment, [`install`] makes the
//! process abort right after the `n`-th statement the connection answers
//! (`0`: before the first), the way a `kill -9` stops it between two round
//! trips: no destructor runs, no transaction is ended, the server sees the
//! socket close. `FSYNC_FAILPOINT=count` prints `failpoint: <n>` on
//! standard error after each statement instead, so a test knows how many
//! points there are. Without the variable, [`install`] does nothing.

use sea_orm::DatabaseConnection;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that arms the failpoint.
pub const VARIABLE: &str = "FSYNC_FAILPOINT";

static ANSWERED: AtomicU64 = AtomicU64::new(0);

/// Arms the failpoint on `db` when [`VARIABLE`] is set (to a number, or
/// `count`).
pub fn install(db: &mut DatabaseConnection) {
    let Ok(value) = std::env::var(VARIABLE) else {
        return;
    };
    if value.trim() == "count" {
        db.set_metric_callback(|_| {
            eprintln!("failpoint: {}", ANSWERED.fetch_add(1, Ordering::SeqCst) + 1);
        });
        return;
    }
    let Ok(limit) = value.trim().parse::<u64>() else {
        return;
    };
    if limit == 0 {
        std::process::abort();
    }
    db.set_metric_callback(move |_| {
        if ANSWERED.fetch_add(1, Ordering::SeqCst) + 1 == limit {
            std::process::abort();
        }
    });
}
