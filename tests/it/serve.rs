//! `planpress serve` as a browser and an editor meet it: pages with their
//! types, reload events after edits, incremental updates that give exactly
//! what a fresh `build` writes, errors shown over the last good site, and
//! requests for anything outside the site refused.
//!
//! Every wait is bounded, and each server is killed when its test ends
//! (also when it fails), so a broken server never hangs the suite.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

const INJECT_START: &str = "<!--planpress-serve-->";
const INJECT_END: &str = "<!--/planpress-serve-->";
/// The error overlay as the server writes it into a page.
const OVERLAY: &str = "<div id=\"planpress-overlay\"";
/// Generous: the suite shares two cores with the compiler and other tests.
const WAIT: Duration = Duration::from_secs(60);

/// A running `planpress serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut s = sink.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
    text
}

fn start_with(root: &Path, port: u16) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_planpress"))
        .args(["serve", "--root", root.to_str().unwrap(), "--port"])
        .arg(port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start planpress serve");
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let mut server = Server {
        child,
        port: 0,
        stdout,
        stderr,
    };
    let started = Instant::now();
    loop {
        let out = server.stdout.lock().unwrap().clone();
        if let Some(i) = out.find("http://127.0.0.1:") {
            let rest = &out[i + "http://127.0.0.1:".len()..];
            let end = rest.find('/').unwrap();
            server.port = rest[..end].parse().unwrap();
            break;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("serve exited with {status}:\n{}", server.stderr());
        }
        assert!(
            started.elapsed() < WAIT,
            "serve did not start:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

fn start(root: &Path) -> Server {
    start_with(root, 0)
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap().trim(), 16)
                .unwrap();
        body = &body[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

impl Server {
    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends `GET <target>` exactly as written (no client-side cleaning).
    fn request(&self, method: &str, target: &str) -> Response {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            s,
            "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let head_end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no response head for {target}"));
        let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let mut body = raw[head_end + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
        if chunked {
            body = dechunk(&body);
        }
        Response {
            status,
            headers,
            body,
        }
    }

    fn get(&self, target: &str) -> Response {
        self.request("GET", target)
    }

    fn events(&self) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            s,
            "GET /__planpress/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        let mut e = Events {
            stream: s,
            seen: String::new(),
            at: 0,
        };
        e.next("hello");
        e
    }

    /// Waits until stdout has `needle` `count` times.
    fn wait_stdout(&self, needle: &str, count: usize) {
        let started = Instant::now();
        while self.stdout().matches(needle).count() < count {
            assert!(
                started.elapsed() < WAIT,
                "no `{needle}` (x{count}) in stdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The live-reload stream, read as a browser's EventSource would.
struct Events {
    stream: TcpStream,
    seen: String,
    at: usize,
}

impl Events {
    fn read_more(&mut self) {
        let mut buf = [0u8; 8192];
        match self.stream.read(&mut buf) {
            Ok(0) => panic!("the event stream closed"),
            Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => panic!("event stream: {e}"),
        }
    }

    /// Waits for the next event named `name` and returns its data; fails
    /// if another event (other than keep-alives) comes first.
    fn next(&mut self, name: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(i) = self.seen[self.at..].find("event: ") {
                let start = self.at + i;
                if let Some(end) = self.seen[start..].find("\n\n") {
                    let block = self.seen[start..start + end].to_string();
                    self.at = start + end + 2;
                    let got = block.lines().next().unwrap().trim_start_matches("event: ");
                    assert_eq!(got, name, "expected `{name}`, got:\n{block}");
                    let data: String = block
                        .lines()
                        .filter_map(|l| l.strip_prefix("data: "))
                        .collect();
                    return data;
                }
            }
            assert!(
                started.elapsed() < WAIT,
                "no `{name}` event; stream so far:\n{}",
                self.seen
            );
            self.read_more();
        }
    }

    /// Asserts that no event comes within `d`.
    fn quiet_for(&mut self, d: Duration) {
        let started = Instant::now();
        while started.elapsed() < d {
            self.read_more();
        }
        assert!(
            !self.seen[self.at..].contains("event: "),
            "unexpected event: {}",
            &self.seen[self.at..]
        );
    }
}

fn strip_injection(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(html.to_vec()).expect("HTML is UTF-8");
    let start = text
        .find(INJECT_START)
        .expect("the reload script is injected");
    let end = text.find(INJECT_END).expect("injection end") + INJECT_END.len();
    assert_eq!(text.matches(INJECT_START).count(), 1);
    let mut out = text[..start].to_string();
    out.push_str(&text[end..]);
    out.into_bytes()
}

/// Compares every file of a fresh build of `root` with what the server
/// returns; HTML only after removing the injected script.
fn assert_matches_build(server: &Server, root: &Path) {
    let dir = common::tempdir();
    let out = dir.path().join("public");
    let base = format!("http://127.0.0.1:{}/", server.port);
    build(root, &out, &["--base-url", &base]);
    let files = snapshot(&out);
    assert!(files.len() > 100, "only {} files built", files.len());
    let mut differ = Vec::new();
    for (rel, built) in &files {
        let rel = rel.to_str().unwrap().replace('\\', "/");
        // The build's state for the next build is no file of the site.
        if rel.starts_with(".planpress/") {
            continue;
        }
        let text = String::from_utf8_lossy(built);
        assert!(
            !text.contains(INJECT_START) && !text.contains("__planpress"),
            "the build carries the reload script: {rel}"
        );
        let r = server.get(&format!("/{rel}"));
        if r.status != 200 {
            differ.push(format!("{rel}: status {}", r.status));
            continue;
        }
        let served = if rel.ends_with(".html") {
            strip_injection(&r.body)
        } else {
            r.body.clone()
        };
        if &served != built {
            differ.push(rel);
        }
    }
    assert!(
        differ.is_empty(),
        "{} files differ from a fresh build: {:?}\nserver stdout:\n{}",
        differ.len(),
        &differ[..differ.len().min(20)],
        server.stdout()
    );
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

const DAOLI: &str = "content/daoli-2017-shijian-fangan.md";
const DAOLI_PAGE: &str = "/plans/daoli-2017-shijian-fangan/";
const COPY: &str = "content/zhuzhou-2015-zz-copy.md";
const COPY_PAGE: &str = "/plans/zhuzhou-2015-zz-copy/";

/// The example site plus a second plan of 株洲县, named after the first in
/// file order: its units were all named before, so an edit of it takes the
/// incremental path (the example's own plans are each the first of their
/// jurisdiction).
fn example_with_copy() -> tempfile::TempDir {
    let dir = copy_example();
    let original = std::fs::read_to_string(
        dir.path()
            .join("content/zhuzhou-2015-fazhi-shishi-yijian.md"),
    )
    .unwrap();
    let copy = original.replacen(
        "title: 关于全面推进法治渌湘建设的实施意见",
        "title: 关于全面推进法治渌湘建设的实施意见（征求意见稿）",
        1,
    );
    std::fs::write(dir.path().join(COPY), copy).unwrap();
    dir
}

#[test]
fn serves_pages_with_their_types() {
    let site = copy_example();
    let server = start(site.path());
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));
    let html = home.text();
    let script = html.find(INJECT_START).unwrap();
    assert!(
        script < html.rfind("</body>").unwrap(),
        "script before </body>"
    );
    for (path, ty) in [
        ("/static/portal.css", "text/css; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/data/plans.json", "application/json; charset=utf-8"),
        ("/data/tasks.csv", "text/csv; charset=utf-8"),
        (
            "/units/huangshishixialuqu/qusifaju/deadlines.ics",
            "text/calendar; charset=utf-8",
        ),
        (
            "/elder/plans/daoli-2017-shijian-fangan/",
            "text/html; charset=utf-8",
        ),
        (
            "/hant/plans/daoli-2017-shijian-fangan/",
            "text/html; charset=utf-8",
        ),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
        if !ty.starts_with("text/html") {
            assert!(!r.text().contains(INJECT_START), "{path} has the script");
        }
    }
    // A folder without its slash is redirected; the query is kept.
    let r = server.get("/plans/daoli-2017-shijian-fangan?x=1");
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location"),
        Some("/plans/daoli-2017-shijian-fangan/?x=1")
    );
    // Missing pages get the site's own 404 page, with status 404.
    let r = server.get("/plans/no-such-plan/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("kind-not_found"), "the theme's 404 page");
    assert!(r.text().contains(INJECT_START));
    // Under an edition's folder, the edition's own 404 page.
    let r = server.get("/hant/plans/no-such-plan/");
    assert_eq!(r.status, 404);
    assert!(
        r.text().contains("<html lang=\"zh-Hant\""),
        "the 繁體 404 page"
    );
    // HEAD has the headers and no body; other methods are refused.
    let r = server.request("HEAD", "/");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    let r = server.request("POST", "/");
    assert_eq!(r.status, 405);
}

#[test]
fn serves_exactly_what_build_writes() {
    let site = copy_example();
    let server = start(site.path());
    assert_matches_build(&server, site.path());
}

#[test]
fn nothing_outside_the_site_is_served() {
    let outside = common::tempdir();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-MARKER").unwrap();
    let site = copy_example();
    let static_dir = site.path().join("themes/portal/static");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, static_dir.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path(), static_dir.join("leakdir")).unwrap();
    }
    // The secret is also one folder above the site's own files.
    std::fs::write(site.path().join("secret.txt"), "TOP-SECRET-MARKER").unwrap();
    let server = start(site.path());
    assert_eq!(server.get("/static/portal.css").status, 200);
    let absolute = secret.to_str().unwrap().to_string();
    let targets = [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/static/../secret.txt",
        "/static/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/static%2f..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%5csecret.txt",
        "/static/..%5c..%5csecret.txt",
        "/static\\..\\..\\secret.txt",
        "/%5c%5cetc%5cpasswd",
        "/static/leak.txt",
        "/static/leakdir/secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        &absolute,
        "/secret.txt",
        "/site.yaml",
        "/content/daoli-2017-shijian-fangan.md",
        "/themes/portal/templates/base.html",
        "/static/portal.css%00.txt",
        "/./secret.txt",
        "/static/./portal.css",
        "/C:/Windows/win.ini",
    ];
    for target in targets {
        let r = server.get(target);
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: status {}",
            r.status
        );
        assert!(
            !r.text().contains("TOP-SECRET-MARKER") && !r.text().contains("root:x:"),
            "{target} leaked a file"
        );
    }
    // An absolute-form request target is looked up by its path alone.
    let r = server.get(&format!("http://127.0.0.1:{}/../secret.txt", server.port));
    assert!(
        r.status == 400 || r.status == 404,
        "absolute form: {}",
        r.status
    );
    assert!(!r.text().contains("TOP-SECRET-MARKER"));
}

