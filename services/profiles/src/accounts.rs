//! Credentials: e-mail, argon2 password hash and the token generation of each user. The user
//! itself (e-mail, name, role) is an entity; both live in the profiles database so a
//! command (register, erase) changes them in one transaction. The tables keep their first
//! names (`gateway_*`) so existing databases carry on.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, SaltString, rand_core::OsRng};
use chrono::Utc;
use sea_orm::sea_query::{Alias, IntoIden};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
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
        /// Tokens carry the generation they were issued in; a password change, "log out
        /// everywhere" or a role change moves it on, and older tokens stop working.
        pub generation: i64,
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
        vec![
            Box::new(CreateCredentials),
            Box::new(CreateSavedSearches),
            Box::new(AddGeneration),
            Box::new(crate::tokens::CreateTokens),
            Box::new(crate::mail::CreateOutbox),
        ]
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

struct AddGeneration;

impl MigrationName for AddGeneration {
    fn name(&self) -> &str {
        "m20261206_000003_credentials_generation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddGeneration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("gateway_credentials"))
                .add_column(ColumnDef::new(Alias::new("generation")).big_integer().not_null().default(0))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(Alias::new("gateway_credentials")).drop_column(Alias::new("generation")).to_owned(),
        )
        .await
    }
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 200;
/// How much of a password the strength estimate reads.
const ESTIMATED_CHARS: usize = 64;

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
/// Argon2 with its default cost holds 19 MiB while it runs. Every hash and verification runs
/// on one of [`HASHING_SLOTS`] dedicated threads, taking a permit first: however many logins
/// arrive at once, at most that many run together (logins beyond wait as small futures in the
/// semaphore's queue), and no other thread ever holds an Argon2 block; each thread reuses one
/// block buffer (see [`BLOCKS`]). Unbounded, 200 concurrent logins took the process from
/// 185 MB to 4.86 GB; see the test `a_login_burst_stays_within_its_memory_bound`.
pub const HASHING_SLOTS: usize = 4;

static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HASHING_SLOTS);

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads' queue (started on first use). It never holds more than
/// `HASHING_SLOTS` jobs: a job is sent only with a permit.
fn hashing_queue() -> anyhow::Result<&'static std::sync::Mutex<std::sync::mpsc::Sender<Job>>> {
    static QUEUE: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> = std::sync::OnceLock::new();
    if let Some(queue) = QUEUE.get() {
        return Ok(queue);
    }
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
    for i in 0..HASHING_SLOTS {
        let rx = rx.clone();
        std::thread::Builder::new()
            .name(format!("password-hash-{i}"))
            .spawn(move || {
                loop {
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })
            .map_err(|e| anyhow::anyhow!("starting a password-hashing thread: {e}"))?;
    }
    Ok(QUEUE.get_or_init(|| std::sync::Mutex::new(tx)))
}

/// Runs `work` on a hashing thread, with a permit, and returns its result.
async fn on_hashing_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let _permit = HASHING.acquire().await.map_err(|e| anyhow::anyhow!("hashing pool closed: {e}"))?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(work());
    });
    hashing_queue()?
        .lock()
        .map_err(|_| anyhow::anyhow!("hashing queue poisoned"))?
        .send(job)
        .map_err(|_| anyhow::anyhow!("hashing threads stopped"))?;
    rx.await.map_err(|_| anyhow::anyhow!("a hashing job was dropped"))
}

/// The most Argon2 memory a stored hash may ask for (the defaults ask 19 MiB): a hash that
/// asks more is refused rather than let a row set the process's memory.
const MAX_HASH_KIB: u32 = 64 * 1024;

thread_local! {
    /// This hashing thread's Argon2 memory, allocated on its first hash and reused by every
    /// later one. Allocating 19 MiB per login let the allocator keep about 90 MB per thread
    /// after a burst; reused, hashing holds HASHING_SLOTS x 19 MiB (76 MiB) at most, however
    /// many logins arrive.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs one Argon2 computation in this thread's reused memory.
fn in_thread_memory(argon: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    let count = argon.params().block_count();
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() < count {
            blocks.resize(count, argon2::Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..count])
    })
}

