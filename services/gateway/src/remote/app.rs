//! [`AppApi`] over HTTP: the profiles process's application service, for a `serve gateway`
//! process in the distributed mode. Each call is one `POST /internal/v1/app` carrying the
//! caller's session (the profiles process resolves the actor itself) and answered with the
//! value or the full [`WireError`]; committed changes arrive on one long-lived stream
//! (`GET /internal/v1/app/notices`, a JSON notice per line) that this client follows and
//! re-opens after a break, for the subscriptions.

use super::{Client, RemoteSettings};
use async_trait::async_trait;
use crocevia_api::{
    AnswerInput, CohortView, DecisionExplanationView, DecisionExportView, DraftView, EntityView, FairnessView, MyData,
    NamedView, OrganisationInput, PostingView, ProfileInput, ProfileView, RankingReplayView, ReviewPacketView,
    ReviewView, SelectionRankingView,
};
use crocevia_api::{WelcomeChecklistInput, WelcomeChecklistView, WelcomeDocumentView};
use crocevia_domain::{Application, ApplicationStage, EntityKind, User};
use crocevia_matching::{Eligibility, Entry, PairView, Side, SkillsGap};
use crocevia_profiles::accounts::Credentials;
use crocevia_profiles::app::wire::{Call, Envelope, NOTICES_PATH, PATH, WireError};
use crocevia_profiles::app::{
    ConflictWith, DecisionNote, NewAccount, PostingInput, Registration, Relation, RubricLine,
};
use crocevia_profiles::saved::SavedSearch;
use crocevia_profiles::{Actor, AppApi, AppError, ChangeNotice, Session, WriteOutcome};
use crocevia_search::{SearchRequest, SearchResults};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use std::net::IpAddr;
use std::time::Duration;
use tokio::sync::broadcast;
use uuid::Uuid;

/// Longest notice line kept while waiting for its end; a longer one breaks the stream (a
/// notice is about 150 bytes).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// The profiles process sends a heartbeat line every 15 s; silence this long means the
/// stream is dead, so it is re-opened.
const SILENCE: Duration = Duration::from_secs(45);
/// Notices held for slow subscribers before they skip ahead (as in-process).
pub const NOTICE_BUFFER: usize = 1024;

#[derive(Debug, Clone)]
pub struct RemoteApp {
    client: Client,
    notices: broadcast::Sender<ChangeNotice>,
}

impl RemoteApp {
    /// A client of the profiles process at `settings.base_url`; starts following its
    /// notices (so call it inside the runtime).
    pub fn start(settings: &RemoteSettings) -> anyhow::Result<Self> {
        Self::following(settings, None)
    }

    /// Like [`RemoteApp::start`]; with `notices` (a replica that follows the profiles topic,
    /// which carries every process's changes), the notices come from there instead of the
    /// profiles process's stream.
    pub fn following(
        settings: &RemoteSettings,
        notices: Option<broadcast::Sender<ChangeNotice>>,
    ) -> anyhow::Result<Self> {
        let client = Client::new(settings)?;
        if let Some(notices) = notices {
            return Ok(Self { client, notices });
        }
        let notices = broadcast::channel(NOTICE_BUFFER).0;
        // The stream has no whole-call timeout (it is meant to last); silence ends it instead.
        let stream_http =
            reqwest::Client::builder().connect_timeout(settings.timeout.min(Duration::from_secs(2))).build()?;
        tokio::spawn(follow_notices(stream_http, client.clone(), notices.clone()));
        Ok(Self { client, notices })
    }

    /// One call on behalf of `session` (the caller's verified token; the profiles process
    /// resolves the actor from it again).
    async fn call<T: DeserializeOwned>(&self, session: Option<Session>, call: Call) -> Result<T, AppError> {
        let op = call.name();
        let envelope = Envelope { session, call };
        let url = self.client.url(PATH).map_err(|_| AppError::Other(anyhow::anyhow!("bad profiles URL")))?;
        let sent = self.client.authorized(self.client.http.post(url.clone())).json(&envelope).send().await;
        let response = sent.map_err(|e| AppError::Unavailable(format!("{url} ({op}): {e}")))?;
        let status = response.status();
        if status.is_success() {
            return response.json::<T>().await.map_err(|e| {
                if e.is_timeout() {
                    AppError::Unavailable(format!("{url} ({op}): {e}"))
                } else {
                    AppError::Other(anyhow::anyhow!("{url} ({op}) answered a body that does not decode: {e}"))
                }
            });
        }
        match response.json::<WireError>().await {
            Ok(error) => Err(error.into()),
            // No error body of ours: a proxy or a process that is not the profiles service.
            Err(_) if status.is_server_error() => Err(AppError::Unavailable(format!("{url} ({op}) answered {status}"))),
            Err(_) => Err(AppError::Other(anyhow::anyhow!("{url} ({op}) answered {status} without an error body"))),
        }
    }
}

