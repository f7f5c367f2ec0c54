//! Sentence templates for offers' titles and descriptions, in Italian and English.
//!
//! Placeholders: `{role}` (Italian inclusive form such as "Sviluppatore/Sviluppatrice"),
//! `{role_l}` mid-sentence, `{role_m}`, `{a}` `{b}` `{c}` skill labels, `{req}` and `{nice}`
//! the required and nice-to-have lists, `{field}`, `{sector}`, `{sector_l}`, `{org}`,
//! `{comune}` and `{years}` of experience asked.

use crocevia_domain::{ContractType, RemotePolicy};

pub(super) const JOB_IT: &[&str] = &[
    "{role} {a}",
    "{role} – {a} e {b}",
    "{role_m} {a} (m/f)",
    "{role} per progetti di {a}",
    "{role} con esperienza in {a}",
    "Cerchiamo {role_l} {a}",
    "{role} {a} – {comune}",
    "{role} ({a}, {b})",
    "{role} nel settore {sector_l}",
];

pub(super) const JOB_EN: &[&str] = &[
    "{a} {role}",
    "{role} – {a} and {b}",
    "{role}, {a}",
    "{role} ({a}, {b})",
    "{role} – {sector}",
    "{a} {role} – {comune}",
    "{role} for {a} projects",
    "{role} with {a} experience",
    "{role} ({a})",
];

pub(super) const JUNIOR_IT: &str = "{role} junior – {a}";
pub(super) const JUNIOR_EN: &str = "Junior {role} – {a}";
pub(super) const SENIOR_IT: &str = "{role} senior – {a} e {b}";
pub(super) const SENIOR_EN: &str = "Senior {role} ({a}, {b})";

pub(super) const INTERNSHIP_IT: &[&str] = &[
    "Tirocinio in {a}",
    "Tirocinio: {a} e {b}",
    "Stage {role} – {a}",
    "Tirocinio curricolare nel settore {sector_l}",
    "Tirocinio extracurricolare – {a}",
    "Tirocinio {role} ({a})",
    "Tirocinio di sei mesi: {a}",
    "Tirocinio formativo su {a} e {b}",
];

pub(super) const INTERNSHIP_EN: &[&str] = &[
    "{a} Internship",
    "Internship – {a} and {b}",
    "{role} Intern ({a})",
    "{sector} Internship",
    "6-month Internship: {a}",
    "Internship in {a}",
    "Graduate Internship – {role}",
    "Curricular Internship in {a}",
];

pub(super) const PHD_IT: &[&str] = &[
    "Dottorato di ricerca in {a}",
    "Dottorato di ricerca: {a} e {b}",
    "Dottorato industriale in {a}",
    "Posizione di dottorato su {a}",
    "Dottorato di ricerca in {field} – {a}",
    "Borsa di dottorato: {a}",
    "Dottorato di ricerca in {field}: {a} per il settore {sector_l}",
    "Dottorato di ricerca, XLIII ciclo: {a}",
];

pub(super) const PHD_EN: &[&str] = &[
    "PhD position in {a}",
    "PhD position: {a} and {b}",
    "Industrial PhD in {a}",
    "PhD in {field}: {a}",
    "Funded PhD position on {a}",
    "PhD Scholarship – {a}",
    "PhD position in {field} – {a} for {sector_l}",
    "Doctoral position on {a}",
];

pub(super) const FELLOWSHIP_IT: &[&str] = &[
    "Borsa di ricerca in {a}",
    "Borsa di ricerca su {a} e {b}",
    "Assegno di ricerca: {a}",
    "Assegno di ricerca in {field}",
    "Borsa di ricerca post-laurea – {a}",
    "Borsa di ricerca annuale su {a}",
    "Assegno di ricerca – {a} per il settore {sector_l}",
    "Borsa di studio per attività di ricerca su {a}",
];

pub(super) const FELLOWSHIP_EN: &[&str] = &[
    "Research Fellowship in {a}",
    "Research Fellowship: {a} and {b}",
    "Postdoctoral Fellowship in {a}",
    "Fellowship – {a}",
    "One-year Research Fellowship on {a}",
    "Research Grant in {field}",
    "Early-career Fellowship: {a}",
    "Fellowship in {a} for {sector_l}",
];

pub(super) const INTRO_IT: &[&str] = &[
    "{org} cerca una persona da inserire nel team della sede di {comune}.",
    "Per rafforzare il gruppo di lavoro di {comune}, {org} ricerca {role_l}.",
    "{org} lavora nel settore {sector_l} con sede a {comune}.",
    "Entra in {org}: lavoriamo su progetti di {a} per clienti in Italia e all'estero.",
    "{org} sta crescendo e apre una nuova posizione nel settore {sector_l}.",
    "In {org} sviluppiamo soluzioni di {a} per il territorio torinese e non solo.",
    "Siamo {org} e cerchiamo talenti che vogliano lavorare su {a} e {b}.",
    "{org}, con sede a {comune}, amplia il proprio team dedicato a {a}.",
];

