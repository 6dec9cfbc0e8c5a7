#[derive(Clone, Copy, Debug, PartialEq, fsync_schema::TextEnum)]
#[text(nativ = "rating")]
pub enum Rating {
    G,
}

fn main() {}
