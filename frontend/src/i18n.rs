//! Italian and English: every string the user reads, and the labels of the domain's enums.
//! Keys are an enum, so a missing translation is a compile error rather than a blank label.

use crocevia_domain::{
    ApplicationStage, Cefr, ContractType, LegalForm, OfferKind, ProgrammeModel, ProgrammePhase, RemotePolicy, Sector,
    StartupStage,
};

/// The interface language; Italian first, as in Torino (the domain's, which the services
/// write their reasons in).
pub use crocevia_domain::say::Lang;

macro_rules! texts {
    ($($key:ident => $it:literal, $en:literal;)*) => {
        /// A text of the interface.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),* }

        impl T {
            pub const ALL: &'static [T] = &[$(T::$key),*];

            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::It) => $it, (T::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

texts! {
    AppName => "Crocevia", "Crocevia";
    Tagline => "Talenti, startup e programmi di accelerazione a Torino", "Talent, startups and accelerator programmes in Torino";
    SkipToContent => "Vai al contenuto", "Skip to content";
    MainNav => "Navigazione principale", "Main navigation";
    Menu => "Menu", "Menu";
    ChangePassword => "Cambia la password", "Change the password";
    CurrentPassword => "Password attuale", "Current password";
    PasswordChanged => "Password cambiata: le altre sessioni sono terminate.", "Password changed: every other session has ended.";
    UnexpectedAnswer => "Risposta inattesa dal server; riprova.", "Unexpected answer from the server; try again.";
    Sessions => "Sessioni", "Sessions";
    LogOutEverywhere => "Esci da tutti i dispositivi", "Log out everywhere";
    LogOutEverywhereHint => "Termina ogni sessione aperta, anche questa: serve se hai perso un dispositivo.", "Ends every open session, this one too: for a lost device.";
    Consents => "Consensi", "Consents";
    ConsentContactSharing => "Le organizzazioni possono vedere i miei contatti anche se non mi sono candidato/a", "Organisations may see my contact details even where I did not apply";
    MyData => "I miei dati", "My data";
    MyDataHint => "Tutto ciò che Crocevia conserva di te, in un file JSON (GDPR, art. 15 e 20).", "Everything Crocevia holds about you, as a JSON file (GDPR Art. 15 and 20).";
    PrepareMyData => "Prepara i miei dati", "Prepare my data";
    DownloadMyData => "Scarica il file", "Download the file";
    EraseAccount => "Elimina il mio account", "Erase my account";
    EraseAccountHint => "Elimina l'account e tutto ciò che vi è collegato (profilo, candidature, consensi). Non si può annullare.", "Erases the account and everything attached to it (profile, applications, consents). It cannot be undone.";
    EraseTypeEmail => "Per confermare, scrivi il tuo indirizzo e-mail", "To confirm, type your e-mail address";
    EraseForever => "Elimina definitivamente", "Erase for good";
    Home => "Inizio", "Home";
    Search => "Cerca", "Search";
    SearchPlaceholder => "Ruolo, competenza, programma…", "Role, skill, programme…";
    SearchWhat => "Cosa cerchi", "What are you looking for";
    Login => "Accedi", "Log in";
    Logout => "Esci", "Log out";
    Signup => "Registrati", "Sign up";
    SwitchLanguage => "Switch to English", "Passa all'italiano";
    OtherLanguageShort => "EN", "IT";
    Email => "E-mail", "E-mail";
    Password => "Password", "Password";
    PasswordHint => "Almeno 10 caratteri", "At least 10 characters";
    DisplayName => "Nome visualizzato", "Display name";
    IAm => "Mi registro come", "I am signing up as";
    RoleTalent => "Talento (lavoro, tirocinio, dottorato)", "Talent (job, internship, PhD)";
    RoleStartup => "Startup o PMI", "Startup or SME";
    NoAccount => "Non hai un account?", "No account yet?";
    HaveAccount => "Hai già un account?", "Already have an account?";
    CheckInbox => "Controlla la posta", "Check your inbox";
    SignupSent => "Ti abbiamo scritto a questo indirizzo: apri il link del messaggio per completare la registrazione. Il link vale 48 ore. Se l'indirizzo ha già un account, il messaggio lo dice.",
        "We wrote to this address: open the link in the message to finish signing up. The link works for 48 hours. If the address already has an account, the message says so.";
    Confirming => "Conferma dell'indirizzo in corso…", "Confirming your address…";
    ConfirmFailed => "Questo link non vale più. Registrati di nuovo per riceverne uno nuovo.", "This link no longer works. Sign up again to get a new one.";
    ForgotPassword => "Password dimenticata?", "Forgot your password?";
    ResetTitle => "Reimposta la password", "Reset your password";
    ResetAsk => "Scrivi l'indirizzo del tuo account: ti mandiamo un link per scegliere una nuova password.", "Enter your account's address: we will send you a link to choose a new password.";
    SendLink => "Mandami il link", "Send me the link";
    ResetSent => "Se questo indirizzo ha un account, ti abbiamo mandato un link. Vale un'ora.", "If this address has an account, we sent it a link. It works for one hour.";
    NewPassword => "Nuova password", "New password";
    SetPassword => "Imposta la password", "Set the password";
    ResetFailed => "Questo link non vale più: chiedine uno nuovo.", "This link no longer works: ask for a new one.";
    MyProfile => "Il mio profilo", "My profile";
    MyMatches => "I miei match", "My matches";
    MyApplications => "Le mie candidature", "My applications";
    Applications => "Candidature", "Applications";
    MyPostings => "Offerte e programmi", "Offers and programmes";
    MyOffers => "Le mie offerte", "My offers";
    FromAcceleraToStartup => "Da una startup di AcceleraTO", "From an AcceleraTO startup";
    StartupBadge => "Startup AcceleraTO", "AcceleraTO startup";
    PostedBy => "Pubblicata da", "Posted by";
    Offers => "Offerte", "Offers";
    Programmes => "Programmi", "Programmes";
    Startups => "Startup", "Startups";
    Talents => "Talenti", "Talents";
    Organisations => "Organizzazioni", "Organisations";
    LatestOffers => "Ultime opportunità", "Latest opportunities";
    Filters => "Filtri", "Filters";
    ActiveFilters => "Filtri attivi", "Active filters";
    RemoveFilter => "Rimuovi filtro", "Remove filter";
    Near => "Vicino a", "Near";
    AnyPlace => "Ovunque", "Anywhere";
    WithinKm => "Entro (km)", "Within (km)";
    Sort => "Ordina per", "Sort by";
    SortRelevance => "Pertinenza", "Relevance";
    SortDistance => "Distanza", "Distance";
    SortDeadline => "Scadenza", "Deadline";
    SortNewest => "Più recenti", "Newest";
    Results => "risultati", "results";
    NoResults => "Nessun risultato. Prova altre parole o togli un filtro.", "No results. Try other words or remove a filter.";
    LoadMore => "Altri risultati", "More results";
    Loading => "Caricamento…", "Loading…";
    Deadline => "Scadenza", "Deadline";
    Distance => "Distanza", "Distance";
    Sector => "Settore", "Sector";
    Sectors => "Settori", "Sectors";
    Comune => "Comune", "Comune";
    Kind => "Tipo", "Kind";
    Skills => "Competenze", "Skills";
    RequiredSkills => "Competenze richieste", "Required skills";
    NiceToHaveSkills => "Competenze gradite", "Nice-to-have skills";
    Languages => "Lingue", "Languages";
    Language => "Lingua", "Language";
    Level => "Livello", "Level";
    AddLanguage => "Aggiungi lingua", "Add language";
    Education => "Formazione", "Education";
    Institution => "Istituzione", "Institution";
    InstitutionName => "Nome dell'istituzione", "Name of the institution";
    DegreeLevel => "Titolo", "Degree";
    StudyField => "Area di studio (ISCED)", "Field of study (ISCED)";
    Course => "Corso", "Course";
    GraduatedOn => "Data del titolo (o prevista)", "Graduation date (or expected)";
    AddEducation => "Aggiungi un titolo di studio", "Add a degree";
    CheckInConsent => "Tra 12 mesi dalla laurea o dall'assunzione, chiedetemi se vivo e lavoro ancora nell'area di Torino (facoltativo: le risposte contano, in forma anonima, nei dati aperti sulla permanenza dei talenti)", "Twelve months after my graduation or hire, ask me whether I still live and work in the Torino area (optional: the answers count, anonymously, in the open data on talent retention)";
    CheckIns => "Un anno dopo", "A year on";
    CheckInGraduation => "Un anno fa hai concluso gli studi presso", "A year ago you graduated from";
    CheckInHire => "Un anno fa sei stato assunto per", "A year ago you were hired for";
    CheckInLives => "Vivo ancora nell'area metropolitana di Torino", "I still live in the Torino metropolitan area";
    CheckInWorks => "Lavoro (o studio) ancora nell'area metropolitana di Torino", "I still work (or study) in the Torino metropolitan area";
    CheckInSend => "Invia la risposta", "Send the answer";
    CheckInThanks => "Grazie: risposta registrata", "Thank you: answer recorded";
    CheckInAnswered => "Risposto il", "Answered on";
    TalentiSection => "Talenti a Torino: chi resta e chi viene assunto", "Talenti a Torino: who stays and who is hired";
    RetentionShare => "Laureati ancora nell'area a 12 mesi", "Graduates still in the area at 12 months";
    InternationalHires => "Assunzioni dall'estero", "Hires from abroad";
    StillHere => "ancora qui", "still here";
    Remove => "Rimuovi", "Remove";
    YourMatch => "Il tuo match", "Your match";
    LoginToSeeMatch => "Accedi con il tuo profilo per vedere quanto corrispondi.", "Log in with your profile to see how well you match.";
    CreateProfileFirst => "Completa il tuo profilo per vedere il tuo match.", "Complete your profile to see your match.";
    Score => "Punteggio", "Score";
    Mutual => "Affinità reciproca", "Mutual fit";
    RankInList => "Posizione nella tua lista", "Rank in your list";
    Excluded => "Non compatibile", "Not a match";
    WhyMatch => "Perché", "Why";
    Eligible => "Ammissibile", "Eligible";
    EligibleIf => "Ammissibile a condizione", "Eligible if";
    NotEligible => "Non ammissibile", "Not eligible";
    Apply => "Candidati", "Apply";
    Motivation => "Motivazione (facoltativa)", "Motivation (optional)";
    Applied => "Candidatura inviata", "Application sent";
    ClosedForApplications => "Candidature chiuse: non si accettano più candidature.", "Closed: applications are no longer accepted.";
    NotEligibleCannotApply => "Con il profilo attuale la startup non è ammissibile e non può candidarsi. Motivi:", "With its current profile the startup is not eligible and cannot apply. Reasons:";
    Fit => "Affinità", "Fit";
    FitMeans => "La percentuale misura l'affinità con il programma, non l'ammissibilità.", "The percentage is the fit with the programme, not eligibility.";
    EligibleFirst => "Prima i programmi ammissibili, poi quelli ammissibili a condizione, infine quelli non ammissibili; in ogni gruppo, per affinità.",
        "Eligible programmes first, then those eligible on conditions, then those not eligible; within each group, by fit.";
    ConditionsToMeet => "Condizioni da soddisfare:", "Conditions to meet:";
    WhyNotEligible => "Motivi:", "Reasons:";
    ApplyWithConditions => "La candidatura sarà registrata con queste condizioni:", "The application will be recorded with these conditions:";
    ApplicationRefused => "Candidatura non inviata. Motivi:", "Application not sent. Reasons:";
    ApplicationNotSent => "Candidatura non inviata", "Application not sent";
    Save => "Salva", "Save";
    Saved => "Salvato", "Saved";
    Saving => "Salvataggio…", "Saving…";
    Cancel => "Annulla", "Cancel";
    Headline => "Titolo professionale", "Headline";
    Bio => "Presentazione", "About me";
    ContactEmail => "E-mail di contatto (privata)", "Contact e-mail (private)";
    CountryOfOrigin => "Paese di origine (nome o codice, es. India, IN)", "Country of origin (name or code, e.g. India, IN)";
    Residence => "Dove vivo (comune dell'area metropolitana)", "Where I live (comune of the metropolitan area)";
    NotInArea => "Fuori dall'area metropolitana", "Outside the metropolitan area";
    City => "Città", "City";
    Country => "Paese", "Country";
    CountryHint => "Scrivi il nome del paese (es. Germania, India) o il codice (DE)", "Type the country's name (e.g. Germany, India) or its code (DE)";
    FieldOfStudy => "Ambito di studio", "Field of study";
    ExperienceYears => "Anni di esperienza", "Years of experience";
    AvailableFrom => "Disponibile dal", "Available from";
    WillingToRelocate => "Disponibile a trasferirmi", "Willing to relocate";
    OpenToRemote => "Aperto al lavoro da remoto", "Open to remote work";
    NeedsWorkPermit => "Mi serve un permesso di lavoro", "I need a work permit";
    Seeking => "Cerco", "Looking for";
    SkillsPickerHint => "Scrivi per cercare nella tassonomia (in italiano o in inglese)", "Type to search the taxonomy (in Italian or English)";
    NoSkillFound => "Nessuna competenza trovata", "No skill found";
    StartupName => "Nome della startup", "Startup name";
    Description => "Descrizione", "Description";
    Stage => "Fase", "Stage";
    LegalFormLabel => "Forma giuridica", "Legal form";
    FoundedOn => "Data di costituzione", "Date of incorporation";
    Seat => "Sede legale", "Registered seat";
    TeamSize => "Persone nel team", "Team size";
    FundingRaised => "Finanziamenti raccolti (€)", "Funding raised (€)";
    FemaleLed => "Guidata da donne", "Female-led";
    Under35 => "Fondatori under 35", "Founders under 35";
    UniversitySpinoff => "Spin-off universitario", "University spin-off";
    Website => "Sito web", "Website";
    ProfileSaved => "Profilo salvato: i tuoi match si aggiornano.", "Profile saved: your matches are updating.";
    FixErrors => "Correggi i campi segnalati.", "Please fix the fields marked.";
    LiveUpdates => "Aggiornamento in tempo reale", "Live updates";
    LiveConnected => "collegato", "connected";
    LiveDisconnected => "in riconnessione…", "reconnecting…";
    UpdatedAt => "Aggiornato alle", "Updated at";
    NoMatchesYet => "Ancora nessun match: completa il profilo con competenze e lingue.", "No matches yet: add skills and languages to your profile.";
    NoApplications => "Nessuna candidatura.", "No applications.";
    Withdraw => "Ritira", "Withdraw";
    MoveTo => "Sposta a", "Move to";
    Move => "Sposta", "Move";
    ScoreWithRubric => "Valuta", "Score";
    Criterion => "Criterio", "Criterion";
    Points => "Punti", "Points";
    MaxPoints => "Massimo", "Max";
    AddCriterion => "Aggiungi criterio", "Add criterion";
    Applicant => "Candidato", "Applicant";
    Target => "Per", "For";
    NewOffer => "Nuova offerta", "New offer";
    NewProgramme => "Nuovo programma", "New programme";
    Edit => "Modifica", "Edit";
    Close => "Chiudi", "Close";
    Closed => "Chiusa", "Closed";
    Open => "Aperta", "Open";
    Candidates => "Candidati consigliati", "Recommended candidates";
    Ranking => "Classifica e candidature", "Ranking and applications";
    RankingPending => "Calcolo della classifica in corso…", "Ranking in progress…";
    Title => "Titolo", "Title";
    TextLanguage => "Lingua del testo", "Language of the text";
    Remote => "Lavoro da remoto", "Remote work";
    Contract => "Contratto", "Contract";
    MinExperience => "Esperienza minima (anni)", "Minimum experience (years)";
    SalaryMin => "Retribuzione minima (€/anno)", "Minimum salary (€/year)";
    SalaryMax => "Retribuzione massima (€/anno)", "Maximum salary (€/year)";
    SalaryRange => "Retribuzione annua lorda", "Gross annual salary";
    PostedOn => "Pubblicata il", "Posted on";
    StartsOn => "Inizio", "Starts on";
    SponsorsPermit => "Sponsorizziamo il permesso di lavoro", "We sponsor the work permit";
    Model => "Modello", "Model";
    Phases => "Fasi", "Phases";
    CohortStart => "Inizio della coorte", "Cohort start";
    CohortEnd => "Fine della coorte", "Cohort end";
    ApplicationDeadline => "Scadenza delle candidature", "Application deadline";
    Capacity => "Posti", "Places";
    ProgrammeLanguages => "Lingue del programma (codici, es. it, en)", "Programme languages (codes, e.g. it, en)";
    Eligibility => "Requisiti di ammissione", "Eligibility rules";
    AddRule => "Aggiungi requisito", "Add rule";
    RuleStages => "Fasi ammesse", "Stages admitted";
    RuleSectors => "Settori ammessi", "Sectors admitted";
    RuleMaxAge => "Costituita da non più di (mesi)", "Incorporated at most (months) ago";
    RuleSeat => "Sede nell'area metropolitana", "Seat in the metropolitan area";
    AllowRelocation => "Ammesse startup disposte a trasferirsi", "Startups willing to relocate admitted";
    RuleTeam => "Dimensione del team", "Team size";
    Min => "Min", "Min";
    Max => "Max", "Max";
    Posted => "Pubblicato", "Posted";
    NotFound => "Pagina non trovata.", "Page not found.";
    Forbidden => "Questa pagina è per un altro tipo di account.", "This page is for another kind of account.";
    LoginRequired => "Accedi per continuare.", "Log in to continue.";
    Error => "Errore", "Error";
    Retry => "Riprova", "Retry";
    ViewDetails => "Dettagli", "Details";
    Organisation => "Organizzazione", "Organisation";
    RemoteOnSite => "In sede", "On site";
    RemoteHybrid => "Ibrido", "Hybrid";
    RemoteRemote => "Da remoto", "Remote";
    StageSubmitted => "Inviata", "Submitted";
    StageScreening => "In valutazione", "Screening";
    StageInterview => "Colloquio", "Interview";
    StageOffered => "Proposta", "Offered";
    StageWaitlisted => "In lista d'attesa", "Waitlisted";
    StageAccepted => "Accettata", "Accepted";
    StageRejected => "Respinta", "Rejected";
    StageWithdrawn => "Ritirata", "Withdrawn";
    Insights => "Osservatorio", "Insights";
    InsightsIntro => "Dati aperti e anonimi su talenti, offerte, startup e programmi di accelerazione nell'area metropolitana di Torino, calcolati dalla piattaforma.", "Open, anonymous figures on talents, offers, startups and accelerator programmes in the Torino metropolitan area, computed by the platform.";
    AtAGlance => "In sintesi", "At a glance";
    TalentsTotal => "Talenti iscritti", "Registered talents";
    InternationalShare => "Talenti dall'estero", "International talents";
    OffersTotal => "Offerte pubblicate", "Offers posted";
    StartupsTotal => "Startup iscritte", "Registered startups";
    MedianTimeToMatch => "Tempo mediano al primo buon match", "Median time to a first good match";
    AcceptanceRate => "Accettazione nei programmi", "Programme acceptance rate";
    BelowK => "Non pubblicato: gruppo troppo piccolo", "Not published: group too small";
    BySector => "Per settore", "By sector";
    ByComune => "Per comune", "By comune";
    OverTime => "Nel tempo", "Over time";
    MoreData => "Altri dati", "More data";
    Total => "Totale", "Total";
    DownloadAs => "Scarica in", "Download as";
    ShowTable => "Mostra come tabella", "Show as a table";
    Month => "Mese", "Month";
    Count => "Numero", "Count";
    Share => "Quota", "Share";
    Accepted => "accettate", "accepted";
    Median => "mediana", "median";
    NotPublished => "meno di {k}", "fewer than {k}";
    TrendOther => "Mesi con meno di {k} ciascuno, insieme: {n}", "Months with fewer than {k} each, together: {n}";
    LicenceAndMethod => "Licenza e metodo", "Licence and method";
    Licence => "Licenza", "Licence";
    KNote => "Ogni cifra conta almeno {k} persone; i gruppi più piccoli sono uniti in «Altro».", "Every figure counts at least {k} people; smaller groups are merged into “Other”.";
    RefreshedAt => "Dati aggiornati il", "Figures refreshed on";
    Dictionary => "Dizionario dei dati (JSON)", "Data dictionary (JSON)";
    Catalogue => "Catalogo dei dataset (JSON)", "Dataset catalogue (JSON)";
    NoData => "Nessun dato pubblicabile per ora.", "Nothing publishable yet.";
    Selection => "Selezione", "Selection";
    SelectionTitle => "Selezione delle startup", "Selecting the startups";
    ToReview => "Da valutare", "To review";
    MyAccount => "Il mio account", "My account";
    AccountId => "Il tuo identificativo", "Your id";
    AccountIdHint => "Chi gestisce un programma della tua organizzazione ti aggiunge a un panel di valutazione con questo identificativo.", "Whoever runs a programme of your organisation adds you to a review panel with this id.";
    RoleLabel => "Tipo di account", "Account type";
    ReviewPanel => "Panel di valutazione", "Review panel";
    ChooseReviewers => "Valutatori (membri della tua organizzazione)", "Reviewers (members of your organisation)";
    BlindFirstRound => "Primo turno alla cieca: i valutatori non vedono chi sono le startup", "Blind first round: reviewers do not see who the startups are";
    SavePanel => "Salva il panel", "Save the panel";
    PanelSaved => "Panel salvato.", "Panel saved.";
    NoPanel => "Nessun panel per ora.", "No panel yet.";
    BlindRound => "Turno alla cieca", "Blind round";
    BlindOngoing => "in corso: i valutatori non vedono i nomi delle startup", "in progress: reviewers do not see the startups' names";
    BlindEnded => "concluso: i valutatori vedono le startup", "ended: reviewers see the startups";
    BlindNone => "nessuno", "none";
    EndBlindRound => "Concludi il turno alla cieca", "End the blind round";
    PanelRanking => "Classifica del panel", "Panel ranking";
    RawVsCalibrated => "Grezzo: la media dei punteggi dei valutatori. Calibrato: gli stessi punteggi su una scala comune, che corregge i valutatori più severi o più generosi. L'ordine è quello calibrato.", "Raw: the mean of the reviewers' scores. Calibrated: the same scores on one scale, correcting for stricter or more lenient reviewers. The order is the calibrated one.";
    CalibratedRank => "Pos. calibrata", "Calibrated rank";
    RawRank => "Pos. grezza", "Raw rank";
    Calibrated => "Calibrato", "Calibrated";
    Raw => "Grezzo", "Raw";
    Reviews => "Valutazioni", "Reviews";
    Decision => "Decisione", "Decision";
    NotReviewedYet => "non ancora valutata", "not reviewed yet";
    Withheld => "{n} candidature restano nascoste finché non le valuti tu.", "{n} applications stay hidden until you review them.";
    Leniency => "Severità dei valutatori", "Reviewers' leniency";
    LeniencyHint => "Scarto: la media del valutatore meno la media del turno, in punti su 100 (sopra zero generoso, sotto zero severo).", "Offset: the reviewer's mean minus the round's mean, in points of 100 (above zero lenient, below zero strict).";
    Reviewer => "Valutatore", "Reviewer";
    MeanLabel => "Media", "Mean";
    Offset => "Scarto", "Offset";
    Lenient => "generoso", "lenient";
    Strict => "severo", "strict";
    ReasonOptional => "Motivo (facoltativo)", "Reason (optional)";
    Reason => "Motivo", "Reason";
    AgainstRanking => "Contro la classifica", "Against the ranking";
    AgainstRankingNeedsReason => "Spiega perché questa decisione va contro la classifica.", "Say why this decision goes against the ranking.";
    CohortFull => "La coorte è al completo: metti la candidatura in lista d'attesa, o libera prima un posto.", "The cohort is full: waitlist the application, or free a place first.";
    Cohort => "Coorte", "Cohort";
    CohortMembers => "Startup ammesse", "Startups accepted";
    NoMembers => "Nessuna startup ammessa per ora.", "No startup accepted yet.";
    PlacesTaken => "occupati {n} su {capacity}", "{n} of {capacity} taken";
    Waitlist => "Lista d'attesa", "Waitlist";
    WaitlistEmpty => "Nessuno in lista d'attesa.", "Nobody on the waitlist.";
    WaitingCount => "In lista d'attesa", "On the waitlist";
    MyWaitlistPosition => "La tua posizione in lista d'attesa", "Your place on the waitlist";
    CohortDates => "Date della coorte", "Cohort dates";
    DecisionRecords => "Registro delle decisioni", "Decision records";
    DecisionRecordsHint => "Ogni classifica mostrata a chi decide, con ciò che la riproduce, e ogni decisione con la classifica vista per ultima.", "Every ranking shown to a decision-maker, with what reproduces it, and every decision with the ranking last seen.";
    Decisions => "Decisioni", "Decisions";
    RankingsShown => "Classifiche mostrate", "Rankings shown";
    When => "Quando", "When";
    Change => "Passaggio", "Change";
    RankSeen => "Posizione vista", "Rank seen";
    DecidedBy => "Chi ha deciso", "Decided by";
    ThePlatform => "la piattaforma (lista d'attesa)", "the platform (waitlist)";
    Replay => "Ricalcola", "Replay";
    ReplaySame => "Stesso ordine: la classifica si riproduce.", "Same order: the ranking reproduces.";
    ReplayDifferent => "Ordine diverso:", "A different order:";
    EntriesCount => "voci", "entries";
    NoDecisions => "Nessuna decisione registrata.", "No decision recorded.";
    ReviewQueueEmpty => "Nessuna candidatura da valutare.", "Nothing to review.";
    BlindReview => "Valutazione alla cieca", "Blind review";
    BlindReviewHint => "In questo turno non vedi chi è la startup: nome, fondatori, contatti, sito e comune sono nascosti.", "In this round you do not see who the startup is: name, founders, contact, website and comune are hidden.";
    FoundedYear => "Anno di costituzione", "Year founded";
    YourReview => "La tua valutazione", "Your review";
    OtherReviews => "Le valutazioni degli altri", "The others' reviews";
    NoOtherReviews => "Nessun'altra valutazione per ora.", "No other review yet.";
    ReviewFinal => "Una valutazione è definitiva: non si può cambiare. Le valutazioni degli altri compaiono dopo la tua.", "A review is final: it cannot be changed. The others' reviews appear after yours.";
    SubmitReview => "Invia la valutazione", "Submit the review";
    Round => "Turno", "Round";
    DeclareConflict => "Dichiara un conflitto di interessi", "Declare a conflict of interest";
    ConflictHint => "Non valuterai più questa startup e una tua valutazione già data sarà annullata.", "You will no longer review this startup, and a review you already gave it is void.";
    Declare => "Dichiara", "Declare";
    ConflictDeclared => "Conflitto dichiarato: la candidatura è stata tolta dalla tua lista.", "Conflict declared: the application was taken off your list.";
    WhyDecision => "Perché questa decisione", "Why this decision";
    PlaceInRanking => "La tua posizione nella classifica usata: {rank} su {n}", "Your place in the ranking used: {rank} of {n}";
    NoRankingUsed => "Nessuna classifica ha preceduto queste decisioni.", "No ranking preceded these decisions.";
    ListSelection => "Classifica calibrata del panel di valutazione", "The review panel's calibrated ranking";
    ListStartups => "Startup ordinate per affinità con il programma", "Startups ranked by fit with the programme";
    ListCandidates => "Candidati ordinati per affinità con l'offerta", "Candidates ranked by fit with the offer";
    FactorsUsed => "Fattori considerati", "Factors used";
    NoReasonGiven => "nessun motivo indicato", "no reason given";
    FormAnswers => "Risposte al modulo del programma", "Answers to the programme's form";
    FileAttached => "File allegato", "File attached";
    AnswerWithheld => "non mostrata in questo turno", "not shown in this round";
    RequiredQuestion => "Domanda obbligatoria", "Required question";
    DownloadFile => "Scarica il PDF", "Download the PDF";
    SaveDraft => "Salva bozza", "Save draft";
    DraftSaved => "Bozza salvata", "Draft saved";
    ApplicationFormTitle => "Modulo di candidatura", "Application form";
    ApplicationFormHint => "Le domande con * sono obbligatorie per candidarsi.", "Questions marked * are required to apply.";
    AddQuestion => "Aggiungi domanda", "Add question";
    MoveUp => "Sposta su", "Move up";
    MoveDown => "Sposta giù", "Move down";
    QuestionKey => "Chiave (lettere minuscole, cifre, _)", "Key (lowercase letters, digits, _)";
    QuestionKindLabel => "Tipo di risposta", "Answer kind";
    LabelIt => "Domanda in italiano", "Question in Italian";
    LabelEn => "Domanda in inglese", "Question in English";
    QuestionRequired => "Obbligatoria", "Required";
    QuestionOptions => "Opzioni, una per riga: chiave | italiano | inglese", "Options, one per line: key | Italian | English";
    MaxChars => "Caratteri massimi", "Maximum characters";
    MaxBytes => "Dimensione massima (byte)", "Largest size (bytes)";
    NoQuestions => "Nessuna domanda: la candidatura chiede solo la motivazione.", "No questions: applying asks only for a motivation.";
    Yes => "Sì", "Yes";
    FairnessTitle => "Equità della selezione", "Fairness of the selection";
    FairnessHint => "Quota di candidature di ogni gruppo che arriva a ciascuna fase (candidature ritirate escluse). I gruppi con meno di {k} candidature non mostrano cifre; ⚠ segna un tasso sotto i quattro quinti di quello del gruppo migliore: è un segnale da verificare, non un giudizio.", "Share of each group's applications that reach each stage (withdrawn ones left out). Groups of fewer than {k} applications show no figures; ⚠ marks a rate under four fifths of the best group's: a signal to look into, not a verdict.";
    Group => "Gruppo", "Group";
    Applicants => "Candidature", "Applications";
    FewerThanK => "troppo poche per mostrarle", "too few to show";
    FourFifthsFlag => "Sotto i quattro quinti del tasso più alto", "Under four fifths of the highest rate";
    GroupLocal => "Dall'Italia", "From Italy";
    GroupInternational => "Dall'estero", "From abroad";
    No => "No", "No";
    ConfirmWithdraw => "Conferma: lascio il posto nella coorte", "Confirm: I give up my place in the cohort";
    ConfirmWithdrawApplication => "Conferma il ritiro (non si può annullare)", "Confirm the withdrawal (it cannot be undone)";
    SkillsGapTitle => "Competenze che ti aprirebbero più offerte", "Skills that would open more offers";
    SkillsGapIntro => "Tra le {n} offerte aperte adatte a te per lingue, permesso, date, tipo e luogo, le competenze richieste che ti mancano più spesso.",
        "Among the {n} open offers that suit you on languages, permit, dates, kind and place, the required skills you miss most often.";
    SkillsGapNone => "Nessuna competenza richiesta ti manca nelle offerte aperte adatte a te.", "No required skill is missing for you in the open offers that suit you.";
    SkillOpens => "da sola ti aprirebbe {n} offerte", "alone would open {n} offers";
    SkillOpensOne => "da sola ti aprirebbe 1 offerta", "alone would open 1 offer";
    SkillMissingIn => "manca in {n} offerte", "missing in {n} offers";
    SkillMissingInOne => "manca in 1 offerta", "missing in 1 offer";
    WhereTaught => "Dove si impara a Torino", "Where to learn it in Torino";
    SkillsDemandSupply => "Domanda e offerta di competenze", "Skills demand and supply";
    SkillsDemandSupplyIntro => "Per ogni competenza: le offerte aperte che la richiedono (domanda) e i talenti che la hanno (offerta). Sono mostrate solo le competenze con almeno {k} offerte e {k} talenti.",
        "For each skill: the open offers that require it (demand) and the talents who have it (supply). Only skills with at least {k} offers and {k} talents are shown.";
    Demand => "Domanda (offerte)", "Demand (offers)";
    Supply => "Offerta (talenti)", "Supply (talents)";
    Skill => "Competenza", "Skill";
    AllSectors => "Tutti i settori", "All sectors";
    SectorFilter => "Settore", "Sector";
    WelcomeTitle => "Benvenuto a Torino: i prossimi passi", "Welcome to Torino: next steps";
    WelcomeRoute => "Il tuo percorso", "Your route";
    WelcomeVersion => "Versione {version} · ogni passo verificato il {date} o dopo", "Version {version} · every step checked on {date} or later";
    WelcomeTicksMine => "Spunta i passi fatti: le spunte le vedi solo tu.", "Tick the steps you have done: only you see your ticks.";
    WelcomeTicksPrivate => "I passi spuntati dalla persona restano privati.", "The steps the person ticks stay private to them.";
    Source => "Fonte", "Source";
    VerifiedOn => "verificato il {date}", "checked on {date}";
    Footer => "Crocevia · Torino Metropoli 2025 · AcceleraTO e Talenti a Torino", "Crocevia · Torino Metropoli 2025 · AcceleraTO and Talenti a Torino";
}

pub fn sector(lang: Lang, s: Sector) -> &'static str {
    lang.pick(s.label_it(), s.label_en())
}

pub fn offer_kind(lang: Lang, k: OfferKind) -> &'static str {
    let [it, en] = k.labels();
    lang.pick(it, en)
}

pub fn remote(lang: Lang, r: RemotePolicy) -> &'static str {
    match r {
        RemotePolicy::OnSite => T::RemoteOnSite.get(lang),
        RemotePolicy::Hybrid => T::RemoteHybrid.get(lang),
        RemotePolicy::Remote => T::RemoteRemote.get(lang),
    }
}

