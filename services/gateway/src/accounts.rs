//! Accounts: credentials in the gateway's own table, passwords hashed with argon2. The user
//! itself (e-mail, name, role) is an entity of the profiles service.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use chrono::Utc;
use sea_orm::sea_query::{Alias, IntoIden};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, QueryFilter};
use sea_orm_migration::prelude::*;
use uuid::Uuid;

pub mod credentials {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "gateway_credentials")]
    pub struct Model {
        /// Lower-cased e-mail.
        #[sea_orm(primary_key, auto_increment = false)]
        pub email: String,
        pub user_id: Uuid,
        pub password_hash: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateCredentials), Box::new(CreateSavedSearches)]
    }

    fn migration_table_name() -> DynIden {
        Alias::new("gateway_migrations").into_iden()
    }
}

struct CreateCredentials;

impl MigrationName for CreateCredentials {
    fn name(&self) -> &str {
        "m20261129_000001_gateway_credentials"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateCredentials {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("gateway_credentials"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("email")).string().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("user_id")).uuid().not_null().unique_key())
                .col(ColumnDef::new(Alias::new("password_hash")).string().not_null())
                .col(ColumnDef::new(Alias::new("created_at")).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("gateway_credentials")).if_exists().to_owned()).await
    }
}

struct CreateSavedSearches;

impl MigrationName for CreateSavedSearches {
    fn name(&self) -> &str {
        "m20261129_000002_gateway_saved_searches"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSavedSearches {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("gateway_saved_searches"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("id")).uuid().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("user_id")).uuid().not_null())
                .col(ColumnDef::new(Alias::new("name")).string().not_null())
                .col(ColumnDef::new(Alias::new("request")).json_binary().not_null())
                .col(ColumnDef::new(Alias::new("created_at")).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("gateway_saved_searches")).if_exists().to_owned()).await
    }
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 200;

#[derive(Debug, Clone)]
pub struct Accounts {
    db: DatabaseConnection,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{field}: {message}")]
    BadInput { field: &'static str, message: String },
    #[error("an account with this e-mail exists")]
    Taken,
    #[error("wrong e-mail or password")]
    WrongCredentials,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Hashing is deliberately slow (argon2): run it off the async runtime.
async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))
    })
    .await?
}

async fn verify(password: String, hashed: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hashed).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await?
}

pub fn check_password(password: &str) -> Result<(), AccountError> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(AccountError::BadInput {
            field: "password",
            message: format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long"),
        });
    }
    Ok(())
}

impl Accounts {
    pub async fn open(db: DatabaseConnection) -> anyhow::Result<Self> {
        Migrator::up(&db, None).await.context("gateway migrations")?;
        Ok(Self { db })
    }

    pub async fn exists(&self, email: &str) -> Result<bool, AccountError> {
        Ok(credentials::Entity::find_by_id(email.to_lowercase())
            .one(&self.db)
            .await
            .context("reading credentials")?
            .is_some())
    }

    pub async fn create(&self, email: &str, password: &str, user_id: Uuid) -> Result<(), AccountError> {
        check_password(password)?;
        let password_hash = hash(password.to_owned()).await?;
        let row = credentials::ActiveModel {
            email: Set(email.to_lowercase()),
            user_id: Set(user_id),
            password_hash: Set(password_hash),
            created_at: Set(Utc::now()),
        };
        credentials::Entity::insert(row).exec_without_returning(&self.db).await.map_err(|_| AccountError::Taken)?;
        Ok(())
    }

    /// Forgets the credentials of `user` (erasure).
    pub async fn delete_user(&self, user: Uuid) -> Result<(), AccountError> {
        credentials::Entity::delete_many()
            .filter(sea_orm::ColumnTrait::eq(&credentials::Column::UserId, user))
            .exec(&self.db)
            .await
            .context("deleting credentials")?;
        Ok(())
    }

    /// The user id of a correct e-mail and password. A wrong e-mail still costs a hash, so
    /// timing does not tell which accounts exist.
    pub async fn login(&self, email: &str, password: &str) -> Result<Uuid, AccountError> {
        let row =
            credentials::Entity::find_by_id(email.to_lowercase()).one(&self.db).await.context("reading credentials")?;
        match row {
            Some(row) if verify(password.to_owned(), row.password_hash.clone()).await? => Ok(row.user_id),
            Some(_) => Err(AccountError::WrongCredentials),
            None => {
                let _ = hash(password.to_owned()).await;
                Err(AccountError::WrongCredentials)
            }
        }
    }
}
