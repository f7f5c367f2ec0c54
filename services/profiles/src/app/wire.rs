//! The application service's wire form, for the distributed mode: a gateway sends one
//! [`Envelope`] per call to the profiles process (`POST /internal/v1/app`, behind the service
//! credential), which [`dispatch`]es it to its own [`AppApi`] and answers the value or a
//! [`WireError`] that keeps every detail of the [`AppError`] (field, reasons, current
//! version, retry delay), so a client sees the same error at every door in both modes.
//!
//! The envelope carries the caller's session, never an actor: the profiles process resolves
//! who asks itself, on every call, so a token ends with its account there too.

use super::{AppApi, AppError, ConflictWith, DecisionNote, NewAccount, PostingInput, RubricLine, Session};
use crocevia_api::{AnswerInput, OrganisationInput, ProfileInput, WelcomeChecklistInput};
use crocevia_domain::{ApplicationStage, EntityKind};
use crocevia_kit::ErrorCode;
use crocevia_search::SearchRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::net::IpAddr;
use std::time::Duration;
use uuid::Uuid;

/// The path of the one internal endpoint, below the process's base URL.
pub const PATH: &str = "internal/v1/app";
/// The stream of committed changes (one JSON [`ChangeNotice`](crate::ChangeNotice) per line).
pub const NOTICES_PATH: &str = "internal/v1/app/notices";

/// One call: who asks (their verified token's session, if any) and what.
#[derive(Serialize, Deserialize)]
pub struct Envelope {
    pub session: Option<Session>,
    #[serde(flatten)]
    pub call: Call,
}

/// Every method of [`AppApi`] but the local-only ones, with its arguments. Its `Debug` shows
/// the operation only: some carry passwords.
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Call {
    Actor,
    Register {
        input: NewAccount,
    },
    ConfirmEmail {
        token: String,
    },
    RequestPasswordReset {
        email: String,
    },
    ResetPassword {
        token: String,
        new: String,
    },
    Login {
        email: String,
        password: String,
        address: Option<IpAddr>,
    },
    CreateMember {
        organisation: Uuid,
        email: String,
        password: String,
        display_name: String,
    },
    CreateOrganisation {
        organisation: OrganisationInput,
    },
    ChangePassword {
        current: String,
        new: String,
    },
    LogOutEverywhere,
    SaveProfile {
        profile: ProfileInput,
        expected_version: Option<u64>,
    },
    SavePosting {
        id: Option<Uuid>,
        posting: PostingInput,
        expected_version: Option<u64>,
    },
    ClosePosting {
        kind: EntityKind,
        id: Uuid,
        expected_version: Option<u64>,
    },
    SubmitApplication {
        target: Uuid,
        motivation: String,
        answers: Option<Vec<AnswerInput>>,
    },
    SaveDraft {
        programme: Uuid,
        motivation: String,
        answers: Vec<AnswerInput>,
    },
    MyDraft {
        programme: Uuid,
    },
    UploadFile {
        name: String,
        #[serde(with = "super::base64_bytes")]
        content: Vec<u8>,
    },
    File {
        id: Uuid,
    },
    Decide {
        id: Uuid,
        stage: ApplicationStage,
        expected_version: Option<u64>,
        note: DecisionNote,
    },
    ScoreApplication {
        id: Uuid,
        rubric: Vec<RubricLine>,
        expected_version: Option<u64>,
    },
    DeclareConflict {
        with: ConflictWith,
        reason: String,
    },
    SetReviewPanel {
        programme: Uuid,
        reviewers: Vec<Uuid>,
        blind_first_round: bool,
        expected_version: Option<u64>,
    },
    EndBlindRound {
        programme: Uuid,
        expected_version: Option<u64>,
    },
    AssignReviewers {
        id: Uuid,
        reviewers: Vec<Uuid>,
    },
    ApplicationReviews {
        id: Uuid,
    },
    ReviewQueue,
    SelectionRanking {
        programme: Uuid,
    },
    Cohort {
        programme: Uuid,
    },
    DecisionRecords {
        target: Uuid,
    },
    MyDecision {
        application: Uuid,
    },
    ReplayRanking {
        id: Uuid,
    },
    Fairness {
        target: Uuid,
    },
    OrganisationMembers {
        organisation: Uuid,
    },
    MyCheckIns,
    AnswerCheckIn {
        answer: crocevia_api::CheckInAnswer,
    },
    MyConsents,
    SetConsent {
        purpose: crocevia_domain::ConsentPurpose,
        granted: bool,
    },
    SaveSearch {
        name: String,
        request: SearchRequest,
    },
    Export,
    Erase,
    OwnedSubjects,
    Applications,
    Application {
        id: Uuid,
    },
    Entity {
        kind: EntityKind,
        id: Uuid,
    },
    MyProfile,
    MyPostings,
    Search {
        request: SearchRequest,
    },
    Matches {
        subject: Uuid,
    },
    Eligibility {
        startup: Uuid,
        programme: Uuid,
    },
    MyMatchWith {
        target: Uuid,
    },
    MySkillsGap,
    ApplicationMatch {
        id: Uuid,
    },
    SavedSearches,
    SavedSearch {
        id: Uuid,
    },
    RunSaved {
        id: Uuid,
    },
    Title {
        kind: EntityKind,
        id: Uuid,
    },
    WelcomeChecklist {
        application: Uuid,
    },
    TickWelcomeStep {
        application: Uuid,
        step: String,
        done: bool,
    },
    WelcomeDocument,
    UpdateWelcomeChecklist {
        document: WelcomeChecklistInput,
    },
}

