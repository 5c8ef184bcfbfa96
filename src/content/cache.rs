//! The parse cache (issue 20): each content file's parse ([`Loaded`]) as a
//! build made it, kept in the output beside the build's state, so that the
//! next build parses only the files that changed.
//!
//! [`DIR`] holds an index and segments. A segment is the postcard bytes of
//! parses, one after another; the index names, for each content file, its
//! path, the SHA-256 of its bytes, and where its parse is (segment, offset,
//! length, CRC-32). A clean build (no previous output, no state, or
//! `--full`) writes no cache: it would cost every such build encoding and
//! writing every parse for a next build that may never come. From the next
//! build on, the new parses are written into a new segment in the staging
//! folder as they are made, and the previous output's segments still worth
//! it are hard-linked beside it ([`worth_linking`]).
//!
//! The index carries a key ([`ParseKey`]: the binary, site.yaml and
//! units.yaml, which are all a parse depends on besides the file), so that
//! a parse is only ever used where parsing again would give the same.
//! A damaged index (bad magic, CRC) means no cache; a damaged entry (CRC,
//! bytes that do not decode) means that file is parsed again. Either way a
//! warning, never a failure: the cache only saves time.
//!
//! Each entry also records the file's [`Stat`] as the build saw it before
//! reading it, and the index when that build started, so that the next
//! build need not read and hash a file whose stat is the same
//! ([`Previous::recorded_hash`]): an edit build of 5,000 plans would
//! otherwise read and hash 213 MB to find the one file that changed. A
//! parse also keeps the topics the site's keywords find in its plans' tasks
//! ([`super::assemble::keyword_topics`]), which depend only on the file and
//! on site.yaml, which the key covers.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::assemble::PlanTopics;
use super::{Loaded, RawNotice, RawPlan};
use crate::diagnostics::{Diagnostic, Severity};

/// Where the cache is kept, inside the output.
pub const DIR: &str = ".planpress/parses";

const INDEX: &str = "index";

/// The index's first bytes; the last one is bumped whenever the layout or
/// the meaning of a parse changes.
const MAGIC: &[u8; 8] = b"PPPARSE2";

/// More segments than this and the next build copies all but the largest.
const MAX_SEGMENTS: usize = 8;

/// A SHA-256.
pub type Hash = [u8; 32];

/// The hash of everything besides a file that its parse depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseKey(pub Hash);

/// What the file system says of a file, enough to tell that it has not
/// been written since it was last hashed: its size, inode, and modification
/// and change times in nanoseconds since 1970 (the change time cannot be
/// set back by a program, unlike the modification time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    len: u64,
    ino: u64,
    mtime: i128,
    ctime: i128,
}

/// How far the clock that stamps files may lag the one a build reads (the
/// kernel's coarse clock lags by up to a tick).
const CLOCK_LAG_NANOS: i128 = 50_000_000;

const NANOS_PER_SECOND: i128 = 1_000_000_000;

impl Stat {
    /// The stat of `meta`; `None` where there are no inodes and change
    /// times (then every file is hashed).
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        let nanos = |secs: i64, ns: i64| i128::from(secs) * NANOS_PER_SECOND + i128::from(ns);
        Some(Stat {
            len: meta.len(),
            ino: meta.ino(),
            mtime: nanos(meta.mtime(), meta.mtime_nsec()),
            ctime: nanos(meta.ctime(), meta.ctime_nsec()),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_meta: &fs::Metadata) -> Option<Stat> {
        None
    }

    /// Whether the file was last written in a second before the one a build
    /// started in (`started`, nanoseconds since 1970): then a write after
    /// the build looked at it shows in its times. A file written in the same
    /// second may be written again within one tick of a coarse file system
    /// clock (a second on some) and keep its stat, so it is hashed again
    /// (the "racy git" rule).
    fn settled_before(&self, started: i128) -> bool {
        let second = |t: i128| t.div_euclid(NANOS_PER_SECOND);
        second(self.mtime.max(self.ctime)) < second(started - CLOCK_LAG_NANOS)
    }
}

/// Now, in nanoseconds since 1970, as the start of a build for [`Stat`]s.
pub fn now() -> i128 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX))
}

/// Where one parse is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    path: PathBuf,
    hash: Hash,
    /// The file's stat before the build that hashed it read it.
    stat: Option<Stat>,
    segment: u32,
    offset: u64,
    len: u64,
    crc: u32,
}

