//! Saved searches, kept by the gateway per user.

use async_graphql::Error;
use chrono::Utc;
use crocevia_kit::ErrorCode;
use crocevia_search::SearchRequest;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

pub mod table {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
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

fn internal(e: impl std::fmt::Display) -> Error {
    crate::graphql::internal(e)
}

pub async fn save(db: &DatabaseConnection, user: Uuid, name: &str, request: &SearchRequest) -> Result<Uuid, Error> {
    let id = Uuid::now_v7();
    let row = table::ActiveModel {
        id: Set(id),
        user_id: Set(user),
        name: Set(name.chars().take(200).collect()),
        request: Set(serde_json::to_value(request).map_err(internal)?),
        created_at: Set(Utc::now()),
    };
    table::Entity::insert(row).exec_without_returning(db).await.map_err(internal)?;
    Ok(id)
}

pub async fn get(db: &DatabaseConnection, id: Uuid, user: Uuid) -> Result<Option<SearchRequest>, Error> {
    let row = table::Entity::find_by_id(id).one(db).await.map_err(internal)?;
    match row {
        Some(row) if row.user_id == user => Ok(Some(serde_json::from_value(row.request).map_err(internal)?)),
        Some(_) => Err(crate::graphql::error(ErrorCode::Forbidden, "this saved search belongs to someone else")),
        None => Ok(None),
    }
}

pub async fn of_user(db: &DatabaseConnection, user: Uuid) -> Result<Vec<table::Model>, Error> {
    table::Entity::find().filter(table::Column::UserId.eq(user)).all(db).await.map_err(internal)
}

pub async fn delete_of_user(db: &DatabaseConnection, user: Uuid) -> Result<u64, Error> {
    Ok(table::Entity::delete_many()
        .filter(table::Column::UserId.eq(user))
        .exec(db)
        .await
        .map_err(internal)?
        .rows_affected)
}