pub fn contract(lang: Lang, c: ContractType) -> &'static str {
    match c {
        ContractType::Permanent => lang.pick("Tempo indeterminato", "Permanent"),
        ContractType::FixedTerm => lang.pick("Tempo determinato", "Fixed term"),
        ContractType::Apprenticeship => lang.pick("Apprendistato", "Apprenticeship"),
        ContractType::Internship => lang.pick("Tirocinio", "Internship"),
        ContractType::PhdScholarship => lang.pick("Borsa di dottorato", "PhD scholarship"),
        ContractType::Fellowship => lang.pick("Assegno di ricerca", "Research fellowship"),
        ContractType::Freelance => lang.pick("Libera professione", "Freelance"),
    }
}

pub fn model(lang: Lang, m: ProgrammeModel) -> &'static str {
    let [it, en] = m.labels();
    lang.pick(it, en)
}

pub fn phase(lang: Lang, p: ProgrammePhase) -> &'static str {
    match p {
        ProgrammePhase::PreIncubation => lang.pick("Pre-incubazione", "Pre-incubation"),
        ProgrammePhase::Incubation => lang.pick("Incubazione", "Incubation"),
        ProgrammePhase::Acceleration => lang.pick("Accelerazione", "Acceleration"),
        ProgrammePhase::ScaleUp => lang.pick("Scale-up", "Scale-up"),
    }
}

