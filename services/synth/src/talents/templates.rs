//! Sentence templates for talents' headlines and bios, in Italian and English.
//!
//! Placeholders: `{role}` (gendered in Italian), `{role_l}` mid-sentence, `{a}` `{b}` `{c}` the
//! first skills' labels, `{list}` up to five of them, `{field}`, `{years}`, `{sector}`,
//! `{sector_l}`, `{country}`, `{comune}`, `{level}`, `{italian}` (CEFR) and Italian
//! agreement words (`{laureato}`, `{Studente}`...).

pub(super) const HEADLINE_IT: &[&str] = &[
    "{role} {a}",
    "{role} – {a}, {b} e {c}",
    "{role} con esperienza in {a} e {b}",
    "{role} | {a} · {b}",
    "{a} e {b} – {role}",
    "{role} {specializzato} in {a}",
    "{role} nel settore {sector_l}",
    "{role} ({a}, {b})",
    "{role}: {a}, {b}, {c}",
];

pub(super) const HEADLINE_EN: &[&str] = &[
    "{role} – {a}, {b} and {c}",
    "{a} {role}",
    "{role} with experience in {a} and {b}",
    "{role} | {a} · {b}",
    "{role} specialising in {a}",
    "{role} in {sector}",
    "{role} ({a}, {b})",
    "{a} and {b} {role}",
    "{level} {role} – {a}",
];

pub(super) const OPENER_IT: &[&str] = &[
    "{role} con {years} anni di esperienza, {laureato} in {field}.",
    "Lavoro da {years} anni come {role_l}, soprattutto nel settore {sector_l}.",
    "Da {years} anni mi occupo di {a} e {b}.",
    "{Laureato} in {field}, ho maturato {years} anni di esperienza come {role_l}.",
    "Ho {years} anni di esperienza professionale nel settore {sector_l}.",
    "Dopo {years} anni in aziende del territorio, lavoro su progetti di {a}.",
    "Mi occupo di {a} da {years} anni, con un percorso tra industria e ricerca.",
    "Esperienza di {years} anni come {role_l}, con particolare attenzione a {a}.",
];

pub(super) const OPENER_EN: &[&str] = &[
    "{role} with {years} years of experience and a degree in {field}.",
    "I have spent {years} years working on {a} and {b}, mostly in {sector_l}.",
    "For the past {years} years I have been working on {a} and {b}.",
    "After a degree in {field}, I have built {years} years of experience in {sector_l}.",
    "{years} years of professional experience in {sector_l}, with a focus on {a}.",
    "After {years} years with companies around Torino, I now work on {a} projects.",
    "I have been working with {a} for {years} years, between industry and research.",
    "{role} ({years} years of experience), focused on {a}.",
];

pub(super) const JUNIOR_IT: &[&str] = &[
    "{Laureato} in {field}, cerco la prima esperienza come {role_l}.",
    "{Studente} di {field} all'ultimo anno, {appassionato} di {a}.",
    "Ho da poco concluso gli studi in {field} e voglio lavorare su {a}.",
    "Neo{laureato} in {field} con una tesi su {a}.",
    "Giovane {role_l} con un forte interesse per {a} e {b}.",
    "Ho appena terminato un percorso in {field}, con progetti su {a} e {b}.",
];

pub(super) const JUNIOR_EN: &[&str] = &[
    "Recent graduate in {field}, looking for a first role as {role}.",
    "Final-year {field} student with a passion for {a}.",
    "I have just completed my studies in {field} and want to work on {a}.",
    "Fresh {field} graduate; my thesis focused on {a}.",
    "Early-career {role} with a strong interest in {a} and {b}.",
    "I recently finished a programme in {field}, with projects on {a} and {b}.",
];

pub(super) const SKILLS_IT: &[&str] = &[
    "Competenze principali: {list}.",
    "Lavoro abitualmente con {list}.",
    "Ho usato {a} e {b} in progetti reali e sto approfondendo {c}.",
    "Tra i miei strumenti quotidiani: {list}.",
    "Mi trovo a mio agio con {a} e {b}; conosco anche {c}.",
    "Ho sviluppato competenze solide in {a} e {b}.",
    "Nel lavoro di tutti i giorni uso {list}.",
    "Conosco bene {a} e ho esperienza pratica di {b} e {c}.",
];

