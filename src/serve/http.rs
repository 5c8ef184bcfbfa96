//! The HTTP side of `serve`: files of the site from memory, the live-reload
//! event stream, and the script and error overlay injected into HTML.
//!
//! Only files of the site are served: a request path is decoded once,
//! refused (400) when it could mean anything but a plain relative path
//! (`..`, `.`, empty segments, encoded `/` or `\`, NUL, control characters,
//! invalid UTF-8), and then only looked up in the site's own list of files,
//! never joined to a folder on disk.

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;

use crate::diagnostics::Diagnostic;
use crate::render::escape;

use super::memory::{Found, Live, Status};

/// The event stream open pages listen to.
pub const EVENTS_PATH: &str = "/__planpress/events";

/// Marks around what serve adds to a page; everything between them
/// (inclusive) is the only difference from the built page.
pub const INJECT_START: &str = "<!--planpress-serve-->";
pub const INJECT_END: &str = "<!--/planpress-serve-->";

#[derive(Clone)]
pub struct App {
    pub live: Arc<Live>,
    /// The names requests may give in their `Host` header.
    pub hosts: Arc<Hosts>,
    /// Becomes `true` when the server stops, ending the event streams (a
    /// graceful shutdown waits for every open connection).
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

pub fn router(app: App) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(files)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            check_host,
        ))
        .with_state(app)
}

/// The host names the preview answers to. A web page whose own name is made
/// to resolve to this machine (DNS rebinding) sends that name in `Host`,
/// and is refused; an address typed in, `localhost` and the names given with
/// `--host` are not.
#[derive(Debug, Clone)]
pub struct Hosts {
    bind: IpAddr,
    /// Names given with `--host`, lower case, without a trailing dot.
    names: Vec<String>,
}

impl Hosts {
    pub fn new(bind: IpAddr, names: &[String]) -> Hosts {
        Hosts {
            bind,
            names: names.iter().map(|n| normal_host(n)).collect(),
        }
    }

    /// Whether a `Host` header value (`name`, `name:port`, `[v6]:port`) is
    /// one of ours.
    pub fn allows(&self, header: &str) -> bool {
        let host = strip_port(header.trim());
        if host.is_empty() {
            return false;
        }
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            // An address cannot be rebound: any of this machine's do when
            // listening on all of them.
            let localhost = ip == IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
                || ip == IpAddr::V6(std::net::Ipv6Addr::LOCALHOST);
            return ip == self.bind || localhost || self.bind.is_unspecified();
        }
        let name = normal_host(host);
        name == "localhost" || name.ends_with(".localhost") || self.names.contains(&name)
    }
}

fn normal_host(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// `name:8000` -> `name`; `[::1]:8000` -> `[::1]`; a bare IPv6 address is
/// left whole.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

async fn check_host(
    State(app): State<App>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if app.hosts.allows(host) {
        return next.run(request).await;
    }
    plain(
        StatusCode::MISDIRECTED_REQUEST,
        "this preview answers only to localhost, the address it listens on and the names given with --host\n",
    )
}

/// Why a request path is refused.
#[derive(Debug, PartialEq, Eq)]
pub struct BadPath;

/// Decodes a request path (`/plans/x/`) into a site path (`plans/x/`).
pub fn site_path(raw: &str) -> Result<String, BadPath> {
    let rest = raw.strip_prefix('/').ok_or(BadPath)?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(BadPath)?;
            let hex = std::str::from_utf8(hex).map_err(|_| BadPath)?;
            let v = u8::from_str_radix(hex, 16).map_err(|_| BadPath)?;
            // An encoded separator would change how the path splits.
            if v == b'/' || v == b'\\' {
                return Err(BadPath);
            }
            out.push(v);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    let path = String::from_utf8(out).map_err(|_| BadPath)?;
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err(BadPath);
    }
    let trimmed = path.strip_suffix('/').unwrap_or(&path);
    if !trimmed.is_empty() {
        crate::output::checked_relative(trimmed).map_err(|_| BadPath)?;
    }
    Ok(path)
}

/// The content type of a site file, with charset for every text format.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The overlay listing `errors`: file, line, message and hint, escaped.
pub fn overlay(errors: &[Diagnostic]) -> String {
    let mut items = String::new();
    for d in errors {
        items.push_str(&format!(
            "<li style=\"margin:0 0 .8em\"><code style=\"color:#ffb4b4\">{}:{}:{}</code><br>{}{}</li>",
            escape(&d.file.display().to_string()),
            d.line.max(1),
            d.column,
            escape(&d.message),
            d.hint
                .as_deref()
                .map(|h| format!("<br><small>{}</small>", escape(h)))
                .unwrap_or_default()
        ));
    }
    format!(
        "<div id=\"planpress-overlay\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;background:#1e1e1e;color:#f0f0f0;font:15px/1.5 monospace;padding:1em 1.5em;border-top:4px solid #d33\"><strong>planpress: the site has errors; showing the last good version</strong><ul style=\"list-style:none;padding:0;margin:.8em 0 0\">{items}</ul></div>"
    )
}

