//! Data steps: hand-written work placed between the generated schema steps of
//! a migration (SQL per backend, or a Rust function given the connection), and
//! the one-off fills that `gen-migration --fill` writes for new NOT NULL columns.
//!
//! A data step changes rows, never the schema, so the schema snapshot that the
//! generated steps replay to stays exact. Each one declares its `down` (SQL, a
//! function, or nothing to undo) or is marked irreversible; `down` of a
//! migration holding an irreversible data step refuses before running anything.

use super::Direction;
use crate::model::Backend;
use crate::step::{self, Step};
use sea_orm::DbErr;
use sea_orm_migration::SchemaManager;
use std::future::Future;
use std::pin::Pin;

/// The future a data function returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A Rust data function: given the migration's manager (its connection is the
/// migration's transaction where the backend has one), it changes rows.
///
/// ```ignore
/// fn backfill<'a>(manager: &'a SchemaManager<'a>) -> BoxFuture<'a, Result<(), DbErr>> {
///     Box::pin(async move {
///         let db = manager.get_connection();
///         // read rows, compute, write them back
///         Ok(())
///     })
/// }
/// ```
pub type DataFn = for<'a> fn(&'a SchemaManager<'a>) -> BoxFuture<'a, Result<(), DbErr>>;

/// One piece of work of a data step.
#[derive(Clone)]
pub enum Work {
    /// An SQL statement, on every backend (`None`) or on one.
    Sql(Option<Backend>, String),
    /// A Rust function.
    Run(DataFn),
}

impl std::fmt::Debug for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Work::Sql(backend, sql) => write!(f, "Sql({backend:?}, {sql:?})"),
            Work::Run(_) => f.write_str("Run(..)"),
        }
    }
}

/// The work of `work` that runs on `backend`, in order: Rust functions, each
/// `.sql_for(backend, ..)`, and each `.sql(..)` unless the list has a
/// `.sql_for(backend, ..)`, which takes its place on that backend.
pub fn selected(work: &[Work], backend: Backend) -> impl Iterator<Item = &Work> {
    let overridden = work
        .iter()
        .any(|w| matches!(w, Work::Sql(Some(only), _) if *only == backend));
    work.iter().filter(move |w| match w {
        Work::Sql(Some(only), _) => *only == backend,
        Work::Sql(None, _) => !overridden,
        Work::Run(_) => true,
    })
}

/// The lines a dry run prints for `work` on `backend`: its SQL, and a
/// comment for each Rust function (which runs only for real).
pub fn describe(label: &str, work: &[Work], backend: Backend) -> Vec<String> {
    selected(work, backend)
        .map(|w| match w {
            Work::Sql(_, sql) => sql.clone(),
            Work::Run(_) => format!("-- {label}: Rust code (`.run(..)`), run only for real"),
        })
        .collect()
}

/// A hand-written step of a migration, run after the generated step it names.
#[derive(Clone, Debug)]
pub struct DataStep {
    /// How many generated steps run before it (0: before them all).
    pub after: usize,
    /// What it does, for messages.
    pub what: String,
    pub up: Vec<Work>,
    /// `None` until declared; `Some(vec![])` means nothing to undo.
    pub down: Option<Vec<Work>>,
    pub irreversible: bool,
}

impl DataStep {
    /// A data step that runs after the first `after` generated steps.
    pub fn after(after: usize) -> DataStep {
        DataStep {
            after,
            what: String::new(),
            up: Vec::new(),
            down: None,
            irreversible: false,
        }
    }

    /// Says what the step does (shown in errors).
    pub fn named(mut self, what: &str) -> DataStep {
        self.what = what.to_owned();
        self
    }

    /// An SQL statement run on every backend that has no
    /// [`DataStep::sql_for`] of its own in this step.
    pub fn sql(mut self, sql: &str) -> DataStep {
        self.up.push(Work::Sql(None, sql.to_owned()));
        self
    }

    /// An SQL statement run only on `backend`, in place of the step's
    /// [`DataStep::sql`] statements there.
    pub fn sql_for(mut self, backend: Backend, sql: &str) -> DataStep {
        self.up.push(Work::Sql(Some(backend), sql.to_owned()));
        self
    }

    /// A Rust function run with the migration's manager.
    pub fn run(mut self, function: DataFn) -> DataStep {
        self.up.push(Work::Run(function));
        self
    }

    fn down_work(mut self, work: Work) -> DataStep {
        self.down.get_or_insert_with(Vec::new).push(work);
        self
    }

    /// An SQL statement of `down`, on every backend without a
    /// [`DataStep::down_sql_for`] of its own.
    pub fn down_sql(self, sql: &str) -> DataStep {
        self.down_work(Work::Sql(None, sql.to_owned()))
    }

    /// An SQL statement of `down`, only on `backend`, in place of the
    /// [`DataStep::down_sql`] statements there.
    pub fn down_sql_for(self, backend: Backend, sql: &str) -> DataStep {
        self.down_work(Work::Sql(Some(backend), sql.to_owned()))
    }

