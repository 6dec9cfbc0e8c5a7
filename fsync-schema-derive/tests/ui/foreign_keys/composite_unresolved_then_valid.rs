// A composite foreign key whose columns do not resolve, then a valid one:
// one error, on the unknown column; the valid key is checked as itself.
fsync_schema::entities! {
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
        #[schema(
            table = "grant",
            foreign_key(columns(group_id, usr_id), references = super::membership, ref_columns(group_id, user_id)),
            foreign_key(columns(group_id, user_id), references = super::membership, ref_columns(group_id, user_id), relation = Member)
        )]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            pub group_id: i32,
            pub user_id: i64,
        }
    }
}

fn main() {}
