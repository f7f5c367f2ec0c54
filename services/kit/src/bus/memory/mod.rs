//! The in-process bus of the embedded mode: Kafka's model (topics, partitions, keys,
//! consumer groups, committed offsets) in one process, kept in files so that a restarted
//! process resumes where each group left off.

mod log;

use super::{BusError, Delivery, EventBus, OutMessage, OwnPositions, Subscription, TopicSpec, dead_letter_message};
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

struct PartitionLog {
    records: Records,
    file: Option<File>,
}

/// A partition's records. Kept in a file, only where each frame starts is held (8 bytes a
/// record) and a record is read back when a consumer reaches it: holding every record, as this
/// bus once did, held every event ever published (gigabytes of match events after a 10^5
/// import). An ephemeral bus (tests) holds the records themselves.
enum Records {
    Stored { starts: Vec<u64>, reader: File },
    Held(Vec<Arc<OutMessage>>),
}

impl Records {
    fn len(&self) -> usize {
        match self {
            Records::Stored { starts, .. } => starts.len(),
            Records::Held(records) => records.len(),
        }
    }

    fn get(&self, offset: usize) -> Option<Arc<OutMessage>> {
        match self {
            Records::Stored { starts, reader, .. } => {
                let at = *starts.get(offset)?;
                match log::read_frame(reader, at) {
                    Ok(message) => Some(Arc::new(message)),
                    Err(e) => {
                        tracing::error!(offset, error = %e, "reading a bus log record failed");
                        None
                    }
                }
            }
            Records::Held(records) => records.get(offset).cloned(),
        }
    }

    /// After its frame was appended to the file, starting at byte `at`.
    fn push(&mut self, message: OutMessage, at: u64) {
        match self {
            Records::Stored { starts, .. } => starts.push(at),
            Records::Held(records) => records.push(Arc::new(message)),
        }
    }
}

struct GroupState {
    committed: log::Offsets,
    /// Live members in join order; partition `i` of the sorted list goes to member `i % n`.
    members: Vec<u64>,
    generation: u64,
}

#[derive(Default)]
struct State {
    topics: HashMap<String, Vec<PartitionLog>>,
    groups: HashMap<String, GroupState>,
    next_member: u64,
}

struct Shared {
    dir: Option<PathBuf>,
    fsync: bool,
    dead_letter_topic: String,
    state: Mutex<State>,
    /// Bumped on every append and membership change, to wake waiting consumers.
    changed: watch::Sender<u64>,
    /// Damaged records found when the log was opened.
    damaged: usize,
}

