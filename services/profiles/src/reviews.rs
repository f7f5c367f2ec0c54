//! The review store: each reviewer's own review of an application, the conflicts of interest
//! reviewers declared, and reviewers assigned to one application by name. Kept in the
//! profiles database beside the applications, written in the same transactions as them; the
//! application layer decides who reads and writes what (see `app::selection`).

use chrono::Utc;
use crocevia_domain::RubricScore;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

pub mod review {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "reviews")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub reviewer_id: Uuid,
        /// The offer or programme applied to.
        pub target_id: Uuid,
        /// 1 for a blind first round, 2 otherwise.
        pub round: i16,
        #[sea_orm(column_type = "JsonBinary")]
        pub rubric: Json,
        /// The rubric's total on 0-100, unrounded.
        #[sea_orm(column_type = "Double")]
        pub total: f64,
        pub submitted_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod conflict {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_conflicts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub reviewer_id: Uuid,
        /// The startup (or talent) the reviewer may not judge.
        #[sea_orm(primary_key, auto_increment = false)]
        pub applicant_id: Uuid,
        pub reason: String,
        pub declared_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod assignment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_assignments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub reviewer_id: Uuid,
        pub assigned_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use review::Model as Review;

/// Longest kept reason of a conflict, in characters.
pub const MAX_REASON_CHARS: usize = 500;

impl Review {
    /// The rubric as stored; a row that does not decode is an error, never an empty rubric.
    pub fn lines(&self) -> Result<Vec<RubricScore>, DbErr> {
        serde_json::from_value(self.rubric.clone())
            .map_err(|e| DbErr::Custom(format!("review of {} does not decode: {e}", self.application_id)))
    }
}

/// Stores a review; a second review of the same application by the same reviewer is refused
/// by the primary key (the caller checks first, to answer clearly).
pub async fn insert(
    conn: &impl ConnectionTrait,
    application: Uuid,
    reviewer: Uuid,
    target: Uuid,
    round: u8,
    rubric: &[RubricScore],
    total: f64,
) -> Result<(), DbErr> {
    let rubric = serde_json::to_value(rubric).map_err(|e| DbErr::Custom(format!("encoding a rubric: {e}")))?;
    let row = review::ActiveModel {
        application_id: Set(application),
        reviewer_id: Set(reviewer),
        target_id: Set(target),
        round: Set(i16::from(round)),
        rubric: Set(rubric),
        total: Set(total),
        submitted_at: Set(Utc::now()),
    };
    review::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

pub async fn of_application(conn: &impl ConnectionTrait, application: Uuid) -> Result<Vec<Review>, DbErr> {
    review::Entity::find()
        .filter(review::Column::ApplicationId.eq(application))
        .order_by_asc(review::Column::SubmittedAt)
        .all(conn)
        .await
}

pub async fn of_target(conn: &impl ConnectionTrait, target: Uuid) -> Result<Vec<Review>, DbErr> {
    review::Entity::find()
        .filter(review::Column::TargetId.eq(target))
        .order_by_asc(review::Column::ApplicationId)
        .all(conn)
        .await
}

/// Voids one reviewer's review of an application (they declared a conflict).
pub async fn void(conn: &impl ConnectionTrait, application: Uuid, reviewer: Uuid) -> Result<(), DbErr> {
    review::Entity::delete_many()
        .filter(review::Column::ApplicationId.eq(application))
        .filter(review::Column::ReviewerId.eq(reviewer))
        .exec(conn)
        .await?;
    Ok(())
}

/// Records (or restates) a conflict of interest.
pub async fn declare_conflict(
    conn: &impl ConnectionTrait,
    reviewer: Uuid,
    applicant: Uuid,
    reason: &str,
) -> Result<(), DbErr> {
    let row = conflict::ActiveModel {
        reviewer_id: Set(reviewer),
        applicant_id: Set(applicant),
        reason: Set(reason.chars().take(MAX_REASON_CHARS).collect()),
        declared_at: Set(Utc::now()),
    };
    conflict::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([conflict::Column::ReviewerId, conflict::Column::ApplicantId])
                .update_columns([conflict::Column::Reason, conflict::Column::DeclaredAt])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The reviewers among `reviewers` who declared a conflict with `applicant`.
pub async fn conflicted(conn: &impl ConnectionTrait, applicant: Uuid, reviewers: &[Uuid]) -> Result<Vec<Uuid>, DbErr> {
    if reviewers.is_empty() {
        return Ok(vec![]);
    }
    let rows = conflict::Entity::find()
        .filter(conflict::Column::ApplicantId.eq(applicant))
        .filter(conflict::Column::ReviewerId.is_in(reviewers.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.reviewer_id).collect())
}

/// The reviewers assigned to one application by name (empty: the programme's panel).
pub async fn assigned(conn: &impl ConnectionTrait, application: Uuid) -> Result<Vec<Uuid>, DbErr> {
    let rows = assignment::Entity::find()
        .filter(assignment::Column::ApplicationId.eq(application))
        .order_by_asc(assignment::Column::ReviewerId)
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.reviewer_id).collect())
}

/// Replaces the reviewers assigned to one application by name.
pub async fn assign(conn: &impl ConnectionTrait, application: Uuid, reviewers: &[Uuid]) -> Result<(), DbErr> {
    assignment::Entity::delete_many().filter(assignment::Column::ApplicationId.eq(application)).exec(conn).await?;
    if reviewers.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = reviewers.iter().map(|r| assignment::ActiveModel {
        application_id: Set(application),
        reviewer_id: Set(*r),
        assigned_at: Set(now),
    });
    assignment::Entity::insert_many(rows).exec_without_returning(conn).await?;
    Ok(())
}

/// Everything of one application (it is erased with its applicant).
pub async fn forget_application(conn: &impl ConnectionTrait, application: Uuid) -> Result<(), DbErr> {
    review::Entity::delete_many().filter(review::Column::ApplicationId.eq(application)).exec(conn).await?;
    assignment::Entity::delete_many().filter(assignment::Column::ApplicationId.eq(application)).exec(conn).await?;
    Ok(())
}

/// Everything that names an erased applicant or reviewer.
pub async fn forget_person(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<(), DbErr> {
    let ids = ids.to_vec();
    conflict::Entity::delete_many().filter(conflict::Column::ApplicantId.is_in(ids.clone())).exec(conn).await?;
    conflict::Entity::delete_many().filter(conflict::Column::ReviewerId.is_in(ids.clone())).exec(conn).await?;
    assignment::Entity::delete_many().filter(assignment::Column::ReviewerId.is_in(ids)).exec(conn).await?;
    Ok(())
}
