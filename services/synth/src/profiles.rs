//! Career clusters: which skill categories, sectors, role words and fields of study belong
//! together, so a talent or offer draws a coherent skill set instead of random concepts.

use crate::rng::Rng;
use crocevia_domain::{Sector, SkillConcept};
use std::collections::BTreeMap;

/// A role in both languages; Italian has a masculine, a feminine and an inclusive job-ad form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Role {
    pub it_m: &'static str,
    pub it_f: &'static str,
    /// The form Italian job ads use for both, e.g. "Sviluppatore/Sviluppatrice".
    pub it_any: &'static str,
    pub en: &'static str,
}

const fn role(it_m: &'static str, it_f: &'static str, it_any: &'static str, en: &'static str) -> Role {
    Role { it_m, it_f, it_any, en }
}

#[derive(Debug)]
pub(crate) struct Profile {
    pub weight: u32,
    /// Taxonomy categories with weights; the first is the core of the cluster.
    pub categories: &'static [(&'static str, u32)],
    /// Sectors of the cluster; the first is the main one.
    pub sectors: &'static [Sector],
    pub roles: &'static [Role],
    pub fields_it: &'static [&'static str],
    pub fields_en: &'static [&'static str],
    /// Words that make company names sound like the cluster ("Meccanica", "Software").
    pub company_words: &'static [&'static str],
    /// The cluster as a topic, for organisation and programme names.
    pub topic_it: &'static str,
    pub topic_en: &'static str,
    /// Whether talents of the cluster often look for PhD positions and fellowships.
    pub academic: bool,
}

use Sector as S;