/// Appends each partition's frames, all or none. A failed write (a full disk, an I/O error)
/// cuts every file back to its length before this batch: a frame the publisher was told
/// failed must not stay in a log, where the next start would read it as a record (or, torn,
/// as a damaged one) and the publisher's retry would add it again.
fn write_all_or_none(partitions: &mut [PartitionLog], frames: &[Vec<u8>], fsync: bool) -> std::io::Result<()> {
    let mut started: Vec<(usize, u64)> = Vec::new();
    let mut failure = None;
    for (p, frame) in frames.iter().enumerate() {
        let (false, Some(PartitionLog { file: Some(file), .. })) = (frame.is_empty(), partitions.get_mut(p)) else {
            continue;
        };
        let written = file.metadata().map(|m| m.len()).and_then(|length| {
            started.push((p, length));
            file.write_all(frame)?;
            if fsync { file.sync_data() } else { Ok(()) }
        });
        if let Err(e) = written {
            failure = Some(e);
            break;
        }
    }
    let Some(failure) = failure else { return Ok(()) };
    for (p, length) in started {
        if let Some(PartitionLog { file: Some(file), .. }) = partitions.get_mut(p)
            && let Err(e) = file.set_len(length)
        {
            // Left in place, the torn frame is found at the next start, marked and counted as
            // damaged; later records keep their order (consumers may see some again).
            tracing::error!(partition = p, error = %e, "a failed append could not be cut back");
        }
    }
    Err(failure)
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-appended record in memory (the
        // push comes after the file write), so the state stays usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    fn append(&self, topic: &str, batch: Vec<OutMessage>) -> Result<(), BusError> {
        if batch.iter().any(|m| m.key.is_empty()) {
            return Err(BusError::EmptyKey);
        }
        let mut state = self.lock();
        let partitions = state.topics.get_mut(topic).ok_or_else(|| BusError::UnknownTopic(topic.to_owned()))?;
        let count = partitions.len();
        let mut frames: Vec<Vec<u8>> = vec![Vec::new(); count];
        let mut routed: Vec<Vec<(OutMessage, u64)>> = (0..count).map(|_| Vec::new()).collect();
        for message in batch {
            let p = partition_for(&message.key, count);
            let mut frame_len = 0;
            if let Some(frame) = frames.get_mut(p) {
                let before = frame.len();
                log::encode_frame(&message, frame);
                frame_len = (frame.len() - before) as u64;
            }
            if let Some(list) = routed.get_mut(p) {
                list.push((message, frame_len));
            }
        }
        // Write every partition first, then expose the records: a failed write publishes
        // nothing of this batch, in memory or on disk, and the publisher gets the error.
        write_all_or_none(partitions, &frames, self.fsync)?;
        for (p, list) in routed.into_iter().enumerate() {
            if let Some(log) = partitions.get_mut(p) {
                // Where this batch's frames begin: the file's length less what was appended
                // (read back rather than counted, so a file cut back after a failure, or not,
                // still gives each record its own frame).
                let written: u64 = list.iter().map(|(_, len)| len).sum();
                let mut at = match &log.file {
                    Some(file) => file.metadata()?.len().saturating_sub(written),
                    None => 0,
                };
                for (message, frame_len) in list {
                    log.records.push(message, at);
                    at += frame_len;
                }
            }
        }
        drop(state);
        self.bump();
        Ok(())
    }

    fn commit(&self, group: &str, topic: &str, partition: i32, next_offset: i64) -> Result<(), BusError> {
        if group.starts_with(FOLLOWER_PREFIX) {
            return Ok(());
        }
        let mut state = self.lock();
        let group_state = state.groups.get_mut(group).ok_or_else(|| anyhow!("group {group} is unknown"))?;
        let entry = group_state.committed.entry((topic.to_owned(), partition)).or_insert(0);
        if next_offset <= *entry {
            return Ok(());
        }
        *entry = next_offset;
        if let Some(dir) = &self.dir {
            log::write_offsets(dir, group, &group_state.committed)?;
        }
        Ok(())
    }

    fn leave(&self, group: &str, member: u64) {
        let mut state = self.lock();
        if group.starts_with(FOLLOWER_PREFIX) {
            state.groups.remove(group);
        } else if let Some(g) = state.groups.get_mut(group) {
            g.members.retain(|m| *m != member);
            g.generation += 1;
        }
        drop(state);
        self.bump();
    }
}

/// Groups of [`EventBus::follow`] readers: never written to disk, gone when they leave (a
/// name no `join` can take: `check_name` refuses a leading '~').
const FOLLOWER_PREFIX: &str = "~follow-";

/// Kafka's default partitioner hashes with murmur2; any stable hash gives the property that
/// matters here, one key -> one partition -> one order.
fn partition_for(key: &str, partitions: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % partitions.max(1)
}

fn check_name(what: &str, name: &str) -> Result<(), BusError> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !name.starts_with('.');
    if ok { Ok(()) } else { Err(anyhow!("{what} {name:?} may use only letters, digits, '.', '_' and '-'").into()) }
}

/// The embedded event bus. Cloning shares the same bus.
#[derive(Clone)]
pub struct InProcessBus {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for InProcessBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcessBus").field("dir", &self.shared.dir).finish_non_exhaustive()
    }
}

