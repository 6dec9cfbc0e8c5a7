// One derive, several unrelated mistakes: each is reported under its token,
// the attribute errors and the typed ones together.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry", index(name = "idx_entry_name", columns(nmae)))]
pub struct Model {
    #[schema(primary_key, autoincrment)]
    pub id: i32,
    pub name: String,
    #[schema(on_delete = cascade)]
    pub parent_id: Option<i32>,
    #[schema(default = tru)]
    pub enabled: bool,
    #[schema(default = "yes")]
    pub visible: bool,
    pub size: u128,
}

fn main() {}
