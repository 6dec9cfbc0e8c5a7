//! `baseline`: adopting a database that was built without the migrations
//! (by hand, by another tool) by recording it as migrated up to a named
//! migration, without running anything.
//!
//! The record is written only when the database is what those migrations
//! build: their steps are replayed into a schema ([`step::replay`]) and
//! compared with the live database ([`introspect::drift`]). On any drift the
//! findings are returned and nothing is written. Records go into
//! sea-orm-migration's table (`seaql_migrations`), as its runner writes them
//! (`version`, `applied_at` in seconds since the Unix epoch), so `migrate up`
//! afterwards runs only the later migrations.

use crate::compare::{Aspect, Finding, Sides, compare_with};
use crate::introspect::{self, IntrospectError};
use crate::migration::GeneratedMigrator;
use crate::model::Schema;
use crate::step;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use sea_orm_migration::sea_query::{Alias, Query};

/// Why a baseline was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("no migration is called `{name}`; the migrations are: {}", known.join(", "))]
    UnknownMigration { name: String, known: Vec<String> },
    #[error(
        "migration `{0}` was not written by `gen-migration` (it lists no steps), so what it builds cannot be checked"
    )]
    NotReplayable(String),
    #[error("the migrations up to `{to}` do not replay: {reason}")]
    Replay { to: String, reason: String },
    #[error("the database is not what the migrations up to `{to}` build; nothing was recorded:\n{}", findings.iter().map(|f| format!("  {f}")).collect::<Vec<_>>().join("\n"))]
    Drift { to: String, findings: Vec<Finding> },
    #[error(transparent)]
    Introspect(#[from] IntrospectError),
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error(
        "`baseline` records migrations, and the server is {server}; nothing was recorded: run it on the primary"
    )]
    ReadOnly { server: String },
    #[error(transparent)]
    Topology(#[from] crate::migration::MigrateError),
}

/// What a baseline recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baselined {
    /// The migrations recorded as applied now, oldest first.
    pub recorded: Vec<String>,
    /// Those up to the target that were already recorded.
    pub already_applied: Vec<String>,
    /// What the database holds that the migrations do not build (views,
    /// triggers, ..): left as it is, and named.
    pub unmanaged: Vec<introspect::Unmanaged>,
}

/// The schema that `M`'s migrations build up to and including `to` (a
/// migration's full name), replayed from their steps.
pub fn schema_up_to<M: GeneratedMigrator>(
    to: &str,
) -> Result<(Schema, Vec<String>), BaselineError> {
    let names: Vec<String> = M::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let Some(position) = names.iter().position(|n| n == to) else {
        return Err(BaselineError::UnknownMigration {
            name: to.to_owned(),
            known: names,
        });
    };
    let generated = M::steps();
    let mut steps = Vec::new();
    for name in &names[..=position] {
        let Some((_, these)) = generated.iter().find(|(n, _)| n == name) else {
            return Err(BaselineError::NotReplayable(name.clone()));
        };
        steps.extend(these.iter().cloned());
    }
    let schema =
        step::replay(&Schema::default(), &steps).map_err(|reason| BaselineError::Replay {
            to: to.to_owned(),
            reason,
        })?;
    Ok((schema, names[..=position].to_vec()))
}

/// Records the database behind `db` as migrated up to `to`, after checking
/// that it matches what `M`'s migrations up to `to` build (column order
/// aside: a database built step by step appends columns). Writes nothing on
/// drift.
pub async fn baseline<M: GeneratedMigrator>(
    db: &DatabaseConnection,
    to: &str,
) -> Result<Baselined, BaselineError> {
    let (expected, names) = schema_up_to::<M>(to)?;
    let topology = crate::migration::topology::detect(db, Default::default()).await?;
    if let Some(server) = topology.read_only {
        return Err(BaselineError::ReadOnly { server });
    }
    let backend = introspect::backend(db)?;
    let actual = introspect::schema(db).await?;
    let findings: Vec<Finding> = compare_with(
        &introspect::as_introspected(&expected, backend),
        &introspect::as_introspected(&actual, backend),
        &Sides::new("migrations", "database"),
    )
    .into_iter()
    .filter(|f| f.aspect != Aspect::ColumnOrder)
    .collect();
    if !findings.is_empty() {
        return Err(BaselineError::Drift {
            to: to.to_owned(),
            findings,
        });
    }
    let applied: Vec<String> = M::get_applied_migrations_read_only(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let unmanaged = introspect::unmanaged(db).await?;
    M::install(db).await?;
    let applied_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut outcome = Baselined {
        unmanaged,
        ..Baselined::default()
    };
    for name in names {
        if applied.contains(&name) {
            outcome.already_applied.push(name);
            continue;
        }
        let insert = Query::insert()
            .into_table(M::migration_table_name())
            .columns([Alias::new("version"), Alias::new("applied_at")])
            .values_panic([name.clone().into(), applied_at.into()])
            .to_owned();
        db.execute(&insert).await?;
        outcome.recorded.push(name);
    }
    Ok(outcome)
}