impl InProcessBus {
    /// Opens (or creates) a bus kept under `dir`, reloading its topics and group offsets.
    /// `fsync` makes every published batch survive a power loss, not only a process crash.
    pub fn open(dir: &Path, fsync: bool, dead_letter_topic: &str) -> Result<Self, BusError> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating bus folder {}", dir.display()))?;
        let mut state = State::default();
        let mut damaged = 0;
        for (topic, count) in log::read_topics(dir)? {
            let mut partitions = Vec::with_capacity(count);
            for p in 0..count {
                let path = log::partition_path(dir, &topic, p);
                let index = log::index_partition(&path)?;
                damaged += index.damaged;
                let file = log::open_append(&path)?;
                let reader = File::open(&path)?;
                let records = Records::Stored { starts: index.starts, reader };
                partitions.push(PartitionLog { records, file: Some(file) });
            }
            state.topics.insert(topic, partitions);
        }
        for (group, committed) in log::read_groups(dir)? {
            state.groups.insert(group, GroupState { committed, members: Vec::new(), generation: 0 });
        }
        crate::metrics::BUS_DAMAGED_RECORDS.inc_by(damaged as u64);
        let mut bus = Self::from_state(Some(dir.to_owned()), fsync, dead_letter_topic, state);
        if let Some(shared) = Arc::get_mut(&mut bus.shared) {
            shared.damaged = damaged;
        }
        Ok(bus)
    }

    /// Records found damaged (and replaced by markers) when the log was opened: what was
    /// in them must be recovered from the database, the source of truth.
    pub fn damaged_records(&self) -> usize {
        self.shared.damaged
    }

    /// A bus that keeps nothing on disk, for tests of code above the bus.
    pub fn ephemeral(dead_letter_topic: &str) -> Self {
        Self::from_state(None, false, dead_letter_topic, State::default())
    }

    fn from_state(dir: Option<PathBuf>, fsync: bool, dead_letter_topic: &str, state: State) -> Self {
        let (changed, _) = watch::channel(0);
        Self {
            shared: Arc::new(Shared {
                dir,
                fsync,
                dead_letter_topic: dead_letter_topic.to_owned(),
                state: Mutex::new(state),
                changed,
                damaged: 0,
            }),
        }
    }

    /// Joins `group` (a name already checked, or a follower's).
    fn attach(
        &self,
        topics: &[String],
        group: &str,
        own: Option<Arc<dyn OwnPositions>>,
    ) -> Result<Box<InProcessSubscription>, BusError> {
        let mut state = self.shared.lock();
        for topic in topics {
            if !state.topics.contains_key(topic) {
                return Err(BusError::UnknownTopic(topic.clone()));
            }
        }
        let member = state.next_member;
        state.next_member += 1;
        let g = state.groups.entry(group.to_owned()).or_insert_with(|| GroupState {
            committed: BTreeMap::new(),
            members: Vec::new(),
            generation: 0,
        });
        g.members.push(member);
        g.generation += 1;
        drop(state);
        self.shared.bump();
        Ok(Box::new(InProcessSubscription {
            shared: self.shared.clone(),
            changed: self.shared.changed.subscribe(),
            group: group.to_owned(),
            topics: topics.to_vec(),
            member,
            generation: None,
            assignment: Vec::new(),
            positions: HashMap::new(),
            cursor: 0,
            left: false,
            own,
        }))
    }

    /// Messages in a partition (its end offset), for tests and metrics.
    pub fn end_offset(&self, topic: &str, partition: i32) -> Option<i64> {
        let state = self.shared.lock();
        let log = state.topics.get(topic)?.get(usize::try_from(partition).ok()?)?;
        Some(log.records.len() as i64)
    }
}

