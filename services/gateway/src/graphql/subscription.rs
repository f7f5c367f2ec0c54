//! Subscriptions over graphql-transport-ws, authenticated at connection init: my matches
//! changed, my applications changed, new results for a saved search.

use super::query::uuid;
use super::types::{SearchHit, SearchResultsGql};
use super::{Services, app_error, signed_in};
use async_graphql::{Context, ID, Result, SimpleObject, Subscription};
use crocevia_domain::ApplicationStage;
use crocevia_domain::EntityKind;
use crocevia_profiles::{AppApi, AppError, Session};
use crocevia_search::service::Committed;
use futures::Stream;
use std::collections::BTreeSet;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};

#[derive(Debug, Default)]
pub struct SubscriptionRoot;

/// Whether the subscriber's token still stands (its account not erased, no password change
/// or "log out everywhere" since): checked before every event, so an open socket stops with
/// its token instead of streaming on.
async fn still_valid(app: &dyn AppApi, session: Option<Session>) -> bool {
    match session {
        Some(session) => app.actor(Some(session)).await.is_ok(),
        None => false,
    }
}

/// How long a saved search waits after a change before it runs again when it cannot hear
/// search's commits (a gateway replica that follows no topic).
const REMOTE_INDEXING: Duration = Duration::from_millis(600);
/// The longest wait for search to index a change before the saved search runs anyway.
const INDEXING_WAIT: Duration = Duration::from_secs(10);

/// Returns once a commit made version `version` (or a later one) of `id` searchable, or the
/// commits could not be followed (lagged behind: many commits passed; closed), or after
/// [`INDEXING_WAIT`].
async fn indexed(commits: &mut broadcast::Receiver<Committed>, id: uuid::Uuid, version: u64) {
    let wait = async {
        loop {
            match commits.recv().await {
                Ok(done) if done.iter().any(|(e, v)| *e == id && *v >= version) => return,
                Ok(_) => {}
                Err(RecvError::Lagged(_) | RecvError::Closed) => return,
            }
        }
    };
    let _ = tokio::time::timeout(INDEXING_WAIT, wait).await;
}

/// Kinds that have a ranked list.
fn is_subject(kind: EntityKind) -> bool {
    matches!(kind, EntityKind::Talent | EntityKind::Startup | EntityKind::Offer | EntityKind::Programme)
}

#[derive(SimpleObject, Debug, Clone)]
pub struct MatchesChanged {
    /// The talent, offer, startup or programme whose ranked list changed; query `matches` for it.
    pub subject: ID,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ApplicationChanged {
    pub id: ID,
    pub version: i64,
    pub stage: ApplicationStage,
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
        let services = ctx.data::<Services>()?;
        let app = services.app.clone();
        let actor = signed_in(ctx)?.clone();
        let session = ctx.data_opt::<Session>().copied();
        let matching = services
            .matching
            .clone()
            .ok_or_else(|| app_error(AppError::Unavailable("matching is not running in this process".into())))?;
        // Followed before the owned subjects are read, so a profile saved in between is heard.
        let mut notices = app.notices();
        let mut mine: BTreeSet<uuid::Uuid> = app.owned_subjects(&actor).await.map_err(app_error)?.into_iter().collect();
        let mut rx = matching.list_changes();
        Ok(async_stream::stream! {
            loop {
                tokio::select! {
                    change = rx.recv() => match change {
                        Ok((subject, _)) if mine.contains(&subject) => {
                            if !still_valid(app.as_ref(), session).await {
                                break;
                            }
                            yield MatchesChanged { subject: ID(subject.to_string()) }
                        }
                        Ok(_) | Err(RecvError::Lagged(_)) => {}
                        Err(RecvError::Closed) => break,
                    },
                    // A profile, offer or programme created since may be mine: what is mine is
                    // read again (one query per creation, not per edit or list change), before
                    // matching has ranked it. Ownership never moves, so edits change nothing;
                    // an erased subject just leaves the set.
                    notice = notices.recv() => {
                        let stale = match &notice {
                            Ok(n) if n.erased => {
                                mine.remove(&n.id);
                                false
                            }
                            Ok(n) => n.created && is_subject(n.kind) && !mine.contains(&n.id),
                            Err(RecvError::Lagged(_)) => true,
                            Err(RecvError::Closed) => false,
                        };
                        if stale && let Ok(owned) = app.owned_subjects(&actor).await {
                            mine = owned.into_iter().collect();
                        }
                    }
                }
            }
        })
    }

    /// Fires when an application I made, or one to my organisation, changes.
    async fn my_applications_changed(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = ApplicationChanged>> {
        let app = ctx.data::<Services>()?.app.clone();
        let actor = signed_in(ctx)?.clone();
        let session = ctx.data_opt::<Session>().copied();
        let mut rx = app.notices();
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
                let Ok((application, _, relation)) = app.application(&actor, notice.id).await else { continue };
                if relation.organisation || relation.applicant {
                    if !still_valid(app.as_ref(), session).await {
                        break;
                    }
                    yield ApplicationChanged {
                        id: ID(notice.id.to_string()),
                        version: notice.version as i64,
                        stage: application.stage,
                        score: application.score.map(i32::from),
                    };
                }
            }
        })
    }

    /// The results of one of my saved searches now, then each new result as entities change.
    async fn saved_search_results(&self, ctx: &Context<'_>, id: ID) -> Result<impl Stream<Item = NewResults>> {
        let services = ctx.data::<Services>()?;
        let app = services.app.clone();
        let actor = signed_in(ctx)?.clone();
        let session = ctx.data_opt::<Session>().copied();
        let search_id = uuid("id", &id)?;
        // Refused here when it is not theirs; each run narrows it to the kinds they may see.
        app.saved_search(&actor, search_id).await.map_err(app_error)?;
        let mut rx = app.notices();
        // Followed from now, so no commit after a notice is missed.
        let mut commits = services.indexed.as_ref().map(broadcast::Sender::subscribe);
        Ok(async_stream::stream! {
            let mut seen: BTreeSet<String> = BTreeSet::new();
            let mut first = true;
            loop {
                if !first {
                    // Wait for a change of a searchable kind, then for search to index it.
                    let notice = loop {
                        match rx.recv().await {
                            Ok(n) if !matches!(n.kind, EntityKind::User | EntityKind::Consent | EntityKind::Application) => break n,
                            Ok(_) | Err(RecvError::Lagged(_)) => {}
                            Err(RecvError::Closed) => return,
                        }
                    };
                    match commits.as_mut() {
                        Some(commits) => indexed(commits, notice.id, notice.version).await,
                        // Nobody announces commits (a gateway that follows no topic).
                        None => tokio::time::sleep(REMOTE_INDEXING).await,
                    }
                    while rx.try_recv().is_ok() {}
                }
                if !still_valid(app.as_ref(), session).await {
                    return;
                }
                let Ok(results) = app.run_saved(&actor, search_id).await else { continue };
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
