//! Helpers shared by the integration tests: running the binary, copying the
//! example site, and reading a built site as a reader meets it.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn planpress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planpress"))
        .args(args)
        .output()
        .expect("run planpress")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs planpress: whether it succeeded, its stdout and its stderr.
pub fn run(args: &[&str]) -> (bool, String, String) {
    let o = planpress(args);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr(&o),
    )
}

/// A temporary folder for a test's sites and outputs: in memory where the
/// system has a tmpfs with room to spare. A build flushes every file and
/// folder it writes to disk before its swap, which on a busy shared disk
/// costs seconds of I/O wait a build; the tests are about what is written,
/// not about the disk. A small /dev/shm (a container's 64 MB) is left alone.
pub fn tempdir() -> tempfile::TempDir {
    const ROOM: u64 = 4 << 30;
    let shm = Path::new("/dev/shm");
    let roomy = rustix::fs::statvfs(shm)
        .map(|s| s.f_bavail.saturating_mul(s.f_frsize) >= ROOM)
        .unwrap_or(false);
    roomy
        .then(|| tempfile::tempdir_in(shm).ok())
        .flatten()
        .unwrap_or_else(|| tempfile::tempdir().unwrap())
}

/// A site with the example's site.yaml and an empty content/: no unit
/// registry, as a new user's first import meets it.
pub fn bare_site() -> tempfile::TempDir {
    let dir = tempdir();
    std::fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    dir
}

/// A site made by `planpress init`.
pub fn new_site() -> tempfile::TempDir {
    let dir = tempdir();
    let (ok, _, err) = run(&["init", dir.path().to_str().unwrap()]);
    assert!(ok, "init failed: {err}");
    dir
}

/// The example site's model, as `check` and `build` load it.
pub fn example_model() -> planpress::model::Site {
    planpress::build::load(repo(), None)
        .map(|(site, _)| site)
        .unwrap_or_else(|e| panic!("the example site loads: {e:?}"))
}

/// The example's search files (path -> bytes), as `search::build` makes them.
pub type Index = BTreeMap<String, Vec<u8>>;

/// The example's model and its search index, made once per test binary for
/// the tests that only query them: loading and indexing the example takes a
/// debug build seconds, and a dozen tests did it each.
pub fn example_index() -> &'static (planpress::model::Site, Index) {
    static BUILT: std::sync::OnceLock<(planpress::model::Site, Index)> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let site = example_model();
        let files = planpress::search::build(&site).into_iter().collect();
        (site, files)
    })
}

/// A copy of the example site whose site.yaml has `editions` in place of its
/// own `editions:` (the last key of site.yaml); `""` publishes the default.
pub fn example_with_editions(editions: &str) -> tempfile::TempDir {
    let dir = copy_example();
    let path = dir.path().join("site.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let own = text.split("\neditions:").next().unwrap();
    std::fs::write(&path, format!("{own}\n{editions}")).unwrap();
    dir
}

/// Copies the example site (site.yaml, content/, themes/) into a fresh folder.
pub fn copy_example() -> tempfile::TempDir {
    let dir = tempdir();
    std::fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    for sub in ["content", "themes"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    dir
}

/// The example's settings and themes with one small plan as its content:
/// for the tests whose assertion is about the site's folders or settings,
/// not its plans, a build in a fraction of the example's time.
pub fn small_example() -> tempfile::TempDir {
    let dir = tempdir();
    std::fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    copy_dir(&repo().join("themes"), &dir.path().join("themes"));
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        content.join("small.md"),
        "---\ntitle: 小型方案\nkind: 方案\njurisdiction: 哈尔滨市道里区\n---\n\n1.完善制度。牵头单位:区司法局。\n\n2.加强宣传。牵头单位:区委宣传部。\n",
    )
    .unwrap();
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// `planpress build --quiet` of `root` into `out`, its messages kept.
pub fn build_cmd(root: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_planpress"));
    c.args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    c
}

/// Builds `root` into `out`, panicking with planpress's messages on failure.
pub fn build(root: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "build",
        "--quiet",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = planpress(&args);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
}

/// The base URL of the example's build under a sub-path, shared by the
/// tests that only read it (build.rs, schemas.rs).
pub const SUB_PATH_BASE: &str = "https://example.gov.cn/fzjs/";

/// The example site built once per test binary for each set of `extra`
/// arguments, for the tests that only read the output: a debug build of the
/// example (with its 繁體 edition) takes seconds, and each test building its
/// own cost minutes of CI. Built under cargo's scratch folder for tests
/// (kept in the target folder, replaced by the next run) rather than a
/// temporary folder a static would never remove.
pub fn shared_example(extra: &[&str]) -> &'static Path {
    // Each set of arguments: its number (its folder's) and its build.
    type Cells = BTreeMap<Vec<String>, (usize, &'static std::sync::OnceLock<PathBuf>)>;
    static BUILT: std::sync::Mutex<Cells> = std::sync::Mutex::new(BTreeMap::new());
    let key: Vec<String> = extra.iter().map(|a| a.to_string()).collect();
    // The map's lock is held only to find the cell: two sets of arguments
    // build side by side, and one set is built once.
    let (number, cell) = {
        let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        let next = built.len();
        *built
            .entry(key)
            .or_insert_with(|| (next, Box::leak(Box::new(std::sync::OnceLock::new()))))
    };
    cell.get_or_init(|| {
        let name = std::env::current_exe()
            .ok()
            .and_then(|e| e.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "tests".into());
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("example-{name}-{number}"))
            .join("public");
        build(repo(), &out, extra);
        out
    })
}

/// Every file of a folder with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    site_files(dir)
        .map(|(rel, path)| (rel, std::fs::read(path).unwrap()))
        .collect()
}

