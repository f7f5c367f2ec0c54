//! The runtime kit shared by Crocevia's services: typed layered configuration, telemetry,
//! the error-code table, the database connection and the event bus.

pub mod bus;
pub mod config;
pub mod db;
pub mod error_code;
pub mod metrics;
pub mod net;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;

pub use error_code::ErrorCode;
