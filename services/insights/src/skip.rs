//! Step 2 of a rebuild (see [`crate::rebuild`]): the insights group is moved to the ends of
//! its topics before the database is read, so the consumer follows the rebuilt facts from
//! there instead of reading the topics from their earliest message again.
//!
//! The bus has no call that sets a group's positions, and none is needed: the group's own
//! subscription reads what the topics hold and acknowledges it without applying anything.
//! That is safe because every event is published only after the transaction that wrote it
//! committed; whatever this moves past was in the database before the rebuild starts reading
//! it, and the rebuild holds it (or a newer version). Payloads are not opened or decoded.
//!
//! Where it stops matters only for how much the consumer reads again, never for what the
//! facts end up holding: it stops once nothing has come for [`QUIET`] (it is at the ends),
//! or after [`SKIP_LIMIT`] on a platform that never pauses publishing. Anything after the
//! position it leaves is read by the consumer, which skips what the rebuild already holds by
//! version. A commit the bus could not make leaves the group where it was: the consumer
//! reads more again and skips it the same way.

use anyhow::Context;
use crocevia_kit::bus::{Delivery, SharedBus};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Nothing delivered for this long, with partitions assigned: the group is at the ends.
pub const QUIET: Duration = Duration::from_secs(2);
/// The longest the group is moved on for; a platform publishing all along is followed from
/// wherever it got to.
pub const SKIP_LIMIT: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(200);

/// Moves `group` on `topics` to their ends (see the module's note); returns the messages it
/// moved past. Stopped by `stop`, it keeps what it moved past and returns an error.
pub async fn to_ends(
    bus: &SharedBus,
    topics: &[String],
    group: &str,
    stop: &watch::Receiver<bool>,
) -> anyhow::Result<u64> {
    let mut sub = bus
        .subscribe(topics, group)
        .await
        .with_context(|| format!("joining group {group} to move it to the ends of {topics:?}"))?;
    let started = Instant::now();
    let mut quiet_since: Option<Instant> = None;
    // The last delivery of each partition: acknowledging it moves the partition past it and
    // everything before it.
    let mut last: HashMap<(String, i32), Delivery> = HashMap::new();
    let mut skipped = 0u64;
    let outcome = loop {
        if *stop.borrow() {
            break Err(anyhow::anyhow!("stopped while moving group {group} to the ends of its topics"));
        }
        if started.elapsed() >= SKIP_LIMIT {
            tracing::warn!(group, skipped, "topics still busy: the consumer follows from where the group got to");
            break Ok(());
        }
        match sub.poll(POLL).await {
            Ok(Some(delivery)) => {
                quiet_since = None;
                skipped += 1;
                last.insert((delivery.topic.clone(), delivery.partition), delivery);
            }
            // Before the group gave this member its partitions, an empty poll says nothing.
            Ok(None) if sub.assignment().is_empty() => {}
            Ok(None) => {
                if quiet_since.get_or_insert_with(Instant::now).elapsed() >= QUIET {
                    break Ok(());
                }
            }
            Err(e) => {
                tracing::warn!(group, error = %e, "polling while moving the group to the ends");
                tokio::time::sleep(POLL).await;
            }
        }
    };
    for delivery in last.values() {
        sub.ack(delivery)
            .await
            .with_context(|| format!("moving group {group} past {}/{}", delivery.topic, delivery.partition))?;
    }
    sub.close().await.with_context(|| format!("leaving group {group}"))?;
    outcome.map(|()| skipped)
}
