//! What the open data publishes: every dataset, its population and dimension, and its
//! Italian and English description. The data dictionary and the exports come from here, so
//! the columns a file has and the columns the dictionary describes cannot drift apart.

use crate::labels::Dimension;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Population {
    Offers,
    /// Offers with a first good match; the value is the median hours it took.
    MatchedOffers,
    Talents,
    Startups,
    Programmes,
    /// Applications of startups to programmes; the value is the acceptance rate.
    Applications,
    /// Open offers requiring a skill (the count) against talents having it (the value).
    Skills,
    /// Graduates who answered the 12-month check-in; the value is the share who stayed.
    Graduates,
    /// Talents hired through the platform (accepted applications to offers).
    Hires,
}

impl Population {
    pub fn as_str(self) -> &'static str {
        match self {
            Population::Offers | Population::MatchedOffers => "offers",
            Population::Talents => "talents",
            Population::Startups => "startups",
            Population::Programmes => "programmes",
            Population::Applications => "applications",
            Population::Skills => "offers_and_talents",
            Population::Graduates => "graduates",
            Population::Hires => "hires",
        }
    }

    /// Themes of the EU data theme vocabulary
    /// (<http://publications.europa.eu/resource/authority/data-theme>), as DCAT-AP_IT asks.
    pub fn themes(self) -> &'static [&'static str] {
        match self {
            Population::Offers | Population::MatchedOffers => &["ECON", "SOCI"],
            Population::Talents => &["SOCI", "EDUC"],
            Population::Skills => &["ECON", "EDUC"],
            Population::Graduates => &["EDUC", "SOCI"],
            Population::Hires => &["ECON", "SOCI"],
            Population::Startups | Population::Programmes | Population::Applications => &["ECON", "TECH"],
        }
    }

    /// EuroVoc microthesauri (`dct:subject`, as `http://eurovoc.europa.eu/<id>`), from AgID's
    /// mapping of the data themes to EuroVoc.
    pub fn subjects(self) -> &'static [&'static str] {
        match self {
            // 4406 occupazione, 4411 mercato del lavoro.
            Population::Offers | Population::MatchedOffers => &["100232", "100233"],
            // 4411 mercato del lavoro, 3206 istruzione.
            Population::Talents => &["100233", "100217"],
            // 4411 mercato del lavoro, 3206 istruzione.
            Population::Skills | Population::Graduates => &["100233", "100217"],
            // 4406 occupazione, 4411 mercato del lavoro.
            Population::Hires => &["100232", "100233"],
            // 4006 organizzazione aziendale, 6416 ricerca e proprietà intellettuale.
            Population::Startups => &["100226", "100262"],
            // 6806 politiche e strutture industriali, 4006 organizzazione aziendale.
            Population::Programmes | Population::Applications => &["100268", "100226"],
        }
    }

    /// Keywords in Italian and English.
    pub fn keywords(self) -> [&'static [&'static str]; 2] {
        match self {
            Population::Offers | Population::MatchedOffers => [
                &["offerte di lavoro", "tirocini", "dottorati", "talenti"],
                &["job offers", "internships", "PhD positions", "talent"],
            ],
            Population::Talents => [
                &["talenti", "mercato del lavoro", "Talenti a Torino"],
                &["talent", "labour market", "Talenti a Torino"],
            ],
            Population::Startups => {
                [&["startup", "PMI innovative", "AcceleraTO"], &["startups", "innovative SMEs", "AcceleraTO"]]
            }
            Population::Skills => [
                &["competenze", "domanda e offerta di competenze", "formazione", "Talenti a Torino"],
                &["skills", "skills demand and supply", "education and training", "Talenti a Torino"],
            ],
            Population::Graduates => [
                &["laureati", "permanenza dei talenti", "università", "Talenti a Torino"],
                &["graduates", "talent retention", "universities", "Talenti a Torino"],
            ],
            Population::Hires => [
                &["assunzioni", "talenti internazionali", "mercato del lavoro", "Talenti a Torino"],
                &["hires", "international talent", "labour market", "Talenti a Torino"],
            ],
            Population::Programmes | Population::Applications => [
                &["programmi di accelerazione", "incubatori", "AcceleraTO"],
                &["accelerator programmes", "incubators", "AcceleraTO"],
            ],
        }
    }
}