#[derive(Serialize, Deserialize)]
struct Index {
    key: ParseKey,
    /// When the build that wrote it started ([`now`]).
    started: i128,
    entries: Vec<Entry>,
}

/// A [`Diagnostic`] as the cache writes it: its own serde form
/// (Diagnostic's skips an absent hint, which postcard cannot read back).
#[derive(Serialize, Deserialize)]
struct WireDiagnostic {
    file: PathBuf,
    line: usize,
    column: usize,
    error: bool,
    message: String,
    hint: Option<String>,
}

impl From<&Diagnostic> for WireDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        WireDiagnostic {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            error: d.is_error(),
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }
}

impl From<WireDiagnostic> for Diagnostic {
    fn from(d: WireDiagnostic) -> Self {
        Diagnostic {
            file: d.file,
            line: d.line,
            column: d.column,
            severity: if d.error {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: d.message,
            hint: d.hint,
        }
    }
}

/// One file's parse as written.
#[derive(Serialize)]
struct ParseOut<'a> {
    plans: &'a [RawPlan],
    topics: &'a [PlanTopics],
    notices: &'a [RawNotice],
    diagnostics: Vec<WireDiagnostic>,
    failed: &'a [String],
}

/// One file's parse as read back (the fields of [`ParseOut`]).
#[derive(Deserialize)]
struct ParseIn {
    plans: Vec<RawPlan>,
    topics: Vec<PlanTopics>,
    notices: Vec<RawNotice>,
    diagnostics: Vec<WireDiagnostic>,
    failed: Vec<String>,
}

/// The postcard bytes of a parse and the topics of its plans' tasks; `None`
/// when it cannot be written (a path that is not UTF-8): that file is
/// parsed again next time.
pub fn encode(loaded: &Loaded, topics: &[PlanTopics]) -> Option<Vec<u8>> {
    postcard::to_stdvec(&ParseOut {
        plans: &loaded.plans,
        topics,
        notices: &loaded.notices,
        diagnostics: loaded
            .diagnostics
            .iter()
            .map(WireDiagnostic::from)
            .collect(),
        failed: &loaded.failed,
    })
    .ok()
}

fn decode(bytes: &[u8]) -> Option<(Loaded, Vec<PlanTopics>)> {
    let p: ParseIn = postcard::from_bytes(bytes).ok()?;
    // One list of topics per task of each plan, as assembling expects.
    let fits = p.topics.len() == p.plans.len()
        && p.plans
            .iter()
            .zip(&p.topics)
            .all(|(plan, t)| plan.tasks.len() == t.len());
    let loaded = Loaded {
        plans: p.plans,
        notices: p.notices,
        diagnostics: p.diagnostics.into_iter().map(Diagnostic::from).collect(),
        failed: p.failed,
    };
    fits.then_some((loaded, p.topics))
}

/// The previous build's cache, when its key is this build's.
pub struct Previous {
    dir: PathBuf,
    /// When the build that wrote it started.
    started: i128,
    entries: HashMap<PathBuf, Entry>,
    /// Each segment, opened when a parse in it is first needed.
    segments: HashMap<u32, OnceLock<Option<fs::File>>>,
}

/// What looking a file up in the previous cache gave.
pub enum Lookup {
    /// Its parse, its plans' topics, and where it is (kept there by the
    /// next cache).
    Hit(Box<(Loaded, Vec<PlanTopics>, Kept)>),
    /// Not there, or for other bytes.
    Miss,
    /// There but damaged: parse the file again, and say so.
    Damaged,
}