#[test]
fn edits_reload_pages_and_match_a_fresh_build() {
    let site = example_with_copy();
    let root = site.path();
    let server = start(root);
    let mut events = server.events();
    // Pages a reader had open before the edits are cached: after each edit
    // everything served must still equal a fresh build.
    assert_matches_build(&server, root);

    // A plan whose units were all named before: the incremental path. Its
    // lead unit, text and date change.
    edit(
        &root.join(COPY),
        "强化宪法宣传教育。开展形式多样的宪法宣传教育",
        "强化宪法宣传教育（修订稿）。开展形式多样的宪法宣传教育",
    );
    edit(
        &root.join(COPY),
        "(责任单位:县司法局、县人大常委会办公室",
        "(责任单位:县公安局、县人大常委会办公室",
    );
    edit(
        &root.join(COPY),
        "date_published: 2015-03-02",
        "date_published: 2016-05-01",
    );
    events.next("reload");
    server.wait_stdout("(incremental)", 1);
    let page = server.get(COPY_PAGE).text();
    assert!(
        page.contains("强化宪法宣传教育（修订稿）"),
        "the edit shows"
    );
    assert_matches_build(&server, root);

    // The first plan of its jurisdiction, which is the first to name all
    // its units: a text edit keeps the order it names them in, so it is
    // incremental too.
    edit(
        &root.join(DAOLI),
        "title: 道里区法治建设系列实践活动方案",
        "title: 道里区法治建设系列实践活动方案（修订）",
    );
    edit(
        &root.join(DAOLI),
        "建立健全依法治区目标考核体系。",
        "建立健全依法治区目标考核体系（改）。",
    );
    events.next("reload");
    server.wait_stdout("(incremental)", 2);
    assert!(
        server
            .get(DAOLI_PAGE)
            .text()
            .contains("实践活动方案（修订）")
    );
    assert_matches_build(&server, root);

    // A unit no plan names yet: the site is assembled again, and what the
    // edit did not touch is kept (tests/serve_edits.rs tries many more).
    edit(
        &root.join(DAOLI),
        "牵头单位:区委依法治区办、",
        "牵头单位:区新设试点办、区委依法治区办、",
    );
    events.next("reload");
    server.wait_stdout("(incremental, site reassembled", 1);
    assert!(server.get(DAOLI_PAGE).text().contains("区新设试点办"));
    assert_matches_build(&server, root);

    // A template: every page is rendered again with it.
    edit(
        &root.join("themes/portal/templates/plan.html"),
        "<article class=\"doc\"",
        "<p class=\"edited-template\">模板已修改</p><article class=\"doc\"",
    );
    events.next("reload");
    assert!(server.get(DAOLI_PAGE).text().contains("edited-template"));
    assert_matches_build(&server, root);

    // A static file: only that file changes.
    std::fs::write(
        root.join("themes/portal/static/portal.css"),
        "body { color: red }\n",
    )
    .unwrap();
    events.next("reload");
    // The standard version's stylesheet: the theme's, then what hides the
    // 长者版's parts (as `build` writes it).
    let css = server.get("/static/portal.css").text();
    assert!(
        css.starts_with("body { color: red }\n") && css.contains(".only-elder { display: none"),
        "{css}"
    );
    let elder = server.get("/elder/static/portal.css").text();
    assert!(elder.starts_with("body { color: red }\n") && elder.contains("--elder: 1"));
    server.wait_stdout("(static)", 1);
    assert!(
        !server.stderr().contains("differed from a full rebuild"),
        "{}",
        server.stderr()
    );
}