pub(crate) const PROFILES: &[Profile] = &[
    Profile {
        weight: 16,
        categories: &[("software", 6), ("cloud", 2), ("data", 1), ("security", 1)],
        sectors: &[S::Ict, S::Finance, S::Automotive, S::PublicSector, S::Manufacturing],
        roles: &[
            role("Sviluppatore", "Sviluppatrice", "Sviluppatore/Sviluppatrice", "Developer"),
            role("Ingegnere del software", "Ingegnera del software", "Ingegnere/a del software", "Software Engineer"),
            role("Programmatore", "Programmatrice", "Programmatore/Programmatrice", "Programmer"),
        ],
        fields_it: &["Ingegneria informatica", "Informatica", "Ingegneria del cinema e dei mezzi di comunicazione"],
        fields_en: &["Computer Engineering", "Computer Science", "Software Engineering"],
        company_words: &["Software", "Digitale", "Informatica", "Sistemi", "Tech"],
        topic_it: "Tecnologie digitali",
        topic_en: "Digital Technologies",
        academic: false,
    },
    Profile {
        weight: 11,
        categories: &[("data", 6), ("software", 2), ("cloud", 1), ("research", 1)],
        sectors: &[S::Ict, S::Research, S::Finance, S::Biomedical],
        roles: &[
            role("Analista dati", "Analista dati", "Analista dati", "Data Analyst"),
            role("Data scientist", "Data scientist", "Data scientist", "Data Scientist"),
            role("Ingegnere dei dati", "Ingegnera dei dati", "Ingegnere/a dei dati", "Data Engineer"),
        ],
        fields_it: &["Data science", "Statistica", "Matematica", "Ingegneria matematica"],
        fields_en: &["Data Science", "Statistics", "Applied Mathematics"],
        company_words: &["Data", "Analytics", "Intelligenza Artificiale", "Dati"],
        topic_it: "Dati e intelligenza artificiale",
        topic_en: "Data and AI",
        academic: true,
    },
    Profile {
        weight: 6,
        categories: &[("cloud", 4), ("security", 4), ("software", 2)],
        sectors: &[S::Ict, S::PublicSector, S::Finance],
        roles: &[
            role("Sistemista", "Sistemista", "Sistemista", "Systems Engineer"),
            role(
                "Specialista di sicurezza informatica",
                "Specialista di sicurezza informatica",
                "Specialista di sicurezza informatica",
                "Security Specialist",
            ),
            role("Ingegnere cloud", "Ingegnera cloud", "Ingegnere/a cloud", "Cloud Engineer"),
        ],
        fields_it: &["Ingegneria informatica", "Ingegneria delle telecomunicazioni", "Sicurezza informatica"],
        fields_en: &["Computer Engineering", "Cybersecurity", "Telecommunications Engineering"],
        company_words: &["Cloud", "Sicurezza", "Networks", "Cyber"],
        topic_it: "Cloud e cybersicurezza",
        topic_en: "Cloud and Cybersecurity",
        academic: false,
    },
    Profile {
        weight: 9,
        categories: &[("automotive", 6), ("hardware", 2), ("manufacturing", 2), ("software", 1)],
        sectors: &[S::Automotive, S::Manufacturing, S::Cleantech],
        roles: &[
            role("Ingegnere", "Ingegnera", "Ingegnere/a", "Engineer"),
            role("Progettista", "Progettista", "Progettista", "Design Engineer"),
            role("Tecnico collaudatore", "Tecnica collaudatrice", "Tecnico/a collaudatore", "Test Technician"),
        ],
        fields_it: &["Ingegneria dell'autoveicolo", "Ingegneria meccanica", "Ingegneria elettronica"],
        fields_en: &["Automotive Engineering", "Mechanical Engineering", "Electronic Engineering"],
        company_words: &["Automotive", "Mobilità", "Componenti", "Motori"],
        topic_it: "Mobilità e automotive",
        topic_en: "Mobility and Automotive",
        academic: false,
    },
    Profile {
        weight: 8,
        categories: &[("manufacturing", 6), ("hardware", 1), ("management", 1), ("logistics", 1), ("automotive", 1)],
        sectors: &[S::Manufacturing, S::Automotive, S::Aerospace],
        roles: &[
            role(
                "Ingegnere di produzione",
                "Ingegnera di produzione",
                "Ingegnere/a di produzione",
                "Production Engineer",
            ),
            role("Progettista meccanico", "Progettista meccanica", "Progettista meccanico/a", "Mechanical Designer"),
            role(
                "Tecnico di manutenzione",
                "Tecnica di manutenzione",
                "Tecnico/a di manutenzione",
                "Maintenance Technician",
            ),
        ],
        fields_it: &["Ingegneria meccanica", "Ingegneria gestionale", "Ingegneria dei materiali"],
        fields_en: &["Mechanical Engineering", "Industrial Engineering", "Materials Engineering"],
        company_words: &["Meccanica", "Automazione", "Stampi", "Industrie", "Lavorazioni"],
        topic_it: "Manifattura avanzata",
        topic_en: "Advanced Manufacturing",
        academic: false,
    },
    Profile {
        weight: 4,
        categories: &[("aerospace", 6), ("hardware", 2), ("manufacturing", 1), ("research", 1), ("software", 1)],
        sectors: &[S::Aerospace, S::Research, S::Manufacturing],
        roles: &[
            role("Ingegnere aerospaziale", "Ingegnera aerospaziale", "Ingegnere/a aerospaziale", "Aerospace Engineer"),
            role("Ingegnere di sistema", "Ingegnera di sistema", "Ingegnere/a di sistema", "Systems Engineer"),
            role("Analista di missione", "Analista di missione", "Analista di missione", "Mission Analyst"),
        ],
        fields_it: &["Ingegneria aerospaziale", "Fisica", "Ingegneria meccanica"],
        fields_en: &["Aerospace Engineering", "Physics", "Space Engineering"],
        company_words: &["Aerospazio", "Space", "Avionica", "Orbitale"],
        topic_it: "Aerospazio",
        topic_en: "Aerospace",
        academic: true,
    },
    Profile {
        weight: 6,
        categories: &[("biomedical", 5), ("life-sciences", 3), ("research", 2), ("data", 1)],
        sectors: &[S::Biomedical, S::Research, S::Ict],
        roles: &[
            role("Ingegnere biomedico", "Ingegnera biomedica", "Ingegnere/a biomedico/a", "Biomedical Engineer"),
            role(
                "Specialista affari regolatori",
                "Specialista affari regolatori",
                "Specialista affari regolatori",
                "Regulatory Affairs Specialist",
            ),
            role(
                "Ricercatore clinico",
                "Ricercatrice clinica",
                "Ricercatore/Ricercatrice clinico/a",
                "Clinical Researcher",
            ),
        ],
        fields_it: &["Ingegneria biomedica", "Biotecnologie mediche", "Farmacia"],
        fields_en: &["Biomedical Engineering", "Medical Biotechnology", "Pharmacy"],
        company_words: &["Medical", "Biomedica", "Health", "Diagnostica"],
        topic_it: "Scienze della vita",
        topic_en: "Life Sciences",
        academic: true,
    },
    Profile {
        weight: 4,
        categories: &[("life-sciences", 6), ("research", 2), ("biomedical", 1), ("data", 1)],
        sectors: &[S::Biomedical, S::Research, S::FoodAndWine],
        roles: &[
            role("Biologo", "Biologa", "Biologo/a", "Biologist"),
            role("Ricercatore", "Ricercatrice", "Ricercatore/Ricercatrice", "Research Scientist"),
            role("Tecnico di laboratorio", "Tecnica di laboratorio", "Tecnico/a di laboratorio", "Lab Technician"),
        ],
        fields_it: &["Biologia molecolare", "Biotecnologie", "Chimica"],
        fields_en: &["Molecular Biology", "Biotechnology", "Chemistry"],
        company_words: &["Biotech", "Pharma", "Laboratori", "Bioscienze"],
        topic_it: "Biotecnologie",
        topic_en: "Biotech",
        academic: true,
    },
    Profile {
        weight: 5,
        categories: &[("food", 6), ("marketing", 1), ("logistics", 1), ("cleantech", 1), ("business", 1)],
        sectors: &[S::FoodAndWine, S::Tourism, S::Logistics],
        roles: &[
            role("Tecnologo alimentare", "Tecnologa alimentare", "Tecnologo/a alimentare", "Food Technologist"),
            role("Enologo", "Enologa", "Enologo/a", "Oenologist"),
            role("Responsabile qualità", "Responsabile qualità", "Responsabile qualità", "Quality Manager"),
        ],
        fields_it: &["Scienze e tecnologie alimentari", "Scienze gastronomiche", "Viticoltura ed enologia"],
        fields_en: &["Food Science", "Gastronomic Sciences", "Viticulture and Oenology"],
        company_words: &["Alimentari", "Vini", "Dolciaria", "Gastronomia", "Cantine"],
        topic_it: "Agroalimentare",
        topic_en: "Food and Wine",
        academic: false,
    },
    Profile {
        weight: 6,
        categories: &[("design", 6), ("creative", 2), ("marketing", 1), ("software", 1)],
        sectors: &[S::Design, S::CreativeIndustries, S::Automotive],
        roles: &[
            role("Progettista", "Progettista", "Progettista", "Designer"),
            role("UX designer", "UX designer", "UX designer", "UX Designer"),
            role("Grafico", "Grafica", "Grafico/a", "Graphic Designer"),
        ],
        fields_it: &["Design del prodotto", "Architettura", "Design e comunicazione"],
        fields_en: &["Product Design", "Architecture", "Communication Design"],
        company_words: &["Design", "Studio", "Creativi", "Forme"],
        topic_it: "Design",
        topic_en: "Design",
        academic: false,
    },
    Profile {
        weight: 3,
        categories: &[("creative", 6), ("design", 1), ("marketing", 2)],
        sectors: &[S::CreativeIndustries, S::Tourism, S::Education],
        roles: &[
            role("Montatore video", "Montatrice video", "Montatore/Montatrice video", "Video Editor"),
            role(
                "Sviluppatore di videogiochi",
                "Sviluppatrice di videogiochi",
                "Sviluppatore/Sviluppatrice di videogiochi",
                "Game Developer",
            ),
            role("Autore", "Autrice", "Autore/Autrice", "Content Creator"),
        ],
        fields_it: &["DAMS", "Cinema e media", "Lettere moderne"],
        fields_en: &["Film Studies", "Media Arts", "Game Design"],
        company_words: &["Media", "Produzioni", "Film", "Studio"],
        topic_it: "Industrie creative",
        topic_en: "Creative Industries",
        academic: false,
    },
    Profile {
        weight: 6,
        categories: &[("finance", 6), ("business", 2), ("legal", 1), ("data", 1)],
        sectors: &[S::Finance, S::Ict],
        roles: &[
            role("Analista finanziario", "Analista finanziaria", "Analista finanziario/a", "Financial Analyst"),
            role("Consulente", "Consulente", "Consulente", "Consultant"),
            role("Controller", "Controller", "Controller", "Controller"),
        ],
        fields_it: &["Economia aziendale", "Finanza", "Economia e commercio"],
        fields_en: &["Business Administration", "Finance", "Economics"],
        company_words: &["Finanza", "Consulting", "Capital", "Advisory"],
        topic_it: "Finanza e fintech",
        topic_en: "Fintech",
        academic: false,
    },
    Profile {
        weight: 5,
        categories: &[("marketing", 4), ("business", 4), ("management", 1), ("languages-soft", 1)],
        sectors: &[S::Ict, S::CreativeIndustries, S::Tourism, S::FoodAndWine],
        roles: &[
            role("Responsabile marketing", "Responsabile marketing", "Responsabile marketing", "Marketing Manager"),
            role("Account manager", "Account manager", "Account manager", "Account Manager"),
            role(
                "Specialista business development",
                "Specialista business development",
                "Specialista business development",
                "Business Developer",
            ),
        ],
        fields_it: &["Marketing", "Economia e management", "Scienze della comunicazione"],
        fields_en: &["Marketing", "Management", "Communication Studies"],
        company_words: &["Comunicazione", "Marketing", "Consulting", "Eventi"],
        topic_it: "Marketing e crescita",
        topic_en: "Growth",
        academic: false,
    },
    Profile {
        weight: 5,
        categories: &[("energy", 4), ("cleantech", 4), ("research", 1), ("hardware", 1)],
        sectors: &[S::Cleantech, S::Manufacturing, S::PublicSector],
        roles: &[
            role("Ingegnere energetico", "Ingegnera energetica", "Ingegnere/a energetico/a", "Energy Engineer"),
            role(
                "Consulente ambientale",
                "Consulente ambientale",
                "Consulente ambientale",
                "Sustainability Consultant",
            ),
            role("Project manager", "Project manager", "Project manager", "Project Manager"),
        ],
        fields_it: &["Ingegneria energetica", "Ingegneria ambientale", "Scienze ambientali"],
        fields_en: &["Energy Engineering", "Environmental Engineering", "Environmental Science"],
        company_words: &["Energia", "Solare", "Ambiente", "Rinnovabili"],
        topic_it: "Energia e clima",
        topic_en: "Energy and Climate",
        academic: true,
    },
    Profile {
        weight: 3,
        categories: &[("research", 5), ("data", 2), ("life-sciences", 1), ("education", 1)],
        sectors: &[S::Research, S::Education],
        roles: &[
            role("Ricercatore", "Ricercatrice", "Ricercatore/Ricercatrice", "Researcher"),
            role("Assegnista di ricerca", "Assegnista di ricerca", "Assegnista di ricerca", "Postdoctoral Researcher"),
            role("Dottorando", "Dottoranda", "Dottorando/a", "PhD Candidate"),
        ],
        fields_it: &["Fisica", "Matematica", "Chimica", "Ingegneria fisica"],
        fields_en: &["Physics", "Mathematics", "Chemistry"],
        company_words: &["Ricerche", "Analytics", "Laboratori"],
        topic_it: "Ricerca e innovazione",
        topic_en: "Research and Innovation",
        academic: true,
    },
    Profile {
        weight: 2,
        categories: &[("social-innovation", 4), ("public-sector", 3), ("education", 2), ("legal", 1)],
        sectors: &[S::SocialInnovation, S::PublicSector, S::Education],
        roles: &[
            role("Progettista sociale", "Progettista sociale", "Progettista sociale", "Social Project Designer"),
            role("Funzionario", "Funzionaria", "Funzionario/a", "Policy Officer"),
            role("Educatore", "Educatrice", "Educatore/Educatrice", "Educator"),
        ],
        fields_it: &["Scienze politiche", "Sociologia", "Scienze dell'educazione"],
        fields_en: &["Political Science", "Sociology", "Education Science"],
        company_words: &["Servizi", "Comunità", "Territorio"],
        topic_it: "Innovazione sociale",
        topic_en: "Social Innovation",
        academic: false,
    },
    Profile {
        weight: 3,
        categories: &[("logistics", 6), ("management", 2), ("data", 1), ("business", 1)],
        sectors: &[S::Logistics, S::Manufacturing, S::FoodAndWine],
        roles: &[
            role("Responsabile logistica", "Responsabile logistica", "Responsabile logistica", "Logistics Manager"),
            role("Analista supply chain", "Analista supply chain", "Analista supply chain", "Supply Chain Analyst"),
            role("Pianificatore", "Pianificatrice", "Pianificatore/Pianificatrice", "Planner"),
        ],
        fields_it: &["Ingegneria gestionale", "Economia", "Ingegneria dei trasporti"],
        fields_en: &["Management Engineering", "Economics", "Transport Engineering"],
        company_words: &["Logistica", "Trasporti", "Spedizioni"],
        topic_it: "Logistica",
        topic_en: "Logistics",
        academic: false,
    },
    Profile {
        weight: 2,
        categories: &[("legal", 6), ("business", 1), ("public-sector", 1), ("finance", 1)],
        sectors: &[S::Finance, S::PublicSector, S::Ict],
        roles: &[
            role("Avvocato", "Avvocata", "Avvocato/a", "Lawyer"),
            role("Consulente legale", "Consulente legale", "Consulente legale", "Legal Counsel"),
            role("Specialista compliance", "Specialista compliance", "Specialista compliance", "Compliance Specialist"),
        ],
        fields_it: &["Giurisprudenza", "Scienze giuridiche"],
        fields_en: &["Law", "European Law"],
        company_words: &["Legal", "Consulenza", "Studio Associato"],
        topic_it: "Diritto dell'innovazione",
        topic_en: "Innovation Law",
        academic: false,
    },
];

