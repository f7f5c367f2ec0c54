//! [`AppApi`]: the application boundary as the doors see it. The embedded mode and the
//! profiles process implement it with [`App`] itself; a `serve gateway` process in the
//! distributed mode implements it with an HTTP client of the profiles process (the gateway's
//! `RemoteApp`), so GraphQL, REST and subscriptions never know which one they call, as with
//! `SearchApi` and `MatchingApi`.

use super::{Actor, App, AppError, NewAccount, PostingInput, Relation, RubricLine, Session};
use crate::accounts::Credentials;
use crate::saved::SavedSearch;
use crate::service::{ChangeNotice, WriteOutcome};
use async_trait::async_trait;
use crocevia_api::{EntityView, MyData, OrganisationInput, PostingView, ProfileInput, ProfileView};
use crocevia_domain::{Application, ApplicationStage, EntityKind, User};
use crocevia_matching::{Eligibility, Entry, PairView, Side};
use crocevia_search::{SearchRequest, SearchResults};
use std::net::IpAddr;
use tokio::sync::broadcast;
use uuid::Uuid;

/// Every command and query of the application service; see the methods of [`App`] for what
/// each one decides.
#[async_trait]
pub trait AppApi: Send + Sync + std::fmt::Debug {
    /// True when the service runs in another process (calls cross the network).
    fn is_remote(&self) -> bool;
    /// Committed changes from now on (for live updates); a slow receiver skips ahead.
    fn notices(&self) -> broadcast::Receiver<ChangeNotice>;

