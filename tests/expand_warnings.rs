//! Every feature of `#[derive(fsync_schema::Entity)]` and
//! `#[derive(fsync_schema::TextEnum)]` under `#![deny(warnings)]`: this file
//! compiling proves the expansions are warning-free. The tests check that what
//! they expand to is right: the table models, and the generated SeaORM items.

#![deny(warnings)]

use fsync_schema::{Action, DefaultValue, SchemaEntity};
use sea_orm::{ActiveModelTrait, ActiveValue, EntityTrait, ModelTrait, RelationTrait};

/// Text enums: unit variants, a renamed one, payloads with and without a prefix.
mod types {
    use std::fmt;
    use std::str::FromStr;

    #[derive(Clone, Copy, Debug, PartialEq, Eq, fsync_schema::TextEnum)]
    pub enum Role {
        Owner,
        #[text(rename = "rw")]
        ReadWrite,
        ReadOnly,
    }

    #[derive(Clone, Debug, PartialEq, Eq, fsync_schema::TextEnum)]
    pub enum Quota {
        Unlimited,
        #[text(prefix = "bytes=")]
        Bytes(u64),
        Files(Count),
    }

    /// A payload type of our own: `Display` and `FromStr` are all it needs.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Count(pub u32);

    impl fmt::Display for Count {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}x", self.0)
        }
    }

    impl FromStr for Count {
        type Err = String;

        fn from_str(text: &str) -> Result<Self, String> {
            let digits = text.strip_suffix('x').ok_or("missing `x`")?;
            digits.parse().map(Count).map_err(|e| format!("{e}"))
        }
    }
}

/// A parent with a single-column key, children declared both ways, a self
/// reference, a renamed table and column, and defaults of every kind.
mod account {
    use super::types::{Quota, Role};
    use chrono::{DateTime, Utc};

    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "account", renamed_from = "user_account")]
    #[schema(index(name = "idx_account_enabled_created", columns(enabled, created_at)))]
    #[schema(check(name = "ck_account_score", expr = "score >= 0"))]
    #[schema(has_many(super::membership::account_id))]
    #[schema(has_one(super::profile::account_id, relation = Profile))]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i64,
        #[schema(unique)]
        pub uuid: uuid::Uuid,
        #[schema(sql_type(postgres = "CITEXT", mysql = "VARCHAR(320)"))]
        pub email: String,
        #[schema(default = "owner")]
        pub role: Role,
        #[schema(default = "bytes=1024")]
        pub quota: Quota,
        #[schema(default = -1, index)]
        pub score: i32,
        #[schema(default = 0.5)]
        pub weight: f64,
        #[schema(default = true, renamed_from = "active")]
        pub enabled: bool,
        #[schema(default = current_timestamp)]
        pub created_at: DateTime<Utc>,
        #[schema(default_sql = "'{}'")]
        pub settings: serde_json::Value,
        /// The account that invited this one.
        #[schema(references = self::id, on_delete = set_null, relation = InvitedBy)]
        pub invited_by: Option<i64>,
        pub r#type: Option<String>,
    }
}

/// A one-to-one child.
mod profile {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "profile")]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i32,
        #[schema(unique, references = super::account::id, on_delete = cascade, constraint = "fk_profile_owner")]
        pub account_id: i64,
        pub bio: Option<String>,
        /// A reference to a unique column that is not the primary key.
        #[schema(references = super::account::uuid, on_delete = set_null, relation = ByUuid)]
        pub account_uuid: Option<uuid::Uuid>,
    }
}

/// A composite primary key, a composite unique and a custom behavior.
mod membership {
    use super::types::Role;

    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(
        table = "membership",
        primary_key(account_id, group_id),
        custom_behavior
    )]
    #[schema(unique(name = "uq_membership_group_seat", columns(group_id, seat)))]
    #[schema(has_many(super::grant::group_id, via = Membership))]
    pub struct Model {
        #[schema(references = super::account::id, on_delete = cascade, on_update = cascade)]
        pub account_id: i64,
        pub group_id: i32,
        pub seat: i16,
        pub role: Role,
        pub blob: Option<Vec<u8>>,
        pub since: Option<chrono::NaiveDate>,
    }

    impl sea_orm::ActiveModelBehavior for ActiveModel {
        fn new() -> Self {
            Self {
                role: sea_orm::ActiveValue::Set(Role::ReadOnly),
                ..<Self as sea_orm::ActiveModelTrait>::default()
            }
        }
    }
}