/// `[italian, english]`.
pub type Bilingual = [&'static str; 2];

#[derive(Debug)]
pub struct Spec {
    pub id: &'static str,
    pub population: Population,
    pub dimension: Dimension,
    pub title: Bilingual,
    pub description: Bilingual,
    /// What the `value` column holds; datasets without one have no such column.
    pub value: Option<Bilingual>,
    /// What the dataset's single summary figure is.
    pub headline: Option<Bilingual>,
}

pub const LICENCE: &str = "CC BY 4.0";
/// The licence's SPDX identifier (Frictionless and CKAN name licences so).
pub const LICENCE_ID: &str = "CC-BY-4.0";
pub const LICENCE_TITLE: [&str; 2] = [
    "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)",
    "Creative Commons Attribution 4.0 International (CC BY 4.0)",
];
pub const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";
pub const ATTRIBUTION: &str = "Crocevia – Torino Metropoli 2025 (AcceleraTO, Talenti a Torino)";
/// Where the downloads live; `v1` changes only with an incompatible column change.
pub const BASE_PATH: &str = "/open-data/v1";

const MEDIAN_HOURS: Bilingual = [
    "Mediana delle ore dalla pubblicazione dell'offerta su Crocevia alla prima candidatura con punteggio di affinità di almeno 0,5",
    "Median hours from the offer's publication on Crocevia to its first candidate with a fit score of at least 0.5",
];
const ACCEPTANCE: Bilingual = [
    "Tasso di accettazione: accettate / (accettate + respinte); vuoto se accettate o respinte sono meno di k",
    "Acceptance rate: accepted / (accepted + rejected); empty when fewer than k were accepted or rejected",
];

const SUPPLY: Bilingual = [
    "Offerta: talenti che hanno la competenza (almeno k); la colonna count è la domanda, le offerte aperte che la richiedono (almeno k)",
    "Supply: talents who have the skill (at least k); the count column is demand, the open offers that require it (at least k)",
];
const SUPPLY_TOTAL: Bilingual =
    ["Talenti con almeno una competenza nel profilo", "Talents with at least one skill in their profile"];

const STAYED: Bilingual = [
    "Quota di chi vive o lavora ancora nell'area metropolitana a 12 mesi, 0–1; vuoto se rimasti o partiti sono meno di k",
    "Share still living or working in the metropolitan area at 12 months, 0–1; empty when fewer than k stayed or left",
];
const STAYED_TOTAL: Bilingual =
    ["Quota complessiva di chi è rimasto a 12 mesi, 0–1", "Overall share who stayed at 12 months, 0–1"];

pub static DATASETS: &[Spec] = &[
    Spec {
        id: "offers_by_sector",
        population: Population::Offers,
        dimension: Dimension::Sector,
        title: ["Offerte per settore", "Offers by sector"],
        description: [
            "Offerte di lavoro, tirocinio, dottorato e borse per settore; un'offerta conta in ogni suo settore.",
            "Job, internship, PhD and fellowship offers by sector; an offer counts in each of its sectors.",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "offers_by_kind",
        population: Population::Offers,
        dimension: Dimension::Kind,
        title: ["Offerte per tipo", "Offers by kind"],
        description: [
            "Offerte per tipo: lavoro, tirocinio, dottorato, borsa.",
            "Offers by kind: job, internship, PhD position, fellowship.",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "offers_by_comune",
        population: Population::Offers,
        dimension: Dimension::Comune,
        title: ["Offerte per comune", "Offers by comune"],
        description: ["Offerte per comune della sede di lavoro.", "Offers by the comune of the workplace."],
        value: None,
        headline: None,
    },
    Spec {
        id: "offers_by_month",
        population: Population::Offers,
        dimension: Dimension::Month,
        title: ["Offerte per mese di pubblicazione", "Offers by month of posting"],
        description: [
            "Offerte per mese di pubblicazione (AAAA-MM), in ordine di tempo.",
            "Offers by month of posting (YYYY-MM), in time order.",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "offers_time_to_first_match",
        population: Population::MatchedOffers,
        dimension: Dimension::Sector,
        title: ["Tempo alla prima candidatura adatta", "Time to the first good match"],
        description: [
            "Offerte che hanno trovato almeno un candidato adatto, per settore, con la mediana delle ore impiegate.",
            "Offers that found at least one good candidate, by sector, with the median hours it took.",
        ],
        value: Some(MEDIAN_HOURS),
        headline: Some(["Mediana complessiva delle ore", "Overall median hours"]),
    },
    Spec {
        id: "talents_by_field",
        population: Population::Talents,
        dimension: Dimension::Sector,
        title: ["Talenti per ambito", "Talents by field"],
        description: [
            "Talenti per ambito di attività (settori dichiarati nel profilo); un talento conta in ogni suo ambito. Il corso di studi, testo libero, non è pubblicato.",
            "Talents by field of activity (the sectors in their profile); a talent counts in each field. The field of study, free text, is not published.",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "talents_by_origin",
        population: Population::Talents,
        dimension: Dimension::Country,
        title: ["Talenti per paese di origine", "Talents by country of origin"],
        description: [
            "Talenti per paese di origine (ISO 3166-1 alpha-2).",
            "Talents by country of origin (ISO 3166-1 alpha-2).",
        ],
        value: None,
        headline: Some([
            "Quota internazionale (origine diversa dall'Italia), 0–1",
            "International share (origin other than Italy), 0–1",
        ]),
    },
    Spec {
        id: "talents_by_language",
        population: Population::Talents,
        dimension: Dimension::Language,
        title: ["Talenti per lingua", "Talents by language"],
        description: [
            "Talenti per lingua parlata (ISO 639-1); un talento conta in ogni sua lingua.",
            "Talents by language spoken (ISO 639-1); a talent counts in each language.",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "talents_by_comune",
        population: Population::Talents,
        dimension: Dimension::Comune,
        title: ["Talenti per comune di residenza", "Talents by comune of residence"],
        description: [
            "Talenti per comune di residenza nell'area metropolitana; gli altri sotto \"fuori dall'area metropolitana\".",
            "Talents by comune of residence in the metropolitan area; the others under \"outside the metropolitan area\".",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "startups_by_sector",
        population: Population::Startups,
        dimension: Dimension::Sector,
        title: ["Startup per settore", "Startups by sector"],
        description: [
            "Startup e PMI per settore; una startup conta in ogni suo settore.",
            "Startups and SMEs by sector; a startup counts in each of its sectors.",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "startups_by_stage",
        population: Population::Startups,
        dimension: Dimension::Stage,
        title: ["Startup per fase", "Startups by stage"],
        description: ["Startup per fase di sviluppo.", "Startups by stage of development."],
        value: None,
        headline: None,
    },
    Spec {
        id: "startups_by_comune",
        population: Population::Startups,
        dimension: Dimension::Comune,
        title: ["Startup per comune", "Startups by comune"],
        description: ["Startup per comune della sede.", "Startups by the comune of their seat."],
        value: None,
        headline: None,
    },
    Spec {
        id: "programmes_by_model",
        population: Population::Programmes,
        dimension: Dimension::Model,
        title: ["Programmi per modello", "Programmes by model"],
        description: [
            "Programmi di incubazione e accelerazione per modello.",
            "Incubation and acceleration programmes by model.",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "programmes_by_sector",
        population: Population::Programmes,
        dimension: Dimension::Sector,
        title: ["Programmi per settore", "Programmes by sector"],
        description: [
            "Programmi per settore; un programma conta in ogni suo settore.",
            "Programmes by sector; a programme counts in each of its sectors.",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "applications_by_model",
        population: Population::Applications,
        dimension: Dimension::Model,
        title: ["Candidature per modello di programma", "Applications by programme model"],
        description: [
            "Candidature delle startup ai programmi, per modello del programma, con il tasso di accettazione.",
            "Startups' applications to programmes, by the programme's model, with the acceptance rate.",
        ],
        value: Some(ACCEPTANCE),
        headline: Some(["Tasso di accettazione complessivo, 0–1", "Overall acceptance rate, 0–1"]),
    },
    Spec {
        id: "applications_by_sector",
        population: Population::Applications,
        dimension: Dimension::Sector,
        title: ["Candidature per settore del programma", "Applications by programme sector"],
        description: [
            "Candidature delle startup ai programmi, per settore del programma, con il tasso di accettazione.",
            "Startups' applications to programmes, by the programme's sector, with the acceptance rate.",
        ],
        value: Some(ACCEPTANCE),
        headline: Some(["Tasso di accettazione complessivo, 0–1", "Overall acceptance rate, 0–1"]),
    },
    Spec {
        id: "skills_demand_supply",
        population: Population::Skills,
        dimension: Dimension::Skill,
        title: ["Domanda e offerta di competenze", "Skills demand and supply"],
        description: [
            "Per competenza: le offerte aperte che la richiedono (domanda, colonna count) e i talenti che la hanno (offerta, colonna value). Una riga è pubblicata solo se domanda e offerta contano entrambe almeno k; le altre sono unite in \"other\". Il totale conta le offerte aperte con almeno una competenza richiesta.",
            "By skill: the open offers that require it (demand, the count column) and the talents who have it (supply, the value column). A row is published only when demand and supply both count at least k; the others are merged into \"other\". The total counts the open offers with at least one required skill.",
        ],
        value: Some(SUPPLY),
        headline: Some(SUPPLY_TOTAL),
    },
    Spec {
        id: "skills_demand_supply_by_sector",
        population: Population::Skills,
        dimension: Dimension::SkillBySector,
        title: ["Domanda e offerta di competenze per settore", "Skills demand and supply by sector"],
        description: [
            "Ogni competenza pubblicata in skills_demand_supply, divisa per settore (chiave settore/competenza): offerte aperte del settore che la richiedono e talenti con quel settore nel profilo che la hanno. Un'offerta o un talento conta in ogni suo settore; i settori sotto k, per domanda o per offerta, sono uniti in \"other/competenza\".",
            "Each skill published in skills_demand_supply, split by sector (key sector/skill): open offers of the sector that require it and talents with that sector in their profile who have it. An offer or a talent counts in each of its sectors; sectors below k, on demand or supply, are merged into \"other/skill\".",
        ],
        value: Some(SUPPLY),
        headline: Some(SUPPLY_TOTAL),
    },
    Spec {
        id: "skills_demand_supply_by_comune",
        population: Population::Skills,
        dimension: Dimension::SkillByComune,
        title: ["Domanda e offerta di competenze per comune", "Skills demand and supply by comune"],
        description: [
            "Ogni competenza pubblicata in skills_demand_supply, divisa per comune (chiave comune/competenza): offerte aperte con sede di lavoro nel comune che la richiedono e talenti residenti nel comune che la hanno. I comuni sotto k, per domanda o per offerta, sono uniti in \"other/competenza\", così le righe di una competenza sommano alla sua riga complessiva.",
            "Each skill published in skills_demand_supply, split by comune (key comune/skill): open offers with their workplace in the comune that require it and talents living in the comune who have it. Comuni below k, on demand or supply, are merged into \"other/skill\", so a skill's rows add up to its overall row.",
        ],
        value: Some(SUPPLY),
        headline: Some(SUPPLY_TOTAL),
    },
    Spec {
        id: "graduates_retention_by_institution",
        population: Population::Graduates,
        dimension: Dimension::Institution,
        title: [
            "Laureati ancora nell'area a 12 mesi, per ateneo",
            "Graduates still in the area at 12 months, by institution",
        ],
        description: [
            "Laureati e diplomati che, con il loro consenso, hanno risposto alla verifica 12 mesi dopo il titolo, per istituzione; il valore è la quota di chi vive o lavora ancora nell'area metropolitana di Torino. Le istituzioni sotto k sono unite in \"other\".",
            "Graduates who, with their consent, answered the check-in 12 months after their degree, by institution; the value is the share still living or working in Torino's metropolitan area. Institutions below k are merged into \"other\".",
        ],
        value: Some(STAYED),
        headline: Some(STAYED_TOTAL),
    },
    Spec {
        id: "graduates_retention_by_field",
        population: Population::Graduates,
        dimension: Dimension::StudyField,
        title: [
            "Laureati ancora nell'area a 12 mesi, per area di studio",
            "Graduates still in the area at 12 months, by field of study",
        ],
        description: [
            "Come graduates_retention_by_institution, per area di studio (aree generali ISCED-F 2013, la classificazione di UNESCO, Eurostat e ISTAT).",
            "As graduates_retention_by_institution, by field of study (the broad fields of ISCED-F 2013, the classification of UNESCO, Eurostat and ISTAT).",
        ],
        value: Some(STAYED),
        headline: Some(STAYED_TOTAL),
    },
    Spec {
        id: "hires_by_sector",
        population: Population::Hires,
        dimension: Dimension::Sector,
        title: ["Assunzioni per settore", "Hires by sector"],
        description: [
            "Candidature di talenti a offerte accettate sulla piattaforma, per settore dell'offerta (al giorno dell'assunzione); un'assunzione conta in ogni settore dell'offerta.",
            "Talents' applications to offers accepted on the platform, by the offer's sector (as on the day of the hire); a hire counts in each of the offer's sectors.",
        ],
        value: None,
        headline: None,
    },
    Spec {
        id: "hires_by_origin",
        population: Population::Hires,
        dimension: Dimension::Country,
        title: ["Assunzioni per paese di origine", "Hires by country of origin"],
        description: [
            "Assunzioni per paese di origine del talento; il dato di sintesi è la quota di assunti dall'estero, pubblicata solo se italiani e stranieri sono entrambi almeno k.",
            "Hires by the talent's country of origin; the headline is the share of hires from abroad, published only when both Italians and others count at least k.",
        ],
        value: None,
        headline: Some(["Quota di assunzioni internazionali, 0–1", "Share of international hires, 0–1"]),
    },
];

pub fn find(id: &str) -> Option<&'static Spec> {
    DATASETS.iter().find(|s| s.id == id)
}

/// One column of an export.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: &'static str,
    pub description: Bilingual,
}

impl Spec {
    /// The columns of this dataset's CSV and of its JSON rows, in order.
    pub fn columns(&self) -> Vec<Column> {
        let mut columns = vec![
            Column {
                name: "key",
                kind: "string",
                description: [
                    "Codice stabile della categoria (\"other\" = categorie sotto k unite)",
                    "Stable code of the category (\"other\" = categories below k merged)",
                ],
            },
            Column { name: "label_it", kind: "string", description: ["Nome in italiano", "Name in Italian"] },
            Column { name: "label_en", kind: "string", description: ["Nome in inglese", "Name in English"] },
            Column {
                name: "count",
                kind: "integer",
                description: ["Numero, sempre almeno k", "Count, always at least k"],
            },
            Column {
                name: "share",
                kind: "number",
                description: [
                    "Quota sul totale, 0–1 (nelle dimensioni a più valori la somma può superare 1)",
                    "Share of the total, 0–1 (multi-valued dimensions can add up to more than 1)",
                ],
            },
        ];
        if let Some(description) = self.value {
            columns.push(Column { name: "value", kind: "number", description });
        }
        columns
    }

    /// The dataset's own address (its DCAT identity and landing page), under `base` (the
    /// public URL, no trailing slash).
    pub fn url(&self, base: &str) -> String {
        format!("{base}{BASE_PATH}/{}", self.id)
    }

    pub fn csv_url(&self, base: &str) -> String {
        format!("{base}{BASE_PATH}/{}.csv", self.id)
    }

    pub fn json_url(&self, base: &str) -> String {
        format!("{base}{BASE_PATH}/{}.json", self.id)
    }

    pub fn package_url(&self, base: &str) -> String {
        format!("{base}{BASE_PATH}/{}/datapackage.json", self.id)
    }

    /// Whether a member counts under one key only (so shares add up to 1).
    pub fn single_valued(&self) -> bool {
        !matches!(
            self.dimension,
            Dimension::Sector
                | Dimension::Language
                | Dimension::Skill
                | Dimension::SkillBySector
                | Dimension::SkillByComune
        )
    }
}
