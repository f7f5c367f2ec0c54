//! The courses of the reference data: every skill they name is a concept of the taxonomy, and
//! every entry can be shown (institution, both titles, a link).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use crocevia_domain::{Courses, SkillId, taxonomy};

#[test]
fn every_course_names_skills_of_the_taxonomy() {
    let taxonomy = taxonomy::reference().unwrap_or_else(|e| panic!("{e}"));
    let courses = Courses::reference().unwrap_or_else(|e| panic!("{e}"));
    assert!(courses.all().len() >= 20, "a few dozen skills need a few dozen courses");
    let mut unknown = Vec::new();
    for course in courses.all() {
        for skill in &course.skills {
            if taxonomy.concept(skill).is_none() {
                unknown.push(format!("{} ({}): {}", course.title_en, course.institution, skill.as_str()));
            }
            assert!(!skill.as_str().contains('_'), "{}: skill ids use dashes", skill.as_str());
        }
    }
    assert!(unknown.is_empty(), "skills not in the taxonomy: {unknown:#?}");
    let taught: std::collections::BTreeSet<&str> =
        courses.all().iter().flat_map(|c| c.skills.iter().map(SkillId::as_str)).collect();
    assert!(taught.len() >= 30, "only {} skills are taught", taught.len());
    // The main institutions of the area are there.
    for institution in ["Politecnico di Torino", "Università di Torino", "CPIA 1 Torino"] {
        assert!(courses.all().iter().any(|c| c.institution == institution), "{institution}");
    }
    assert!(courses.all().iter().any(|c| c.institution.starts_with("ITS ")), "an ITS academy");
}

#[test]
fn courses_are_found_by_skill() {
    let courses = Courses::reference().unwrap();
    let python = SkillId::new("python").unwrap();
    let teaching: Vec<&str> = courses.teaching(&python).map(|c| c.institution.as_str()).collect();
    assert!(teaching.contains(&"Politecnico di Torino") && teaching.contains(&"Università di Torino"), "{teaching:?}");
    assert_eq!(courses.teaching(&SkillId::new("cobol").unwrap()).count(), 0);
}

#[test]
fn a_bad_entry_is_refused_with_its_place() {
    let no_url = r#"[{"institution":"X","title_it":"a","title_en":"b","url":"http://x","skills":["python"]}]"#;
    assert!(Courses::parse(no_url).unwrap_err().contains("entry 0"));
    let unknown_field =
        r#"[{"institution":"X","title_it":"a","title_en":"b","url":"https://x","skills":["python"],"extra":1}]"#;
    assert!(Courses::parse(unknown_field).unwrap_err().contains("extra"));
}