    /// A Rust function of `down`.
    pub fn down_run(self, function: DataFn) -> DataStep {
        self.down_work(Work::Run(function))
    }

    /// `down` has nothing to undo (e.g. the generated steps' `down` drops what this filled).
    pub fn down_nothing(mut self) -> DataStep {
        self.down.get_or_insert_with(Vec::new);
        self
    }

    /// The step cannot be undone: the migration's `down` refuses to run.
    pub fn irreversible(mut self) -> DataStep {
        self.irreversible = true;
        self
    }

    /// The one-off fill of a column that the migration adds as NOT NULL
    /// (`gen-migration --fill table.column=expr`): every existing row gets
    /// `expr`, an SQL expression that may use the row's other columns. The
    /// column's default is left as declared.
    pub fn fill(after: usize, table: &str, column: &str, expr: &str) -> DataStep {
        let mut out = DataStep::after(after)
            .named(&format!("fill `{table}.{column}` with {expr}"))
            .down_nothing();
        for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
            let q = |name: &str| match backend {
                Backend::MySql => format!("`{}`", name.replace('`', "``")),
                _ => format!("\"{}\"", name.replace('"', "\"\"")),
            };
            let sql = format!("UPDATE {} SET {} = {expr}", q(table), q(column));
            out = out.sql_for(backend, &sql);
        }
        out
    }

    fn label(&self, number: usize) -> String {
        let place = match self.after {
            0 => "before the first step".to_owned(),
            n => format!("after step {n}"),
        };
        if self.what.is_empty() {
            format!("data step {number} ({place})")
        } else {
            format!("data step {number} ({place}: {})", self.what)
        }
    }
}

/// One item of a migration's run, in order.
#[derive(Debug)]
pub enum Planned<'a> {
    /// A generated step (already inverted for `down`); `number` counts from 1.
    Schema { number: usize, step: Box<Step> },
    /// The work of a data step (its `up` or its `down`).
    Data {
        label: String,
        work: &'a [Work],
        /// What undoes `work` after a MySQL failure (`up` only).
        undo: Option<&'a [Work]>,
    },
}

