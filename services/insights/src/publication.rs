//! Who publishes the open data and where it is reached: what the DCAT-AP_IT catalogue, the
//! data packages and the CKAN API state besides the figures themselves.

use crate::catalogue::BASE_PATH;
use chrono::NaiveDate;

#[derive(Debug, Clone)]
pub struct Publication {
    /// The platform's public address, without a trailing slash: every URL published is
    /// absolute, so a harvester can follow it from anywhere.
    pub base_url: String,
    /// Publisher and rights holder.
    pub publisher_name: String,
    /// Its IPA code.
    pub publisher_id: String,
    pub contact_name: String,
    pub contact_email: String,
    /// When the catalogue was first published.
    pub issued: NaiveDate,
}

impl Publication {
    pub fn new(
        base_url: &str,
        publisher_name: &str,
        publisher_id: &str,
        contact_name: &str,
        contact_email: &str,
        issued: NaiveDate,
    ) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            publisher_name: publisher_name.to_owned(),
            publisher_id: publisher_id.to_owned(),
            contact_name: contact_name.to_owned(),
            contact_email: contact_email.to_owned(),
            issued,
        }
    }

    /// `path` (from `/open-data/v1/` on) as an absolute URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{BASE_PATH}/{}", self.base_url, path.trim_start_matches('/'))
    }

    /// A dataset's identifier as DCAT-AP_IT wants it: the publisher's IPA code, then the id.
    pub fn identifier(&self, id: &str) -> String {
        format!("{}:crocevia-{id}", self.publisher_id)
    }
}