impl Previous {
    /// The cache in the output `out`: `Ok(None)` when there is none or it
    /// was made with another key, `Err` (a note for a warning) when its
    /// index is damaged.
    pub fn open(out: &Path, key: ParseKey) -> Result<Option<Previous>, String> {
        let dir = out.join(DIR);
        let bytes = match fs::read(dir.join(INDEX)) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read its index: {e}")),
        };
        let index = crate::sealed::open::<Index>(MAGIC, &bytes).ok_or("its index is damaged")?;
        if index.key != key {
            return Ok(None);
        }
        let segments = index
            .entries
            .iter()
            .map(|e| (e.segment, OnceLock::new()))
            .collect();
        let entries = index
            .entries
            .into_iter()
            .map(|e| (e.path.clone(), e))
            .collect();
        Ok(Some(Previous {
            dir,
            started: index.started,
            entries,
            segments,
        }))
    }

    /// The hash the previous build made of the file `rel`, when the file's
    /// stat is still `stat` and the file was written well before that build
    /// started (else a later write may have kept its stat).
    pub fn recorded_hash(&self, rel: &Path, stat: &Stat) -> Option<Hash> {
        let entry = self.entries.get(rel)?;
        (entry.stat.as_ref() == Some(stat) && stat.settled_before(self.started))
            .then_some(entry.hash)
    }

    /// The parse of the file `rel` whose bytes hash to `hash`.
    pub fn get(&self, rel: &Path, hash: &Hash) -> Lookup {
        let Some(entry) = self.entries.get(rel).filter(|e| e.hash == *hash) else {
            return Lookup::Miss;
        };
        let file = self.segments.get(&entry.segment).and_then(|cell| {
            cell.get_or_init(|| fs::File::open(self.dir.join(segment_name(entry.segment))).ok())
                .as_ref()
        });
        let parse = file.and_then(|f| {
            ENTRY.with_borrow_mut(|bytes| {
                read_entry(f, entry, bytes)?;
                (crc32fast::hash(bytes) == entry.crc).then(|| decode(bytes))?
            })
        });
        match parse {
            Some((loaded, topics)) => {
                Lookup::Hit(Box::new((loaded, topics, Kept::Old(entry.clone()))))
            }
            None => Lookup::Damaged,
        }
    }
}

/// One entry's bytes, read where they are (the segments of 5,000 plans are
/// 235 MB; read whole, they stayed resident after the load).
#[cfg(unix)]
fn read_entry(file: &fs::File, entry: &Entry, bytes: &mut Vec<u8>) -> Option<()> {
    use std::os::unix::fs::FileExt;
    bytes.resize(usize::try_from(entry.len).ok()?, 0);
    file.read_exact_at(bytes, entry.offset).ok()
}

/// Elsewhere by seeking, one read at a time (the threads share the cursor).
#[cfg(not(unix))]
fn read_entry(file: &fs::File, entry: &Entry, bytes: &mut Vec<u8>) -> Option<()> {
    use std::io::{Read, Seek, SeekFrom};
    static SEEK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = SEEK.lock().unwrap_or_else(|e| e.into_inner());
    let mut file = file;
    file.seek(SeekFrom::Start(entry.offset)).ok()?;
    bytes.resize(usize::try_from(entry.len).ok()?, 0);
    file.read_exact(bytes).ok()
}