/// Index of a profile drawn by weight.
pub(crate) fn draw(rng: &mut Rng) -> usize {
    let total: u64 = PROFILES.iter().map(|p| u64::from(p.weight)).sum();
    let mut r = rng.between(0, total.saturating_sub(1));
    for (i, p) in PROFILES.iter().enumerate() {
        let w = u64::from(p.weight);
        if r < w {
            return i;
        }
        r -= w;
    }
    0
}

/// Languages are concepts of the taxonomy too, but a talent's languages live in their own
/// field; drawing "arabic" as a skill for someone who does not speak it would contradict it.
const LANGUAGE_CONCEPTS: &[&str] =
    &["italian", "english", "french", "german", "spanish", "chinese", "arabic", "romanian", "italian-sign-language"];

pub(crate) fn get(index: usize) -> &'static Profile {
    PROFILES.get(index).unwrap_or(&PROFILES[0])
}

/// The taxonomy grouped for the profiles: per profile, its categories' concept indices with
/// weights. Categories missing from the taxonomy are dropped; a profile left with none draws
/// from the whole taxonomy, so any taxonomy works.
#[derive(Debug)]
pub(crate) struct Skills<'a> {
    concepts: &'a [SkillConcept],
    pools: Vec<Vec<(Vec<usize>, u32)>>,
    soft: Vec<usize>,
}

