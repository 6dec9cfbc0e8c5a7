mod seat {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "seat", unique(columns(room, row, number)))]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i32,
        pub room: i32,
        pub row: i32,
        pub number: i32,
    }
}

mod ticket {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(
        table = "ticket",
        foreign_key(columns(room, row), references = super::seat, ref_columns(room, row))
    )]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i32,
        pub room: i32,
        pub row: i32,
    }
}

/// The unique set, in another column order, is a key.
mod booking {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(
        table = "booking",
        foreign_key(columns(room, number, row), references = super::seat, ref_columns(number, row, room))
    )]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i32,
        pub room: i32,
        pub row: i32,
        pub number: i32,
    }
}

fn main() {}
