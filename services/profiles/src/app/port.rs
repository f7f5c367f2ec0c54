//! [`AppApi`]: the application boundary as the doors see it. The embedded mode and the
//! profiles process implement it with [`App`] itself; a `serve gateway` process in the
//! distributed mode implements it with an HTTP client of the profiles process (the gateway's
//! `RemoteApp`), so GraphQL, REST and subscriptions never know which one they call, as with
//! `SearchApi` and `MatchingApi`.

use super::{
    Actor, App, AppError, ConflictWith, DecisionNote, NewAccount, PostingInput, Registration, Relation, RubricLine,
    Session,
};
use crate::accounts::Credentials;
use crate::saved::SavedSearch;
use crate::service::{ChangeNotice, WriteOutcome};
use async_trait::async_trait;
use crocevia_api::{
    AnswerInput, CohortView, DecisionExplanationView, DecisionExportView, DraftView, EntityView, FairnessView, MyData,
    NamedView, OrganisationInput, PostingView, ProfileInput, ProfileView, RankingReplayView, ReviewPacketView,
    ReviewView, SelectionRankingView,
};
use crocevia_api::{CheckInAnswer, CheckInView, ConsentView};
use crocevia_api::{WelcomeChecklistInput, WelcomeChecklistView, WelcomeDocumentView};
use crocevia_domain::{Application, ApplicationStage, ConsentPurpose, EntityKind, User};
use crocevia_matching::{Eligibility, Entry, PairView, Side, SkillsGap};
use crocevia_search::{SearchRequest, SearchResults};
use std::net::IpAddr;
use tokio::sync::broadcast;
use uuid::Uuid;

