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
}

impl Population {
    pub fn as_str(self) -> &'static str {
        match self {
            Population::Offers | Population::MatchedOffers => "offers",
            Population::Talents => "talents",
            Population::Startups => "startups",
            Population::Programmes => "programmes",
            Population::Applications => "applications",
        }
    }

    /// Themes of the EU data theme vocabulary
    /// (<http://publications.europa.eu/resource/authority/data-theme>), as DCAT-AP_IT asks.
    pub fn themes(self) -> &'static [&'static str] {
        match self {
            Population::Offers | Population::MatchedOffers => &["ECON", "SOCI"],
            Population::Talents => &["SOCI", "EDUC"],
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
        !matches!(self.dimension, Dimension::Sector | Dimension::Language)
    }
}
