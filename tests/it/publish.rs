//! `planpress build --compress --changes --changes-archive`: the deploy
//! package. Compressed files decode to their originals, the manifest lists
//! every file as it is, a rebuild after one edit reports and recompresses
//! exactly what changed, the package is the same whatever the thread
//! count, and a failed build leaves the previous package in place.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use common::*;
use sha2::{Digest, Sha256};

const MANIFEST: &str = ".planpress/manifest.tsv";

/// `planpress build` of `root` into `out` with `extra` arguments.
fn build_with(root: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    planpress(&args)
}

/// Builds `root` into `out` with `extra` arguments; the summary line of
/// the deploy package.
fn build_package(root: &Path, out: &Path, extra: &[&str]) -> String {
    let o = build_with(root, out, extra);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    stdout
        .lines()
        .find(|l| l.contains("files in the manifest"))
        .unwrap_or_else(|| panic!("no package summary in:\n{stdout}"))
        .to_string()
}

/// The number before `what` in the summary line.
fn count(summary: &str, what: &str) -> usize {
    let before = &summary[..summary.find(what).unwrap()];
    before
        .trim_end()
        .rsplit([' ', ';'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The manifest's lines: path -> (size, sha256 in hex).
fn manifest(out: &Path) -> BTreeMap<String, (u64, String)> {
    let text = read(&out.join(MANIFEST));
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("# planpress manifest"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "{l}");
            (f[0].to_string(), (f[1].parse().unwrap(), f[2].to_string()))
        })
        .collect()
}

/// Every file of the output except the manifest, by `/`-separated path.
fn published(out: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(out)
        .into_iter()
        .map(|(p, b)| (p.to_str().unwrap().to_string(), b))
        .filter(|(p, _)| !p.starts_with(".planpress/"))
        .collect()
}

fn is_text(path: &str) -> bool {
    [
        ".html",
        ".css",
        ".js",
        ".xml",
        ".json",
        ".csv",
        ".txt",
        ".svg",
        ".ics",
        ".webmanifest",
    ]
    .iter()
    .any(|e| path.ends_with(e))
}

fn decoded(path: &Path) -> Vec<u8> {
    let data = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    if path.extension().unwrap() == "br" {
        brotli::Decompressor::new(&data[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
    } else {
        flate2::read::GzDecoder::new(&data[..])
            .read_to_end(&mut out)
            .unwrap();
    }
    out
}

/// The example's deploy package, built once for the tests that read it or
/// start from a copy of it (a debug build compressing every file costs
/// seconds): its folder, its summary line and its changes file.
struct Package {
    out: PathBuf,
    summary: String,
    changes: String,
}

fn package() -> &'static Package {
    static BUILT: std::sync::OnceLock<Package> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let name = std::env::current_exe()
            .ok()
            .and_then(|e| e.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "tests".into());
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("package-{name}"));
        // A clean build (the package of an earlier run would make this one
        // incremental).
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (out, list) = (dir.join("public"), dir.join("changes.txt"));
        let summary = build_package(
            repo(),
            &out,
            &["--compress", "--changes", list.to_str().unwrap()],
        );
        Package {
            changes: read(&list),
            out,
            summary,
        }
    })
}

#[test]
fn compressed_files_decode_to_the_original_and_the_manifest_lists_every_file() {
    let Package { out, summary, .. } = package();
    let files = published(out);
    let texts: Vec<&String> = files
        .keys()
        .filter(|p| is_text(p) && !p.ends_with(".br") && !p.ends_with(".gz"))
        .collect();
    assert!(texts.len() > 300, "only {} text files", texts.len());
    assert!(texts.iter().any(|p| p.ends_with(".css")));
    assert!(texts.iter().any(|p| p.ends_with(".ics")));
    for text in &texts {
        for ext in ["br", "gz"] {
            let packed = out.join(format!("{text}.{ext}"));
            assert_eq!(decoded(&packed), files[*text], "{}", packed.display());
        }
    }
    // Pictures and fonts are not compressed again.
    assert!(
        files
            .keys()
            .filter(|p| p.ends_with(".br"))
            .all(|p| is_text(p.trim_end_matches(".br")))
    );
    assert_eq!(count(summary, "compressed"), texts.len());

    let listed = manifest(out);
    assert_eq!(
        listed.keys().collect::<Vec<_>>(),
        files.keys().collect::<Vec<_>>(),
        "the manifest lists every published file, and only those"
    );
    for (path, bytes) in &files {
        let (size, hash) = &listed[path];
        assert_eq!(*size, bytes.len() as u64, "{path}");
        assert_eq!(*hash, hex::encode(Sha256::digest(bytes)), "{path}");
    }
    // The manifest is in no sitemap.
    assert!(!read(&out.join("sitemap.xml")).contains(".planpress"));
    // A 长者版 page is its standard page's file, compressed once: its .br and
    // .gz are the standard page's too, and the manifest lists both paths.
    let page = "plans/daoli-2017-shijian-fangan/index.html";
    for suffix in ["", ".br", ".gz"] {
        let (a, b) = (format!("{page}{suffix}"), format!("elder/{page}{suffix}"));
        let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        assert_eq!(ino(&a), ino(&b), "{b} is not {a}'s file");
        assert_eq!(listed[&a], listed[&b]);
    }
}

/// The text after `old` in a content file becomes `new`.
fn edit(root: &Path, file: &str, old: &str, new: &str) {
    let path = root.join(file);
    let text = read(&path);
    assert!(text.contains(old), "{file} has no {old}");
    std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
}