pub(super) const SKILLS_EN: &[&str] = &[
    "Core skills: {list}.",
    "I work daily with {list}.",
    "I have used {a} and {b} on real projects and I am now learning {c}.",
    "My toolbox: {list}.",
    "Comfortable with {a} and {b}; familiar with {c}.",
    "I have built solid skills in {a} and {b}.",
    "Day to day I use {list}.",
    "Strong in {a}, with hands-on experience of {b} and {c}.",
];

pub(super) const SEEK_JOB_IT: &[&str] = &[
    "Cerco un ruolo a tempo pieno a Torino o nella cintura.",
    "Sono alla ricerca di un'opportunità in un'azienda innovativa del territorio torinese.",
    "Mi interessa un ruolo in cui crescere su {a}.",
    "Cerco un contesto dinamico in cui mettere a frutto la mia esperienza.",
];

pub(super) const SEEK_JOB_EN: &[&str] = &[
    "Looking for a full-time role in Torino or its metro area.",
    "I am looking for an opportunity with an innovative company in the Torino area.",
    "Interested in a role where I can grow in {a}.",
    "Looking for a dynamic team where my experience makes a difference.",
];

pub(super) const SEEK_INTERNSHIP_IT: &[&str] = &[
    "Cerco un tirocinio per mettere in pratica quanto ho studiato.",
    "Sono disponibile per un tirocinio curricolare o extracurricolare.",
    "Vorrei iniziare con un tirocinio nel settore {sector_l}.",
];

pub(super) const SEEK_INTERNSHIP_EN: &[&str] = &[
    "Looking for an internship to put my studies into practice.",
    "Available for a curricular or extracurricular internship.",
    "I would like to start with an internship in {sector_l}.",
];

pub(super) const SEEK_PHD_IT: &[&str] = &[
    "Vorrei proseguire con un dottorato di ricerca su {a}.",
    "Cerco una posizione di dottorato di ricerca in {field}.",
];

pub(super) const SEEK_PHD_EN: &[&str] =
    &["I would like to continue with a PhD position on {a}.", "Looking for a PhD position in {field}."];

pub(super) const SEEK_FELLOWSHIP_IT: &[&str] = &[
    "Cerco una borsa di ricerca per continuare il lavoro su {a}.",
    "Mi interessano borse di ricerca e assegni in {field}.",
];

pub(super) const SEEK_FELLOWSHIP_EN: &[&str] = &[
    "Looking for a research fellowship to continue my work on {a}.",
    "Interested in fellowships and research grants in {field}.",
];

pub(super) const ORIGIN_IT: &str = "Sono {originario} di {country} e vivo a {comune}.";
pub(super) const ORIGIN_EN: &str = "Originally from {country}, I now live in {comune}.";
pub(super) const BASED_IT: &str = "Vivo a {comune}.";
pub(super) const BASED_EN: &str = "Based in {comune}.";
pub(super) const ABROAD_IT: &str = "Vivo in {country} e sono {disposto} a trasferirmi a Torino.";
pub(super) const ABROAD_EN: &str = "I currently live in {country} and would move to Torino.";
pub(super) const ABROAD_ITALIAN_IT: &str = "Oggi vivo all'estero e vorrei tornare a lavorare a Torino.";
pub(super) const ABROAD_ITALIAN_EN: &str = "I currently live abroad and would like to move back to Torino.";
pub(super) const SPEAKS_ITALIAN_EN: &str = "I speak Italian at {italian} level.";
pub(super) const PERMIT_IT: &str = "Per lavorare in Italia mi serve un permesso di lavoro.";
pub(super) const PERMIT_EN: &str = "I would need a work permit to work in Italy.";
pub(super) const RELOCATE_IT: &str = "Sono disponibile a trasferirmi per il lavoro giusto.";
pub(super) const RELOCATE_EN: &str = "Happy to relocate for the right role.";
pub(super) const REMOTE_IT: &str = "Apprezzo il lavoro ibrido o da remoto.";
pub(super) const REMOTE_EN: &str = "Open to hybrid or remote work.";