pub(super) const INTRO_EN: &[&str] = &[
    "{org} is looking for someone to join the team at its {comune} site.",
    "To strengthen its team in {comune}, {org} is hiring: {role}.",
    "{org} works in {sector_l} and is based in {comune}.",
    "Join {org}: we work on {a} projects for clients in Italy and abroad.",
    "{org} is growing and opens a new position in {sector_l}.",
    "At {org} we build {a} solutions for the Torino area and beyond.",
    "We are {org} and we are looking for people who want to work on {a} and {b}.",
    "{org}, based in {comune}, is expanding its {a} team.",
];

pub(super) const ACTIVITY_IT: &[&str] = &[
    "Ti occuperai di {a} e {b}, lavorando a stretto contatto con il team di prodotto.",
    "Il tuo lavoro riguarderà soprattutto {a}, con attività di {b}.",
    "Avrai la responsabilità di progetti di {a} dall'analisi alla consegna.",
    "Contribuirai allo sviluppo di soluzioni basate su {a} e {b}.",
    "Lavorerai in un gruppo multidisciplinare su {a}, {b} e {c}.",
    "Seguirai attività di {a} e supporterai i colleghi su {b}.",
    "Le attività principali includono {a}, {b} e la documentazione tecnica.",
    "Parteciperai a progetti di ricerca e sviluppo su {a}.",
];

pub(super) const ACTIVITY_EN: &[&str] = &[
    "You will work on {a} and {b}, closely with the product team.",
    "Your work will focus on {a}, with some {b}.",
    "You will own {a} projects from analysis to delivery.",
    "You will help build solutions based on {a} and {b}.",
    "You will join a multidisciplinary group working on {a}, {b} and {c}.",
    "You will carry out {a} activities and support colleagues on {b}.",
    "Main activities include {a}, {b} and technical documentation.",
    "You will take part in research and development projects on {a}.",
];

pub(super) const REQUIRED_IT: &[&str] = &[
    "Requisiti: {req}.",
    "Cerchiamo esperienza con {req}.",
    "È richiesta una buona conoscenza di {req}.",
    "Competenze richieste: {req}.",
    "Ti chiediamo di conoscere {req}.",
    "Sono necessarie competenze di {req}.",
];

pub(super) const REQUIRED_EN: &[&str] = &[
    "Requirements: {req}.",
    "We are looking for experience with {req}.",
    "Good knowledge of {req} is required.",
    "Required skills: {req}.",
    "You should know {req}.",
    "You will need skills in {req}.",
];

pub(super) const EXPERIENCE_IT: &str = "Esperienza richiesta: almeno {years} anni.";
pub(super) const EXPERIENCE_EN: &str = "Experience required: at least {years} years.";

pub(super) const NICE_IT: &[&str] = &[
    "Costituisce titolo preferenziale la conoscenza di {nice}.",
    "Graditi: {nice}.",
    "È un plus l'esperienza con {nice}.",
    "Apprezzeremo la conoscenza di {nice}.",
];

pub(super) const NICE_EN: &[&str] =
    &["Nice to have: {nice}.", "Experience with {nice} is a plus.", "Bonus points for {nice}.", "We value {nice}."];

pub(super) fn contract_it(contract: ContractType) -> &'static [&'static str] {
    match contract {
        ContractType::Permanent => &[
            "Offriamo un contratto a tempo indeterminato e un percorso di crescita.",
            "Contratto a tempo indeterminato, buoni pasto e formazione continua.",
        ],
        ContractType::FixedTerm => &[
            "Offriamo un contratto a tempo determinato di dodici mesi, con possibilità di proroga.",
            "Contratto a tempo determinato con prospettiva di stabilizzazione.",
        ],
        ContractType::Apprenticeship => &["Offriamo un contratto di apprendistato professionalizzante."],
        _ => &["Collaborazione in partita IVA, con compenso commisurato all'esperienza."],
    }
}

pub(super) fn contract_en(contract: ContractType) -> &'static [&'static str] {
    match contract {
        ContractType::Permanent => &[
            "We offer a permanent contract and a clear growth path.",
            "Permanent contract, meal vouchers and training.",
        ],
        ContractType::FixedTerm => &[
            "We offer a twelve-month fixed-term contract, with a possible extension.",
            "Fixed-term contract with a view to a permanent position.",
        ],
        ContractType::Apprenticeship => &["We offer a professional apprenticeship contract."],
        _ => &["Freelance collaboration, paid according to experience."],
    }
}