pub async fn hash_password(password: String) -> anyhow::Result<String> {
    on_hashing_thread(move || {
        let salt = SaltString::generate(&mut OsRng);
        let argon = Argon2::default();
        let mut salt_bytes = [0u8; 64];
        let raw_salt = salt.as_salt().decode_b64(&mut salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        let output = argon2::password_hash::Output::init_with(argon2::Params::DEFAULT_OUTPUT_LEN, |out| {
            in_thread_memory(&argon, password.as_bytes(), raw_salt, out).map_err(Into::into)
        })
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
        let hash = PasswordHash {
            algorithm: argon2::Algorithm::default().ident(),
            version: Some(argon2::Version::default().into()),
            params: argon2::password_hash::ParamsString::try_from(argon.params())
                .map_err(|e| anyhow::anyhow!("hash parameters: {e}"))?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        };
        Ok(hash.to_string())
    })
    .await?
}

async fn verify(password: String, hashed: String) -> anyhow::Result<bool> {
    on_hashing_thread(move || {
        let parsed = PasswordHash::new(&hashed).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let params = argon2::Params::try_from(&parsed).map_err(|e| anyhow::anyhow!("stored hash parameters: {e}"))?;
        anyhow::ensure!(params.m_cost() <= MAX_HASH_KIB, "a stored hash asks for {} KiB", params.m_cost());
        let algorithm = argon2::Algorithm::try_from(parsed.algorithm).map_err(|e| anyhow::anyhow!("{e}"))?;
        let version = match parsed.version {
            Some(v) => argon2::Version::try_from(v).map_err(|e| anyhow::anyhow!("{e}"))?,
            None => argon2::Version::default(),
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            anyhow::bail!("a stored hash without salt or hash")
        };
        let mut salt_bytes = [0u8; 64];
        let raw_salt = salt.decode_b64(&mut salt_bytes).map_err(|e| anyhow::anyhow!("stored salt: {e}"))?;
        let argon = Argon2::new(algorithm, version, params);
        let computed = argon2::password_hash::Output::init_with(expected.len(), |out| {
            in_thread_memory(&argon, password.as_bytes(), raw_salt, out).map_err(Into::into)
        })
        .map_err(|e| anyhow::anyhow!("verifying: {e}"))?;
        // Output's equality is constant-time.
        Ok(computed == expected)
    })
    .await?
}

/// A hash of a random password, made once: what an unknown e-mail's login is verified against.
async fn unknown_account_hash() -> anyhow::Result<String> {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_try_init(|| async {
        let mut random = [0u8; 16];
        argon2::password_hash::rand_core::RngCore::fill_bytes(&mut OsRng, &mut random);
        hash_password(format!("{random:x?}")).await
    })
    .await
    .cloned()
}

/// Passwords of ten or more characters that lead the published lists of leaked passwords.
const COMMON: [&str; 16] = [
    "1234567890",
    "12345678910",
    "123456789a",
    "0123456789",
    "0987654321",
    "qwertyuiop",
    "1q2w3e4r5t",
    "password12",
    "password123",
    "password1234",
    "iloveyou12",
    "abcdefghij",
    "qwerty1234",
    "1qaz2wsx3edc",
    "passw0rd12",
    "aaaaaaaaaa",
];

/// Fewest different characters a password must have: ten of one key, or two keys
/// alternating, guess in no time whatever their length.
pub const MIN_DISTINCT_CHARS: usize = 5;

pub fn check_password(password: &str, about: &[&str]) -> Result<(), AccountError> {
    let bad = |message: String| Err(AccountError::BadInput { field: "password", message });
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return bad(format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long"));
    }
    if password.chars().any(char::is_control) {
        return bad("must not contain control characters".into());
    }
    if password.trim().chars().count() < MIN_PASSWORD_CHARS {
        return bad(format!("must have at least {MIN_PASSWORD_CHARS} characters that are not spaces"));
    }
    let mut distinct: Vec<char> = password.to_lowercase().chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT_CHARS {
        return bad(format!("is too easy to guess: use at least {MIN_DISTINCT_CHARS} different characters"));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) || is_run(&lower) {
        return bad("is one of the first passwords anyone tries: choose another".into());
    }
    // The strength estimate (zxcvbn: dictionaries of common passwords, names and words,
    // keyboard walks, dates, repeats, l33t), with the account's own e-mail and name counted
    // as known words. It costs time that grows with the length, so only the first
    // characters are estimated: past them, a password is long enough anyway.
    let head: String = password.chars().take(ESTIMATED_CHARS).collect();
    let estimate = zxcvbn::zxcvbn(&head, about);
    if estimate.score() < zxcvbn::Score::Three {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()).or_else(|| f.suggestions().first().map(|s| s.to_string())))
            .unwrap_or_else(|| "add another word or two".into());
        return bad(format!("is too easy to guess: {hint}"));
    }
    Ok(())
}