/// The order in which a migration runs on `backend`: each data step after the
/// generated step it names; for `Down`, everything inverted and backwards.
/// Checks every data step first, so a bad one changes nothing.
pub fn plan<'a>(
    steps: &[Step],
    data: &'a [DataStep],
    direction: Direction,
    backend: Backend,
) -> Result<Vec<Planned<'a>>, DbErr> {
    let fail = |message: String| Err(DbErr::Migration(message));
    for (i, data_step) in data.iter().enumerate() {
        let label = data_step.label(i + 1);
        if data_step.after > steps.len() {
            return fail(format!(
                "{label}: the migration has only {} generated step(s)",
                steps.len()
            ));
        }
        if selected(&data_step.up, backend).next().is_none() {
            return fail(format!(
                "{label} has nothing to run on {}; add `.sql_for(Backend::{backend:?}, ..)` or `.sql(..)`",
                backend.name()
            ));
        }
        if data_step.down.is_none() && !data_step.irreversible {
            return fail(format!(
                "{label} declares no `down`: add `.down_sql(..)`, `.down_run(..)` or `.down_nothing()`, or mark it `.irreversible()`"
            ));
        }
        let down = data_step.down.as_deref().unwrap_or_default();
        if direction == Direction::Down
            && !down.is_empty()
            && selected(down, backend).next().is_none()
        {
            return fail(format!(
                "{label} has no `down` for {}; add `.down_sql_for(Backend::{backend:?}, ..)`; nothing was changed",
                backend.name()
            ));
        }
        if direction == Direction::Down && data_step.irreversible {
            return fail(format!(
                "this migration cannot be rolled back: {label} is irreversible; nothing was changed"
            ));
        }
    }
    let data_after = |k: usize| {
        data.iter()
            .enumerate()
            .filter(move |(_, d)| d.after == k)
            .map(move |(i, d)| (d.label(i + 1), d))
    };
    let mut out = Vec::new();
    match direction {
        Direction::Up => {
            for k in 0..=steps.len() {
                if k > 0 {
                    out.push(Planned::Schema {
                        number: k,
                        step: Box::new(steps[k - 1].clone()),
                    });
                }
                for (label, d) in data_after(k) {
                    out.push(Planned::Data {
                        label,
                        work: &d.up,
                        undo: d.down.as_deref(),
                    });
                }
            }
        }
        Direction::Down => {
            for k in (0..=steps.len()).rev() {
                let mut here: Vec<_> = data_after(k).collect();
                here.reverse();
                for (label, d) in here {
                    out.push(Planned::Data {
                        label: format!("{label}, down"),
                        work: d.down.as_deref().unwrap_or_default(),
                        undo: None,
                    });
                }
                if k > 0 {
                    out.push(Planned::Schema {
                        number: k,
                        step: Box::new(step::inverse(&steps[k - 1..k]).remove(0)),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Runs `work` on the manager's connection for `backend`.
pub(super) async fn run_work(
    manager: &SchemaManager<'_>,
    work: &[Work],
    backend: Backend,
) -> Result<(), String> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = manager.get_connection();
    for item in selected(work, backend) {
        match item {
            Work::Sql(_, sql) => {
                db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
                    .await
                    .map_err(|e| format!("{e}\n  statement: {sql}"))?;
            }
            Work::Run(function) => function(manager).await.map_err(|e| e.to_string())?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnType, Table};

    fn two_steps() -> Vec<Step> {
        let a = Table::new("a")
            .with_column(Column::new("id", ColumnType::Integer))
            .primary_key(["id"]);
        let b = Table::new("b")
            .with_column(Column::new("id", ColumnType::Integer))
            .primary_key(["id"]);
        vec![Step::CreateTable(a), Step::CreateTable(b)]
    }

    fn order(plan: &[Planned<'_>]) -> Vec<String> {
        plan.iter()
            .map(|p| match p {
                Planned::Schema { number, step } => format!("{number}:{}", step.describe()[0]),
                Planned::Data { label, .. } => label.clone(),
            })
            .collect()
    }

    #[test]
    fn data_steps_sit_between_generated_ones_and_down_runs_backwards() {
        let data = [
            DataStep::after(1).named("x").sql("X").down_sql("undo X"),
            DataStep::after(0).named("first").sql("F").down_nothing(),
            DataStep::after(1).named("y").sql("Y").down_nothing(),
        ];
        let up = plan(&two_steps(), &data, Direction::Up, Backend::Sqlite).unwrap();
        assert_eq!(
            order(&up),
            [
                "data step 2 (before the first step: first)",
                "1:create table `a`",
                "data step 1 (after step 1: x)",
                "data step 3 (after step 1: y)",
                "2:create table `b`",
            ]
        );
        let down = plan(&two_steps(), &data, Direction::Down, Backend::Sqlite).unwrap();
        assert_eq!(
            order(&down),
            [
                "2:drop table `b`",
                "data step 3 (after step 1: y), down",
                "data step 1 (after step 1: x), down",
                "1:drop table `a`",
                "data step 2 (before the first step: first), down",
            ]
        );
    }

    #[test]
    fn bad_data_steps_are_refused_before_anything_runs() {
        let error = |data: DataStep, direction| {
            plan(&two_steps(), &[data], direction, Backend::MySql)
                .unwrap_err()
                .to_string()
        };
        let e = error(DataStep::after(3).sql("X").down_nothing(), Direction::Up);
        assert!(
            e.contains("data step 1 (after step 3): the migration has only 2"),
            "{e}"
        );
        let e = error(
            DataStep::after(1)
                .sql_for(Backend::Postgres, "X")
                .down_nothing(),
            Direction::Up,
        );
        assert!(e.contains("has nothing to run on mysql"), "{e}");
        let e = error(DataStep::after(1).sql("X"), Direction::Up);
        assert!(e.contains("declares no `down`"), "{e}");
        let irreversible = DataStep::after(1).named("hash").sql("X").irreversible();
        assert!(
            plan(
                &two_steps(),
                std::slice::from_ref(&irreversible),
                Direction::Up,
                Backend::MySql
            )
            .is_ok()
        );
        let e = error(irreversible, Direction::Down);
        assert!(
            e.contains("cannot be rolled back: data step 1 (after step 1: hash) is irreversible"),
            "{e}"
        );
    }

    #[test]
    fn a_fill_quotes_per_backend() {
        let fill = DataStep::fill(1, "item", "size", "length(name)");
        let sql: Vec<String> = selected(&fill.up, Backend::MySql)
            .map(|w| format!("{w:?}"))
            .collect();
        assert_eq!(
            sql,
            ["Sql(Some(MySql), \"UPDATE `item` SET `size` = length(name)\")"]
        );
        assert_eq!(fill.down.as_deref().map(<[Work]>::len), Some(0));
    }

    #[test]
    fn sql_for_takes_the_place_of_sql_on_its_backend() {
        let step = DataStep::after(0)
            .sql("UPDATE t SET a = 1")
            .sql_for(Backend::MySql, "UPDATE `t` SET `a` = 1")
            .run(|_| Box::pin(async { Ok(()) }));
        let on = |backend| describe("data step 1", &step.up, backend);
        assert_eq!(
            on(Backend::MySql),
            [
                "UPDATE `t` SET `a` = 1",
                "-- data step 1: Rust code (`.run(..)`), run only for real"
            ]
        );
        assert_eq!(on(Backend::Sqlite)[0], "UPDATE t SET a = 1");
        assert_eq!(on(Backend::Postgres).len(), 2);
    }
}
