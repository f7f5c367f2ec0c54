//! Subscriptions over graphql-transport-ws, authenticated at connection init: my matches
//! changed, my applications changed, new results for a saved search.

use super::entities::{application_for, owned_subjects};
use super::types::{SearchHit, SearchResultsGql};
use super::{Services, Viewer, error, me, require};
use crate::saved;
use async_graphql::{Context, ID, Result, SimpleObject, Subscription};
use crocevia_domain::EntityKind;
use crocevia_kit::ErrorCode;
use futures::Stream;
use std::collections::BTreeSet;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

#[derive(Debug, Default)]
pub struct SubscriptionRoot;

#[derive(SimpleObject, Debug, Clone)]
pub struct MatchesChanged {
    /// The talent, offer, startup or programme whose ranked list changed; query `matches` for it.
    pub subject: ID,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ApplicationChanged {
    pub id: ID,
    pub version: i64,
    /// SUBMITTED, SCREENING, ... or ERASED.
    pub stage: String,
    pub score: Option<i32>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct NewResults {
    pub saved_search: ID,
    /// Hits not sent before on this subscription (all of them in the first event).
    pub hits: Vec<SearchHit>,
    pub total: i64,
}

#[Subscription]
impl SubscriptionRoot {
    /// Fires when the ranked list of one of my profiles, offers or programmes changes.
    async fn my_matches_changed(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = MatchesChanged>> {
        let services = ctx.data::<Services>()?.clone();
        let claims = require(ctx.data::<Viewer>()?)?.clone();
        let user = me(&services, &claims).await?;
        let matching = services
            .matching
            .clone()
            .ok_or_else(|| error(ErrorCode::Unavailable, "matching is not running in this process"))?;
        let mine: BTreeSet<uuid::Uuid> = owned_subjects(&services, &user).await?.into_iter().collect();
        let mut rx = matching.list_changes();
        Ok(async_stream::stream! {
            loop {
                match rx.recv().await {
                    Ok((subject, _)) if mine.contains(&subject) => yield MatchesChanged { subject: ID(subject.to_string()) },
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                }
            }
        })
    }

    /// Fires when an application I made, or one to my organisation, changes.
    async fn my_applications_changed(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = ApplicationChanged>> {
        let services = ctx.data::<Services>()?.clone();
        let claims = require(ctx.data::<Viewer>()?)?.clone();
        let user = me(&services, &claims).await?;
        let mut rx = services.profiles.notices();
        Ok(async_stream::stream! {
            loop {
                let notice = match rx.recv().await {
                    Ok(n) if n.kind == EntityKind::Application => n,
                    Ok(_) | Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                };
                if notice.erased {
                    continue;
                }
                // One application is loaded and checked per notice, not every application of
                // the viewer; ownership is decided when it happens, so a new profile or
                // posting counts from then on.
                let Ok((application, is_organisation, is_applicant)) = application_for(&services, &user, &ID(notice.id.to_string())).await else { continue };
                if is_organisation || is_applicant {
                    yield ApplicationChanged {
                        id: ID(notice.id.to_string()),
                        version: notice.version as i64,
                        stage: format!("{:?}", application.stage).to_uppercase(),
                        score: application.score.map(i32::from),
                    };
                }
            }
        })
    }

    /// The results of one of my saved searches now, then each new result as entities change.
    async fn saved_search_results(&self, ctx: &Context<'_>, id: ID) -> Result<impl Stream<Item = NewResults>> {
        let services = ctx.data::<Services>()?.clone();
        let claims = require(ctx.data::<Viewer>()?)?.clone();
        let search_id = super::entities::uuid("id", &id)?;
        let user_id = claims.user_id().ok_or_else(|| error(ErrorCode::Unauthenticated, "the token names no user"))?;
        let request = saved::get(services.profiles.db(), search_id, user_id.as_uuid())
            .await?
            .ok_or_else(|| error(ErrorCode::NotFound, "no saved search of yours has this id"))?;
        let search = services
            .search
            .clone()
            .ok_or_else(|| error(ErrorCode::Unavailable, "search is not running in this process"))?;
        let mut rx = services.profiles.notices();
        Ok(async_stream::stream! {
            let mut seen: BTreeSet<String> = BTreeSet::new();
            let mut first = true;
            loop {
                if !first {
                    // Wait for a change of a searchable kind, then for search to index it.
                    loop {
                        match rx.recv().await {
                            Ok(n) if !matches!(n.kind, EntityKind::User | EntityKind::Consent | EntityKind::Application) => break,
                            Ok(_) | Err(RecvError::Lagged(_)) => {}
                            Err(RecvError::Closed) => return,
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(600)).await;
                    while rx.try_recv().is_ok() {}
                }
                let Ok(results) = search.search(request.clone()).await else { continue };
                let results: SearchResultsGql = results.into();
                let fresh: Vec<SearchHit> = results.hits.into_iter().filter(|h| seen.insert(h.id.to_string())).collect();
                if first || !fresh.is_empty() {
                    yield NewResults { saved_search: ID(search_id.to_string()), hits: fresh, total: results.total };
                }
                first = false;
            }
        })
    }
}
