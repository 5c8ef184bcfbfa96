//! The load's stat shortcut (issue 20): a build takes a content file's hash
//! from the previous build's parse cache, without reading the file, only
//! when the file's stat is the one recorded; any write is still seen.

use crate::common;

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::Digest as _;

use planpress::content::cache::{self, NewSegment, ParseKey, Parses, Previous};
use planpress::content::load_site_cached;

const KEY: ParseKey = ParseKey([7; 32]);

/// What a build's load does with the parse cache: reads the site with the
/// cache in `from` (if any), writes the next cache into `to`. The model's
/// plans (debug text), and how many files were parsed and taken as cached.
fn load(root: &Path, from: Option<&Path>, to: &Path) -> (String, usize, usize) {
    let previous = from.and_then(|f| Previous::open(f, KEY).unwrap());
    let segment = NewSegment::create(to).unwrap();
    let (result, cached) = load_site_cached(root, previous.as_ref(), Some(segment));
    let site = result.site.expect("the site loads");
    for r in &cached.records {
        let bytes = fs::read(root.join(&r.path)).unwrap();
        let hash: cache::Hash = sha2::Sha256::digest(&bytes).into();
        assert_eq!(r.hash, hash, "the hash of {}", r.path.display());
    }
    let hits = cached.records.iter().filter(|r| r.is_cached()).count();
    let counts = (cached.records.len() - hits, hits);
    let parses = Parses {
        key: KEY,
        started: cached.started,
        previous: from.map(|f| f.join(cache::DIR)),
        records: cached.records,
        segment: cached.segment,
    };
    drop(previous);
    parses.write(to).unwrap();
    (format!("{:?}", site.plans), counts.0, counts.1)
}

const PLAN: &str = "content/a-plan.md";

fn plan(word: &str) -> String {
    format!(
        "---\ntitle: 测试方案\nkind: 实施方案\njurisdiction: 测试市\n---\n\n## 一、任务\n\n1.推进{word}工作。(牵头单位:市司法局)\n"
    )
}

/// A small site of two plans.
fn site() -> tempfile::TempDir {
    let dir = common::bare_site();
    fs::write(dir.path().join(PLAN), plan("甲乙")).unwrap();
    fs::write(dir.path().join("content/b-plan.md"), plan("丙丁")).unwrap();
    dir
}

/// Waits into the next second (and past the clock lag the cache allows
/// for), so that files written until now are no longer "racy" for a build
/// that starts after it.
fn next_second() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    std::thread::sleep(Duration::from_nanos(
        1_000_000_000 - u64::from(now.subsec_nanos()) + 60_000_000,
    ));
}

#[test]
fn a_write_that_keeps_size_and_mtime_is_seen_and_a_touch_parses_nothing() {
    let site = site();
    let root = site.path();
    let outs = common::tempdir();
    let out = |i: usize| outs.path().join(format!("out{i}"));
    next_second();
    // The first load records each file's stat, written in a second before
    // the one it started in: the next takes their hashes without reading.
    assert_eq!(load(root, None, &out(1)).1, 2);
    let (plans, parsed, cached) = load(root, Some(&out(1)), &out(2));
    assert_eq!((parsed, cached), (0, 2));
    assert!(plans.contains("甲乙"), "{plans}");

    // Same length, same modification time, other bytes: only the change
    // time says so. Taking the recorded hash would keep 甲乙.
    let path = root.join(PLAN);
    let mtime = fs::metadata(&path).unwrap().modified().unwrap();
    fs::write(&path, plan("戊己")).unwrap();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(
        fs::metadata(&path).unwrap().len(),
        plan("甲乙").len() as u64
    );
    let (plans, parsed, cached) = load(root, Some(&out(2)), &out(3));
    assert_eq!((parsed, cached), (1, 1));
    assert!(plans.contains("戊己") && !plans.contains("甲乙"), "{plans}");

    // Touched, not changed: hashed again, and its parse is the cached one.
    let later = SystemTime::now() + Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(root.join("content/b-plan.md"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    let (touched, parsed, cached) = load(root, Some(&out(3)), &out(4));
    assert_eq!((parsed, cached), (0, 2));
    assert_eq!(touched, plans);
    let fresh = load(root, None, &out(5)).0;
    assert_eq!(touched, fresh, "as a load without the cache");
}
