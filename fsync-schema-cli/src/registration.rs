//! Entity files that `entities!` does not declare: such a file builds (it is
//! not compiled at all), `gen-migration --check` would say "up to date", and
//! its table would be in no migration. `gen-migration` names each one and the
//! line to add.

use std::fs;
use std::path::{Path, PathBuf};

/// An entity file of the entities directory that no `mod` declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undeclared {
    /// The file, e.g. `src/entities/device.rs`.
    pub file: PathBuf,
    /// Its module name, e.g. `device`.
    pub module: String,
}

impl Undeclared {
    /// The problem as one line, with the fix.
    pub fn describe(&self, module_file: &Path) -> String {
        format!(
            "{} derives an entity but is not declared: add `pub mod {};` inside `fsync_schema::entities! {{ .. }}` in {}",
            self.file.display(),
            self.module,
            module_file.display()
        )
    }
}

/// The `*.rs` files of `dir` (besides `mod.rs`) that derive
/// `fsync_schema::Entity` and that `dir/mod.rs` declares nowhere; none when
/// the directory or its `mod.rs` is missing.
pub fn undeclared(dir: &Path) -> Vec<Undeclared> {
    let Ok(module_source) = fs::read_to_string(dir.join("mod.rs")) else {
        return Vec::new();
    };
    let declared = declared_modules(&module_source);
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<Undeclared> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter_map(|path| {
            let module = path.file_stem()?.to_str()?.to_owned();
            let is_rust = path.extension().is_some_and(|e| e == "rs");
            (is_rust && module != "mod" && !declared.contains(&module)).then_some((path, module))
        })
        .filter(|(path, _)| fs::read_to_string(path).is_ok_and(|source| derives_an_entity(&source)))
        .map(|(file, module)| Undeclared { file, module })
        .collect();
    found.sort_by(|a, b| a.module.cmp(&b.module));
    found
}

/// The names of the modules `source` declares, `mod x;` or `mod x { .. }`,
/// inside `entities!` or outside it (line comments left out).
fn declared_modules(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .filter(|pair| pair[0] == "mod")
        .map(|pair| pair[1].trim_start_matches("r#").to_owned())
        .collect()
}

/// Whether the file derives `Entity` (`#[derive(.., fsync_schema::Entity)]`
/// or, after a `use`, `#[derive(.., Entity)]` with a `#[schema(` attribute).
fn derives_an_entity(source: &str) -> bool {
    source.contains("fsync_schema::Entity")
        || (source.contains("#[schema(") && source.contains("Entity"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entity_file_no_mod_declares_is_named_with_the_line_to_add() {
        let dir = tempfile::tempdir().unwrap();
        let entity = "#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]\n#[schema(table = \"x\")]\npub struct Model { #[schema(primary_key)] pub id: i32 }\n";
        fs::write(
            dir.path().join("mod.rs"),
            "pub mod types;\nfsync_schema::entities! {\n    pub mod entry;\n    // pub mod commented;\n}\n",
        )
        .unwrap();
        for name in ["entry", "device", "commented"] {
            fs::write(dir.path().join(format!("{name}.rs")), entity).unwrap();
        }
        fs::write(dir.path().join("types.rs"), "pub enum Kind { A }\n").unwrap();
        fs::write(dir.path().join("helpers.rs"), "pub fn f() {}\n").unwrap();
        let found = undeclared(dir.path());
        let modules: Vec<&str> = found.iter().map(|u| u.module.as_str()).collect();
        assert_eq!(modules, ["commented", "device"]);
        assert_eq!(
            found[1].describe(Path::new("src/entities/mod.rs")),
            format!(
                "{} derives an entity but is not declared: add `pub mod device;` inside `fsync_schema::entities! {{ .. }}` in src/entities/mod.rs",
                dir.path().join("device.rs").display()
            )
        );
        assert_eq!(undeclared(&dir.path().join("missing")), vec![]);
    }
}