/// Only the operation: arguments may hold passwords and personal data.
impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Envelope").field("session", &self.session).field("call", &self.call).finish()
    }
}

impl Call {
    /// The operation's name, for logs and metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Actor => "actor",
            Self::Register { .. } => "register",
            Self::ConfirmEmail { .. } => "confirm_email",
            Self::RequestPasswordReset { .. } => "request_password_reset",
            Self::ResetPassword { .. } => "reset_password",
            Self::Login { .. } => "login",
            Self::CreateMember { .. } => "create_member",
            Self::CreateOrganisation { .. } => "create_organisation",
            Self::ChangePassword { .. } => "change_password",
            Self::LogOutEverywhere => "log_out_everywhere",
            Self::SaveProfile { .. } => "save_profile",
            Self::SavePosting { .. } => "save_posting",
            Self::ClosePosting { .. } => "close_posting",
            Self::SubmitApplication { .. } => "submit_application",
            Self::SaveDraft { .. } => "save_draft",
            Self::MyDraft { .. } => "my_draft",
            Self::UploadFile { .. } => "upload_file",
            Self::File { .. } => "file",
            Self::Decide { .. } => "decide",
            Self::ScoreApplication { .. } => "score_application",
            Self::DeclareConflict { .. } => "declare_conflict",
            Self::SetReviewPanel { .. } => "set_review_panel",
            Self::EndBlindRound { .. } => "end_blind_round",
            Self::AssignReviewers { .. } => "assign_reviewers",
            Self::ApplicationReviews { .. } => "application_reviews",
            Self::ReviewQueue => "review_queue",
            Self::SelectionRanking { .. } => "selection_ranking",
            Self::Cohort { .. } => "cohort",
            Self::DecisionRecords { .. } => "decision_records",
            Self::MyDecision { .. } => "my_decision",
            Self::ReplayRanking { .. } => "replay_ranking",
            Self::Fairness { .. } => "fairness",
            Self::OrganisationMembers { .. } => "organisation_members",
            Self::MyCheckIns => "my_check_ins",
            Self::AnswerCheckIn { .. } => "answer_check_in",
            Self::MyConsents => "my_consents",
            Self::SetConsent { .. } => "set_consent",
            Self::SaveSearch { .. } => "save_search",
            Self::Export => "export",
            Self::Erase => "erase",
            Self::OwnedSubjects => "owned_subjects",
            Self::Applications => "applications",
            Self::Application { .. } => "application",
            Self::Entity { .. } => "entity",
            Self::MyProfile => "my_profile",
            Self::MyPostings => "my_postings",
            Self::Search { .. } => "search",
            Self::Matches { .. } => "matches",
            Self::Eligibility { .. } => "eligibility",
            Self::MyMatchWith { .. } => "my_match_with",
            Self::MySkillsGap => "my_skills_gap",
            Self::ApplicationMatch { .. } => "application_match",
            Self::SavedSearches => "saved_searches",
            Self::SavedSearch { .. } => "saved_search",
            Self::RunSaved { .. } => "run_saved",
            Self::Title { .. } => "title",
            Self::WelcomeChecklist { .. } => "welcome_checklist",
            Self::TickWelcomeStep { .. } => "tick_welcome_step",
            Self::WelcomeDocument => "welcome_document",
            Self::UpdateWelcomeChecklist { .. } => "update_welcome_checklist",
        }
    }
}

fn json<T: Serialize>(value: Result<T, AppError>) -> Result<Value, AppError> {
    serde_json::to_value(value?).map_err(|e| AppError::Other(anyhow::anyhow!("encoding the answer: {e}")))
}