/// A composite foreign key, an index unique over two columns.
mod grant {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(
        table = "grant",
        foreign_key(
            columns(account_id, group_id),
            references = super::membership,
            ref_columns(account_id, group_id),
            on_delete = cascade,
            relation = Membership,
            constraint = "fk_grant_membership"
        ),
        index(name = "idx_grant_scope", columns(group_id, scope), unique)
    )]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i32,
        pub account_id: i64,
        pub group_id: i32,
        pub scope: i16,
        pub expires_at: Option<chrono::NaiveDateTime>,
        /// A string(n) column may be indexed.
        #[schema(max_len = 40, index = "idx_grant_label")]
        pub label: String,
    }
}

/// A schema declared in one place: inline modules, and targets without
/// MySQL, so a text column may be a key; an index with a prefix length.
mod notes {
    fsync_schema::entities! {
        targets(sqlite, postgres);
        pub mod tag {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "tag")]
            pub struct Model {
                #[schema(primary_key)]
                pub name: String,
            }
        }
        pub mod note {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "note", index(name = "idx_note_title_body", columns(title, body(191))))]
            pub struct Model {
                #[schema(primary_key, autoincrement)]
                pub id: i64,
                #[schema(max_len = 80)]
                pub title: String,
                pub body: String,
                #[schema(references = super::tag::name, on_delete = cascade)]
                pub tag: String,
            }
        }
    }
}

fn schema() -> fsync_schema::Schema {
    fsync_schema::Schema::new([
        account::Entity::table(),
        profile::Entity::table(),
        membership::Entity::table(),
        grant::Entity::table(),
    ])
}

#[test]
fn tables_are_what_the_attributes_say() {
    assert_eq!(fsync_schema::validate::schema(&schema()), vec![]);

    let account = account::Entity::table();
    assert_eq!(account.name, "account");
    assert_eq!(account.renamed_from.as_deref(), Some("user_account"));
    assert_eq!(account.primary_key, ["id"]);
    assert!(account.column("id").unwrap().autoincrement);
    assert_eq!(
        account.column("enabled").unwrap().renamed_from.as_deref(),
        Some("active")
    );
    assert!(
        account.column("type").is_some(),
        "`r#type` is the column `type`"
    );
    let defaults: Vec<(&str, &DefaultValue)> = account
        .columns
        .iter()
        .filter_map(|c| c.default.as_ref().map(|d| (c.name.as_str(), d)))
        .collect();
    assert_eq!(
        defaults,
        [
            ("role", &DefaultValue::Text("owner".into())),
            ("quota", &DefaultValue::Text("bytes=1024".into())),
            ("score", &DefaultValue::Int(-1)),
            ("weight", &DefaultValue::Float(0.5)),
            ("enabled", &DefaultValue::Bool(true)),
            ("created_at", &DefaultValue::CurrentTimestamp),
            ("settings", &DefaultValue::Sql("'{}'".into())),
        ]
    );
    let email = account.column("email").unwrap();
    assert_eq!(email.sql_type.postgres.as_deref(), Some("CITEXT"));
    assert_eq!(email.sql_type.sqlite, None);
    assert_eq!(account.foreign_keys.len(), 1);
    let invited_by = &account.foreign_keys[0];
    assert_eq!(
        (invited_by.columns.as_slice(), invited_by.ref_table.as_str()),
        (["invited_by".to_owned()].as_slice(), "account")
    );
    assert_eq!(invited_by.on_delete, Action::SetNull);
    assert!(account.column("invited_by").unwrap().nullable);
    assert_eq!(account.checks[0].expr, "score >= 0");
    assert_eq!(account.indexes.len(), 2, "{:?}", account.indexes);

    let membership = membership::Entity::table();
    assert_eq!(membership.primary_key, ["account_id", "group_id"]);
    assert_eq!(membership.uniques[0].columns, ["group_id", "seat"]);

    let grant = grant::Entity::table();
    let fk = &grant.foreign_keys[0];
    assert_eq!(fk.name.as_deref(), Some("fk_grant_membership"));
    assert_eq!(fk.ref_table, "membership");
    assert_eq!(fk.columns, ["account_id", "group_id"]);
    assert_eq!(fk.ref_columns, ["account_id", "group_id"]);
    let index = |name: &str| grant.indexes.iter().find(|i| i.name == name).unwrap();
    assert!(index("idx_grant_scope").unique);
    let label = grant.column("label").unwrap();
    assert_eq!(label.ty, fsync_schema::ColumnType::String(40));
    assert_eq!(index("idx_grant_label").columns, ["label"]);

    let profile = profile::Entity::table();
    assert_eq!(
        profile.foreign_keys[0].name.as_deref(),
        Some("fk_profile_owner")
    );
    assert_eq!(profile.uniques[0].columns, ["account_id"]);
    assert_eq!(
        (
            profile.foreign_keys[1].ref_table.as_str(),
            profile.foreign_keys[1].ref_columns.as_slice()
        ),
        ("account", ["uuid".to_owned()].as_slice())
    );
}

