//! Bilingual role words. Job titles are where Italian and English differ most and where
//! stemming cannot help ("sviluppatrice" and "developer" share no letters), so both sides
//! map role words to one canonical role, indexed beside the text.

/// (canonical role, words in Italian and English, already lower case and folded).
const ROLES: &[(&str, &[&str])] = &[
    (
        "developer",
        &[
            "developer",
            "developers",
            "sviluppatore",
            "sviluppatrice",
            "sviluppatori",
            "sviluppatrici",
            "programmatore",
            "programmatrice",
            "programmer",
            "programmers",
            "coder",
            "software",
        ],
    ),
    ("engineer", &["engineer", "engineers", "ingegnere", "ingegnera", "ingegneri", "ingegneria", "engineering"]),
    ("researcher", &["researcher", "researchers", "ricercatore", "ricercatrice", "ricercatori", "ricerca", "research"]),
    ("scientist", &["scientist", "scientists", "scienziato", "scienziata", "scienziati"]),
    ("designer", &["designer", "designers", "progettista", "progettisti", "progettazione", "design"]),
    ("analyst", &["analyst", "analysts", "analista", "analisti"]),
    (
        "manager",
        &["manager", "managers", "responsabile", "responsabili", "direttore", "direttrice", "gestore", "gestrice"],
    ),
    ("consultant", &["consultant", "consultants", "consulente", "consulenti", "consulting", "consulenza"]),
    ("technician", &["technician", "technicians", "tecnico", "tecnica", "tecnici"]),
    (
        "internship",
        &[
            "internship",
            "internships",
            "intern",
            "interns",
            "tirocinio",
            "tirocini",
            "tirocinante",
            "stage",
            "stagista",
            "traineeship",
            "trainee",
        ],
    ),
    ("phd", &["phd", "doctorate", "doctoral", "dottorato", "dottorati", "dottorando", "dottoranda"]),
    ("fellowship", &["fellowship", "fellowships", "fellow", "borsa", "borse", "assegno", "assegnista", "postdoc"]),
    (
        "teacher",
        &[
            "teacher",
            "teachers",
            "docente",
            "docenti",
            "insegnante",
            "insegnanti",
            "lecturer",
            "professore",
            "professoressa",
        ],
    ),
    ("sales", &["sales", "salesperson", "commerciale", "commerciali", "venditore", "venditrice", "vendite"]),
    ("marketing", &["marketing", "marketer"]),
    (
        "accountant",
        &[
            "accountant",
            "accountants",
            "contabile",
            "contabili",
            "ragioniere",
            "ragioniera",
            "accounting",
            "contabilita",
        ],
    ),
    ("lawyer", &["lawyer", "lawyers", "avvocato", "avvocata", "legale", "legali", "legal"]),
    ("operator", &["operator", "operators", "operatore", "operatrice", "operatori"]),
    (
        "architect",
        &["architect", "architects", "architetto", "architetta", "architetti", "architecture", "architettura"],
    ),
    ("startup", &["startup", "startups", "impresa", "imprese", "company", "azienda", "aziende"]),
    ("accelerator", &["accelerator", "accelerators", "acceleratore", "acceleratori", "accelerazione", "acceleration"]),
    ("incubator", &["incubator", "incubators", "incubatore", "incubatori", "incubazione", "incubation"]),
];

/// The canonical roles named by the raw (lower-cased, folded) tokens of a text.
pub fn roles_in(raw_tokens: &[String]) -> Vec<&'static str> {
    let mut found = Vec::new();
    for token in raw_tokens {
        for (role, words) in ROLES {
            if words.contains(&token.as_str()) && !found.contains(role) {
                found.push(*role);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn italian_and_english_role_words_meet() {
        assert_eq!(roles_in(&t(&["sviluppatrice", "rust"])), ["developer"]);
        assert_eq!(roles_in(&t(&["rust", "developer"])), ["developer"]);
        assert_eq!(roles_in(&t(&["tirocinio", "ux"])), ["internship"]);
        assert!(roles_in(&t(&["torino"])).is_empty());
    }
}