pub fn startup_stage(lang: Lang, s: StartupStage) -> &'static str {
    let [it, en] = s.labels();
    lang.pick(it, en)
}

pub fn legal_form(lang: Lang, f: LegalForm) -> &'static str {
    match f {
        LegalForm::NotIncorporated => lang.pick("Non ancora costituita", "Not incorporated yet"),
        LegalForm::Srl => lang.pick("S.r.l.", "S.r.l. (limited company)"),
        LegalForm::InnovativeStartup => lang.pick("Startup innovativa", "Innovative startup"),
        LegalForm::Spa => lang.pick("S.p.A.", "S.p.A. (joint-stock company)"),
        LegalForm::Cooperative => lang.pick("Cooperativa", "Cooperative"),
        LegalForm::Other => lang.pick("Altra", "Other"),
    }
}

pub fn cefr(lang: Lang, c: Cefr) -> &'static str {
    match c {
        Cefr::A1 => "A1",
        Cefr::A2 => "A2",
        Cefr::B1 => "B1",
        Cefr::B2 => "B2",
        Cefr::C1 => "C1",
        Cefr::C2 => "C2",
        Cefr::Native => lang.pick("Madrelingua", "Native"),
    }
}

/// An application stage as the API names it (`SUBMITTED`, …).
pub fn application_stage(lang: Lang, stage: ApplicationStage) -> &'static str {
    let t = match stage {
        ApplicationStage::Submitted => T::StageSubmitted,
        ApplicationStage::Screening => T::StageScreening,
        ApplicationStage::Interview => T::StageInterview,
        ApplicationStage::Offered => T::StageOffered,
        ApplicationStage::Waitlisted => T::StageWaitlisted,
        ApplicationStage::Accepted => T::StageAccepted,
        ApplicationStage::Rejected => T::StageRejected,
        ApplicationStage::Withdrawn => T::StageWithdrawn,
    };
    t.get(lang)
}