    async fn actor(&self, session: Option<Session>) -> Result<Actor, AppError>;
    async fn register(&self, input: NewAccount) -> Result<(User, Credentials), AppError>;
    async fn login(
        &self,
        email: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<(User, Credentials), AppError>;
    async fn create_member(
        &self,
        actor: &Actor,
        organisation: Uuid,
        email: &str,
        password: String,
        display_name: &str,
    ) -> Result<User, AppError>;
    async fn create_organisation(
        &self,
        actor: &Actor,
        organisation: OrganisationInput,
    ) -> Result<WriteOutcome, AppError>;
    async fn change_password(&self, actor: &Actor, current: &str, new: String) -> Result<Credentials, AppError>;
    async fn log_out_everywhere(&self, actor: &Actor) -> Result<Credentials, AppError>;
    async fn save_profile(
        &self,
        actor: &Actor,
        profile: ProfileInput,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError>;
    async fn save_posting(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        posting: PostingInput,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError>;
    async fn close_posting(
        &self,
        actor: &Actor,
        kind: EntityKind,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError>;
    async fn apply(&self, actor: &Actor, target: Uuid, motivation: String) -> Result<WriteOutcome, AppError>;
    async fn move_application(
        &self,
        actor: &Actor,
        id: Uuid,
        stage: ApplicationStage,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError>;
    async fn score_application(
        &self,
        actor: &Actor,
        id: Uuid,
        rubric: Vec<RubricLine>,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError>;
    async fn save_search(&self, actor: &Actor, name: &str, request: SearchRequest) -> Result<Uuid, AppError>;
    async fn export(&self, actor: &Actor) -> Result<MyData, AppError>;
    async fn erase(&self, actor: &Actor) -> Result<u64, AppError>;

    async fn owned_subjects(&self, actor: &Actor) -> Result<Vec<Uuid>, AppError>;
    async fn applications(&self, actor: &Actor) -> Result<Vec<Application>, AppError>;
    async fn application(&self, actor: &Actor, id: Uuid) -> Result<(Application, u64, Relation), AppError>;
    async fn entity(&self, actor: &Actor, kind: EntityKind, id: Uuid) -> Result<EntityView, AppError>;
    async fn my_profile(&self, actor: &Actor) -> Result<Option<ProfileView>, AppError>;
    async fn my_postings(&self, actor: &Actor) -> Result<Vec<PostingView>, AppError>;
    async fn search(&self, actor: &Actor, request: SearchRequest) -> Result<SearchResults, AppError>;
    async fn matches(&self, actor: &Actor, subject: Uuid) -> Result<(Side, Vec<Entry>), AppError>;
    async fn eligibility(&self, actor: &Actor, startup: Uuid, programme: Uuid) -> Result<Eligibility, AppError>;
    async fn my_match_with(&self, actor: &Actor, target: Uuid) -> Result<PairView, AppError>;
    async fn application_match(&self, actor: &Actor, id: Uuid) -> Result<PairView, AppError>;
    async fn saved_searches(&self, actor: &Actor) -> Result<Vec<SavedSearch>, AppError>;
    async fn saved_search(&self, actor: &Actor, id: Uuid) -> Result<SearchRequest, AppError>;
    async fn run_saved(&self, actor: &Actor, id: Uuid) -> Result<SearchResults, AppError>;
    async fn title(&self, kind: EntityKind, id: Uuid) -> Result<String, AppError>;
}

/// The in-process implementation: each method is [`App`]'s own.
#[async_trait]
impl AppApi for App {
    fn is_remote(&self) -> bool {
        false
    }
    fn notices(&self) -> broadcast::Receiver<ChangeNotice> {
        self.profiles.notices()
    }
    async fn actor(&self, session: Option<Session>) -> Result<Actor, AppError> {
        App::actor(self, session).await
    }
    async fn register(&self, input: NewAccount) -> Result<(User, Credentials), AppError> {
        App::register(self, input).await
    }
    async fn login(
        &self,
        email: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<(User, Credentials), AppError> {
        App::login(self, email, password, address).await
    }
    async fn create_member(
        &self,
        actor: &Actor,
        organisation: Uuid,
        email: &str,
        password: String,
        display_name: &str,
    ) -> Result<User, AppError> {
        App::create_member(self, actor, organisation, email, password, display_name).await
    }
    async fn create_organisation(
        &self,
        actor: &Actor,
        organisation: OrganisationInput,
    ) -> Result<WriteOutcome, AppError> {
        App::create_organisation(self, actor, organisation).await
    }
    async fn change_password(&self, actor: &Actor, current: &str, new: String) -> Result<Credentials, AppError> {
        App::change_password(self, actor, current, new).await
    }
    async fn log_out_everywhere(&self, actor: &Actor) -> Result<Credentials, AppError> {
        App::log_out_everywhere(self, actor).await
    }
    async fn save_profile(
        &self,
        actor: &Actor,
        profile: ProfileInput,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        App::save_profile(self, actor, profile, expected_version).await
    }
    async fn save_posting(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        posting: PostingInput,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        App::save_posting(self, actor, id, posting, expected_version).await
    }
    async fn close_posting(
        &self,
        actor: &Actor,
        kind: EntityKind,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        App::close_posting(self, actor, kind, id, expected_version).await
    }
    async fn apply(&self, actor: &Actor, target: Uuid, motivation: String) -> Result<WriteOutcome, AppError> {
        App::apply(self, actor, target, motivation).await
    }
    async fn move_application(
        &self,
        actor: &Actor,
        id: Uuid,
        stage: ApplicationStage,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        App::move_application(self, actor, id, stage, expected_version).await
    }
    async fn score_application(
        &self,
        actor: &Actor,
        id: Uuid,
        rubric: Vec<RubricLine>,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        App::score_application(self, actor, id, rubric, expected_version).await
    }
    async fn save_search(&self, actor: &Actor, name: &str, request: SearchRequest) -> Result<Uuid, AppError> {
        App::save_search(self, actor, name, request).await
    }
    async fn export(&self, actor: &Actor) -> Result<MyData, AppError> {
        App::export(self, actor).await
    }
    async fn erase(&self, actor: &Actor) -> Result<u64, AppError> {
        App::erase(self, actor).await
    }
    async fn owned_subjects(&self, actor: &Actor) -> Result<Vec<Uuid>, AppError> {
        App::owned_subjects(self, actor).await
    }
    async fn applications(&self, actor: &Actor) -> Result<Vec<Application>, AppError> {
        App::applications(self, actor).await
    }
    async fn application(&self, actor: &Actor, id: Uuid) -> Result<(Application, u64, Relation), AppError> {
        App::application(self, actor, id).await
    }
    async fn entity(&self, actor: &Actor, kind: EntityKind, id: Uuid) -> Result<EntityView, AppError> {
        App::entity(self, actor, kind, id).await
    }
    async fn my_profile(&self, actor: &Actor) -> Result<Option<ProfileView>, AppError> {
        App::my_profile(self, actor).await
    }
    async fn my_postings(&self, actor: &Actor) -> Result<Vec<PostingView>, AppError> {
        App::my_postings(self, actor).await
    }
    async fn search(&self, actor: &Actor, request: SearchRequest) -> Result<SearchResults, AppError> {
        App::search(self, actor, request).await
    }
    async fn matches(&self, actor: &Actor, subject: Uuid) -> Result<(Side, Vec<Entry>), AppError> {
        App::matches(self, actor, subject).await
    }
    async fn eligibility(&self, actor: &Actor, startup: Uuid, programme: Uuid) -> Result<Eligibility, AppError> {
        App::eligibility(self, actor, startup, programme).await
    }
    async fn my_match_with(&self, actor: &Actor, target: Uuid) -> Result<PairView, AppError> {
        App::my_match_with(self, actor, target).await
    }
    async fn application_match(&self, actor: &Actor, id: Uuid) -> Result<PairView, AppError> {
        App::application_match(self, actor, id).await
    }
    async fn saved_searches(&self, actor: &Actor) -> Result<Vec<SavedSearch>, AppError> {
        App::saved_searches(self, actor).await
    }
    async fn saved_search(&self, actor: &Actor, id: Uuid) -> Result<SearchRequest, AppError> {
        App::saved_search(self, actor, id).await
    }
    async fn run_saved(&self, actor: &Actor, id: Uuid) -> Result<SearchResults, AppError> {
        App::run_saved(self, actor, id).await
    }
    async fn title(&self, kind: EntityKind, id: Uuid) -> Result<String, AppError> {
        App::title(self, kind, id).await
    }
}