/// Declares [`AppApi`] from the list of [`App`]'s methods, and implements it for `App` by
/// calling each of them: the signatures are written once, here.
macro_rules! app_api {
    ($(async fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        /// Every command and query of the application service; see the methods of [`App`]
        /// for what each one decides.
        #[async_trait]
        pub trait AppApi: Send + Sync + std::fmt::Debug {
            /// True when the service runs in another process (calls cross the network).
            fn is_remote(&self) -> bool;
            /// Committed changes from now on (for live updates); a slow receiver skips ahead.
            fn notices(&self) -> broadcast::Receiver<ChangeNotice>;
            $(async fn $name(&self $(, $arg: $ty)*) -> Result<$ret, AppError>;)*
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
            $(async fn $name(&self $(, $arg: $ty)*) -> Result<$ret, AppError> {
                App::$name(self $(, $arg)*).await
            })*
        }
    };
}

app_api! {
    async fn actor(&self, session: Option<Session>) -> Actor;
    async fn register(&self, input: NewAccount) -> Registration;
    async fn confirm_email(&self, token: String) -> (User, Credentials);
    async fn request_password_reset(&self, email: String) -> ();
    async fn reset_password(&self, token: String, new: String) -> (User, Credentials);
    async fn login(&self, email: &str, password: &str, address: Option<IpAddr>) -> (User, Credentials);
    async fn create_member(
        &self,
        actor: &Actor,
        organisation: Uuid,
        email: &str,
        password: String,
        display_name: &str
    ) -> User;
    async fn create_organisation(&self, actor: &Actor, organisation: OrganisationInput) -> WriteOutcome;
    async fn change_password(&self, actor: &Actor, current: &str, new: String) -> Credentials;
    async fn log_out_everywhere(&self, actor: &Actor) -> Credentials;
    async fn save_profile(&self, actor: &Actor, profile: ProfileInput, expected_version: Option<u64>) -> WriteOutcome;
    async fn save_posting(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        posting: PostingInput,
        expected_version: Option<u64>
    ) -> WriteOutcome;
    async fn close_posting(&self, actor: &Actor, kind: EntityKind, id: Uuid, expected_version: Option<u64>) -> WriteOutcome;
    async fn submit_application(
        &self,
        actor: &Actor,
        target: Uuid,
        motivation: String,
        answers: Option<Vec<AnswerInput>>
    ) -> WriteOutcome;
    async fn save_draft(
        &self,
        actor: &Actor,
        programme: Uuid,
        motivation: String,
        answers: Vec<AnswerInput>
    ) -> DraftView;
    async fn my_draft(&self, actor: &Actor, programme: Uuid) -> Option<DraftView>;
    async fn upload_file(&self, actor: &Actor, name: String, content: Vec<u8>) -> crocevia_api::FileView;
    async fn file(&self, actor: &Actor, id: Uuid) -> super::FileContent;
    async fn decide(
        &self,
        actor: &Actor,
        id: Uuid,
        stage: ApplicationStage,
        expected_version: Option<u64>,
        note: DecisionNote
    ) -> WriteOutcome;
    async fn score_application(
        &self,
        actor: &Actor,
        id: Uuid,
        rubric: Vec<RubricLine>,
        expected_version: Option<u64>
    ) -> WriteOutcome;
    async fn declare_conflict(&self, actor: &Actor, with: ConflictWith, reason: String) -> ();
    async fn set_review_panel(
        &self,
        actor: &Actor,
        programme: Uuid,
        reviewers: Vec<Uuid>,
        blind_first_round: bool,
        expected_version: Option<u64>
    ) -> WriteOutcome;
    async fn end_blind_round(&self, actor: &Actor, programme: Uuid, expected_version: Option<u64>) -> WriteOutcome;
    async fn assign_reviewers(&self, actor: &Actor, id: Uuid, reviewers: Vec<Uuid>) -> ();
    async fn application_reviews(&self, actor: &Actor, id: Uuid) -> Vec<ReviewView>;
    async fn review_queue(&self, actor: &Actor) -> Vec<ReviewPacketView>;
    async fn selection_ranking(&self, actor: &Actor, programme: Uuid) -> SelectionRankingView;
    async fn cohort(&self, actor: &Actor, programme: Uuid) -> CohortView;
    async fn decision_records(&self, actor: &Actor, target: Uuid) -> DecisionExportView;
    async fn my_decision(&self, actor: &Actor, application: Uuid) -> DecisionExplanationView;
    async fn replay_ranking(&self, actor: &Actor, id: Uuid) -> RankingReplayView;
    async fn fairness(&self, actor: &Actor, target: Uuid) -> FairnessView;
    async fn organisation_members(&self, actor: &Actor, organisation: Uuid) -> Vec<NamedView>;
    async fn my_check_ins(&self, actor: &Actor) -> Vec<CheckInView>;
    async fn answer_check_in(&self, actor: &Actor, answer: CheckInAnswer) -> WriteOutcome;
    async fn my_consents(&self, actor: &Actor) -> Vec<ConsentView>;
    async fn set_consent(&self, actor: &Actor, purpose: ConsentPurpose, granted: bool) -> WriteOutcome;
    async fn save_search(&self, actor: &Actor, name: &str, request: SearchRequest) -> Uuid;
    async fn export(&self, actor: &Actor) -> MyData;
    async fn erase(&self, actor: &Actor) -> u64;
    async fn owned_subjects(&self, actor: &Actor) -> Vec<Uuid>;
    async fn applications(&self, actor: &Actor) -> Vec<Application>;
    async fn application(&self, actor: &Actor, id: Uuid) -> (Application, u64, Relation);
    async fn entity(&self, actor: &Actor, kind: EntityKind, id: Uuid) -> EntityView;
    async fn my_profile(&self, actor: &Actor) -> Option<ProfileView>;
    async fn my_postings(&self, actor: &Actor) -> Vec<PostingView>;
    async fn search(&self, actor: &Actor, request: SearchRequest) -> SearchResults;
    async fn matches(&self, actor: &Actor, subject: Uuid) -> (Side, Vec<Entry>);
    async fn eligibility(&self, actor: &Actor, startup: Uuid, programme: Uuid) -> Eligibility;
    async fn my_match_with(&self, actor: &Actor, target: Uuid) -> PairView;
    async fn my_skills_gap(&self, actor: &Actor) -> SkillsGap;
    async fn application_match(&self, actor: &Actor, id: Uuid) -> PairView;
    async fn saved_searches(&self, actor: &Actor) -> Vec<SavedSearch>;
    async fn saved_search(&self, actor: &Actor, id: Uuid) -> SearchRequest;
    async fn run_saved(&self, actor: &Actor, id: Uuid) -> SearchResults;
    async fn title(&self, kind: EntityKind, id: Uuid) -> String;
    async fn welcome_checklist(&self, actor: &Actor, application: Uuid) -> Option<WelcomeChecklistView>;
    async fn tick_welcome_step(
        &self,
        actor: &Actor,
        application: Uuid,
        step: String,
        done: bool
    ) -> WelcomeChecklistView;
    async fn welcome_document(&self, actor: &Actor) -> WelcomeDocumentView;
    async fn update_welcome_checklist(&self, actor: &Actor, document: WelcomeChecklistInput) -> WelcomeDocumentView;
}