/// A run of consecutive characters, up or down ("abcdefghijk", "9876543210").
fn is_run(text: &str) -> bool {
    let codes: Vec<i64> = text.chars().map(|c| i64::from(u32::from(c))).collect();
    codes.windows(2).all(|w| w[1] - w[0] == 1) || codes.windows(2).all(|w| w[0] - w[1] == 1)
}

#[cfg(test)]
mod tests {
    use super::check_password;

    /// Hashes made in the reused thread memory are standard PHC strings: the argon2 crate's
    /// own verifier accepts them, and hashes the crate made (every stored one) still verify.
    #[tokio::test]
    async fn hashes_stay_standard_argon2id() {
        use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
        let ours = super::hash_password("correct horse battery".into()).await.unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(argon2::Argon2::default().verify_password(b"correct horse battery", &parsed).is_ok());
        let salt = SaltString::generate(&mut OsRng);
        let theirs = argon2::Argon2::default().hash_password(b"member password", &salt).unwrap().to_string();
        assert!(super::verify("member password".into(), theirs.clone()).await.unwrap());
        assert!(!super::verify("member passwore".into(), theirs).await.unwrap());
        assert!(super::verify("correct horse battery".into(), ours.clone()).await.unwrap());
        let greedy = ours.replace("m=19456", "m=1048576");
        assert!(super::verify("correct horse battery".into(), greedy).await.is_err(), "a hash asking 1 GiB is refused");
    }

    #[test]
    fn easy_passwords_are_refused_naming_the_field() {
        for easy in [
            "aaaaaaaaaa",
            "1234567890",
            "          ",
            "\0\0\0\0\0\0\0\0\0\0",
            "abababababab",
            "Password123",
            "lmnopqrstuv",
            "short",
            // Past the rules above, caught by the estimate: common words with a digit, a
            // keyboard walk, the person's own name.
            "Password1!",
            "qwertyuiop1",
            "iloveyou12",
            "anna.rossi@example.org",
        ] {
            match check_password(easy, &["anna.rossi@example.org", "Anna Rossi"]) {
                Err(super::AccountError::BadInput { field, .. }) => assert_eq!(field, "password", "{easy:?}"),
                other => panic!("{easy:?} was accepted: {other:?}"),
            }
        }
        for fine in ["correct horse battery", "member password", "a long enough password", "Torino-2027!ok"] {
            assert!(check_password(fine, &[]).is_ok(), "{fine:?}");
        }
    }
}

/// What a successful login or a credential change gives: whom to issue a token for, and the
/// generation the token must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Credentials {
    pub user_id: Uuid,
    pub generation: i64,
}

impl Accounts {
    pub async fn open(db: DatabaseConnection) -> anyhow::Result<Self> {
        Migrator::up(&db, None).await.context("credential migrations")?;
        Ok(Self { db })
    }

    /// The current token generation of `user`; `None` once the account is gone.
    pub async fn generation(&self, user: Uuid) -> Result<Option<i64>, AccountError> {
        Ok(credentials::Entity::find()
            .filter(credentials::Column::UserId.eq(user))
            .one(&self.db)
            .await
            .context("reading credentials")?
            .map(|row| row.generation))
    }