impl<'a> Skills<'a> {
    pub(crate) fn new(concepts: &'a [SkillConcept]) -> Self {
        let mut by_category: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, c) in concepts.iter().enumerate() {
            if !LANGUAGE_CONCEPTS.contains(&c.id.as_str()) {
                by_category.entry(c.category.as_str()).or_default().push(i);
            }
        }
        let all: Vec<usize> = (0..concepts.len()).collect();
        let pools = PROFILES
            .iter()
            .map(|p| {
                let pool: Vec<_> = p
                    .categories
                    .iter()
                    .filter_map(|(cat, w)| by_category.get(cat).map(|ids| (ids.clone(), *w)))
                    .collect();
                if pool.is_empty() && !all.is_empty() { vec![(all.clone(), 1)] } else { pool }
            })
            .collect();
        let soft = by_category.get("languages-soft").cloned().unwrap_or_default();
        Self { concepts, pools, soft }
    }

    pub(crate) fn concept(&self, index: usize) -> Option<&'a SkillConcept> {
        self.concepts.get(index)
    }

    fn draw_one(&self, rng: &mut Rng, profile: usize, core_only: bool) -> Option<usize> {
        let pool = self.pools.get(profile)?;
        if core_only {
            let (ids, _) = pool.first()?;
            return ids.get(rng.skewed(ids.len())).copied();
        }
        let weights: u32 = pool.iter().map(|(_, w)| w).sum();
        let mut r = rng.between(0, u64::from(weights.saturating_sub(1)));
        for (ids, w) in pool {
            if r < u64::from(*w) {
                return ids.get(rng.skewed(ids.len())).copied();
            }
            r -= u64::from(*w);
        }
        None
    }

    /// Up to `k` distinct concepts of the profile: the first two or three from its core
    /// category, so headlines and titles name what the profile is about, the rest by weight.
    /// Gives up after a bounded number of draws, so a tiny taxonomy yields fewer instead of
    /// looping.
    pub(crate) fn draw_distinct(&self, rng: &mut Rng, profile: usize, k: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        let core = k.min(2 + rng.below(2));
        for attempt in 0..k * 10 {
            if out.len() == k {
                break;
            }
            // A small core category may run out; then the rest of the pool takes over.
            let core_only = out.len() < core && attempt < core * 5;
            if let Some(i) = self.draw_one(rng, profile, core_only).filter(|i| !out.contains(i)) {
                out.push(i);
            }
        }
        out
    }

    /// A transversal skill (teamwork, languages...), if the taxonomy has that category.
    pub(crate) fn draw_soft(&self, rng: &mut Rng) -> Option<usize> {
        self.soft.get(rng.below(self.soft.len())).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_is_complete() {
        for p in PROFILES {
            assert!(p.weight > 0 && !p.categories.is_empty() && !p.sectors.is_empty() && !p.roles.is_empty());
            assert!(!p.fields_it.is_empty() && !p.fields_en.is_empty() && !p.company_words.is_empty());
        }
    }

    #[test]
    fn an_unknown_taxonomy_still_yields_skills() {
        let concept: SkillConcept = serde_json::from_value(serde_json::json!({
            "id": "knitting", "category": "crafts", "label_it": "Maglia", "label_en": "Knitting"
        }))
        .unwrap();
        let concepts = [concept];
        let skills = Skills::new(&concepts);
        let mut rng = Rng::new(1);
        assert_eq!(skills.draw_distinct(&mut rng, 0, 5), vec![0]);
        assert_eq!(Skills::new(&[]).draw_distinct(&mut rng, 0, 5), Vec::<usize>::new());
    }
}