#[test]
fn broken_content_and_templates_keep_the_last_good_site() {
    let site = copy_example();
    let root = site.path();
    let server = start(root);
    let mut events = server.events();
    let good = server.get(DAOLI_PAGE);
    assert_eq!(good.status, 200);
    let good_page = strip_injection(&good.body);

    // An unknown field in the front matter: an error with its line.
    let path = root.join(DAOLI);
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        original.replacen("kind: 方案", "kind: 方案\nlead_unit: <b>区司法局</b>", 1),
    )
    .unwrap();
    let data = events.next("broken");
    assert!(
        data.contains("content/daoli-2017-shijian-fangan.md:4:"),
        "{data}"
    );
    assert!(data.contains("lead_unit"), "{data}");
    // The last good page is still served, with the overlay.
    let r = server.get(DAOLI_PAGE);
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains(OVERLAY));
    assert!(
        html.contains("content/daoli-2017-shijian-fangan.md:4:"),
        "file and line"
    );
    assert!(!html.contains("<b>区司法局</b>"), "the message is escaped");
    assert_eq!(strip_injection(&r.body), good_page, "the last good page");
    // The terminal says the same.
    let started = Instant::now();
    while !server.stderr().contains("lead_unit") {
        assert!(started.elapsed() < WAIT, "no error in the terminal");
        std::thread::sleep(Duration::from_millis(20));
    }

    // Fixed: open pages reload and the overlay is gone.
    std::fs::write(&path, &original).unwrap();
    events.next("reload");
    let r = server.get(DAOLI_PAGE);
    assert!(
        !r.text().contains(OVERLAY),
        "{}\n{}",
        r.text(),
        server.stdout()
    );
    assert_eq!(strip_injection(&r.body), good_page);

    // A template that does not compile.
    let template = root.join("themes/portal/templates/plan.html");
    let template_text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, format!("{template_text}\n{{% if %}}\n")).unwrap();
    let data = events.next("broken");
    assert!(data.contains("themes/portal/templates/plan.html"), "{data}");
    let r = server.get(DAOLI_PAGE);
    assert_eq!(strip_injection(&r.body), good_page, "the last good page");
    assert!(r.text().contains(OVERLAY));

    // A template that compiles but fails when rendering a page.
    std::fs::write(
        &template,
        format!("{{{{ no_such_variable.x }}}}{template_text}"),
    )
    .unwrap();
    let data = events.next("broken");
    assert!(data.contains("plan.html"), "{data}");
    assert_eq!(strip_injection(&server.get(DAOLI_PAGE).body), good_page);

    std::fs::write(&template, &template_text).unwrap();
    events.next("reload");
    let r = server.get(DAOLI_PAGE);
    assert!(!r.text().contains(OVERLAY));
    assert_eq!(strip_injection(&r.body), good_page);
}