/// The `(marker, path)` lines of a changes file.
fn changes(file: &Path) -> BTreeSet<(String, String)> {
    read(file)
        .lines()
        .map(|l| {
            let (m, p) = l.split_once('\t').unwrap();
            (m.to_string(), p.to_string())
        })
        .collect()
}

/// What changed between two snapshots, as a changes file says it.
fn expected_changes(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, bytes) in after {
        match before.get(path) {
            None => found.insert(("A".to_string(), path.clone())),
            Some(b) if b != bytes => found.insert(("M".to_string(), path.clone())),
            Some(_) => false,
        };
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        found.insert(("D".to_string(), path.clone()));
    }
    found
}

fn inodes(out: &Path) -> BTreeMap<String, u64> {
    published(out)
        .into_keys()
        .filter(|p| p.ends_with(".br") || p.ends_with(".gz"))
        .map(|p| {
            let ino = std::fs::metadata(out.join(&p)).unwrap().ino();
            (p, ino)
        })
        .collect()
}

#[test]
fn a_rebuild_reports_and_recompresses_exactly_what_changed() {
    let site = copy_example();
    let out = site.path().join("public");
    let list = site.path().join("changes.txt");
    let archive = site.path().join("changes.tar");
    let args = [
        "--compress",
        "--changes",
        list.to_str().unwrap(),
        "--changes-archive",
        archive.to_str().unwrap(),
    ];
    build_package(site.path(), &out, &args);
    // The first build: everything is added.
    let first = published(&out);
    assert_eq!(
        changes(&list),
        first.keys().map(|p| ("A".to_string(), p.clone())).collect()
    );
    let inodes_before = inodes(&out);

    edit(
        site.path(),
        "content/daoli-2017-tongzhi.md",
        "请遵照执行",
        "请认真遵照执行",
    );
    let summary = build_package(site.path(), &out, &args);
    let second = published(&out);
    let expected = expected_changes(&first, &second);
    assert!(
        expected.contains(&(
            "M".to_string(),
            "notices/daoli-2017-tongzhi/index.html".to_string()
        )),
        "{expected:?}"
    );
    assert!(
        expected.len() < first.len() / 4,
        "{} changed",
        expected.len()
    );
    assert_eq!(changes(&list), expected);

    // Only the changed text files were compressed again; the others' .br
    // and .gz are the previous build's files (the same inodes).
    let changed_texts: BTreeSet<&String> = expected
        .iter()
        .map(|(_, p)| p)
        .filter(|p| is_text(p))
        .collect();
    assert_eq!(
        count(&summary, "compressed"),
        changed_texts.len(),
        "{summary}"
    );
    for (packed, ino) in inodes(&out) {
        let original = &packed[..packed.len() - 3];
        let same = inodes_before.get(&packed) == Some(&ino);
        assert_eq!(
            same,
            !changed_texts.contains(&original.to_string()),
            "{packed}"
        );
    }

    // The archive holds the added and changed files, as published.
    let mut tar = tar::Archive::new(std::fs::File::open(&archive).unwrap());
    let mut held = BTreeSet::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_str().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, second[&path], "{path}");
        held.insert(path);
    }
    let uploaded: BTreeSet<String> = expected
        .into_iter()
        .filter(|(m, _)| m != "D")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(held, uploaded);

    // Without --compress the compressed files are removed, and say so.
    build_package(site.path(), &out, &["--changes", list.to_str().unwrap()]);
    assert!(
        changes(&list)
            .iter()
            .all(|(m, p)| m == "D" && (p.ends_with(".br") || p.ends_with(".gz")))
    );
}

#[test]
fn the_package_is_identical_whatever_the_thread_count() {
    let dir = common::tempdir();
    // One thread here; the other side is the shared package, built with as
    // many threads as there are cores.
    let shared = package();
    let (out, list) = (dir.path().join("out-1"), dir.path().join("changes-1.txt"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_planpress"))
        .args(["build", "--quiet", "--compress", "--root"])
        .arg(repo())
        .arg("--out")
        .arg(&out)
        .arg("--changes")
        .arg(&list)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let results = [
        (snapshot(&shared.out), shared.changes.clone()),
        (snapshot(&out), read(&list)),
    ];
    assert_eq!(
        results[0].0.keys().collect::<Vec<_>>(),
        results[1].0.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &results[0].0 {
        assert!(
            *bytes == results[1].0[path],
            "{} differs between thread counts",
            path.display()
        );
    }
    assert_eq!(results[0].1, results[1].1);
}

#[test]
fn a_failed_build_leaves_the_previous_package() {
    let site = copy_example();
    let out = site.path().join("public");
    // The previous package: a copy of the shared one (the same site).
    copy_dir(&package().out, &out);
    let before = snapshot(&out);
    edit(
        site.path(),
        "content/daoli-2017-tongzhi.md",
        "请遵照执行",
        "请认真遵照执行",
    );
    // Failing in the package itself, after compressing: the changes file
    // cannot be written.
    let nowhere = site.path().join("no/such/folder/changes.txt");
    let nowhere = nowhere.to_str().unwrap();
    let o = build_with(site.path(), &out, &["--compress", "--changes", nowhere]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("changes.txt"), "{}", stderr(&o));
    assert!(
        snapshot(&out) == before,
        "a failed build changed the output"
    );
    // Failing before the package: a content error.
    std::fs::write(
        site.path().join("content/broken.yaml"),
        "plan:\n  title: [\n",
    )
    .unwrap();
    let o = build_with(site.path(), &out, &["--compress"]);
    assert!(!o.status.success());
    assert!(
        snapshot(&out) == before,
        "a failed build changed the output"
    );
    let left: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
