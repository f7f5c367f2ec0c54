//! Pieces the pages share.

mod chart;
mod education;
mod explanation;
mod fields;
mod languages;
mod nav;
mod place;
mod rubric;
mod skills;
mod welcome;

pub use chart::{BarChart, BarRow, Bilingual, TrendChart, TrendPoint, axis, bar_width};
pub use education::{EducationEditor, EducationRow, education_input, education_rows};
pub use explanation::{ApplicationRefusal, Explanation, Factor, Reason, ReasonList, Verdict, VerdictBadge};
pub use fields::{
    Check, Choice, ComuneSelect, ErrorList, FieldError, Labelled, MultiChoice, Options, TextArea, TextInput,
    enum_options, field_id, key_of,
};
pub use languages::{LanguagesEditor, language_rows};
pub use nav::Nav;
pub use place::{PlaceFieldNames, PlaceFields, PlaceValue, country_names};
pub use rubric::{RubricEditor, RubricRow, rubric_input, rubric_rows};
pub use skills::{SkillNames, SkillsPicker};
pub use welcome::WelcomePath;
