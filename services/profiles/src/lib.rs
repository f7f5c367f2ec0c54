//! The profiles service owns every entity of Crocevia.
//!
//! A write validates the entity, checks what it refers to, and stores the row, its
//! references and an outbox row carrying the encoded event in ONE transaction
//! ([`service::Profiles`]). The [`relay`] publishes outbox rows to the bus in order and
//! marks them, so a crash between the write and the publish loses nothing: the row is
//! still there after a restart. [`import`] loads a data folder such as the Torino demo set.
//!
//! [`app`] is the application boundary on top: every command and query that touches
//! people's data, with the actor who asks, decided in one place for every door.

pub mod accounts;
pub mod app;
pub mod decisions;
pub mod drafts;
pub mod error;
pub mod files;
pub mod import;
pub mod keys;
pub mod mail;
pub mod migration;
pub mod relay;
pub mod reviews;
pub mod saved;
pub mod service;
pub mod store;
pub mod tokens;
pub mod welcome;

pub use app::{Actor, App, AppApi, AppError, Session};
pub use error::ProfilesError;
pub use service::{ChangeNotice, Profiles, Work, WriteOutcome};
