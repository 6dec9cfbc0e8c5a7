mod membership {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "membership", primary_key(group_id, user_id))]
    pub struct Model {
        pub group_id: i32,
        pub user_id: i64,
    }
}

mod grant {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "grant", foreign_key(columns(group_id, usr_id), references = super::membership, ref_columns(group_id, user)))]
    pub struct Model {
        #[schema(primary_key)]
        pub id: i32,
        pub group_id: i32,
        pub user_id: i64,
    }
}

fn main() {}
