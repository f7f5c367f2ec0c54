//! The on-disk form of the in-process bus.
//!
//! Each topic partition is one append-only file of frames `len: u32 | crc32: u32 | body`.
//! A crash can leave a torn frame at the end; opening the file truncates it, so what was
//! acknowledged to a publisher (written in full) is never lost and garbage is never read. A
//! frame damaged later (its checksum fails) is replaced by a marked record and reported.
//! Group offsets live in one small text file per group, replaced atomically.

use crate::bus::OutMessage;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
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

/// The largest frame a damaged region is searched for (a publish batch is far smaller).
const MAX_FRAME: usize = 64 * 1024 * 1024;

/// The header that marks a record put in place of a damaged one.
pub const DAMAGED_HEADER: &str = "crocevia-damaged";

/// The frame starting at `pos`, if a whole valid one does: (message, frame length).
fn frame_at(bytes: &[u8], pos: usize) -> Option<(OutMessage, usize)> {
    let mut r = Reader(bytes.get(pos..)?);
    let (len, crc) = (r.u32()? as usize, r.u32()?);
    let body = r.0.get(..len.min(MAX_FRAME))?;
    (body.len() == len && crc32fast::hash(body) == crc).then_some(())?;
    Some((decode_body(body)?, 8 + len))
}

/// A partition as read: its records and how many were damaged.
#[derive(Debug)]
pub(super) struct Partition {
    #[cfg_attr(not(test), expect(dead_code, reason = "opening indexes the repaired file; the tests read the records"))]
    pub records: Vec<OutMessage>,
    pub damaged: usize,
}

/// Reads every frame of a partition file. A frame cut short at the end (a crash during an
/// append that was never acknowledged) is cut off. A damaged frame (a checksum that does not
/// match, a flipped bit) is reported and replaced by a record marked [`DAMAGED_HEADER`], so
/// the offsets of every record after it stay what consumers committed, and reading goes on
/// at the next valid frame instead of dropping the rest; the file is then rewritten clean.
pub(super) fn read_partition(path: &Path) -> io::Result<Partition> {
    let mut bytes = Vec::new();
    match File::open(path) {
        Ok(mut f) => f.read_to_end(&mut bytes)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Partition { records: Vec::new(), damaged: 0 }),
        Err(e) => return Err(e),
    };
    let (mut records, mut damaged, mut pos) = (Vec::new(), 0, 0usize);
    while pos < bytes.len() {
        if let Some((message, len)) = frame_at(&bytes, pos) {
            records.push(message);
            pos += len;
            continue;
        }
        let claimed = Reader(&bytes[pos..]).u32().map_or(usize::MAX, |l| l as usize);
        let next = (pos + 1..bytes.len()).find(|&p| frame_at(&bytes, p).is_some());
        match next {
            // Nothing valid after it, and it claims more than the file holds: a torn tail.
            None if pos.saturating_add(8).saturating_add(claimed) > bytes.len() => break,
            _ => {
                let end = next.unwrap_or(bytes.len());
                tracing::error!(path = %path.display(), offset = records.len(), at_byte = pos, bytes = end - pos, "damaged record in a bus log: replaced by a marker; repair from the database");
                let mut marker = OutMessage::new("", Vec::new());
                marker.headers.push((DAMAGED_HEADER.into(), format!("{} bytes at byte {pos}", end - pos)));
                records.push(marker);
                damaged += 1;
                pos = end;
            }
        }
    }
    if damaged > 0 {
        let mut clean = Vec::with_capacity(bytes.len());
        for record in &records {
            encode_frame(record, &mut clean);
        }
        replace_file(path, &clean)?;
    } else if pos < bytes.len() {
        tracing::warn!(path = %path.display(), kept_bytes = pos, dropped_bytes = bytes.len() - pos, "torn tail of a bus log truncated");
        OpenOptions::new().write(true).open(path)?.set_len(pos as u64)?;
    }
    Ok(Partition { records, damaged })
}

/// Where every frame of a partition file starts.
#[derive(Debug, Default)]
pub(super) struct Starts {
    pub starts: Vec<u64>,
    pub damaged: usize,
}

/// Bytes read at a time when indexing a partition file.
const WINDOW: usize = 8 * 1024 * 1024;

/// Indexes a partition file without holding it: reads it a window at a time and checks every
/// frame. Anything but whole valid frames (a torn tail, a damaged frame) goes through
/// [`read_partition`], which repairs the file, and the repaired file is indexed again.
pub(super) fn index_partition(path: &Path) -> io::Result<Starts> {
    match scan(path)? {
        Some(starts) => Ok(starts),
        None => {
            let damaged = read_partition(path)?.damaged;
            let starts = scan(path)?.ok_or_else(|| io::Error::other(format!("{} is still damaged", path.display())))?;
            Ok(Starts { damaged, ..starts })
        }
    }
}