pub(super) const OFFER_INTERNSHIP_IT: &[&str] = &[
    "Il tirocinio dura sei mesi, con un rimborso spese mensile.",
    "Tirocinio extracurricolare di sei mesi con indennità di partecipazione e tutor dedicato.",
];
pub(super) const OFFER_INTERNSHIP_EN: &[&str] = &[
    "The internship lasts six months, with a monthly allowance.",
    "Six-month extracurricular internship with an allowance and a dedicated tutor.",
];
pub(super) const OFFER_PHD_IT: &[&str] = &[
    "La borsa di dottorato ha durata triennale.",
    "Il dottorato di ricerca dura tre anni e prevede un periodo all'estero.",
];
pub(super) const OFFER_PHD_EN: &[&str] =
    &["The PhD scholarship lasts three years.", "The PhD lasts three years and includes a period abroad."];
pub(super) const OFFER_FELLOWSHIP_IT: &[&str] =
    &["La borsa di ricerca ha durata annuale, rinnovabile.", "L'assegno di ricerca dura dodici mesi ed è rinnovabile."];
pub(super) const OFFER_FELLOWSHIP_EN: &[&str] =
    &["The fellowship lasts one year and can be renewed.", "The research grant lasts twelve months, renewable."];

pub(super) fn remote(policy: RemotePolicy) -> (&'static str, &'static str) {
    match policy {
        RemotePolicy::OnSite => ("Il lavoro si svolge in sede a {comune}.", "The role is on site in {comune}."),
        RemotePolicy::Hybrid => (
            "Lavoro ibrido: due o tre giorni a settimana in sede a {comune}.",
            "Hybrid: two or three days a week in {comune}.",
        ),
        RemotePolicy::Remote => (
            "La posizione è completamente da remoto, con incontri periodici a {comune}.",
            "Fully remote, with regular meetings in {comune}.",
        ),
    }
}

pub(super) const PERMIT_IT: &str = "Supportiamo la richiesta del permesso di lavoro per chi arriva da fuori UE.";
pub(super) const PERMIT_EN: &str = "We sponsor work permits for candidates from outside the EU.";

pub(super) const EXPERIENCE_ONE_IT: &str = "Esperienza richiesta: almeno un anno.";
pub(super) const EXPERIENCE_ONE_EN: &str = "Experience required: at least one year.";

pub(super) const INTRO_ACADEMIC_IT: &[&str] = &[
    "Il gruppo di ricerca di {org} a {comune} apre una posizione su {a}.",
    "{org} bandisce una posizione per attività di ricerca su {a} e {b}.",
    "Presso {org} ({comune}) si apre una selezione per un progetto su {a}.",
    "Il laboratorio di {field} di {org} cerca una persona motivata da inserire nel gruppo.",
    "{org} finanzia una posizione di ricerca nel settore {sector_l}.",
    "Nell'ambito di un progetto europeo, {org} cerca una persona per lavorare su {a}.",
    "Il dipartimento di {field} di {org} amplia il proprio gruppo di ricerca su {a}.",
    "{org} e partner industriali del territorio cercano una persona per un progetto su {a} e {b}.",
];

pub(super) const INTRO_ACADEMIC_EN: &[&str] = &[
    "The research group of {org} in {comune} opens a position on {a}.",
    "{org} announces a research position on {a} and {b}.",
    "{org} ({comune}) is selecting a candidate for a project on {a}.",
    "The {field} lab at {org} is looking for a motivated person to join the group.",
    "{org} funds a research position in {sector_l}.",
    "Within a European project, {org} is looking for someone to work on {a}.",
    "The {field} department at {org} is expanding its research group on {a}.",
    "{org} and industrial partners in the area are looking for someone to work on {a} and {b}.",
];

pub(super) const ACTIVITY_ACADEMIC_IT: &[&str] = &[
    "Il progetto di ricerca riguarda {a}, con applicazioni in {b}.",
    "Svilupperai metodi e modelli per {a}, con validazione sperimentale.",
    "Le attività comprendono {a}, {b} e la pubblicazione dei risultati.",
    "Lavorerai su {a} in collaborazione con partner industriali.",
    "Studierai {a} e {b}, con periodi di ricerca presso università partner.",
    "Il lavoro prevede analisi della letteratura, esperimenti su {a} e scrittura scientifica.",
    "Contribuirai a un progetto su {a} e parteciperai a conferenze internazionali.",
    "Ti occuperai di {a}, dalla progettazione degli esperimenti all'analisi dei dati.",
];

pub(super) const ACTIVITY_ACADEMIC_EN: &[&str] = &[
    "The research project is about {a}, with applications in {b}.",
    "You will develop methods and models for {a}, with experimental validation.",
    "Activities include {a}, {b} and publishing the results.",
    "You will work on {a} together with industrial partners.",
    "You will study {a} and {b}, with research stays at partner universities.",
    "The work includes a literature review, experiments on {a} and scientific writing.",
    "You will contribute to a project on {a} and present at international conferences.",
    "You will work on {a}, from experimental design to data analysis.",
];