/// The live-reload script: reloads when the build changes, shows or hides
/// the overlay when problems come or go.
fn script(build: u64) -> String {
    format!(
        "<script>(function(){{var b={build};var s=new EventSource(\"{EVENTS_PATH}\");\
function show(h){{var o=document.getElementById(\"planpress-overlay\");if(o){{o.remove();}}\
if(h){{var d=document.createElement(\"div\");d.innerHTML=h;document.body.appendChild(d.firstChild);}}}}\
s.addEventListener(\"hello\",function(e){{var d=JSON.parse(e.data);if(d.build!==b){{location.reload();}}else{{show(d.overlay);}}}});\
s.addEventListener(\"reload\",function(){{location.reload();}});\
s.addEventListener(\"broken\",function(e){{show(JSON.parse(e.data).overlay);}});}})();</script>"
    )
}

/// What serve adds to an HTML page, before `</body>`.
pub fn injection(status: &Status) -> String {
    let overlay_html = if status.errors.is_empty() {
        String::new()
    } else {
        overlay(&status.errors)
    };
    format!(
        "{INJECT_START}{}{overlay_html}{INJECT_END}",
        script(status.build)
    )
}

/// Inserts `snippet` before the last `</body>`, or at the end.
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let needle = b"</body>";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn plain(status: StatusCode, text: &str) -> Response {
    let mut r = (status, text.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn file_response(status: StatusCode, path: &str, bytes: &[u8], live: &Live) -> Response {
    let ty = content_type(path);
    let body = if ty.starts_with("text/html") {
        Body::from(inject(bytes, &injection(&live.status())))
    } else {
        Body::from(bytes.to_vec())
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ty));
    // A preview must never show a cached, outdated page.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// A page for when there is nothing to show yet: the overlay, and the
/// script that reloads once the errors are fixed.
fn error_page(live: &Live) -> Response {
    let html = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>planpress</title></head><body></body></html>";
    file_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "error.html",
        html.as_bytes(),
        live,
    )
}

async fn files(State(app): State<App>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Ok(rel) = site_path(uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "bad path\n");
    };
    let live = app.live.clone();
    let lookup_rel = rel.clone();
    // Rendering takes CPU time (a large data file takes most of a second):
    // off the async threads.
    let found = match tokio::task::spawn_blocking(move || live.get(&lookup_rel)).await {
        Ok(f) => f,
        Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, "render failed\n"),
    };
    let live = &app.live;
    match found {
        Found::File(path, bytes) => file_response(StatusCode::OK, &path, &bytes, live),
        Found::Redirect(to) => {
            let mut location = format!("/{to}");
            if let Some(q) = uri.query() {
                location.push('?');
                location.push_str(q);
            }
            // Found, not Moved Permanently: browsers keep permanent
            // redirects, and a preview's folders come and go.
            let mut r = plain(StatusCode::FOUND, "");
            match HeaderValue::from_str(&location) {
                Ok(v) => {
                    r.headers_mut().insert(header::LOCATION, v);
                    r
                }
                Err(_) => plain(StatusCode::BAD_REQUEST, "bad path\n"),
            }
        }
        Found::NotFound(Some(page)) => {
            file_response(StatusCode::NOT_FOUND, "404.html", &page, live)
        }
        Found::NotFound(None) => plain(StatusCode::NOT_FOUND, "not found\n"),
        Found::Failed | Found::NoSite => {
            if rel.is_empty() || rel.ends_with('/') || rel.ends_with(".html") {
                error_page(live)
            } else {
                plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the site has errors; see the terminal\n",
                )
            }
        }
    }
}

/// The event for a status, given the build the page last knew: `reload`
/// for a new build, else `broken` with the overlay (none: problems gone).
fn event_for(status: &Status, known_build: u64) -> Event {
    if status.build != known_build {
        Event::default()
            .event("reload")
            .data(format!("{{\"build\":{}}}", status.build))
    } else {
        Event::default()
            .event("broken")
            .data(overlay_data(status).to_string())
    }
}