#[test]
fn entities_declares_inline_modules_with_their_targets() {
    use fsync_schema::{Backend, Targets, render, validate};
    let schema = notes::schema();
    assert_eq!(
        schema.targets,
        Targets::of(&[Backend::Sqlite, Backend::Postgres])
    );
    assert_eq!(validate::schema(&schema), vec![]);
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["tag", "note"]);
    let index = &schema.tables[1].indexes[0];
    assert_eq!(index.columns, ["title", "body"]);
    assert_eq!(index.prefix_of("body"), Some(191));
    assert_eq!(index.prefix_of("title"), None);
    // MySQL's rules hold the moment the schema targets it.
    let messages: Vec<String> = validate::schema(&schema.clone().targeting(Targets::ALL))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages[0].starts_with("primary key of `tag`, column `name`: a text, blob or JSON column")
    );
    assert!(messages[1].starts_with("foreign key (tag) of `note`: a text, blob or JSON column"));
    assert!(render::schema_sql(&schema, Backend::MySql).is_err());
}

#[test]
fn keys_a_foreign_key_may_reference() {
    let keys = |keys: &'static [&'static [&'static str]]| {
        keys.iter().map(|k| k.to_vec()).collect::<Vec<_>>()
    };
    assert_eq!(
        keys(account::Entity::UNIQUE_KEYS),
        [vec!["id"], vec!["uuid"]]
    );
    assert_eq!(
        keys(membership::Entity::UNIQUE_KEYS),
        [vec!["account_id", "group_id"], vec!["group_id", "seat"]]
    );
    assert_eq!(
        keys(grant::Entity::UNIQUE_KEYS),
        [vec!["id"], vec!["group_id", "scope"]],
        "a unique index is a key"
    );
    assert_eq!(account::Entity::COLUMN_NAMES[11], "type");
    // The compile-time check and the model's rule agree.
    const {
        assert!(fsync_schema::__private::references_a_key::<
            membership::Entity,
        >(&["group_id", "account_id"]));
        assert!(!fsync_schema::__private::references_a_key::<
            membership::Entity,
        >(&["group_id"]));
        assert!(fsync_schema::__private::references_a_key::<account::Entity>(&["no_such"]));
    }
    assert!(!membership::Entity::table().is_unique_key(&["group_id".to_owned()]));
}