/// An account's role, as the account page names it.
pub fn role(lang: Lang, role: crocevia_domain::Role) -> &'static str {
    use crocevia_domain::Role;
    match role {
        Role::Talent => lang.pick("Talento", "Talent"),
        Role::Startup => lang.pick("Startup", "Startup"),
        Role::Organisation => lang.pick("Membro di un'organizzazione", "Organisation member"),
        Role::Admin => lang.pick("Amministratore", "Administrator"),
    }
}

/// A language code's name, for the few languages people list most here.
pub fn language_name(lang: Lang, code: &str) -> String {
    crocevia_domain::say::language(lang, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_has_both_languages() {
        for t in T::ALL {
            assert!(!t.get(Lang::It).trim().is_empty(), "{t:?} has no Italian");
            assert!(!t.get(Lang::En).trim().is_empty(), "{t:?} has no English");
        }
    }

    #[test]
    fn interface_is_actually_translated() {
        // Brand names may coincide; most sentences must not.
        let same = T::ALL.iter().filter(|t| t.get(Lang::It) == t.get(Lang::En)).count();
        assert!(same * 10 < T::ALL.len(), "{same} of {} texts are identical in both languages", T::ALL.len());
    }

    #[test]
    fn language_codes_round_trip_and_accept_browser_tags() {
        for lang in [Lang::It, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_code("IT"), Some(Lang::It));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::It.other(), Lang::En);
    }

    #[test]
    fn enum_labels_differ_by_language() {
        assert_eq!(offer_kind(Lang::It, OfferKind::Internship), "Tirocinio");
        assert_eq!(offer_kind(Lang::En, OfferKind::Internship), "Internship");
        assert_eq!(application_stage(Lang::It, ApplicationStage::Interview), "Colloquio");
        assert_eq!(language_name(Lang::En, "it"), "Italian");
        assert_eq!(language_name(Lang::It, "xx"), "XX");
    }
}