fn overlay_data(status: &Status) -> serde_json::Value {
    let overlay_html = if status.errors.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(overlay(&status.errors))
    };
    serde_json::json!({ "build": status.build, "overlay": overlay_html })
}

fn hello(status: &Status) -> Event {
    Event::default()
        .event("hello")
        .data(overlay_data(status).to_string())
}

struct Listener {
    rx: tokio::sync::watch::Receiver<Status>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    known_build: u64,
    greeted: bool,
}

async fn events(State(app): State<App>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut rx = app.live.subscribe();
    rx.mark_unchanged();
    let known_build = rx.borrow().build;
    let start = Listener {
        known_build,
        rx,
        shutdown: app.shutdown.clone(),
        greeted: false,
    };
    let stream = futures_util::stream::unfold(start, |mut l| async move {
        if !l.greeted {
            l.greeted = true;
            let status = l.rx.borrow().clone();
            return Some((Ok(hello(&status)), l));
        }
        if *l.shutdown.borrow() {
            return None;
        }
        tokio::select! {
            changed = l.rx.changed() => {
                changed.ok()?;
                let status = l.rx.borrow_and_update().clone();
                let event = event_for(&status, l.known_build);
                l.known_build = status.build;
                Some((Ok(event), l))
            }
            _ = l.shutdown.changed() => None,
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_odd_paths_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/plans/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/plans/%2e%2e/%2e%2e/x",
            "/..%2fetc%2fpasswd",
            "/%2fetc%2fpasswd",
            "/..%5c..%5cwindows",
            "/a\\b",
            "/a%00b",
            "/a/./b",
            "/./index.html",
            "//etc/passwd",
            "/a//b",
            "/C:/x",
            "/%ff",
            "/%zz",
            "/%2",
            "etc/passwd",
            "/a%0ab",
        ] {
            assert_eq!(site_path(bad), Err(BadPath), "{bad}");
        }
    }

    #[test]
    fn ordinary_paths_decode() {
        assert_eq!(site_path("/").unwrap(), "");
        assert_eq!(site_path("/plans/x/").unwrap(), "plans/x/");
        assert_eq!(site_path("/static/a%20b.css").unwrap(), "static/a b.css");
        assert_eq!(
            site_path("/%E5%8D%95%E4%BD%8D/").unwrap(),
            "单位/",
            "UTF-8 names decode"
        );
        // Decoded once only: a double-encoded dot stays a literal name.
        assert_eq!(site_path("/%252e%252e/x").unwrap(), "%2e%2e/x");
    }

    #[test]
    fn text_types_carry_the_charset() {
        for (path, ty) in [
            ("index.html", "text/html; charset=utf-8"),
            ("static/portal.css", "text/css; charset=utf-8"),
            ("static/a11y.js", "text/javascript; charset=utf-8"),
            ("static/favicon.svg", "image/svg+xml; charset=utf-8"),
            ("data/plans.json", "application/json; charset=utf-8"),
            ("data/tasks.csv", "text/csv; charset=utf-8"),
            ("units/a/b/deadlines.ics", "text/calendar; charset=utf-8"),
            ("feed.xml", "application/xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("x.png", "image/png"),
        ] {
            assert_eq!(content_type(path), ty, "{path}");
        }
    }

    #[test]
    fn injection_goes_before_the_last_body_end_and_strips_back() {
        let page = b"<html><body><p>&lt;/body&gt;</p></BODY></html>";
        let status = Status::default();
        let snippet = injection(&status);
        let out = inject(page, &snippet);
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with(&format!("{snippet}</BODY></html>")));
        assert_eq!(text.replace(&snippet, "").as_bytes(), page);
    }

    #[test]
    fn overlay_escapes_messages() {
        let d = Diagnostic::error("content/<a>.md", 3, "bad <script>alert(1)</script>");
        let html = overlay(&[d]);
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(html.contains("content/&lt;a&gt;.md:3:1"), "{html}");
    }

    #[test]
    fn only_our_host_names_are_answered() {
        let hosts = Hosts::new(
            "127.0.0.1".parse().unwrap(),
            &["Preview.Example.".to_string()],
        );
        for ok in [
            "127.0.0.1",
            "127.0.0.1:8000",
            "localhost:8000",
            "LocalHost.",
            "app.localhost",
            "[::1]:8000",
            "::1",
            "preview.example:80",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "127.0.0.2:8000",
            "192.168.1.5",
            "preview.example.evil",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        // Listening on every address: any address typed in, still no name.
        let all = Hosts::new("0.0.0.0".parse().unwrap(), &[]);
        assert!(all.allows("192.168.1.5:8000"));
        assert!(!all.allows("evil.example"));
    }
}