/// Every file of a built site as (path relative to `dir`, path), but the
/// parse cache's, whose segments follow the builds' history, not the site.
pub fn site_files(dir: &Path) -> impl Iterator<Item = (PathBuf, PathBuf)> + '_ {
    let cache = dir.join(planpress::content::cache::DIR);
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(move |e| e.file_type().is_file() && !e.path().starts_with(&cache))
        .map(move |e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, e.into_path())
        })
}

pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect();
    v.sort();
    v
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Link targets (`href`, `src`) of a page.
pub fn links(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("[href], [src]").unwrap();
    doc.select(&sel)
        .flat_map(|e| {
            ["href", "src"]
                .into_iter()
                .filter_map(|a| e.value().attr(a).map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn ids(html: &str) -> HashSet<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("[id]").unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect()
}

/// Checks every internal link and anchor of a built site. `base` is the
/// base path the site was built for (`/` or `/fzjs/`). Returns the number
/// of links checked.
pub fn check_links(out: &Path, base: &str) -> usize {
    let mut id_cache: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in html_files(out) {
        let html = read(&file);
        for link in links(&html) {
            if link.contains("://")
                || link.starts_with("mailto:")
                || link.starts_with("tel:")
                || link.starts_with("data:")
            {
                continue;
            }
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (link.clone(), None),
            };
            // Static files are linked with ?v=FINGERPRINT (docs/deploy.md).
            let path = match path.split_once("?v=") {
                Some((file, _)) => file.to_string(),
                None => path,
            };
            let target = if path.is_empty() {
                file.clone()
            } else if let Some(rest) = path.strip_prefix(base) {
                out.join(rest)
            } else if path.starts_with('/') {
                broken.push(format!(
                    "{}: {link} is outside the base path {base}",
                    file.display()
                ));
                continue;
            } else {
                file.parent().unwrap().join(&path)
            };
            let target = if path.ends_with('/') || target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            checked += 1;
            if !target.is_file() {
                broken.push(format!(
                    "{}: {link} -> missing {}",
                    file.strip_prefix(out).unwrap().display(),
                    target.display()
                ));
                continue;
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                let ids = id_cache
                    .entry(target.clone())
                    .or_insert_with(|| ids(&read(&target)));
                if !ids.contains(&f) {
                    broken.push(format!(
                        "{}: {link} -> no id `{f}`",
                        file.strip_prefix(out).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    checked
}

/// A running `planpress serve --port 0` on a site, killed on drop.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts serve on `root` with `extra` arguments and waits (60 s at most)
    /// for the address it prints.
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        use std::io::{BufRead, BufReader};
        use std::time::{Duration, Instant};
        let child = Command::new(env!("CARGO_BIN_EXE_planpress"))
            .args(["serve", "--port", "0", "--root", root.to_str().unwrap()])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Killed and waited for on drop, whatever happens below.
        let mut server = Server { child, port: 0 };
        let stdout = server.child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads on, so that the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let start = Instant::now();
        let prefix = "http://127.0.0.1:";
        while server.port == 0 {
            let left = Duration::from_secs(60).saturating_sub(start.elapsed());
            let line = rx.recv_timeout(left).expect("serve printed no address");
            if let Some(rest) = line.split(prefix).nth(1) {
                server.port = rest.split('/').next().unwrap().parse().unwrap();
            }
        }
        server
    }

    /// Status and whole response of a GET with the given Host header.
    pub fn get_as(&self, path: &str, host: &str) -> (u16, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text.split(' ').nth(1).unwrap().parse().unwrap();
        (status, text)
    }

    /// Status and whole response of a GET.
    pub fn get(&self, path: &str) -> (u16, String) {
        self.get_as(path, "127.0.0.1")
    }
}