/// The label of a facet value from the search API (`sector` + `ict` → "ICT e digitale").
pub fn facet_value(lang: Lang, facet: &str, value: &str) -> String {
    fn parsed<E: serde::de::DeserializeOwned>(value: &str) -> Option<E> {
        serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
    }
    let label = match facet {
        "sector" => Sector::from_key(value).map(|s| sector(lang, s).to_owned()),
        "comune" => crocevia_domain::place::all().iter().find(|c| c.id == value).map(|c| c.name.to_owned()),
        "offer_kind" | "seeking" => parsed(value).map(|k| offer_kind(lang, k).to_owned()),
        "remote" => parsed(value).map(|r| remote(lang, r).to_owned()),
        "contract" => parsed(value).map(|c| contract(lang, c).to_owned()),
        "model" => parsed(value).map(|m| model(lang, m).to_owned()),
        "phase" => parsed(value).map(|p| phase(lang, p).to_owned()),
        "stage" => parsed(value).map(|s| startup_stage(lang, s).to_owned()),
        "legal_form" => parsed(value).map(|f| legal_form(lang, f).to_owned()),
        "employer" => match value {
            "startup" => Some(T::StartupBadge.get(lang).to_owned()),
            "organisation" => Some(lang.pick("Organizzazione", "Organisation").to_owned()),
            _ => None,
        },
        "language" => Some(language_name(lang, value)),
        "deadline" => Some(
            match value {
                "past" => lang.pick("Scaduta", "Past"),
                "within_7_days" => lang.pick("Entro 7 giorni", "Within 7 days"),
                "within_30_days" => lang.pick("Entro 30 giorni", "Within 30 days"),
                "within_90_days" => lang.pick("Entro 90 giorni", "Within 90 days"),
                _ => lang.pick("Più avanti", "Later"),
            }
            .to_owned(),
        ),
        _ => None,
    };
    label.unwrap_or_else(|| value.to_owned())
}

