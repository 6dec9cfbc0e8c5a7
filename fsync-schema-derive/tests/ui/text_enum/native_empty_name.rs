#[derive(Clone, Copy, Debug, PartialEq, fsync_schema::TextEnum)]
#[text(native = "")]
pub enum Rating {
    G,
}

fn main() {}
