//! Open data for the city, without login: the anonymous datasets of the insights service.
//! Every count is at least k; filters narrow rows that are already anonymised.

use super::{Services, error, field_error, internal};
use async_graphql::{Context, Object, Result, SimpleObject};
use crocevia_insights::InsightsError;
use crocevia_insights::catalogue::{LICENCE, LICENCE_URL};
use crocevia_insights::compute::{Dataset, Snapshot};
use crocevia_kit::ErrorCode;
use std::sync::Arc;

#[derive(Debug, Default)]
pub struct OpenDataQuery;

#[Object]
impl OpenDataQuery {
    /// Anonymous aggregates of Torino's talent and startup market (CC BY 4.0). Also as CSV
    /// and JSON under /open-data/v1/.
    async fn open_data(&self, ctx: &Context<'_>) -> Result<OpenData> {
        let insights = ctx.data::<Services>()?.insights.clone();
        let insights = insights.ok_or_else(|| error(ErrorCode::Unavailable, "open data is not served here"))?;
        let snapshot = insights.snapshot().await.map_err(insights_error)?;
        Ok(OpenData { snapshot })
    }
}

pub fn insights_error(e: InsightsError) -> async_graphql::Error {
    match (e.code(), e.field()) {
        (ErrorCode::BadUserInput, Some(field)) => field_error(field, e.to_string()),
        (ErrorCode::Internal, _) => internal(e),
        (code, _) => error(code, e.to_string()),
    }
}

/// One snapshot answers the whole query, so its datasets agree with each other.
pub struct OpenData {
    snapshot: Arc<Snapshot>,
}

#[Object]
impl OpenData {
    /// Every published count is at least this.
    async fn k(&self) -> i32 {
        crocevia_insights::anonymise::K as i32
    }

    async fn licence(&self) -> &str {
        LICENCE
    }

    async fn licence_url(&self) -> &str {
        LICENCE_URL
    }

    /// How far the figures reach: the time of the newest change they include (RFC 3339).
    async fn refreshed_at(&self) -> String {
        self.snapshot.refreshed_at.to_rfc3339()
    }

    /// Every dataset, in catalogue order.
    async fn datasets(&self) -> Vec<OpenDataset> {
        self.snapshot.datasets.iter().map(OpenDataset::from).collect()
    }

    /// One dataset. `keys` keeps only those rows; `from` and `to` (YYYY-MM) bound the months
    /// of `offers_by_month`.
    async fn dataset(
        &self,
        id: String,
        keys: Option<Vec<String>>,
        from: Option<String>,
        to: Option<String>,
    ) -> Result<OpenDataset> {
        let dataset =
            crocevia_insights::service::select(&self.snapshot, &id, keys.as_deref(), from.as_deref(), to.as_deref())
                .map_err(insights_error)?;
        Ok(OpenDataset::from(&dataset))
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct OpenDataset {
    pub id: String,
    /// offers, talents, startups, programmes or applications.
    pub population: String,
    /// sector, kind, comune, month, country, language, stage or model.
    pub dimension: String,
    pub title_it: String,
    pub title_en: String,
    pub description_it: String,
    pub description_en: String,
    /// The population's size; null below k (then there are no rows).
    pub total: Option<i32>,
    /// The dataset's summary figure (international share, median hours, acceptance rate).
    pub headline: Option<f64>,
    pub headline_it: Option<String>,
    pub headline_en: Option<String>,
    /// Largest first (months in time order); `other` holds the merged small categories.
    pub rows: Vec<OpenRow>,
    pub csv_url: String,
    pub json_url: String,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct OpenRow {
    pub key: String,
    pub label_it: String,
    pub label_en: String,
    /// Always at least k.
    pub count: i32,
    /// Of the total, 0..1.
    pub share: Option<f64>,
    /// Median hours (time to first match) or acceptance rate (applications).
    pub value: Option<f64>,
}

impl From<&Dataset> for OpenDataset {
    fn from(d: &Dataset) -> Self {
        let spec = d.spec;
        Self {
            id: spec.id.to_owned(),
            population: spec.population.as_str().to_owned(),
            dimension: spec.dimension.as_str().to_owned(),
            title_it: spec.title[0].to_owned(),
            title_en: spec.title[1].to_owned(),
            description_it: spec.description[0].to_owned(),
            description_en: spec.description[1].to_owned(),
            total: d.total.map(|t| t as i32),
            headline: d.headline,
            headline_it: spec.headline.map(|h| h[0].to_owned()),
            headline_en: spec.headline.map(|h| h[1].to_owned()),
            rows: d
                .rows
                .iter()
                .map(|r| OpenRow {
                    key: r.key.clone(),
                    label_it: r.label[0].clone(),
                    label_en: r.label[1].clone(),
                    count: r.count as i32,
                    share: r.share,
                    value: r.value,
                })
                .collect(),
            // Paths on this server, for the web app; the catalogue gives absolute URLs.
            csv_url: spec.csv_url(""),
            json_url: spec.json_url(""),
        }
    }
}
