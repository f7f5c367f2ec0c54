//! Crocevia's open data for the city (Torino Metropoli 2025, project B12): anonymous
//! aggregates of the talent and startup market.
//!
//! - [`consumer`] keeps an anonymous fact per entity from `profiles.v1` and each offer's first
//!   good match from `matches.v1`, idempotently; [`rebuild`] builds the same facts from the
//!   database when there are none (or when told to), and [`skip`] moves the consumer's group
//!   to where it then follows the topics from;
//! - [`compute`] turns the facts into the datasets of [`catalogue`], every table through the
//!   k-anonymity rule of [`anonymise`] (skills demand against supply, two populations a row,
//!   through the paired rule of [`skills`]);
//! - [`export`] renders them as CSV and JSON with a bilingual data dictionary (CC BY 4.0);
//!   [`dcat`] describes them as a DCAT-AP_IT catalogue (JSON-LD, and Turtle by [`turtle`]), [`package`] as Frictionless data
//!   packages and [`ckan`] as CKAN's action API, for the portals that harvest them;
//! - [`InsightsService`] ties them together for the gateway.

pub mod anonymise;
pub mod catalogue;
pub mod ckan;
pub mod compute;
pub mod consumer;
pub mod dcat;
pub mod error;
pub mod export;
pub mod facts;
pub mod labels;
pub mod package;
pub mod publication;
pub mod rebuild;
pub mod service;
pub mod skills;
pub mod skip;
pub mod store;
pub mod turtle;

pub use error::InsightsError;
pub use publication::Publication;
pub use service::{InsightsService, InsightsSettings, RebuildFrom};
