//! What the fault tests need beyond the stack: a broker of their own (so it can be killed),
//! the progress of the writers, and the checks that the index, the match store, the topics
//! and the database agree exactly.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub enum Fault {
    /// One of the service processes, by position in the test's list.
    Process(usize),
    Broker,
}

/// Committed changes so far.
#[derive(Debug, Default)]
pub struct Progress {
    pub written: AtomicUsize,
}

impl Progress {
    pub async fn wait_until(&self, n: usize) {
        while self.written.load(Ordering::Relaxed) < n {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The Kafka-protocol broker of `deploy/scripts/broker.sh` (tansu, SQLite storage) in its own
/// folder on a free port, so a test can kill it.
pub struct Broker {
    dir: PathBuf,
    port: u16,
}

impl Broker {
    pub fn start(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let broker = Self { dir: dir.to_owned(), port };
        broker.restart();
        broker
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn script(&self, action: &str) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/scripts/broker.sh");
        let status = Command::new("bash")
            .arg(&script)
            .arg(action)
            .env("CROCEVIA_BROKER_PORT", self.port.to_string())
            .env("CROCEVIA_BROKER_DIR", &self.dir)
            .status()
            .unwrap_or_else(|e| panic!("{}: {e}", script.display()));
        assert!(status.success(), "broker.sh {action} failed (deploy/scripts/install-tansu.sh installs the broker)");
    }

    /// kill -9, and waits until the process is gone.
    pub fn kill9(&mut self) {
        self.script("stop");
    }

    /// Starts the broker on its folder and port (again, after a kill) and waits until it listens.
    pub fn restart(&self) {
        self.script("start");
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.kill9();
        // CROCEVIA_TEST_BROKER_LOG=path keeps the broker's log (with RUST_LOG=info, its groups).
        if let Ok(keep) = std::env::var("CROCEVIA_TEST_BROKER_LOG") {
            let _ = std::fs::copy(self.dir.join("broker.log"), keep);
        }
    }
}

pub mod checks {
    use crocevia_kit::bus::Delivery;
    use crocevia_kit::bus::outbox::HEADER_EVENT_ID;
    use crocevia_proto::envelope;
    use prost::Message;
    use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
    use std::collections::{BTreeMap, HashMap, HashSet};
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};
    use uuid::Uuid;

    const KINDS: [&str; 8] =
        ["user", "consent", "organisation", "talent", "startup", "programme", "offer", "application"];
    pub const SEARCHABLE: [&str; 5] = ["organisation", "talent", "startup", "programme", "offer"];
    const MATCHED: [&str; 4] = ["talent", "startup", "programme", "offer"];

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Held {
        pub kind: &'static str,
        pub version: u64,
        pub live: bool,
    }

    /// Every entity the database holds, live or deleted (tombstone), at its version.
    pub struct Expected {
        pub entities: HashMap<Uuid, Held>,
    }

    async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
        db.query_all(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap()
    }

    impl Expected {
        pub async fn read(db: &DatabaseConnection) -> Self {
            let mut entities = HashMap::new();
            for kind in KINDS {
                for row in rows(db, &format!("SELECT id, version FROM {kind}s")).await {
                    let (id, version): (Uuid, i64) =
                        (row.try_get("", "id").unwrap(), row.try_get("", "version").unwrap());
                    entities.insert(id, Held { kind, version: version as u64, live: true });
                }
            }
            for row in rows(db, "SELECT id, kind, version FROM tombstones").await {
                let (id, kind, version): (Uuid, String, i64) = (
                    row.try_get("", "id").unwrap(),
                    row.try_get("", "kind").unwrap(),
                    row.try_get("", "version").unwrap(),
                );
                let kind = KINDS.into_iter().find(|k| *k == kind).unwrap_or_else(|| panic!("tombstone kind {kind}"));
                assert!(entities.insert(id, Held { kind, version: version as u64, live: false }).is_none());
            }
            Self { entities }
        }

        /// Every version is one change: creation 1, each edit +1, the deletion +1.
        pub fn changes(&self) -> u64 {
            self.entities.values().map(|h| h.version).sum()
        }

        /// Live entities of `kinds` at their versions.
        pub fn live(&self, kinds: &[&str]) -> BTreeMap<Uuid, u64> {
            self.entities
                .iter()
                .filter(|(_, h)| h.live && kinds.contains(&h.kind))
                .map(|(id, h)| (*id, h.version))
                .collect()
        }
    }

    /// The live documents of the tantivy index under `dir`: id -> versions (one, unless doubled).
    pub fn documents(dir: &Path) -> anyhow::Result<BTreeMap<Uuid, Vec<u64>>> {
        use tantivy::Document;
        let index = tantivy::Index::open_in_dir(index_dir(dir)?)?;
        let schema = index.schema();
        let reader: tantivy::IndexReader =
            index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into()?;
        let searcher = reader.searcher();
        let mut docs: BTreeMap<Uuid, Vec<u64>> = BTreeMap::new();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(0)?;
            for doc_id in segment.doc_ids_alive() {
                let doc: tantivy::TantivyDocument = store.get(doc_id)?;
                let json: serde_json::Value = serde_json::from_str(&doc.to_json(&schema))?;
                // A tombstone document keeps an erased entity's version (so an older event
                // cannot bring it back); it is not the entity.
                if json["kind"][0] == "tombstone" {
                    continue;
                }
                let id: Uuid = json["id"][0].as_str().unwrap_or_default().parse()?;
                docs.entry(id).or_default().push(json["version"][0].as_u64().unwrap_or_default());
            }
        }
        Ok(docs)
    }

    fn index_dir(data_dir: &Path) -> anyhow::Result<PathBuf> {
        let mut stack = vec![data_dir.to_owned()];
        while let Some(dir) = stack.pop() {
            if dir.join("meta.json").exists() {
                return Ok(dir);
            }
            stack.extend(std::fs::read_dir(&dir)?.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()));
        }
        anyhow::bail!("no index under {}", data_dir.display())
    }