/// The heading of a facet.
pub fn facet_name(lang: Lang, facet: &str) -> &'static str {
    match facet {
        "sector" => T::Sector.get(lang),
        "comune" => T::Comune.get(lang),
        "offer_kind" => T::Kind.get(lang),
        "employer" => T::PostedBy.get(lang),
        "remote" => T::Remote.get(lang),
        "contract" => T::Contract.get(lang),
        "language" => T::Language.get(lang),
        "model" => T::Model.get(lang),
        "phase" => T::Phases.get(lang),
        "stage" => T::Stage.get(lang),
        "deadline" => T::Deadline.get(lang),
        _ => lang.pick("Altro", "Other"),
    }
}

/// A search kind as the URL names it (`offer`) → its plural heading.
pub fn search_kind(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "offer" => T::Offers.get(lang),
        "programme" => T::Programmes.get(lang),
        "startup" => T::Startups.get(lang),
        "talent" => T::Talents.get(lang),
        _ => T::Organisations.get(lang),
    }
}

#[cfg(test)]
mod facet_tests {
    use super::*;

    #[test]
    fn facet_values_get_readable_labels_in_both_languages() {
        assert_eq!(facet_value(Lang::It, "sector", "ict"), "ICT e digitale");
        assert_eq!(facet_value(Lang::En, "offer_kind", "phd_position"), "PhD position");
        assert_eq!(facet_value(Lang::It, "comune", "moncalieri"), "Moncalieri");
        assert_eq!(facet_value(Lang::En, "remote", "hybrid"), "Hybrid");
        assert_eq!(facet_value(Lang::It, "deadline", "within_7_days"), "Entro 7 giorni");
        assert_eq!(facet_value(Lang::En, "sector", "unknown"), "unknown");
    }
}
