//! The on-disk form of the in-process bus.
//!
//! Each topic partition is one append-only file of frames `len: u32 | crc32: u32 | body`.
//! A crash can leave a torn frame at the end; opening the file truncates it, so what was
//! acknowledged to a publisher (written in full) is never lost and garbage is never read.
//! Group offsets live in one small text file per group, replaced atomically.

use crate::bus::OutMessage;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

pub(super) fn encode_frame(message: &OutMessage, out: &mut Vec<u8>) {
    let mut body = Vec::with_capacity(message.payload.len() + message.key.len() + 16);
    put(&mut body, message.key.as_bytes());
    body.extend_from_slice(&(message.headers.len() as u32).to_le_bytes());
    for (k, v) in &message.headers {
        put(&mut body, k.as_bytes());
        put(&mut body, v.as_bytes());
    }
    body.extend_from_slice(&message.payload);
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    out.extend_from_slice(&body);
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn u32(&mut self) -> Option<u32> {
        let (head, rest) = self.0.split_at_checked(4)?;
        self.0 = rest;
        Some(u32::from_le_bytes(head.try_into().ok()?))
    }

    fn bytes(&mut self) -> Option<&[u8]> {
        let len = self.u32()? as usize;
        let (head, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(head)
    }

    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }
}

fn decode_body(body: &[u8]) -> Option<OutMessage> {
    let mut r = Reader(body);
    let key = r.string()?;
    let count = r.u32()?;
    let mut headers = Vec::new();
    for _ in 0..count {
        headers.push((r.string()?, r.string()?));
    }
    Some(OutMessage { key, payload: r.0.to_vec(), headers })
}

/// Reads every whole frame of a partition file and cuts off a torn tail.
pub(super) fn read_partition(path: &Path) -> io::Result<Vec<OutMessage>> {
    let mut bytes = Vec::new();
    match File::open(path) {
        Ok(mut f) => f.read_to_end(&mut bytes)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut records = Vec::new();
    let mut pos = 0usize;
    while let Some(frame) = bytes.get(pos..) {
        let mut r = Reader(frame);
        let (Some(len), Some(crc)) = (r.u32(), r.u32()) else { break };
        let Some(body) = r.0.get(..len as usize) else { break };
        if crc32fast::hash(body) != crc {
            break;
        }
        let Some(message) = decode_body(body) else { break };
        records.push(message);
        pos += 8 + len as usize;
    }
    if pos < bytes.len() {
        tracing::warn!(path = %path.display(), kept_bytes = pos, dropped_bytes = bytes.len() - pos, "torn tail of a bus log truncated");
        OpenOptions::new().write(true).open(path)?.set_len(pos as u64)?;
    }
    Ok(records)
}

pub(super) fn open_append(path: &Path) -> io::Result<File> {
    if let Some(parent) = path.parent() {
        private_dirs(parent)?;
    }
    OpenOptions::new().create(true).append(true).mode(0o600).open(path)
}

/// Folders of the log, readable by their owner only: the records hold personal data.
fn private_dirs(path: &Path) -> io::Result<()> {
    fs::DirBuilder::new().recursive(true).mode(0o700).create(path)
}

pub(super) fn topic_dir(root: &Path, topic: &str) -> PathBuf {
    root.join("topics").join(topic)
}

pub(super) fn partition_path(root: &Path, topic: &str, partition: usize) -> PathBuf {
    topic_dir(root, topic).join(format!("{partition}.log"))
}

pub(super) fn write_partition_count(root: &Path, topic: &str, partitions: usize) -> io::Result<()> {
    let dir = topic_dir(root, topic);
    private_dirs(&dir)?;
    replace_file(&dir.join("partitions"), partitions.to_string().as_bytes())
}

/// Topics found under `root`, with their partition counts.
pub(super) fn read_topics(root: &Path) -> io::Result<Vec<(String, usize)>> {
    let dir = root.join("topics");
    let mut topics = Vec::new();
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(topics),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let count = fs::read_to_string(entry.path().join("partitions"))?;
        let count = count
            .trim()
            .parse()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, format!("bad partition count for topic {name}")))?;
        topics.push((name, count));
    }
    Ok(topics)
}

pub(super) type Offsets = BTreeMap<(String, i32), i64>;

fn group_path(root: &Path, group: &str) -> PathBuf {
    root.join("groups").join(format!("{group}.offsets"))
}

pub(super) fn write_offsets(root: &Path, group: &str, offsets: &Offsets) -> io::Result<()> {
    let mut text = String::new();
    for ((topic, partition), offset) in offsets {
        text.push_str(&format!("{topic}\t{partition}\t{offset}\n"));
    }
    let path = group_path(root, group);
    if let Some(parent) = path.parent() {
        private_dirs(parent)?;
    }
    replace_file(&path, text.as_bytes())
}

/// Every group's committed offsets. A lost or unreadable file only means redelivery, which
/// idempotent consumers absorb, so it is reported and skipped rather than fatal.
pub(super) fn read_groups(root: &Path) -> io::Result<BTreeMap<String, Offsets>> {
    let mut groups = BTreeMap::new();
    let entries = match fs::read_dir(root.join("groups")) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(groups),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        let Some(group) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".offsets")) else {
            continue;
        };
        let mut offsets = Offsets::new();
        for line in fs::read_to_string(&path)?.lines() {
            let mut parts = line.split('\t');
            match (parts.next(), parts.next().and_then(|p| p.parse().ok()), parts.next().and_then(|o| o.parse().ok())) {
                (Some(topic), Some(partition), Some(offset)) => {
                    offsets.insert((topic.to_owned(), partition), offset);
                }
                _ => tracing::warn!(path = %path.display(), line, "unreadable offset line skipped"),
            }
        }
        groups.insert(group.to_owned(), offsets);
    }
    Ok(groups)
}

fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(&tmp)?;
        f.write_all(bytes)?;
    }
    fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_a_torn_tail_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0.log");
        let mut message = OutMessage::new("k1", b"payload".to_vec());
        message.headers.push(("h".into(), "v".into()));
        let mut bytes = Vec::new();
        encode_frame(&message, &mut bytes);
        encode_frame(&OutMessage::new("k2", vec![]), &mut bytes);
        let whole = bytes.len();
        bytes.extend_from_slice(&[9, 0, 0, 0, 1, 2]); // a frame cut short by a crash
        fs::write(&path, &bytes).unwrap();

        let records = read_partition(&path).unwrap();
        assert_eq!(records, vec![message, OutMessage::new("k2", vec![])]);
        assert_eq!(fs::metadata(&path).unwrap().len(), whole as u64);
    }

    #[test]
    fn a_corrupt_frame_ends_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0.log");
        let mut bytes = Vec::new();
        encode_frame(&OutMessage::new("a", b"1".to_vec()), &mut bytes);
        let first = bytes.len();
        encode_frame(&OutMessage::new("b", b"2".to_vec()), &mut bytes);
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        fs::write(&path, &bytes).unwrap();
        assert_eq!(read_partition(&path).unwrap().len(), 1);
        assert_eq!(fs::metadata(&path).unwrap().len(), first as u64);
    }
}