/// Runs one call against `app`, resolving the actor from the envelope's session first (calls
/// that need no actor skip it).
pub async fn dispatch(app: &dyn AppApi, envelope: Envelope) -> Result<Value, AppError> {
    let actor = match &envelope.call {
        Call::Register { .. }
        | Call::ConfirmEmail { .. }
        | Call::RequestPasswordReset { .. }
        | Call::ResetPassword { .. }
        | Call::Login { .. }
        | Call::Title { .. } => super::Actor::Anonymous,
        _ => app.actor(envelope.session).await?,
    };
    let a = &actor;
    match envelope.call {
        Call::Actor => json(Ok(a)),
        Call::Register { input } => json(app.register(input).await),
        Call::ConfirmEmail { token } => json(app.confirm_email(token).await),
        Call::RequestPasswordReset { email } => json(app.request_password_reset(email).await),
        Call::ResetPassword { token, new } => json(app.reset_password(token, new).await),
        Call::Login { email, password, address } => json(app.login(&email, &password, address).await),
        Call::CreateMember { organisation, email, password, display_name } => {
            json(app.create_member(a, organisation, &email, password, &display_name).await)
        }
        Call::CreateOrganisation { organisation } => json(app.create_organisation(a, organisation).await),
        Call::ChangePassword { current, new } => json(app.change_password(a, &current, new).await),
        Call::LogOutEverywhere => json(app.log_out_everywhere(a).await),
        Call::SaveProfile { profile, expected_version } => json(app.save_profile(a, profile, expected_version).await),
        Call::SavePosting { id, posting, expected_version } => {
            json(app.save_posting(a, id, posting, expected_version).await)
        }
        Call::ClosePosting { kind, id, expected_version } => {
            json(app.close_posting(a, kind, id, expected_version).await)
        }
        Call::SubmitApplication { target, motivation, answers } => {
            json(app.submit_application(a, target, motivation, answers).await)
        }
        Call::SaveDraft { programme, motivation, answers } => {
            json(app.save_draft(a, programme, motivation, answers).await)
        }
        Call::MyDraft { programme } => json(app.my_draft(a, programme).await),
        Call::UploadFile { name, content } => json(app.upload_file(a, name, content).await),
        Call::File { id } => json(app.file(a, id).await),
        Call::Decide { id, stage, expected_version, note } => {
            json(app.decide(a, id, stage, expected_version, note).await)
        }
        Call::ScoreApplication { id, rubric, expected_version } => {
            json(app.score_application(a, id, rubric, expected_version).await)
        }
        Call::DeclareConflict { with, reason } => json(app.declare_conflict(a, with, reason).await),
        Call::SetReviewPanel { programme, reviewers, blind_first_round, expected_version } => {
            json(app.set_review_panel(a, programme, reviewers, blind_first_round, expected_version).await)
        }
        Call::EndBlindRound { programme, expected_version } => {
            json(app.end_blind_round(a, programme, expected_version).await)
        }
        Call::AssignReviewers { id, reviewers } => json(app.assign_reviewers(a, id, reviewers).await),
        Call::ApplicationReviews { id } => json(app.application_reviews(a, id).await),
        Call::ReviewQueue => json(app.review_queue(a).await),
        Call::SelectionRanking { programme } => json(app.selection_ranking(a, programme).await),
        Call::Cohort { programme } => json(app.cohort(a, programme).await),
        Call::DecisionRecords { target } => json(app.decision_records(a, target).await),
        Call::MyDecision { application } => json(app.my_decision(a, application).await),
        Call::ReplayRanking { id } => json(app.replay_ranking(a, id).await),
        Call::Fairness { target } => json(app.fairness(a, target).await),
        Call::OrganisationMembers { organisation } => json(app.organisation_members(a, organisation).await),
        Call::MyCheckIns => json(app.my_check_ins(a).await),
        Call::AnswerCheckIn { answer } => json(app.answer_check_in(a, answer).await),
        Call::MyConsents => json(app.my_consents(a).await),
        Call::SetConsent { purpose, granted } => json(app.set_consent(a, purpose, granted).await),
        Call::SaveSearch { name, request } => json(app.save_search(a, &name, request).await),
        Call::Export => json(app.export(a).await),
        Call::Erase => json(app.erase(a).await),
        Call::OwnedSubjects => json(app.owned_subjects(a).await),
        Call::Applications => json(app.applications(a).await),
        Call::Application { id } => json(app.application(a, id).await),
        Call::Entity { kind, id } => json(app.entity(a, kind, id).await),
        Call::MyProfile => json(app.my_profile(a).await),
        Call::MyPostings => json(app.my_postings(a).await),
        Call::Search { request } => json(app.search(a, request).await),
        Call::Matches { subject } => json(app.matches(a, subject).await),
        Call::Eligibility { startup, programme } => json(app.eligibility(a, startup, programme).await),
        Call::MyMatchWith { target } => json(app.my_match_with(a, target).await),
        Call::MySkillsGap => json(app.my_skills_gap(a).await),
        Call::ApplicationMatch { id } => json(app.application_match(a, id).await),
        Call::SavedSearches => json(app.saved_searches(a).await),
        Call::SavedSearch { id } => json(app.saved_search(a, id).await),
        Call::RunSaved { id } => json(app.run_saved(a, id).await),
        Call::Title { kind, id } => json(app.title(kind, id).await),
        Call::WelcomeChecklist { application } => json(app.welcome_checklist(a, application).await),
        Call::TickWelcomeStep { application, step, done } => {
            json(app.tick_welcome_step(a, application, step, done).await)
        }
        Call::WelcomeDocument => json(app.welcome_document(a).await),
        Call::UpdateWelcomeChecklist { document } => json(app.update_welcome_checklist(a, document).await),
    }
}