    /// How `held` (id -> versions) differs from `want` (id -> version): lost, doubled, stale.
    pub fn differences(what: &str, held: &BTreeMap<Uuid, Vec<u64>>, want: &BTreeMap<Uuid, u64>) -> Vec<String> {
        let mut out = Vec::new();
        for (id, version) in want {
            match held.get(id).map(Vec::as_slice) {
                None => out.push(format!("{what}: {id} v{version} lost")),
                Some([v]) if v == version => {}
                Some([v]) => out.push(format!("{what}: {id} at v{v}, not v{version}")),
                Some(vs) => out.push(format!("{what}: {id} held {} times {vs:?}", vs.len())),
            }
        }
        out.extend(
            held.keys().filter(|id| !want.contains_key(id)).map(|id| format!("{what}: {id} should not be there")),
        );
        out
    }

    async fn replica(db: &DatabaseConnection) -> BTreeMap<Uuid, Vec<u64>> {
        let mut held: BTreeMap<Uuid, Vec<u64>> = BTreeMap::new();
        for row in rows(db, "SELECT id, version FROM matching_entities WHERE data IS NOT NULL").await {
            let (id, version): (Uuid, i64) = (row.try_get("", "id").unwrap(), row.try_get("", "version").unwrap());
            held.entry(id).or_default().push(version as u64);
        }
        held
    }

    /// Everything that differs between the database and the index, the matching index and
    /// matching's replica (live entities); empty once they agree.
    async fn disagreements(
        db: &DatabaseConnection,
        expected: &Expected,
        search: &Path,
        matching: &Path,
    ) -> Vec<String> {
        let mut out = Vec::new();
        match documents(search) {
            Ok(docs) => out.extend(differences("search index", &docs, &expected.live(&SEARCHABLE))),
            Err(e) => out.push(format!("search index unreadable now: {e}")),
        }
        match documents(matching) {
            Ok(docs) => out.extend(differences("matching index", &docs, &expected.live(&MATCHED))),
            Err(e) => out.push(format!("matching index unreadable now: {e}")),
        }
        out.extend(differences("matching replica", &replica(db).await, &expected.live(&MATCHED)));
        let stale = rows(db, "SELECT id, version FROM matching_entities WHERE data IS NULL").await;
        for row in stale {
            let (id, version): (Uuid, i64) = (row.try_get("", "id").unwrap(), row.try_get("", "version").unwrap());
            if expected.entities.get(&id).is_none_or(|h| h.live || h.version != version as u64) {
                out.push(format!("matching replica: erased {id} v{version} disagrees with the database"));
            }
        }
        let unpublished = rows(db, "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL").await;
        let n: i64 = unpublished[0].try_get("", "n").unwrap();
        if n > 0 {
            out.push(format!("{n} outbox rows unpublished"));
        }
        out
    }