#[async_trait]
impl EventBus for InProcessBus {
    async fn create_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError> {
        let shared = self.shared.clone();
        let topics = topics.to_vec();
        tokio::task::spawn_blocking(move || {
            let mut state = shared.lock();
            for spec in topics {
                check_name("topic", &spec.name)?;
                if state.topics.contains_key(&spec.name) {
                    continue;
                }
                let count = usize::try_from(spec.partitions)
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| anyhow!("topic {} needs at least one partition", spec.name))?;
                let mut partitions = Vec::with_capacity(count);
                for p in 0..count {
                    let log = match &shared.dir {
                        Some(dir) => {
                            let path = log::partition_path(dir, &spec.name, p);
                            let file = log::open_append(&path)?;
                            let records = Records::Stored { starts: Vec::new(), reader: File::open(&path)? };
                            PartitionLog { records, file: Some(file) }
                        }
                        None => PartitionLog { records: Records::Held(Vec::new()), file: None },
                    };
                    partitions.push(log);
                }
                if let Some(dir) = &shared.dir {
                    log::write_partition_count(dir, &spec.name, count)?;
                }
                state.topics.insert(spec.name, partitions);
            }
            Ok(())
        })
        .await
        .map_err(|e| anyhow!("create_topics task failed: {e}"))?
    }

    async fn publish(&self, topic: &str, batch: Vec<OutMessage>) -> Result<(), BusError> {
        if batch.is_empty() {
            return Ok(());
        }
        let shared = self.shared.clone();
        let topic = topic.to_owned();
        tokio::task::spawn_blocking(move || shared.append(&topic, batch))
            .await
            .map_err(|e| anyhow!("publish task failed: {e}"))?
    }

    fn join(
        &self,
        topics: &[String],
        group: &str,
        own: Option<Arc<dyn OwnPositions>>,
    ) -> Result<Box<dyn Subscription>, BusError> {
        check_name("group", group)?;
        Ok(self.attach(topics, group, own)?)
    }

    async fn follow(&self, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        // A group of its own, one member, positioned at the ends: it holds every partition and
        // reads only what comes next. It is forgotten when the follower leaves.
        let mut state = self.shared.lock();
        let mut ends = BTreeMap::new();
        for topic in topics {
            let logs = state.topics.get(topic).ok_or_else(|| BusError::UnknownTopic(topic.clone()))?;
            for (partition, log) in logs.iter().enumerate() {
                ends.insert((topic.clone(), partition as i32), log.records.len() as i64);
            }
        }
        let group = format!("{FOLLOWER_PREFIX}{}", state.next_member);
        state.groups.insert(group.clone(), GroupState { committed: ends, members: Vec::new(), generation: 0 });
        drop(state);
        Ok(self.attach(topics, &group, None)?)
    }

    fn dead_letter_topic(&self) -> &str {
        &self.shared.dead_letter_topic
    }

    async fn partition_count(&self, topic: &str) -> Result<i32, BusError> {
        let state = self.shared.lock();
        let logs = state.topics.get(topic).ok_or_else(|| BusError::UnknownTopic(topic.to_owned()))?;
        Ok(logs.len() as i32)
    }

    async fn messages_held(&self, topic: &str) -> Result<i64, BusError> {
        let state = self.shared.lock();
        let logs = state.topics.get(topic).ok_or_else(|| BusError::UnknownTopic(topic.to_owned()))?;
        Ok(logs.iter().map(|log| log.records.len() as i64).sum())
    }

    async fn recent_header_values(
        &self,
        topic: &str,
        per_partition: usize,
        name: &str,
    ) -> Result<std::collections::HashSet<String>, BusError> {
        let state = self.shared.lock();
        let partitions = state.topics.get(topic).ok_or_else(|| BusError::UnknownTopic(topic.to_owned()))?;
        let mut values = std::collections::HashSet::new();
        for log in partitions {
            let from = log.records.len().saturating_sub(per_partition);
            for record in (from..log.records.len()).filter_map(|i| log.records.get(i)) {
                values.extend(record.headers.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()));
            }
        }
        Ok(values)
    }
}

struct InProcessSubscription {
    shared: Arc<Shared>,
    changed: watch::Receiver<u64>,
    group: String,
    topics: Vec<String>,
    member: u64,
    generation: Option<u64>,
    assignment: Vec<(String, i32)>,
    /// Next offset to read per assigned partition.
    positions: HashMap<(String, i32), i64>,
    /// Where the round-robin over partitions resumes, so no partition starves.
    cursor: usize,
    left: bool,
    /// Set for a consumer that resumes from its own positions.
    own: Option<Arc<dyn OwnPositions>>,
}

impl InProcessSubscription {
    /// Follows a membership change: recompute this member's partitions and resume each new
    /// one from the group's committed offset, as a Kafka rebalance does.
    fn sync_assignment(&mut self, state: &State) {
        let Some(group) = state.groups.get(&self.group) else { return };
        if self.generation == Some(group.generation) {
            return;
        }
        self.generation = Some(group.generation);
        let members = group.members.len().max(1);
        let index = group.members.iter().position(|m| *m == self.member).unwrap_or(0);
        let mut all: Vec<(String, i32)> = Vec::new();
        for topic in &self.topics {
            let count = state.topics.get(topic).map_or(0, Vec::len);
            all.extend((0..count).map(|p| (topic.clone(), p as i32)));
        }
        all.sort();
        let assignment: Vec<(String, i32)> =
            all.into_iter().enumerate().filter(|(i, _)| i % members == index).map(|(_, tp)| tp).collect();
        self.assignment = assignment;
        self.positions = self
            .assignment
            .iter()
            .map(|tp| {
                let position = match &self.own {
                    Some(own) => own.resume_at(&tp.0, tp.1),
                    None => group.committed.get(tp).copied().unwrap_or(0),
                };
                (tp.clone(), position)
            })
            .collect();
        self.cursor = 0;
    }