thread_local! {
    /// Each thread's buffer for the entries it reads: a fresh zeroed one per
    /// entry (~47 KB each, 5,000 of them) cost page faults and zeroing.
    static ENTRY: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn segment_name(id: u32) -> String {
    format!("segment-{id}")
}

/// Where the next cache takes a file's parse from.
pub enum Kept {
    /// The previous cache's segment.
    Old(Entry),
    /// Bytes made by this build ([`encode`]), not yet in the new segment.
    Bytes(Vec<u8>),
    /// In the new segment ([`NewSegment`]; its `segment` not yet known).
    New(Entry),
}

/// The segment of the parses a build makes, written as each batch of files
/// is read, straight into the staging folder (which goes with a failed or
/// killed build), so that they are never all in memory: at 5,000 plans
/// they are 236 MB. Removed on drop unless moved to its name.
pub struct NewSegment {
    path: PathBuf,
    file: io::BufWriter<fs::File>,
    offset: u64,
}

impl NewSegment {
    /// A new segment in the cache folder of the staging folder `staging`.
    pub fn create(staging: &Path) -> io::Result<NewSegment> {
        let dir = staging.join(DIR);
        fs::create_dir_all(&dir)?;
        let path = dir.join(".new-segment");
        let file = io::BufWriter::with_capacity(1 << 20, fs::File::create(&path)?);
        Ok(NewSegment {
            path,
            file,
            offset: 0,
        })
    }

    /// Appends the bytes of a file's parse (whose entry was `old`); where
    /// they are.
    fn append(&mut self, old: Entry, bytes: &[u8]) -> io::Result<Entry> {
        self.file.write_all(bytes)?;
        let entry = Entry {
            segment: u32::MAX,
            offset: self.offset,
            len: bytes.len() as u64,
            crc: crc32fast::hash(bytes),
            ..old
        };
        self.offset += entry.len;
        Ok(entry)
    }

    /// Appends a file's new parse.
    fn append_new(&mut self, record: &Record, bytes: &[u8]) -> io::Result<Entry> {
        let entry = Entry {
            path: record.path.clone(),
            hash: record.hash,
            stat: record.stat,
            segment: u32::MAX,
            offset: 0,
            len: 0,
            crc: 0,
        };
        self.append(entry, bytes)
    }

    /// Moves a record's new bytes into the segment; on an error, the
    /// segment is given up (no cache is written, the next build parses
    /// every file again). Without a segment the bytes are dropped.
    pub fn take(segment: &mut Option<NewSegment>, record: &mut Record) {
        let Some(Kept::Bytes(bytes)) = &record.kept else {
            return;
        };
        let appended = segment.as_mut().map(|s| s.append_new(record, bytes));
        record.kept = match appended {
            Some(Ok(entry)) => Some(Kept::New(entry)),
            Some(Err(_)) => {
                *segment = None;
                None
            }
            None => None,
        };
    }

    /// Flushes the segment and moves it to `to`.
    fn finish(mut self, to: &Path) -> io::Result<()> {
        self.file.flush()?;
        fs::rename(&self.path, to)
    }
}

impl Drop for NewSegment {
    fn drop(&mut self) {
        // Gone already once moved; its folder only if left empty.
        let _ = fs::remove_file(&self.path);
        if let Some(dir) = self.path.parent() {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// One content file as this build read it.
pub struct Record {
    pub path: PathBuf,
    pub hash: Hash,
    /// The file's stat before it was read (hashed), for the next build.
    pub stat: Option<Stat>,
    /// `None` when the parse cannot be kept.
    pub kept: Option<Kept>,
}

impl Record {
    /// Whether the parse came from the previous build's cache.
    pub fn is_cached(&self) -> bool {
        matches!(self.kept, Some(Kept::Old(_)))
    }
}

/// Everything the next cache is made of.
pub struct Parses {
    pub key: ParseKey,
    /// When this build started ([`now`]), before it looked at any file.
    pub started: i128,
    /// The previous output's cache folder, where old entries are.
    pub previous: Option<PathBuf>,
    pub records: Vec<Record>,
    /// The parses this build made (`None` when it could not be written).
    pub segment: Option<NewSegment>,
}

impl Parses {
    /// Writes the cache into the staging folder `staging`: the previous
    /// segments still worth it linked, the new parses' segment named, the
    /// index last (a cache cut short has none, and is not read). On an
    /// error, no cache at all.
    pub fn write(self, staging: &Path) -> io::Result<()> {
        let dir = staging.join(DIR);
        let written = self.write_into(&dir);
        if written.is_err() {
            let _ = fs::remove_dir_all(&dir);
        }
        written
    }

    fn write_into(self, dir: &Path) -> io::Result<()> {
        let mut segment = self
            .segment
            .ok_or_else(|| io::Error::other("its new parses could not be written"))?;
        let previous = self.previous.as_deref();
        let linked = previous.map_or_else(BTreeSet::new, |p| worth_linking(p, &self.records));
        let mut open = HashMap::new();
        let (mut entries, mut new) = (Vec::new(), Vec::new());
        for record in self.records {
            match record.kept {
                // The stat this build saw (a touched file's is new).
                Some(Kept::Old(entry)) if linked.contains(&entry.segment) => entries.push(Entry {
                    stat: record.stat,
                    ..entry
                }),
                Some(Kept::Old(entry)) => {
                    if let Some(bytes) = previous.and_then(|p| reread(p, &mut open, &entry)) {
                        let entry = Entry {
                            stat: record.stat,
                            ..entry
                        };
                        new.push(segment.append(entry, &bytes)?);
                    }
                }
                Some(Kept::New(entry)) => new.push(entry),
                // Bytes never reached the segment: parsed again next time.
                Some(Kept::Bytes(_)) | None => {}
            }
        }
        if let Some(from) = previous {
            for id in &linked {
                let name = segment_name(*id);
                link_or_copy(&from.join(&name), &dir.join(&name))?;
            }
        }
        let id = linked.last().map_or(0, |last| last + 1);
        // No new parse, no new segment: the output stays what a build with
        // no change wrote (the temporary file goes on drop).
        if !new.is_empty() {
            segment.finish(&dir.join(segment_name(id)))?;
        }
        entries.extend(new.into_iter().map(|e| Entry { segment: id, ..e }));
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        write_index(
            &dir.join(INDEX),
            &Index {
                key: self.key,
                started: self.started,
                entries,
            },
        )
    }
}

/// The previous segments the next cache links as they are: those at least
/// half live, and of too many such, only the largest. The live parses of
/// the others are copied into the new segment, which keeps both the dead
/// bytes and the copying small (an edit build's segment is a few parses).
fn worth_linking(previous: &Path, records: &[Record]) -> BTreeSet<u32> {
    let mut live: BTreeMap<u32, u64> = BTreeMap::new();
    for record in records {
        if let Some(Kept::Old(e)) = &record.kept {
            *live.entry(e.segment).or_default() += e.len;
        }
    }
    let mut kept: Vec<(u64, u32)> = live
        .into_iter()
        .filter_map(|(id, live)| {
            let size = fs::metadata(previous.join(segment_name(id))).ok()?.len();
            (live * 2 >= size).then_some((size, id))
        })
        .collect();
    if kept.len() >= MAX_SEGMENTS {
        kept.sort_unstable();
        kept.drain(..kept.len() - 1);
    }
    kept.into_iter().map(|(_, id)| id).collect()
}

/// An old entry's bytes, from its segment opened once (`open`).
fn reread(
    previous: &Path,
    open: &mut HashMap<u32, Option<fs::File>>,
    entry: &Entry,
) -> Option<Vec<u8>> {
    let file = open
        .entry(entry.segment)
        .or_insert_with(|| fs::File::open(previous.join(segment_name(entry.segment))).ok());
    let mut bytes = Vec::new();
    read_entry(file.as_ref()?, entry, &mut bytes)?;
    (crc32fast::hash(&bytes) == entry.crc).then_some(bytes)
}

fn write_index(path: &Path, index: &Index) -> io::Result<()> {
    fs::write(path, crate::sealed::seal(MAGIC, index)?)
}

/// A hard link (the previous output's file is never written again), a
/// copy where links fail.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    fs::hard_link(from, to).or_else(|_| fs::copy(from, to).map(|_| ()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i128 = NANOS_PER_SECOND;

    fn stat(at: i128) -> Stat {
        Stat {
            len: 10,
            ino: 7,
            mtime: at,
            ctime: at,
        }
    }

    fn previous(started: i128, recorded: Stat) -> Previous {
        let entry = Entry {
            path: "content/a.md".into(),
            hash: [1; 32],
            stat: Some(recorded),
            segment: 0,
            offset: 0,
            len: 0,
            crc: 0,
        };
        Previous {
            dir: PathBuf::new(),
            started,
            entries: HashMap::from([(entry.path.clone(), entry)]),
            segments: HashMap::new(),
        }
    }

    #[test]
    fn a_file_written_in_the_second_a_build_started_is_hashed_again() {
        let started = 100 * SECOND + SECOND / 2;
        assert!(stat(99 * SECOND + 400_000_000).settled_before(started));
        // The same second as the build's start, before or after it.
        assert!(!stat(100 * SECOND).settled_before(started));
        assert!(!stat(100 * SECOND + SECOND / 4).settled_before(started));
        assert!(!stat(101 * SECOND).settled_before(started));
        // Just after a second began, the file clock may still be behind it.
        assert!(!stat(99 * SECOND + 999_000_000).settled_before(100 * SECOND + 1_000_000));
        // A change time in that second counts, whatever the modification time.
        let touched_back = Stat {
            ctime: 100 * SECOND,
            ..stat(50 * SECOND)
        };
        assert!(!touched_back.settled_before(started));
    }

    #[test]
    fn a_recorded_hash_is_used_only_for_the_same_stat_written_before() {
        let rel = Path::new("content/a.md");
        let at = 90 * SECOND + 123;
        let p = previous(100 * SECOND, stat(at));
        assert_eq!(p.recorded_hash(rel, &stat(at)), Some([1; 32]));
        let differs = [
            Stat {
                len: 11,
                ..stat(at)
            },
            Stat { ino: 8, ..stat(at) },
            Stat {
                mtime: at + 1,
                ..stat(at)
            },
            Stat {
                ctime: at + 1,
                ..stat(at)
            },
        ];
        for s in differs {
            assert_eq!(p.recorded_hash(rel, &s), None, "{s:?}");
        }
        assert_eq!(p.recorded_hash(Path::new("content/b.md"), &stat(at)), None);
        // Written in the second the previous build started: hashed.
        let racy = previous(90 * SECOND + SECOND / 2, stat(at));
        assert_eq!(racy.recorded_hash(rel, &stat(at)), None);
    }
}
