//! Application drafts: a startup's answers to a programme's form, kept per applicant and
//! programme until it submits (the application then holds them) or is erased.

use chrono::Utc;
use crocevia_domain::Answer;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

pub mod table {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "application_drafts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub applicant_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub target_id: Uuid,
        pub motivation: String,
        #[sea_orm(column_type = "JsonBinary")]
        pub answers: Json,
        pub saved_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use table::Model as Draft;

impl Draft {
    pub fn answers(&self) -> Result<Vec<Answer>, DbErr> {
        serde_json::from_value(self.answers.clone())
            .map_err(|e| DbErr::Custom(format!("draft of {} does not decode: {e}", self.applicant_id)))
    }
}

/// Saves (or replaces) a draft.
pub async fn save(
    conn: &impl ConnectionTrait,
    applicant: Uuid,
    target: Uuid,
    motivation: &str,
    answers: &[Answer],
) -> Result<Draft, DbErr> {
    let answers = serde_json::to_value(answers).map_err(|e| DbErr::Custom(format!("encoding answers: {e}")))?;
    let row = Draft {
        applicant_id: applicant,
        target_id: target,
        motivation: motivation.to_owned(),
        answers,
        saved_at: Utc::now(),
    };
    let active = table::ActiveModel {
        applicant_id: Set(row.applicant_id),
        target_id: Set(row.target_id),
        motivation: Set(row.motivation.clone()),
        answers: Set(row.answers.clone()),
        saved_at: Set(row.saved_at),
    };
    table::Entity::insert(active)
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([table::Column::ApplicantId, table::Column::TargetId])
                .update_columns([table::Column::Motivation, table::Column::Answers, table::Column::SavedAt])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(row)
}

pub async fn get(conn: &impl ConnectionTrait, applicant: Uuid, target: Uuid) -> Result<Option<Draft>, DbErr> {
    table::Entity::find_by_id((applicant, target)).one(conn).await
}

pub async fn delete(conn: &impl ConnectionTrait, applicant: Uuid, target: Uuid) -> Result<(), DbErr> {
    table::Entity::delete_by_id((applicant, target)).exec(conn).await?;
    Ok(())
}

/// Every draft of an erased applicant.
pub async fn forget(conn: &impl ConnectionTrait, applicants: &[Uuid]) -> Result<(), DbErr> {
    table::Entity::delete_many()
        .filter(table::Column::ApplicantId.is_in(applicants.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}
