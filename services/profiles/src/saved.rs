//! Saved searches, kept per user in the profiles database (erased with the user, in the same
//! transaction). The request is stored as the search service's JSON; this store does not
//! interpret it, the application layer does.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

pub mod table {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "gateway_saved_searches")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub name: String,
        #[sea_orm(column_type = "JsonBinary")]
        pub request: Json,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use table::Model as SavedSearch;

/// Longest kept name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

pub async fn insert(
    conn: &impl ConnectionTrait,
    user: Uuid,
    name: &str,
    request: serde_json::Value,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    let row = table::ActiveModel {
        id: Set(id),
        user_id: Set(user),
        name: Set(name.chars().take(MAX_NAME_CHARS).collect()),
        request: Set(request),
        created_at: Set(Utc::now()),
    };
    table::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(id)
}

pub async fn get(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<SavedSearch>, DbErr> {
    table::Entity::find_by_id(id).one(conn).await
}

pub async fn of_user(conn: &impl ConnectionTrait, user: Uuid) -> Result<Vec<SavedSearch>, DbErr> {
    table::Entity::find().filter(table::Column::UserId.eq(user)).order_by_asc(table::Column::Id).all(conn).await
}

pub async fn delete_of_user(conn: &impl ConnectionTrait, user: Uuid) -> Result<u64, DbErr> {
    Ok(table::Entity::delete_many().filter(table::Column::UserId.eq(user)).exec(conn).await?.rows_affected)
}