/// The starts of a file of whole valid frames, or `None` at the first anomaly.
fn scan(path: &Path) -> io::Result<Option<Starts>> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Some(Starts::default())),
        Err(e) => return Err(e),
    };
    let mut out = Starts::default();
    // `buf` holds the file's bytes from `base` on.
    let (mut buf, mut base, mut eof) = (Vec::with_capacity(WINDOW), 0u64, false);
    let mut pos = 0usize;
    loop {
        let need = match Reader(&buf[pos..]).u32() {
            Some(len) if len as usize <= MAX_FRAME => 8 + len as usize,
            Some(_) => return Ok(None),
            None => 8,
        };
        if buf.len() - pos < need {
            if eof {
                return Ok((pos == buf.len()).then_some(out));
            }
            // Keep the unread tail, read the next window after it.
            buf.drain(..pos);
            base += pos as u64;
            pos = 0;
            let have = buf.len();
            buf.resize(have + WINDOW.max(need), 0);
            let mut filled = have;
            while filled < buf.len() {
                match file.read(&mut buf[filled..])? {
                    0 => {
                        eof = true;
                        break;
                    }
                    n => filled += n,
                }
            }
            buf.truncate(filled);
            continue;
        }
        if frame_at(&buf[pos..pos + need], 0).is_none() {
            return Ok(None);
        }
        out.starts.push(base + pos as u64);
        pos += need;
    }
}

/// The record whose frame starts at byte `at` of `file`. A frame damaged since the file was
/// indexed comes back as a marked record, as one found damaged at opening does.
pub(super) fn read_frame(file: &File, at: u64) -> io::Result<OutMessage> {
    use std::os::unix::fs::FileExt;
    let mut head = [0u8; 8];
    file.read_exact_at(&mut head, at)?;
    let len = Reader(&head).u32().unwrap_or(0) as usize;
    let mut frame = head.to_vec();
    if len <= MAX_FRAME {
        frame.resize(8 + len, 0);
        file.read_exact_at(&mut frame[8..], at + 8)?;
    }
    Ok(match frame_at(&frame, 0) {
        Some((message, _)) => message,
        None => {
            tracing::error!(at_byte = at, "a bus log record was damaged after start: marked; repair from the database");
            let mut marker = OutMessage::new("", Vec::new());
            marker.headers.push((DAMAGED_HEADER.into(), format!("damaged at byte {at}")));
            marker
        }
    })
}

pub(super) fn open_append(path: &Path) -> io::Result<File> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    OpenOptions::new().create(true).append(true).open(path)
}

pub(super) fn topic_dir(root: &Path, topic: &str) -> PathBuf {
    root.join("topics").join(topic)
}

pub(super) fn partition_path(root: &Path, topic: &str, partition: usize) -> PathBuf {
    topic_dir(root, topic).join(format!("{partition}.log"))
}

pub(super) fn write_partition_count(root: &Path, topic: &str, partitions: usize) -> io::Result<()> {
    let dir = topic_dir(root, topic);
    fs::create_dir_all(&dir)?;
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
        fs::create_dir_all(parent)?;
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
        let mut f = File::create(&tmp)?;
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

        let read = read_partition(&path).unwrap();
        assert_eq!((read.records, read.damaged), (vec![message, OutMessage::new("k2", vec![])], 0));
        assert_eq!(fs::metadata(&path).unwrap().len(), whole as u64);
    }

    #[test]
    fn a_damaged_frame_is_marked_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0.log");
        let mut bytes = Vec::new();
        for (key, payload) in [("a", b"1"), ("b", b"2"), ("c", b"3")] {
            encode_frame(&OutMessage::new(key, payload.to_vec()), &mut bytes);
        }
        let second = bytes.len() / 3 + 12; // inside the second frame's body
        bytes[second] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        let read = read_partition(&path).unwrap();
        assert_eq!(read.damaged, 1);
        let keys: Vec<&str> = read.records.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["a", "", "c"], "the offsets after it stay");
        assert!(read.records[1].headers.iter().any(|(k, _)| k == DAMAGED_HEADER));
        // Rewritten clean: a second read finds nothing damaged and the same records.
        let again = read_partition(&path).unwrap();
        assert_eq!((again.damaged, again.records), (0, read.records));
    }

    #[test]
    fn a_damaged_length_loses_only_its_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0.log");
        let mut bytes = Vec::new();
        encode_frame(&OutMessage::new("a", b"1".to_vec()), &mut bytes);
        let second = bytes.len();
        encode_frame(&OutMessage::new("b", b"2".to_vec()), &mut bytes);
        encode_frame(&OutMessage::new("c", b"3".to_vec()), &mut bytes);
        bytes[second + 2] ^= 0x40; // the length field now claims megabytes
        fs::write(&path, &bytes).unwrap();
        let read = read_partition(&path).unwrap();
        let keys: Vec<&str> = read.records.iter().map(|r| r.key.as_str()).collect();
        assert_eq!((keys, read.damaged), (vec!["a", "", "c"], 1));
    }
}