#[test]
fn a_burst_of_changes_is_one_rebuild() {
    let site = copy_example();
    let root = site.path();
    let server = start(root);
    let mut events = server.events();
    // As a `git checkout` does: several files rewritten at once, one by
    // writing a temporary file and renaming it over the original.
    for name in [
        "content/daoli-2017-shijian-fangan.md",
        "content/zhuzhou-2015-fazhi-shishi-yijian.md",
    ] {
        let p = root.join(name);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replacen("\n\n", "\n\n修改。\n\n", 1)).unwrap();
    }
    let p = root.join("content/daoli-2017-tongzhi.md");
    let text = std::fs::read_to_string(&p).unwrap();
    let tmp = root.join("content/.daoli-2017-tongzhi.md.swp");
    std::fs::write(&tmp, format!("{text}\n")).unwrap();
    std::fs::rename(&tmp, &p).unwrap();
    events.next("reload");
    server.wait_stdout("updated in", 1);
    events.quiet_for(Duration::from_millis(1500));
    assert_eq!(
        server.stdout().matches("updated in").count(),
        1,
        "{}",
        server.stdout()
    );
    // A save that changes nothing rebuilds nothing.
    std::fs::write(&p, format!("{text}\n")).unwrap();
    events.quiet_for(Duration::from_millis(800));
}

#[test]
fn a_taken_port_moves_to_the_next_one() {
    let site = copy_example();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = start_with(site.path(), port);
    assert_ne!(server.port, port);
    let started = Instant::now();
    while !server.stderr().contains(&format!("port {port} is taken")) {
        assert!(started.elapsed() < WAIT, "{}", server.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.get("/").status, 200);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let site = copy_example();
    let mut server = start(site.path());
    let _events = server.events();
    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "still running");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    server.wait_stdout("stopped", 1);
}
