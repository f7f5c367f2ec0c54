//! The reference taxonomy built into the binary: every `*.json` file of
//! `data/reference/skills/` and its `VERSION`, embedded at compile time (see `build.rs`), so
//! `make run`, a container image and the tests all load the same taxonomy from no path at
//! all. A configured directory can still replace it (the `taxonomy_dir` setting).

use super::{SkillTaxonomy, TaxonomyErrors};

include!(concat!(env!("OUT_DIR"), "/reference_skills.rs"));

/// The reference taxonomy, checked. Loading parses and checks a few thousand concepts
/// (milliseconds): callers load it once and share it.
pub fn reference() -> Result<SkillTaxonomy, TaxonomyErrors> {
    SkillTaxonomy::load(VERSION, FILES.iter().copied())
}

/// The embedded files, `(name, JSON)`: `core.json`, then the others in name order.
pub fn reference_files() -> &'static [(&'static str, &'static str)] {
    FILES
}
