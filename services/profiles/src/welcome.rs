//! The welcome path's tables: the checklist versions administrators saved, and the steps
//! each applicant ticked done (erased with the applicant, in the same transaction). This
//! store does not interpret a checklist; the application layer does.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

pub mod checklists {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "welcome_checklists")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub version: String,
        #[sea_orm(column_type = "JsonBinary")]
        pub document: Json,
        pub saved_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ticks {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "welcome_ticks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub step_id: String,
        /// The talent or startup who applied: their ticks go with them.
        pub applicant_id: Uuid,
        pub ticked_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use checklists::Model as SavedChecklist;
pub use ticks::Model as Tick;

/// The newest saved version, if an administrator saved any.
pub async fn latest(conn: &impl ConnectionTrait) -> Result<Option<SavedChecklist>, DbErr> {
    checklists::Entity::find()
        .order_by_desc(checklists::Column::SavedAt)
        .order_by_desc(checklists::Column::Id)
        .one(conn)
        .await
}

/// Stores a new version; a version stored before fails on the unique index.
pub async fn save(
    conn: &impl ConnectionTrait,
    version: &str,
    document: serde_json::Value,
) -> Result<DateTime<Utc>, DbErr> {
    let saved_at = Utc::now();
    let row = checklists::ActiveModel {
        id: Set(Uuid::now_v7()),
        version: Set(version.to_owned()),
        document: Set(document),
        saved_at: Set(saved_at),
    };
    checklists::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(saved_at)
}

/// The ids of the steps ticked on one application.
pub async fn ticked(conn: &impl ConnectionTrait, application: Uuid) -> Result<Vec<String>, DbErr> {
    let rows = ticks::Entity::find().filter(ticks::Column::ApplicationId.eq(application)).all(conn).await?;
    Ok(rows.into_iter().map(|t| t.step_id).collect())
}

/// Ticks (`done`) or unticks one step; ticking twice keeps the first time.
pub async fn set(
    conn: &impl ConnectionTrait,
    application: Uuid,
    applicant: Uuid,
    step: &str,
    done: bool,
) -> Result<(), DbErr> {
    if !done {
        ticks::Entity::delete_by_id((application, step.to_owned())).exec(conn).await?;
        return Ok(());
    }
    let row = ticks::ActiveModel {
        application_id: Set(application),
        step_id: Set(step.to_owned()),
        applicant_id: Set(applicant),
        ticked_at: Set(Utc::now()),
    };
    ticks::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([ticks::Column::ApplicationId, ticks::Column::StepId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Every tick of these applicants, oldest first (for their data export).
pub async fn of_applicants(conn: &impl ConnectionTrait, applicants: &[Uuid]) -> Result<Vec<Tick>, DbErr> {
    ticks::Entity::find()
        .filter(ticks::Column::ApplicantId.is_in(applicants.iter().copied()))
        .order_by_asc(ticks::Column::TickedAt)
        .all(conn)
        .await
}

/// Every tick of an erased person (their user id and profile ids).
pub async fn forget(conn: &impl ConnectionTrait, applicants: &[Uuid]) -> Result<(), DbErr> {
    ticks::Entity::delete_many()
        .filter(ticks::Column::ApplicantId.is_in(applicants.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}