/// Follows the notice stream for the life of the process, re-opening it after any break
/// (with a growing pause, at most 10 s). Notices committed while it was down are not
/// replayed: subscriptions are live updates, and clients re-query on reconnect.
async fn follow_notices(http: reqwest::Client, client: Client, notices: broadcast::Sender<ChangeNotice>) {
    let mut pause = Duration::from_millis(200);
    loop {
        match read_notices(&http, &client, &notices).await {
            Ok(()) => pause = Duration::from_millis(200),
            Err(reason) => {
                tracing::warn!(%reason, retry_in_ms = pause.as_millis() as u64, "the profiles notice stream broke")
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(10));
    }
}

async fn read_notices(
    http: &reqwest::Client,
    client: &Client,
    notices: &broadcast::Sender<ChangeNotice>,
) -> Result<(), String> {
    let url = client.url(NOTICES_PATH).map_err(|_| "bad profiles URL".to_owned())?;
    let mut request = http.get(url.clone());
    if let Some(credential) = &client.credential {
        request = request.bearer_auth(credential.expose_secret());
    }
    let mut response = request.send().await.map_err(|e| format!("{url}: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("{url} answered {}", response.status()));
    }
    tracing::info!(%url, "following the profiles process's notices");
    let mut line = Vec::new();
    loop {
        let chunk = match tokio::time::timeout(SILENCE, response.chunk()).await {
            Err(_) => return Err(format!("{url}: no heartbeat for {} s", SILENCE.as_secs())),
            Ok(Err(e)) => return Err(format!("{url}: {e}")),
            Ok(Ok(None)) => return Ok(()),
            Ok(Ok(Some(chunk))) => chunk,
        };
        for byte in chunk {
            if byte != b'\n' {
                line.push(byte);
                if line.len() > MAX_LINE_BYTES {
                    return Err(format!("{url}: a line longer than {MAX_LINE_BYTES} bytes"));
                }
                continue;
            }
            if !line.is_empty() {
                match serde_json::from_slice::<ChangeNotice>(&line) {
                    // No subscriber is fine: nobody is listening right now.
                    Ok(notice) => drop(notices.send(notice)),
                    Err(e) => tracing::warn!(error = %e, "a notice line that does not decode was skipped"),
                }
            }
            line.clear();
        }
    }
}

#[async_trait]
impl AppApi for RemoteApp {
    fn is_remote(&self) -> bool {
        true
    }
    fn notices(&self) -> broadcast::Receiver<ChangeNotice> {
        self.notices.subscribe()
    }
    async fn actor(&self, session: Option<Session>) -> Result<Actor, AppError> {
        if session.is_none() {
            return Ok(Actor::Anonymous);
        }
        self.call(session, Call::Actor).await
    }
    async fn register(&self, input: NewAccount) -> Result<Registration, AppError> {
        self.call(None, Call::Register { input }).await
    }
    async fn confirm_email(&self, token: String) -> Result<(User, Credentials), AppError> {
        self.call(None, Call::ConfirmEmail { token }).await
    }
    async fn request_password_reset(&self, email: String) -> Result<(), AppError> {
        self.call(None, Call::RequestPasswordReset { email }).await
    }
    async fn reset_password(&self, token: String, new: String) -> Result<(User, Credentials), AppError> {
        self.call(None, Call::ResetPassword { token, new }).await
    }
    async fn login(
        &self,
        email: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<(User, Credentials), AppError> {
        self.call(None, Call::Login { email: email.to_owned(), password: password.to_owned(), address }).await
    }
    async fn create_member(
        &self,
        actor: &Actor,
        organisation: Uuid,
        email: &str,
        password: String,
        display_name: &str,
    ) -> Result<User, AppError> {
        let call = Call::CreateMember {
            organisation,
            email: email.to_owned(),
            password,
            display_name: display_name.to_owned(),
        };
        self.call(actor.session(), call).await
    }
    async fn create_organisation(
        &self,
        actor: &Actor,
        organisation: OrganisationInput,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::CreateOrganisation { organisation }).await
    }
    async fn change_password(&self, actor: &Actor, current: &str, new: String) -> Result<Credentials, AppError> {
        self.call(actor.session(), Call::ChangePassword { current: current.to_owned(), new }).await
    }
    async fn log_out_everywhere(&self, actor: &Actor) -> Result<Credentials, AppError> {
        self.call(actor.session(), Call::LogOutEverywhere).await
    }
    async fn save_profile(
        &self,
        actor: &Actor,
        profile: ProfileInput,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::SaveProfile { profile, expected_version }).await
    }
    async fn save_posting(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        posting: PostingInput,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::SavePosting { id, posting, expected_version }).await
    }
    async fn close_posting(
        &self,
        actor: &Actor,
        kind: EntityKind,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::ClosePosting { kind, id, expected_version }).await
    }
    async fn submit_application(
        &self,
        actor: &Actor,
        target: Uuid,
        motivation: String,
        answers: Option<Vec<AnswerInput>>,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::SubmitApplication { target, motivation, answers }).await
    }
    async fn save_draft(
        &self,
        actor: &Actor,
        programme: Uuid,
        motivation: String,
        answers: Vec<AnswerInput>,
    ) -> Result<DraftView, AppError> {
        self.call(actor.session(), Call::SaveDraft { programme, motivation, answers }).await
    }
    async fn my_draft(&self, actor: &Actor, programme: Uuid) -> Result<Option<DraftView>, AppError> {
        self.call(actor.session(), Call::MyDraft { programme }).await
    }
    async fn upload_file(
        &self,
        actor: &Actor,
        name: String,
        content: Vec<u8>,
    ) -> Result<crocevia_api::FileView, AppError> {
        self.call(actor.session(), Call::UploadFile { name, content }).await
    }
    async fn file(&self, actor: &Actor, id: Uuid) -> Result<crocevia_profiles::app::FileContent, AppError> {
        self.call(actor.session(), Call::File { id }).await
    }
    async fn decide(
        &self,
        actor: &Actor,
        id: Uuid,
        stage: ApplicationStage,
        expected_version: Option<u64>,
        note: DecisionNote,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::Decide { id, stage, expected_version, note }).await
    }
    async fn score_application(
        &self,
        actor: &Actor,
        id: Uuid,
        rubric: Vec<RubricLine>,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::ScoreApplication { id, rubric, expected_version }).await
    }
    async fn declare_conflict(&self, actor: &Actor, with: ConflictWith, reason: String) -> Result<(), AppError> {
        self.call(actor.session(), Call::DeclareConflict { with, reason }).await
    }
    async fn set_review_panel(
        &self,
        actor: &Actor,
        programme: Uuid,
        reviewers: Vec<Uuid>,
        blind_first_round: bool,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        let call = Call::SetReviewPanel { programme, reviewers, blind_first_round, expected_version };
        self.call(actor.session(), call).await
    }
    async fn end_blind_round(
        &self,
        actor: &Actor,
        programme: Uuid,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::EndBlindRound { programme, expected_version }).await
    }
    async fn assign_reviewers(&self, actor: &Actor, id: Uuid, reviewers: Vec<Uuid>) -> Result<(), AppError> {
        self.call(actor.session(), Call::AssignReviewers { id, reviewers }).await
    }
    async fn application_reviews(&self, actor: &Actor, id: Uuid) -> Result<Vec<ReviewView>, AppError> {
        self.call(actor.session(), Call::ApplicationReviews { id }).await
    }
    async fn review_queue(&self, actor: &Actor) -> Result<Vec<ReviewPacketView>, AppError> {
        self.call(actor.session(), Call::ReviewQueue).await
    }
    async fn selection_ranking(&self, actor: &Actor, programme: Uuid) -> Result<SelectionRankingView, AppError> {
        self.call(actor.session(), Call::SelectionRanking { programme }).await
    }
    async fn cohort(&self, actor: &Actor, programme: Uuid) -> Result<CohortView, AppError> {
        self.call(actor.session(), Call::Cohort { programme }).await
    }
    async fn decision_records(&self, actor: &Actor, target: Uuid) -> Result<DecisionExportView, AppError> {
        self.call(actor.session(), Call::DecisionRecords { target }).await
    }
    async fn my_decision(&self, actor: &Actor, application: Uuid) -> Result<DecisionExplanationView, AppError> {
        self.call(actor.session(), Call::MyDecision { application }).await
    }
    async fn replay_ranking(&self, actor: &Actor, id: Uuid) -> Result<RankingReplayView, AppError> {
        self.call(actor.session(), Call::ReplayRanking { id }).await
    }
    async fn fairness(&self, actor: &Actor, target: Uuid) -> Result<FairnessView, AppError> {
        self.call(actor.session(), Call::Fairness { target }).await
    }
    async fn organisation_members(&self, actor: &Actor, organisation: Uuid) -> Result<Vec<NamedView>, AppError> {
        self.call(actor.session(), Call::OrganisationMembers { organisation }).await
    }
    async fn my_check_ins(&self, actor: &Actor) -> Result<Vec<crocevia_api::CheckInView>, AppError> {
        self.call(actor.session(), Call::MyCheckIns).await
    }
    async fn answer_check_in(
        &self,
        actor: &Actor,
        answer: crocevia_api::CheckInAnswer,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::AnswerCheckIn { answer }).await
    }
    async fn my_consents(&self, actor: &Actor) -> Result<Vec<crocevia_api::ConsentView>, AppError> {
        self.call(actor.session(), Call::MyConsents).await
    }
    async fn set_consent(
        &self,
        actor: &Actor,
        purpose: crocevia_domain::ConsentPurpose,
        granted: bool,
    ) -> Result<WriteOutcome, AppError> {
        self.call(actor.session(), Call::SetConsent { purpose, granted }).await
    }
    async fn save_search(&self, actor: &Actor, name: &str, request: SearchRequest) -> Result<Uuid, AppError> {
        self.call(actor.session(), Call::SaveSearch { name: name.to_owned(), request }).await
    }
    async fn export(&self, actor: &Actor) -> Result<MyData, AppError> {
        self.call(actor.session(), Call::Export).await
    }
    async fn erase(&self, actor: &Actor) -> Result<u64, AppError> {
        self.call(actor.session(), Call::Erase).await
    }
    async fn welcome_checklist(
        &self,
        actor: &Actor,
        application: Uuid,
    ) -> Result<Option<WelcomeChecklistView>, AppError> {
        self.call(actor.session(), Call::WelcomeChecklist { application }).await
    }
    async fn tick_welcome_step(
        &self,
        actor: &Actor,
        application: Uuid,
        step: String,
        done: bool,
    ) -> Result<WelcomeChecklistView, AppError> {
        self.call(actor.session(), Call::TickWelcomeStep { application, step, done }).await
    }
    async fn welcome_document(&self, actor: &Actor) -> Result<WelcomeDocumentView, AppError> {
        self.call(actor.session(), Call::WelcomeDocument).await
    }
    async fn update_welcome_checklist(
        &self,
        actor: &Actor,
        document: WelcomeChecklistInput,
    ) -> Result<WelcomeDocumentView, AppError> {
        self.call(actor.session(), Call::UpdateWelcomeChecklist { document }).await
    }
    async fn owned_subjects(&self, actor: &Actor) -> Result<Vec<Uuid>, AppError> {
        self.call(actor.session(), Call::OwnedSubjects).await
    }
    async fn applications(&self, actor: &Actor) -> Result<Vec<Application>, AppError> {
        self.call(actor.session(), Call::Applications).await
    }
    async fn application(&self, actor: &Actor, id: Uuid) -> Result<(Application, u64, Relation), AppError> {
        self.call(actor.session(), Call::Application { id }).await
    }
    async fn entity(&self, actor: &Actor, kind: EntityKind, id: Uuid) -> Result<EntityView, AppError> {
        self.call(actor.session(), Call::Entity { kind, id }).await
    }
    async fn my_profile(&self, actor: &Actor) -> Result<Option<ProfileView>, AppError> {
        self.call(actor.session(), Call::MyProfile).await
    }
    async fn my_postings(&self, actor: &Actor) -> Result<Vec<PostingView>, AppError> {
        self.call(actor.session(), Call::MyPostings).await
    }
    async fn search(&self, actor: &Actor, request: SearchRequest) -> Result<SearchResults, AppError> {
        self.call(actor.session(), Call::Search { request }).await
    }
    async fn matches(&self, actor: &Actor, subject: Uuid) -> Result<(Side, Vec<Entry>), AppError> {
        self.call(actor.session(), Call::Matches { subject }).await
    }
    async fn eligibility(&self, actor: &Actor, startup: Uuid, programme: Uuid) -> Result<Eligibility, AppError> {
        self.call(actor.session(), Call::Eligibility { startup, programme }).await
    }
    async fn my_match_with(&self, actor: &Actor, target: Uuid) -> Result<PairView, AppError> {
        self.call(actor.session(), Call::MyMatchWith { target }).await
    }
    async fn my_skills_gap(&self, actor: &Actor) -> Result<SkillsGap, AppError> {
        self.call(actor.session(), Call::MySkillsGap).await
    }
    async fn application_match(&self, actor: &Actor, id: Uuid) -> Result<PairView, AppError> {
        self.call(actor.session(), Call::ApplicationMatch { id }).await
    }
    async fn saved_searches(&self, actor: &Actor) -> Result<Vec<SavedSearch>, AppError> {
        self.call(actor.session(), Call::SavedSearches).await
    }
    async fn saved_search(&self, actor: &Actor, id: Uuid) -> Result<SearchRequest, AppError> {
        self.call(actor.session(), Call::SavedSearch { id }).await
    }
    async fn run_saved(&self, actor: &Actor, id: Uuid) -> Result<SearchResults, AppError> {
        self.call(actor.session(), Call::RunSaved { id }).await
    }
    async fn title(&self, kind: EntityKind, id: Uuid) -> Result<String, AppError> {
        self.call(None, Call::Title { kind, id }).await
    }
}
