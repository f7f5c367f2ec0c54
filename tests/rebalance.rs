//! Two members of the search group on the real broker: they split the partitions, each
//! indexing its share, and the gateway asks both and merges. When one member leaves the other
//! takes its partitions over and replays them into its own index; when it comes back it
//! resumes its partitions from where its own index ends. Changes keep coming
//! throughout, and afterwards the members' index files hold exactly the database's
//! searchable entities, each once, at its version: a rebalance loses nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

#[path = "support/faults.rs"]
#[allow(dead_code, reason = "shared with the fault test")]
mod faults;

use crocevia_domain::{Entity, SkillConcept};
use crocevia_profiles::Profiles;
use crocevia_synth::{Dataset, SynthConfig};
use faults::checks::{self, Expected};
use sea_orm::Database;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use support::Server;
use support::stack::{Stack, config, gql, process};
use uuid::Uuid;

/// The searchable entities the database holds, live, at their versions.
async fn searchable(database: &str) -> BTreeMap<Uuid, u64> {
    let db = Database::connect(database).await.unwrap();
    Expected::read(&db).await.live(&checks::SEARCHABLE)
}

/// How many entities an anonymous search can find (talents are for organisations only).
async fn public(database: &str) -> usize {
    let db = Database::connect(database).await.unwrap();
    Expected::read(&db).await.live(&["organisation", "startup", "programme", "offer"]).len()
}

/// Entity id -> the versions its documents hold (one, unless doubled).
type Held = BTreeMap<Uuid, Vec<u64>>;

/// The documents of all members' indexes together, and how many each member holds.
fn union(members: &[&Path]) -> anyhow::Result<(Held, Vec<usize>)> {
    let mut all = Held::new();
    let mut sizes = Vec::new();
    for dir in members {
        let docs = checks::documents(dir)?;
        sizes.push(docs.len());
        for (id, versions) in docs {
            all.entry(id).or_default().extend(versions);
        }
    }
    Ok((all, sizes))
}

/// Waits until the members' indexes together hold exactly the database's searchable entities,
/// each once, and each member holds a share; returns how many documents each member holds.
async fn members_agree(database: &str, members: &[&Path]) -> Vec<usize> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let want = searchable(database).await;
        let (held, sizes) = union(members).unwrap_or_default();
        let mut left = checks::differences("members' indexes", &held, &want);
        if sizes.contains(&0) {
            left.push(format!("a member holds nothing yet: {sizes:?}"));
        }
        if left.is_empty() {
            return sizes;
        }
        assert!(Instant::now() < deadline, "{} disagreements, e.g. {:#?}", left.len(), &left[..left.len().min(10)]);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn total(gateway: &Server) -> Value {
    gql(gateway, None, "{ search(input: {text: \"\", limit: 5}) { total } }", json!({})).await["data"]["search"]["total"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_search_members_split_the_partitions_and_a_rebalance_loses_nothing() {
    // A broker of its own: group membership must not wait on other tests' traffic.
    let broker_dir = tempfile::tempdir().unwrap();
    let broker = faults::Broker::start(broker_dir.path());
    // The application service (in the profiles process) asks both members of the search
    // group; the second one's port is chosen before it starts.
    let second_port = support::stack::free_port().to_string();
    let urls = format!("{{search}},http://127.0.0.1:{second_port}");
    let Stack {
        dir, database, brokers, suffix, search: _first, profiles: _profiles, matching: _matching, gateway, ..
    } = Stack::start_with(&broker.address(), "crocevia_rebalance", false, &[("CROCEVIA__GATEWAY__SEARCH_URL", &urls)])
        .await;
    // The second member joins and leaves the group dynamically (no instance id): a stop sends
    // the broker a LeaveGroup and its partitions move at once.
    let member =
        |name: &str| {
            process(name, dir.path(), &database, &brokers, &suffix)
                .with("CROCEVIA__BUS__KAFKA__INSTANCE_ID", "")
                .serve(&["search", "--config", &config("search"), "--port", &second_port])
        };
    let (dir_a, dir_b) = (dir.path().join("search"), dir.path().join("search-b"));
    let db = Database::connect(&database).await.unwrap();
    let writer = Profiles::new(db.clone(), format!("{}-{suffix}", crocevia_proto::PROFILES_TOPIC));
    let skills: Vec<SkillConcept> = crocevia_domain::taxonomy::reference().unwrap().into_concepts();
    let dataset = Dataset::generate(&SynthConfig { talents: 300, seed: 11 }, &skills, &mut |_, _| {});
    let entities = dataset.into_entities();
    let (first_half, second_half) = entities.split_at(entities.len() / 2);
    for entity in first_half {
        writer.upsert(entity.clone(), None, "rebalance").await.unwrap();
    }

    // A second member joins: the two split the partitions (3), each indexing only its share,
    // and the one that was given partitions replays them from the start into its new index.
    let second = member("search-b");
    second.wait_ready(Duration::from_secs(60)).await;
    members_agree(&database, &[&dir_a, &dir_b]).await;

    // A search through the gateway asks both members and merges.
    let expected = public(&database).await;
    assert_eq!(total(&gateway).await, json!(expected), "the merged answer counts every member's share");

    // The second member stops while changes stream in: the first takes its partitions over
    // and replays them into its own index.
    let stream = {
        let (writer, batch) = (writer.clone(), second_half.to_vec());
        tokio::spawn(async move {
            for entity in batch {
                writer.upsert(entity, None, "rebalance").await.unwrap();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    assert!(second.stop().success());
    eprintln!("member b stopped");
    let sizes = members_agree(&database, &[&dir_a]).await;
    eprintln!("member a alone holds {sizes:?} documents");

    // It comes back while the rest streams in: it resumes its partitions from its own index
    // (catching up with what changed meanwhile), and the first drops them.
    let second = member("search-b");
    second.wait_ready(Duration::from_secs(60)).await;
    stream.await.unwrap();
    for entity in first_half.iter().step_by(7) {
        if let Entity::Talent(t) = entity {
            let mut edited = t.clone();
            edited.headline = format!("{} (updated)", t.headline);
            writer.upsert(Entity::Talent(edited), None, "rebalance").await.unwrap();
        }
    }
    let sizes = members_agree(&database, &[&dir_a, &dir_b]).await;
    let expected = public(&database).await;
    assert_eq!(total(&gateway).await, json!(expected));
    eprintln!("{} searchable documents, split {sizes:?}; {expected} found anonymously", sizes.iter().sum::<usize>());
}
