//! Uploaded files (a pitch deck as PDF): stored in the database as bytes, never interpreted
//! or executed, served back only as a download. A file belongs to its uploader until an
//! application names it; then the organisation that received the application reads it too.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

pub mod table {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "uploaded_files")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The user who uploaded it.
        pub owner_id: Uuid,
        pub name: String,
        pub media_type: String,
        pub bytes: i64,
        pub sha256: String,
        pub content: Vec<u8>,
        /// The application that submitted it, once one did.
        pub application_id: Option<Uuid>,
        pub uploaded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use table::Model as StoredFile;

/// Most files one user may hold (uploaded and not erased).
pub const MAX_FILES_PER_OWNER: u64 = 50;

pub async fn insert(conn: &impl ConnectionTrait, file: StoredFile) -> Result<(), DbErr> {
    let row = table::ActiveModel {
        id: Set(file.id),
        owner_id: Set(file.owner_id),
        name: Set(file.name),
        media_type: Set(file.media_type),
        bytes: Set(file.bytes),
        sha256: Set(file.sha256),
        content: Set(file.content),
        application_id: Set(None),
        uploaded_at: Set(Utc::now()),
    };
    table::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

pub async fn count_of(conn: &impl ConnectionTrait, owner: Uuid) -> Result<u64, DbErr> {
    table::Entity::find().filter(table::Column::OwnerId.eq(owner)).count(conn).await
}

pub async fn get(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<StoredFile>, DbErr> {
    table::Entity::find_by_id(id).one(conn).await
}

/// Marks `ids` as submitted with `application`.
pub async fn attach(conn: &impl ConnectionTrait, ids: &[Uuid], application: Uuid) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    table::Entity::update_many()
        .col_expr(table::Column::ApplicationId, Expr::value(Some(application)))
        .filter(table::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Every file of erased users.
pub async fn forget(conn: &impl ConnectionTrait, owners: &[Uuid]) -> Result<(), DbErr> {
    table::Entity::delete_many().filter(table::Column::OwnerId.is_in(owners.iter().copied())).exec(conn).await?;
    Ok(())
}
