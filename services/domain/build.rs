//! Embeds the reference skills taxonomy: writes `reference_skills.rs` into `OUT_DIR` with an
//! `include_str!` of every `*.json` file of `data/reference/skills/` (`core.json`, then name
//! order) and of its
//! `VERSION`, and `reference_courses.rs` with the courses of `data/reference/courses/`. Cargo
//! re-runs this when a file of those folders is added, removed or changed.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let dir = manifest.join("../../data/reference/skills").canonicalize()?;
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            let name = path.file_name().and_then(|n| n.to_str()).ok_or("a file name that is not UTF-8")?.to_owned();
            files.push((name, path));
        }
    }
    // core.json first: on a tie, `resolve` prefers the concept loaded first.
    files.sort_by(|a, b| (a.0 != "core.json", &a.0).cmp(&(b.0 != "core.json", &b.0)));
    let mut code = String::from("static FILES: &[(&str, &str)] = &[\n");
    for (name, path) in &files {
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string())?;
    }
    code.push_str("];\n");
    writeln!(code, "static VERSION: &str = include_str!({:?});", dir.join("VERSION").display().to_string())?;
    std::fs::write(PathBuf::from(std::env::var("OUT_DIR")?).join("reference_skills.rs"), code)?;

    // Where skills are taught: one file, embedded the same way.
    let courses = manifest.join("../../data/reference/courses/courses.json").canonicalize()?;
    println!("cargo::rerun-if-changed={}", courses.display());
    let code = format!("static COURSES: &str = include_str!({:?});\n", courses.display().to_string());
    std::fs::write(PathBuf::from(std::env::var("OUT_DIR")?).join("reference_courses.rs"), code)?;
    Ok(())
}