/// An [`AppError`] on the wire: every detail a door shows, nothing internal (an internal
/// failure is logged where it happened and crosses as "internal error").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum WireError {
    Unauthenticated { message: String },
    Forbidden { message: String },
    NotFound { message: String },
    Invalid { field: String, message: String },
    Refused { field: String, message: String, reasons: Vec<String> },
    Conflict { message: String, current: Option<u64> },
    TooManyRequests { retry_after_secs: u64 },
    Unavailable { message: String },
    Internal,
}

impl WireError {
    pub fn code(&self) -> ErrorCode {
        AppError::from(self.clone()).code()
    }
}

impl From<AppError> for WireError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated(message) => Self::Unauthenticated { message },
            AppError::Forbidden(message) => Self::Forbidden { message },
            AppError::NotFound(message) => Self::NotFound { message },
            AppError::Invalid { field, message } => Self::Invalid { field, message },
            AppError::Refused { field, message, reasons } => Self::Refused { field, message, reasons },
            AppError::Conflict { message, current } => Self::Conflict { message, current },
            AppError::TooManyRequests { retry_after } => {
                Self::TooManyRequests { retry_after_secs: retry_after.as_secs() }
            }
            e @ (AppError::Unavailable(_) | AppError::Other(_)) => {
                // Logged here, in the process where it happened, with its detail.
                let message = e.public_message();
                if matches!(e, AppError::Unavailable(_)) { Self::Unavailable { message } } else { Self::Internal }
            }
        }
    }
}

impl From<WireError> for AppError {
    fn from(e: WireError) -> Self {
        match e {
            WireError::Unauthenticated { message } => Self::Unauthenticated(message),
            WireError::Forbidden { message } => Self::Forbidden(message),
            WireError::NotFound { message } => Self::NotFound(message),
            WireError::Invalid { field, message } => Self::Invalid { field, message },
            WireError::Refused { field, message, reasons } => Self::Refused { field, message, reasons },
            WireError::Conflict { message, current } => Self::Conflict { message, current },
            WireError::TooManyRequests { retry_after_secs } => {
                Self::TooManyRequests { retry_after: Duration::from_secs(retry_after_secs) }
            }
            WireError::Unavailable { message } => Self::Unavailable(message),
            WireError::Internal => Self::Other(anyhow::anyhow!("the application service failed (see its log)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_crosses_with_its_code_and_details() {
        let errors = [
            AppError::Unauthenticated("log in".into()),
            AppError::Forbidden("no".into()),
            AppError::NotFound("gone".into()),
            AppError::invalid("offer.salaryMinEur", "must not be negative"),
            AppError::Refused { field: "target".into(), message: "closed".into(), reasons: vec!["a".into()] },
            AppError::Conflict { message: "changed".into(), current: Some(7) },
            AppError::TooManyRequests { retry_after: Duration::from_secs(90) },
            AppError::Unavailable("search".into()),
        ];
        for error in errors {
            let (code, field, shown) = (error.code(), error.field().map(str::to_owned), error.to_string());
            let wire: WireError =
                serde_json::from_str(&serde_json::to_string(&WireError::from(error)).unwrap()).unwrap();
            let back = AppError::from(wire);
            assert_eq!(back.code(), code);
            assert_eq!(back.field().map(str::to_owned), field);
            if code != ErrorCode::Unavailable {
                assert_eq!(back.to_string(), shown);
            }
        }
        let internal = WireError::from(AppError::Other(anyhow::anyhow!("secret detail")));
        assert_eq!(internal, WireError::Internal);
        assert_eq!(internal.code(), ErrorCode::Internal);
    }

    #[test]
    fn a_call_names_its_operation_on_the_wire() {
        let envelope = Envelope { session: None, call: Call::Entity { kind: EntityKind::Offer, id: Uuid::nil() } };
        let value = serde_json::to_value(&envelope).unwrap();
        assert_eq!(value["op"], "entity");
        assert!(value["session"].is_null());
        let back: Envelope = serde_json::from_value(value).unwrap();
        assert_eq!(back.call.name(), "entity");
    }
}
