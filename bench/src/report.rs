//! Ratios of derived to hand-written, read back from the estimates criterion
//! wrote in this run.
//!
//! Criterion keeps each benchmark's statistics in
//! `<criterion home>/<group>/<function>/new/estimates.json`; a bench binary
//! reads the medians of the pairs it measured and prints their ratio. An
//! estimate older than the process is left out (it comes from an earlier,
//! possibly filtered run), so a ratio always compares two measurements of the
//! same run.

use std::path::PathBuf;
use std::time::SystemTime;

/// Where criterion writes: `$CRITERION_HOME`, `$CARGO_TARGET_DIR/criterion`,
/// or the `criterion` directory of the target dir holding the running bench.
pub fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    // <target>/<profile>/deps/<bench>-<hash>
    let exe = std::env::current_exe().expect("the bench's path");
    exe.ancestors()
        .nth(3)
        .map(|target| target.join("criterion"))
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

/// One measured statistic: the median time per iteration, and its 95%
/// confidence interval, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Median {
    pub ns: f64,
    pub lower_ns: f64,
    pub upper_ns: f64,
}

/// The median criterion measured for `group/function` since `since`, if any.
pub fn median(group: &str, function: &str, since: SystemTime) -> Option<Median> {
    let path = criterion_home()
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let median = &value["median"];
    Some(Median {
        ns: median["point_estimate"].as_f64()?,
        lower_ns: median["confidence_interval"]["lower_bound"].as_f64()?,
        upper_ns: median["confidence_interval"]["upper_bound"].as_f64()?,
    })
}

/// A duration in ns as text with a fitting unit.
pub fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Whether the benchmark runs as a test (`cargo test --benches`, as CI does
/// so that a broken benchmark fails the build): cargo passes `--bench` only
/// to `cargo bench`. A test run does one short pass and gives no verdict.
pub fn test_run() -> bool {
    !std::env::args().any(|a| a == "--bench")
}

/// Prints `derived / hand` for each `(group, derived function, hand function)`
/// measured in this run, against `goal`.
pub fn print_ratios(title: &str, pairs: &[(&str, &str, &str)], goal: f64, since: SystemTime) {
    println!("\n{title} (median derived / median hand-written; goal ≤ {goal:.2})");
    for (group, derived, hand) in pairs {
        match (median(group, derived, since), median(group, hand, since)) {
            (Some(d), Some(h)) => {
                let ratio = d.ns / h.ns;
                // The ratio's range from the two 95% intervals.
                let (low, high) = (d.lower_ns / h.upper_ns, d.upper_ns / h.lower_ns);
                let verdict = if ratio <= goal { "met" } else { "MISSED" };
                println!(
                    "  {group}: derived {} / hand {} = {ratio:.3} [{low:.3}, {high:.3}] {verdict}",
                    human(d.ns),
                    human(h.ns),
                );
            }
            _ => println!("  {group}: not measured in this run"),
        }
    }
}