    /// Stores the credentials of a new user inside `txn` (the user entity commits with them).
    /// The hash comes from [`hash_password`], computed before the transaction begins.
    pub async fn create_in(
        txn: &impl ConnectionTrait,
        email: &str,
        password_hash: String,
        user_id: Uuid,
    ) -> Result<(), AccountError> {
        let row = credentials::ActiveModel {
            email: Set(email.to_lowercase()),
            user_id: Set(user_id),
            password_hash: Set(password_hash),
            created_at: Set(Utc::now()),
            generation: Set(0),
        };
        if credentials::Entity::find_by_id(email.to_lowercase())
            .one(txn)
            .await
            .context("reading credentials")?
            .is_some()
        {
            return Err(AccountError::Taken);
        }
        credentials::Entity::insert(row).exec_without_returning(txn).await.map_err(|e| match e.sql_err() {
            // Two registrations racing for one e-mail: the primary key decides, and the loser
            // hears that the e-mail is taken, not that something failed.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AccountError::Taken,
            _ => AccountError::Other(anyhow::Error::new(e).context("storing credentials")),
        })?;
        Ok(())
    }

    /// Forgets the credentials of `user` inside `txn` (erasure).
    pub async fn delete_in(txn: &impl ConnectionTrait, user: Uuid) -> Result<(), AccountError> {
        credentials::Entity::delete_many()
            .filter(credentials::Column::UserId.eq(user))
            .exec(txn)
            .await
            .context("deleting credentials")?;
        Ok(())
    }

    /// Moves the token generation of `user` on, and sets a new hash when given; returns the
    /// new generation. Every token issued before stops working.
    pub async fn renew_in(
        txn: &impl ConnectionTrait,
        user: Uuid,
        password_hash: Option<String>,
    ) -> Result<i64, AccountError> {
        let row = credentials::Entity::find()
            .filter(credentials::Column::UserId.eq(user))
            .one(txn)
            .await
            .context("reading credentials")?
            .ok_or(AccountError::WrongCredentials)?;
        let generation = row.generation + 1;
        let mut active: credentials::ActiveModel = row.into();
        active.generation = Set(generation);
        if let Some(hash) = password_hash {
            active.password_hash = Set(hash);
        }
        credentials::Entity::update(active).exec(txn).await.context("updating credentials")?;
        Ok(generation)
    }

    /// The user and generation of a correct e-mail and password. A wrong e-mail still costs
    /// a hash, so timing does not tell which accounts exist.
    pub async fn login(&self, email: &str, password: &str) -> Result<Credentials, AccountError> {
        let row =
            credentials::Entity::find_by_id(email.to_lowercase()).one(&self.db).await.context("reading credentials")?;
        match row {
            Some(row) if verify(password.to_owned(), row.password_hash.clone()).await? => {
                Ok(Credentials { user_id: row.user_id, generation: row.generation })
            }
            Some(_) => Err(AccountError::WrongCredentials),
            None => {
                // The same work as a wrong password (a verification, not a hash, which costs
                // differently), so the answer's timing does not tell who has an account.
                let _ = verify(password.to_owned(), unknown_account_hash().await?).await;
                Err(AccountError::WrongCredentials)
            }
        }
    }

    /// Whether `password` is the current password of `user`.
    pub async fn verify_user(&self, user: Uuid, password: &str) -> Result<bool, AccountError> {
        let row = credentials::Entity::find()
            .filter(credentials::Column::UserId.eq(user))
            .one(&self.db)
            .await
            .context("reading credentials")?;
        match row {
            Some(row) => Ok(verify(password.to_owned(), row.password_hash).await?),
            None => Ok(false),
        }
    }

    /// Test and tool helper: credentials for an existing user entity, in their own
    /// transaction.
    pub async fn create(&self, email: &str, password: &str, user_id: Uuid) -> Result<(), AccountError> {
        check_password(password, &[email])?;
        let hash = hash_password(password.to_owned()).await?;
        Self::create_in(&self.db, email, hash, user_id).await
    }
}