    /// Waits until the indexes and the replica agree with the database; fails with the
    /// differences after `limit`.
    pub async fn converge(
        db: &DatabaseConnection,
        expected: &Expected,
        search: &Path,
        matching: &Path,
        limit: Duration,
    ) {
        let deadline = Instant::now() + limit;
        let mut reported = Instant::now();
        loop {
            let left = disagreements(db, expected, search, matching).await;
            if left.is_empty() {
                return;
            }
            if reported.elapsed() > Duration::from_secs(30) {
                eprintln!("still {} disagreements, e.g. {:?}", left.len(), &left[..left.len().min(3)]);
                reported = Instant::now();
            }
            if Instant::now() > deadline {
                panic!("{} disagreements, e.g. {:#?}", left.len(), &left[..left.len().min(20)]);
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }

    fn event_id(d: &Delivery) -> String {
        d.header(HEADER_EVENT_ID)
            .unwrap_or_else(|| panic!("message without event id at {}:{}", d.partition, d.offset))
            .to_owned()
    }

    /// The topic holds each version of each entity exactly once: 1..=version.
    pub async fn profiles_topic(brokers: &str, topic: &str, expected: &Expected) {
        let messages = crate::support::kafka::read_topic(brokers, topic).await;
        let ids: HashSet<String> = messages.iter().map(event_id).collect();
        assert_eq!(ids.len(), messages.len(), "{} messages doubled on {topic}", messages.len() - ids.len());
        let mut versions: HashMap<Uuid, Vec<u64>> = HashMap::new();
        for d in &messages {
            let meta = envelope::decode_meta(&d.payload).unwrap();
            versions.entry(meta.entity_id).or_default().push(meta.entity_version);
        }
        let mut wrong = Vec::new();
        for (id, held) in &expected.entities {
            let want: Vec<u64> = (1..=held.version).collect();
            let got = versions.remove(id).unwrap_or_default();
            if got != want {
                wrong.push(format!("{id}: {got:?}, want 1..={}", held.version));
            }
        }
        wrong.extend(versions.keys().map(|id| format!("{id}: on the topic, not in the database")));
        assert!(wrong.is_empty(), "{} entities differ on {topic}: {:#?}", wrong.len(), &wrong[..wrong.len().min(20)]);
        eprintln!("{topic}: {} events, each version of each entity once", messages.len());
    }

    /// The match events on `topic` are matching's outbox, each once; replaying them gives
    /// exactly the stored lists, which name live entities once each.
    pub async fn matching_agrees(db: &DatabaseConnection, brokers: &str, topic: &str, expected: &Expected) {
        let unpublished = rows(db, "SELECT count(*) AS n FROM matching_outbox WHERE NOT published").await;
        assert_eq!(unpublished[0].try_get::<i64>("", "n").unwrap(), 0, "match events left unpublished");
        let mut outbox = HashSet::new();
        for row in rows(db, "SELECT payload FROM matching_outbox").await {
            let payload: Vec<u8> = row.try_get("", "payload").unwrap();
            assert!(outbox.insert(crocevia_proto::v1::MatchChanged::decode(payload.as_slice()).unwrap().event_id));
        }
        let messages = crate::support::kafka::read_topic(brokers, topic).await;
        let mut replayed: HashMap<(Uuid, Uuid), u32> = HashMap::new();
        let mut seen = HashSet::new();
        for d in &messages {
            let event = crocevia_proto::v1::MatchChanged::decode(d.payload.as_slice()).unwrap();
            assert_eq!(event_id(d), event.event_id);
            assert!(seen.insert(event.event_id.clone()), "match event {} doubled on {topic}", event.event_id);
            replayed.insert((event.subject_id.parse().unwrap(), event.counterpart_id.parse().unwrap()), event.new_rank);
        }
        let lost: Vec<&String> = outbox.difference(&seen).collect();
        let strays: Vec<&String> = seen.difference(&outbox).collect();
        assert!(
            lost.is_empty() && strays.is_empty(),
            "{} match events lost, {} not from the outbox",
            lost.len(),
            strays.len()
        );

        let mut stored: HashMap<(Uuid, Uuid), u32> = HashMap::new();
        for row in rows(db, super::STORED_RANKS).await {
            let (subject, counterpart, rank): (Uuid, Uuid, i32) = (
                row.try_get("", "subject_id").unwrap(),
                row.try_get("", "counterpart_id").unwrap(),
                row.try_get::<i64>("", "rank").unwrap() as i32,
            );
            assert!(
                stored.insert((subject, counterpart), rank as u32).is_none(),
                "{counterpart} twice in {subject}'s list"
            );
            for id in [subject, counterpart] {
                assert!(expected.entities.get(&id).is_some_and(|h| h.live), "list {subject} names {id}, not live");
            }
        }
        let mut wrong = Vec::new();
        for (pair, rank) in &replayed {
            if stored.get(pair).copied().unwrap_or(0) != *rank {
                wrong.push(format!("{pair:?}: replayed rank {rank}, stored {:?}", stored.get(pair)));
            }
        }
        wrong.extend(stored.keys().filter(|p| !replayed.contains_key(p)).map(|p| format!("{p:?}: stored, no event")));
        assert!(
            wrong.is_empty(),
            "{} list entries differ from the events: {:#?}",
            wrong.len(),
            &wrong[..wrong.len().min(20)]
        );
        eprintln!(
            "{topic}: {} match events = the outbox; replayed, they give the {} stored entries",
            messages.len(),
            stored.len()
        );
    }
}

/// Each stored place with its rank: a list's order is its ranking key (see the matching store).
pub const STORED_RANKS: &str = "SELECT subject_id, counterpart_id, ROW_NUMBER() OVER (PARTITION BY subject_id \
     ORDER BY class DESC, score DESC, counterpart_id ASC) AS rank FROM matching_entries";
