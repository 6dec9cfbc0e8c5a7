//! The typed text columns, written by hand.

use sea_orm::entity::prelude::*;
use std::fmt;
use std::str::FromStr;

pub use fsync::entities::{EntryKind, Interval};

/// A text that is not a value of one of the enums below.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// How a conduit moves changes; stored as `mirror`, `bidirectional` or `selective`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum SyncMode {
    Mirror,
    Bidirectional,
    Selective,
}

/// When a conduit syncs: `instant`, `interval:<duration>` or `manual`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(value_type = "String", column_type = "Text")]
pub enum Schedule {
    Instant,
    Interval(Interval),
    Manual,
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Instant => f.write_str("instant"),
            Schedule::Interval(every) => write!(f, "interval:{every}"),
            Schedule::Manual => f.write_str("manual"),
        }
    }
}

impl FromStr for Schedule {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        match text {
            "instant" => Ok(Schedule::Instant),
            "manual" => Ok(Schedule::Manual),
            _ => match text.strip_prefix("interval:") {
                Some(every) => every.parse().map(Schedule::Interval).map_err(ParseError),
                None => Err(ParseError(format!("`{text}` is not a schedule"))),
            },
        }
    }
}

/// Where a finished sync stands in the verification lifecycle.
#[derive(Clone, Debug, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(value_type = "String", column_type = "Text")]
pub enum VerificationStatus {
    Unverified,
    WaitingWatcher,
    WaitingLibrarySync,
    Verified,
    Failed(String),
}

impl fmt::Display for VerificationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerificationStatus::Unverified => f.write_str("unverified"),
            VerificationStatus::WaitingWatcher => f.write_str("waiting_watcher"),
            VerificationStatus::WaitingLibrarySync => f.write_str("waiting_library_sync"),
            VerificationStatus::Verified => f.write_str("verified"),
            VerificationStatus::Failed(reason) => write!(f, "failed:{reason}"),
        }
    }
}

impl FromStr for VerificationStatus {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        match text {
            "unverified" => Ok(VerificationStatus::Unverified),
            "waiting_watcher" => Ok(VerificationStatus::WaitingWatcher),
            "waiting_library_sync" => Ok(VerificationStatus::WaitingLibrarySync),
            "verified" => Ok(VerificationStatus::Verified),
            _ => match text.strip_prefix("failed:") {
                Some(reason) => Ok(VerificationStatus::Failed(reason.to_owned())),
                None => Err(ParseError(format!("`{text}` is not a verification status"))),
            },
        }
    }
}
