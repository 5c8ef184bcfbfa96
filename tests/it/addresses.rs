//! Addresses read away from the site (issue 18): with an absolute base URL
//! the Atom feed, the sitemap and robots.txt hold absolute, well-formed URLs
//! under it; with a relative one the build warns and writes none of them;
//! `serve` uses its own address.

use crate::common;

use std::path::Path;

use common::*;

const BASE: &str = "https://www.example.gov.cn/fzjs/";

/// `text` is an absolute http(s) URL under [`BASE`].
fn assert_absolute(text: &str, what: &str) {
    let url = url::Url::parse(text).unwrap_or_else(|e| panic!("{what} `{text}`: {e}"));
    assert!(
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some(),
        "{what} `{text}` is not an absolute web address"
    );
    assert!(
        text.starts_with(BASE),
        "{what} `{text}` is not under {BASE}"
    );
}

/// The example built once (under BASE) for the tests that only read it.
fn built() -> &'static std::path::Path {
    shared_example(&["--base-url", BASE])
}

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The Atom children of `n` named `name`.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children()
        .filter(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM))
        .collect()
}

#[test]
fn the_feed_is_atom_with_absolute_ids_and_links() {
    let out = built();
    let text = read(&out.join("feed.xml"));
    let doc = roxmltree::Document::parse(&text).expect("feed.xml is well-formed XML");
    let atom = ATOM;
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(atom));
    // RFC 4287: a feed and each entry have exactly one id, title and
    // updated; ids are absolute IRIs, links have an href.
    let entries = child(feed, "entry");
    let plans = std::fs::read_dir(out.join("plans")).unwrap().count() - 1;
    assert_eq!(entries.len(), plans, "one entry per plan");
    let mut ids = std::collections::HashSet::new();
    for node in std::iter::once(feed).chain(entries) {
        for required in ["id", "title", "updated"] {
            assert_eq!(child(node, required).len(), 1, "one <{required}>");
        }
        let id = child(node, "id")[0].text().unwrap_or_default();
        assert_absolute(id, "an Atom id");
        assert!(ids.insert(id.to_string()), "ids are unique: {id}");
        let updated = child(node, "updated")[0].text().unwrap_or_default();
        chrono::DateTime::parse_from_rfc3339(updated)
            .unwrap_or_else(|e| panic!("<updated> `{updated}` is not RFC 3339: {e}"));
        let links = child(node, "link");
        assert!(!links.is_empty(), "a link to the page");
        for link in links {
            assert_absolute(link.attribute("href").unwrap_or_default(), "an Atom link");
        }
    }
}

#[test]
fn the_sitemap_and_robots_txt_name_absolute_addresses() {
    let out = built();
    let text = read(&out.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&text).expect("sitemap.xml is well-formed XML");
    let ns = Some("http://www.sitemaps.org/schemas/sitemap/0.9");
    let urlset = doc.root_element();
    assert_eq!(
        (urlset.tag_name().name(), urlset.tag_name().namespace()),
        ("urlset", ns)
    );
    let mut count = 0;
    for url in urlset.children().filter(|n| n.is_element()) {
        assert_eq!(url.tag_name().name(), "url");
        let locs: Vec<_> = url
            .children()
            .filter(|n| n.tag_name().name() == "loc")
            .collect();
        assert_eq!(locs.len(), 1, "one <loc> per <url>");
        let loc = locs[0].text().unwrap_or_default();
        assert_absolute(loc, "a sitemap <loc>");
        // The page is there: the sitemap lists what was built.
        let file = loc.strip_prefix(BASE).unwrap_or_default();
        assert!(
            out.join(file).join("index.html").is_file(),
            "{loc} was built"
        );
        count += 1;
    }
    // Protocol limit (sitemaps.org): 50,000 URLs per file.
    assert!(count > 100 && count <= 50_000, "{count} URLs");
    let robots = read(&out.join("robots.txt"));
    let line = robots.lines().find_map(|l| l.strip_prefix("Sitemap: "));
    assert_eq!(line, Some(format!("{BASE}sitemap.xml").as_str()));
}

#[test]
fn a_relative_base_url_is_a_warning_and_writes_nothing_invalid() {
    let dir = common::tempdir();
    let out = dir.path().join("public");
    let root = repo().to_str().unwrap();
    let o = planpress(&[
        "build",
        "--root",
        root,
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        "/fzjs/",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(
        err.matches("is not an absolute address").count(),
        1,
        "{err}"
    );
    assert!(err.contains("warning: base_url `/fzjs/`"), "{err}");
    assert!(
        err.contains("base_url: https://"),
        "the hint says what to set: {err}"
    );
    assert!(!out.join("sitemap.xml").exists());
    assert!(!out.join("feed.xml").exists());
    let robots = read(&out.join("robots.txt"));
    assert!(!robots.contains("Sitemap"), "{robots}");
    for page in html_files(&out) {
        let html = read(&page);
        assert!(
            !html.contains("feed.xml"),
            "{} links the feed",
            page.display()
        );
        assert!(
            !html.contains("class=\"qr\""),
            "{} has a QR code",
            page.display()
        );
    }
    // The rest of the site is there, and its links work.
    assert!(out.join("data/tasks.json").is_file());
    check_links(&out, "/fzjs/");
}

#[test]
fn the_relative_base_url_warning_names_its_line_in_site_yaml() {
    let site = copy_example();
    rewrite_base_url(site.path(), "/");
    let yaml = read(&site.path().join("site.yaml"));
    let line = 1 + yaml
        .lines()
        .position(|l| l.starts_with("base_url:"))
        .expect("the example site.yaml sets base_url");
    assert!(line > 1, "base_url is not the first line of the example");
    let out = site.path().join("public");
    let o = planpress(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("warning").count(), 1, "one warning: {err}");
    let at = format!("site.yaml:{line}:1: warning: base_url `/` is not an absolute address");
    assert!(err.contains(&at), "`{at}` in: {err}");
    assert!(!err.contains("site.yaml:1:1"), "{err}");
}

#[test]
fn serve_uses_its_own_address() {
    let site = copy_example();
    rewrite_base_url(site.path(), "/");
    let server = Server::start(site.path(), &[]);
    let (status, feed) = server.get("/feed.xml");
    assert_eq!(status, 200);
    let own = format!("http://127.0.0.1:{}/", server.port);
    assert!(feed.contains(&format!("<id>{own}feed.xml</id>")), "{feed}");
    let (status, robots) = server.get("/robots.txt");
    assert_eq!(status, 200);
    assert!(
        robots.contains(&format!("Sitemap: {own}sitemap.xml")),
        "{robots}"
    );
}

fn rewrite_base_url(root: &Path, base: &str) {
    let path = root.join("site.yaml");
    let text = read(&path);
    let text: Vec<String> = text
        .lines()
        .map(|l| match l.starts_with("base_url:") {
            true => format!("base_url: {base}"),
            false => l.to_string(),
        })
        .collect();
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
}