    fn try_next(&mut self) -> Option<Delivery> {
        let shared = self.shared.clone();
        let state = shared.lock();
        self.sync_assignment(&state);
        let n = self.assignment.len();
        for step in 0..n {
            let i = (self.cursor + step) % n;
            let tp = &self.assignment[i];
            let position = self.positions.get(tp).copied().unwrap_or(0);
            let Some(record) = state
                .topics
                .get(&tp.0)
                .and_then(|parts| parts.get(tp.1 as usize))
                .and_then(|log| log.records.get(position as usize))
            else {
                continue;
            };
            let delivery = Delivery {
                topic: tp.0.clone(),
                partition: tp.1,
                offset: position,
                key: record.key.clone(),
                payload: record.payload.clone(),
                headers: record.headers.clone(),
            };
            self.positions.insert(tp.clone(), position + 1);
            self.cursor = i + 1;
            return Some(delivery);
        }
        None
    }

    fn leave(&mut self) {
        if !self.left {
            self.left = true;
            self.shared.leave(&self.group, self.member);
        }
    }
}

#[async_trait]
impl Subscription for InProcessSubscription {
    async fn poll(&mut self, timeout: Duration) -> Result<Option<Delivery>, BusError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            self.changed.borrow_and_update();
            if let Some(delivery) = self.try_next() {
                return Ok(Some(delivery));
            }
            match tokio::time::timeout_at(deadline, self.changed.changed()).await {
                Ok(Ok(())) => continue,
                Ok(Err(_)) | Err(_) => return Ok(None),
            }
        }
    }

    async fn ack(&mut self, delivery: &Delivery) -> Result<(), BusError> {
        let shared = self.shared.clone();
        let (group, topic, partition, next) =
            (self.group.clone(), delivery.topic.clone(), delivery.partition, delivery.offset + 1);
        tokio::task::spawn_blocking(move || shared.commit(&group, &topic, partition, next))
            .await
            .map_err(|e| anyhow!("ack task failed: {e}"))?
    }

    async fn dead_letter(&mut self, delivery: &Delivery, error: &str) -> Result<(), BusError> {
        let message = dead_letter_message(delivery, &self.group, error);
        let shared = self.shared.clone();
        let topic = shared.dead_letter_topic.clone();
        tokio::task::spawn_blocking(move || shared.append(&topic, vec![message]))
            .await
            .map_err(|e| anyhow!("dead-letter task failed: {e}"))??;
        tracing::warn!(topic = %delivery.topic, partition = delivery.partition, offset = delivery.offset, key = %delivery.key, error, "message dead-lettered");
        self.ack(delivery).await
    }

    fn assignment(&self) -> Vec<(String, i32)> {
        self.assignment.clone()
    }

    fn take_revoked(&mut self) -> Vec<(String, i32)> {
        let Some(own) = &self.own else { return Vec::new() };
        own.held().into_iter().filter(|tp| self.topics.contains(&tp.0) && !self.assignment.contains(tp)).collect()
    }

    fn lag(&self) -> Vec<super::PartitionLag> {
        // As Kafka's: the end minus what the group acknowledged.
        let state = self.shared.lock();
        let committed = state.groups.get(&self.group).map(|g| &g.committed);
        let mut lags = Vec::with_capacity(self.assignment.len());
        for tp in &self.assignment {
            let end = state.topics.get(&tp.0).and_then(|logs| logs.get(tp.1 as usize)).map(|log| log.records.len());
            if let Some(end) = end {
                let acked = committed.and_then(|c| c.get(tp)).copied().unwrap_or(0);
                lags.push(super::PartitionLag {
                    group: self.group.clone(),
                    topic: tp.0.clone(),
                    partition: tp.1,
                    behind: (end as i64 - acked).max(0),
                });
            }
        }
        lags
    }

    async fn close(mut self: Box<Self>) -> Result<(), BusError> {
        self.leave();
        Ok(())
    }
}

impl Drop for InProcessSubscription {
    fn drop(&mut self) {
        self.leave();
    }
}
