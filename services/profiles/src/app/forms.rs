//! A programme's application form from the startup's side: answers checked against the
//! questions (kind, length, choices, range; required ones on submission), saved as a draft
//! until the startup submits (see `App::submit_application`), and closed with the programme
//! (its deadline passed, or closed).

use super::{Actor, App, AppError, profile_kind};
use crate::drafts::{self, Draft};
use chrono::Utc;
use crocevia_api::{AnswerInput, AnswerView, DraftView, wire};
use crocevia_domain::form::check_answers;
use crocevia_domain::validation::MAX_TEXT_CHARS;
use crocevia_domain::{Answer, AnswerValue, Entity, EntityKind, Question, QuestionKind, Role, User};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// `answers` checked against `form` (`submitting`: the required ones too), each error named
/// `answers.<key>`.
pub(super) fn check(form: &[Question], answers: &[Answer], submitting: bool) -> Result<(), AppError> {
    check_answers(form, answers, submitting).map_err(|errors| AppError::Invalid {
        field: errors.first_field().unwrap_or("answers").to_owned(),
        message: errors.to_string(),
    })
}

/// The answers a client sent, as the form's questions take them: the one field that fits
/// each question's kind.
pub(super) async fn answers_of(
    app: &App,
    conn: &impl ConnectionTrait,
    user: &User,
    form: &[Question],
    inputs: Vec<AnswerInput>,
) -> Result<Vec<Answer>, AppError> {
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        let field = format!("answers.{}", input.key);
        let Some(question) = form.iter().find(|q| q.key == input.key) else {
            return Err(AppError::invalid(field, "the form has no such question"));
        };
        let given = [input.text.is_some(), input.choices.is_some(), input.number.is_some(), input.file.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(AppError::invalid(field, "give one of text, choices, number or file"));
        }
        let value = match question.kind {
            QuestionKind::ShortText | QuestionKind::LongText | QuestionKind::Url => {
                AnswerValue::Text(input.text.ok_or_else(|| AppError::invalid(&field, "takes text"))?)
            }
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                AnswerValue::Choices(input.choices.ok_or_else(|| AppError::invalid(&field, "takes choices"))?)
            }
            QuestionKind::Number => {
                AnswerValue::Number(input.number.ok_or_else(|| AppError::invalid(&field, "takes a number"))?)
            }
            QuestionKind::File => {
                let file =
                    input.file.ok_or_else(|| AppError::invalid(&field, "takes a file id (POST /api/v1/files)"))?;
                let id: Uuid =
                    file.parse().map_err(|_| AppError::invalid(&field, format!("{:?} is not an id", file.as_str())))?;
                let bytes = app.own_file_size(conn, user.id.as_uuid(), &field, id).await?;
                AnswerValue::File { id, bytes }
            }
        };
        out.push(Answer { key: input.key, value });
    }
    Ok(out)
}

fn view(draft: &Draft) -> Result<DraftView, AppError> {
    Ok(DraftView {
        programme_id: wire::id(draft.target_id),
        motivation: draft.motivation.clone(),
        answers: draft.answers()?.iter().map(AnswerView::from).collect(),
        saved_at: crocevia_api::DateTime(draft.saved_at),
    })
}

impl App {
    /// The actor's startup profile, for the form's commands.
    async fn own_startup(&self, actor: &Actor) -> Result<Uuid, AppError> {
        let user = actor.require()?;
        if user.role != Role::Startup {
            return Err(AppError::forbidden("startups answer programmes' forms"));
        }
        match self.own_profile(actor).await? {
            Some((EntityKind::Startup, id)) => Ok(id),
            _ => Err(AppError::Refused {
                field: "programme".into(),
                message: format!("create your {} profile first", profile_kind(user.role).map_or("", |k| k.as_str())),
                reasons: vec![],
            }),
        }
    }

    /// Saves the actor's startup's answers to a programme's form as a draft (checked as far
    /// as they go: the required questions wait for the submission). The programme must still
    /// take applications.
    pub async fn save_draft(
        &self,
        actor: &Actor,
        programme: Uuid,
        motivation: String,
        answers: Vec<AnswerInput>,
    ) -> Result<DraftView, AppError> {
        let startup = self.own_startup(actor).await?;
        let user = actor.require()?;
        if motivation.chars().count() > MAX_TEXT_CHARS {
            return Err(AppError::invalid("motivation", format!("is longer than {MAX_TEXT_CHARS} characters")));
        }
        let work = self.profiles.work().await?;
        let Entity::Programme(p) = work.get(EntityKind::Programme, programme).await?.entity else {
            return Err(AppError::not_found("no programme has this id"));
        };
        if let Some(not_open) = p.not_open_on(Utc::now().date_naive()) {
            let message = match not_open {
                crocevia_domain::NotOpen::Closed => "this programme is closed".to_owned(),
                crocevia_domain::NotOpen::DeadlinePassed(d) => {
                    format!("this programme's application deadline ({d}) has passed")
                }
            };
            return Err(AppError::Refused { field: "programme".into(), message, reasons: vec![] });
        }
        let answers = answers_of(self, work.txn(), user, &p.form, answers).await?;
        check(&p.form, &answers, false)?;
        let draft = drafts::save(work.txn(), startup, programme, &motivation, &answers).await?;
        work.commit().await?;
        view(&draft)
    }

    /// The actor's startup's draft for a programme, if one is saved.
    pub async fn my_draft(&self, actor: &Actor, programme: Uuid) -> Result<Option<DraftView>, AppError> {
        let startup = self.own_startup(actor).await?;
        drafts::get(self.profiles.db(), startup, programme).await?.as_ref().map(view).transpose()
    }
}
