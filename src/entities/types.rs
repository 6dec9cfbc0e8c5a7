//! Typed column values of the file-sync tables.

use fsync_schema::TextEnum;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// How a conduit moves changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, TextEnum)]
pub enum SyncMode {
    /// The target becomes a copy of the source.
    Mirror,
    /// Changes flow both ways.
    Bidirectional,
    /// Only selected paths are synced.
    Selective,
}

/// When a conduit syncs: `instant`, `interval:<duration>` (e.g. `interval:5m`) or `manual`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, TextEnum)]
pub enum Schedule {
    Instant,
    #[text(prefix = "interval:")]
    Interval(Interval),
    Manual,
}

/// Where a finished sync stands in the Trust Watcher verification lifecycle.
#[derive(Clone, Debug, PartialEq, Eq, Hash, TextEnum)]
pub enum VerificationStatus {
    /// Sync completed, not yet verified.
    Unverified,
    /// Waiting for the filesystem watcher to update the index.
    WaitingWatcher,
    /// Waiting for library sync to propagate the changes.
    WaitingLibrarySync,
    /// The verification query confirms consistency.
    Verified,
    /// Verification found remaining differences.
    #[text(prefix = "failed:")]
    Failed(String),
}

/// A whole number of seconds, minutes, hours or days: `90s`, `5m`, `2h`, `1d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Interval(pub Duration);

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.as_secs();
        let (count, unit) = [(86_400, 'd'), (3_600, 'h'), (60, 'm')]
            .into_iter()
            .find(|(size, _)| seconds >= *size && seconds.is_multiple_of(*size))
            .map_or((seconds, 's'), |(size, unit)| (seconds / size, unit));
        write!(f, "{count}{unit}")
    }
}

impl FromStr for Interval {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let unit = text.chars().last().ok_or("empty duration")?;
        let size = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => return Err(format!("`{text}` needs a unit: s, m, h or d")),
        };
        let count: u64 = text[..text.len() - 1]
            .parse()
            .map_err(|_| format!("`{text}` is not a whole number followed by s, m, h or d"))?;
        if count == 0 {
            return Err("the interval must be longer than zero".to_owned());
        }
        Ok(Interval(Duration::from_secs(count * size)))
    }
}

/// What an entry is, stored as INTEGER: 0 file, 1 directory, 2 symlink.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "i32", db_type = "Integer")]
pub enum EntryKind {
    #[sea_orm(num_value = 0)]
    File,
    #[sea_orm(num_value = 1)]
    Directory,
    #[sea_orm(num_value = 2)]
    Symlink,
}

impl fsync_schema::SqlValue for EntryKind {
    const COLUMN_TYPE: fsync_schema::ColumnType = fsync_schema::ColumnType::Integer;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip() {
        let five_minutes = Schedule::Interval(Interval(Duration::from_secs(300)));
        assert_eq!(five_minutes.to_string(), "interval:5m");
        assert_eq!("interval:5m".parse::<Schedule>(), Ok(five_minutes));
        assert_eq!(
            SyncMode::from_str("bidirectional"),
            Ok(SyncMode::Bidirectional)
        );
        assert_eq!(SyncMode::Mirror.as_str(), "mirror");
        let failed = VerificationStatus::Failed("3 files differ".into());
        assert_eq!(failed.to_string(), "failed:3 files differ");
        assert_eq!(
            "failed:3 files differ".parse::<VerificationStatus>(),
            Ok(failed)
        );
        assert_eq!(
            "waiting_library_sync".parse::<VerificationStatus>(),
            Ok(VerificationStatus::WaitingLibrarySync)
        );
    }

    #[test]
    fn bad_text_is_an_error_naming_the_value() {
        let error = "weekly".parse::<Schedule>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "`weekly` is not a valid Schedule; expected `instant`, `interval:<value>` or `manual`"
        );
        let error = "interval:5x".parse::<Schedule>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "`interval:5x` is not a valid Schedule; expected `instant`, `interval:<value>` or `manual` (`5x` needs a unit: s, m, h or d)"
        );
    }
}