#[test]
fn relations_join_the_right_columns() {
    use sea_orm::sea_query::{Alias, IntoIden};
    let from = |def: sea_orm::RelationDef| {
        let (from, to) = (def.from_col, def.to_col);
        (format!("{from:?}"), format!("{to:?}"), def.rel_type)
    };
    let invited_by = account::Relation::InvitedBy.def();
    assert!(matches!(
        invited_by.on_delete,
        Some(sea_orm::ForeignKeyAction::SetNull)
    ));
    let members = from(account::Relation::Membership.def());
    let belongs = from(membership::Relation::Account.def());
    // The parent's `has_many` is the child's `belongs_to` reversed.
    assert_eq!((&members.0, &members.1), (&belongs.1, &belongs.0));
    assert_eq!(members.2, sea_orm::RelationType::HasMany);
    assert_eq!(
        from(account::Relation::Profile.def()).2,
        sea_orm::RelationType::HasOne
    );
    let grants = grant::Relation::Membership.def();
    assert_eq!(
        format!("{:?}", grants.to_col),
        format!(
            "{:?}",
            sea_orm::Identity::Binary(
                Alias::new("account_id").into_iden(),
                Alias::new("group_id").into_iden()
            )
        )
    );
    assert_eq!(
        from(membership::Relation::Grant.def()).2,
        sea_orm::RelationType::HasMany
    );
}

#[test]
fn models_and_active_models_round_trip() {
    use types::{Count, Quota, Role};
    let model = account::Model {
        id: 7,
        uuid: uuid::Uuid::nil(),
        email: "a@example.org".into(),
        role: Role::ReadWrite,
        quota: Quota::Files(Count(3)),
        score: 2,
        weight: 1.0,
        enabled: true,
        created_at: chrono::DateTime::UNIX_EPOCH,
        settings: serde_json::json!({}),
        invited_by: None,
        r#type: None,
    };
    assert_eq!(
        model.get(account::Column::Role),
        sea_orm::Value::String(Some("rw".into()))
    );
    assert_eq!(
        model.get(account::Column::Quota),
        sea_orm::Value::String(Some("files:3x".into()))
    );
    let mut active: account::ActiveModel = model.clone().into();
    assert_eq!(active.id, ActiveValue::Unchanged(7));
    active.set(account::Column::Score, 5.into());
    assert_eq!(active.score, ActiveValue::Set(5));
    assert!(
        active
            .try_set(account::Column::Score, "five".into())
            .is_err()
    );
    active.not_set(account::Column::Email);
    assert!(active.is_not_set(account::Column::Email));
    active.reset(account::Column::Id);
    assert_eq!(active.id, ActiveValue::Set(7));
    assert!(
        sea_orm::TryIntoModel::try_into_model(active.clone()).is_err(),
        "email is not set"
    );
    active.email = ActiveValue::Set("b@example.org".into());
    let back = sea_orm::TryIntoModel::try_into_model(active.clone()).unwrap();
    assert_eq!((back.score, back.email.as_str()), (5, "b@example.org"));
    assert_eq!(
        active.take(account::Column::Score),
        ActiveValue::Set(sea_orm::Value::Int(Some(5)))
    );
    assert!(format!("{active:?}").contains("ActiveModel"));

    let defaults = account::ActiveModel::default_values();
    assert_eq!(defaults.invited_by, ActiveValue::Set(None));
    assert_eq!(defaults.score, ActiveValue::Set(0));
    assert_eq!(defaults.role, ActiveValue::NotSet, "no text is a role");

    // The custom behavior pre-fills the role.
    let membership = <membership::ActiveModel as Default>::default();
    assert_eq!(membership.role, ActiveValue::Set(Role::ReadOnly));
    assert!(sea_orm::ActiveValue::is_not_set(&membership.account_id));
    assert_eq!(
        <membership::Entity as EntityTrait>::PrimaryKey::iter_count(),
        2
    );
}

/// `PrimaryKey` variants, counted.
trait IterCount {
    fn iter_count() -> usize;
}

impl<T: sea_orm::Iterable> IterCount for T {
    fn iter_count() -> usize {
        T::iter().count()
    }
}
