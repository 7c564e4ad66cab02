//! `pactum serve`: serve the in-memory build on loopback, with live reload.
//!
//! Requests are mapped onto the in-memory output only: nothing on disk is
//! ever read, so `..` and friends cannot reach outside the site. HTML pages
//! get one served script (`/__pactum/live.js`, no inline code) that listens
//! on a server-sent-events stream and reloads, or shows the build errors over
//! the page while the last good site stays up.

use crate::site::output::OutputSet;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

/// What is being served: the last good site and the errors of the last build.
#[derive(Default)]
pub struct Served {
    pub site: Arc<OutputSet>,
    /// Errors of the newest build, rendered as text; empty when it succeeded.
    pub errors: Vec<String>,
}

/// Shared between the rebuild loop and the server.
pub type Shared = Arc<RwLock<Served>>;

/// Path prefix of the dev server's own endpoints.
const DEV: &str = "/__pactum/";
const LIVE_JS: &str = include_str!("live.js");

/// Map a request path to an output path, or `None` if it is not acceptable.
pub fn output_path(path: &str) -> Option<String> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if decoded.contains(['\0', '\\']) || decoded.chars().any(char::is_control) {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if decoded.ends_with('/') || out.is_empty() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str("index.html");
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            let hi = hex(*b.get(i + 1)?)?;
            let lo = hex(*b.get(i + 2)?)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Answer one request from `site`; `allowed_hosts` are the Host values accepted.
/// Whether the request's Host is one the server is bound to (DNS-rebinding guard).
pub fn host_ok(headers: &HeaderMap, allowed_hosts: &[String]) -> bool {
    headers.get(header::HOST).and_then(|h| h.to_str().ok()).is_some_and(|h| allowed_hosts.iter().any(|a| a == h))
}

/// Put the live-reload script into an HTML page.
fn with_live_reload(html: &[u8]) -> Vec<u8> {
    const TAG: &str = "<script src=\"/__pactum/live.js\" defer></script>";
    let text = String::from_utf8_lossy(html);
    match text.find("</head>") {
        Some(i) => format!("{}{TAG}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{TAG}{text}").into_bytes(),
    }
}

/// The page shown while no good build exists yet.
fn error_page(errors: &[String]) -> Vec<u8> {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let list: String = errors.iter().map(|e| format!("<pre>{}</pre>", esc(e))).collect();
    format!(
        "<!doctype html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>Byggefejl</title></head><body><h1>Sitet kan ikke bygges</h1>{list}</body></html>"
    )
    .into_bytes()
}

/// Answer one request for the served site, with live reload.
pub fn respond_live(served: &Served, headers: &HeaderMap, path: &str, allowed_hosts: &[String]) -> Response {
    if !host_ok(headers, allowed_hosts) {
        return plain(StatusCode::FORBIDDEN, "forbidden host");
    }
    match path {
        "/__pactum/live.js" => return with_type(StatusCode::OK, "live.js", LIVE_JS.as_bytes().to_vec()),
        "/__pactum/errors" => {
            let json = serde_json::to_vec(&served.errors).unwrap_or_else(|_| b"[]".to_vec());
            return with_type(StatusCode::OK, "errors.json", json);
        }
        _ => {}
    }
    if served.site.is_empty() && !served.errors.is_empty() {
        return with_type(StatusCode::SERVICE_UNAVAILABLE, "error.html", with_live_reload(&error_page(&served.errors)));
    }
    match lookup(&served.site, path) {
        Ok((status, p, bytes)) if p.ends_with(".html") => with_type(status, p, with_live_reload(bytes)),
        Ok((status, p, bytes)) => with_type(status, p, bytes.clone()),
        Err(r) => r,
    }
}

/// Answer one request from `site`; `allowed_hosts` are the Host values accepted.
pub fn respond(site: &OutputSet, headers: &HeaderMap, path: &str, allowed_hosts: &[String]) -> Response {
    if !host_ok(headers, allowed_hosts) {
        return plain(StatusCode::FORBIDDEN, "forbidden host");
    }
    match lookup(site, path) {
        Ok((status, p, bytes)) => with_type(status, p, bytes.clone()),
        Err(r) => r,
    }
}

/// The file for a request path: status, output path and bytes, or an error response.
fn lookup<'s>(site: &'s OutputSet, path: &str) -> Result<(StatusCode, &'s str, &'s Bytes), Response> {
    if path.starts_with(DEV) {
        return Err(plain(StatusCode::NOT_FOUND, "not found"));
    }
    let Some(p) = output_path(path) else { return Err(plain(StatusCode::BAD_REQUEST, "bad path")) };
    // `/aftaler/sambo` → `aftaler/sambo/index.html`
    let found = site.get_key_value(&p).or_else(|| site.get_key_value(&format!("{p}/index.html")));
    match found {
        Some((k, bytes)) => Ok((StatusCode::OK, k.as_str(), bytes)),
        None => match site.get_key_value("404.html") {
            Some((k, b)) => Ok((StatusCode::NOT_FOUND, k.as_str(), b)),
            None => Err(plain(StatusCode::NOT_FOUND, "not found")),
        },
    }
}

fn with_type(status: StatusCode, path: &str, bytes: impl Into<Body>) -> Response {
    let mut r = Response::new(bytes.into());
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r
}

/// Serve `shared` on `addr` until the process ends. Each value sent on
/// `changes` (a build generation) tells the browsers to reload or show errors.
pub fn run(
    shared: Shared,
    changes: tokio::sync::watch::Receiver<u64>,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let port = local.port();
        let allowed: Arc<Vec<String>> = Arc::new(vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
            format!("{}:{port}", local.ip()),
        ]);
        ready(local);
        let events_allowed = Arc::clone(&allowed);
        let app = axum::Router::new()
            .route(
                "/__pactum/events",
                axum::routing::get(move |headers: HeaderMap| {
                    // Only builds after this moment are news: a stale change here would
                    // reload every page as soon as it connects, and again, forever.
                    let mut rx = changes.clone();
                    rx.borrow_and_update();
                    let ok = host_ok(&headers, &events_allowed);
                    async move {
                        if !ok {
                            return plain(StatusCode::FORBIDDEN, "forbidden host");
                        }
                        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
                            rx.changed().await.ok()?;
                            let generation = *rx.borrow_and_update();
                            Some((
                                Ok::<_, Infallible>(Event::default().event("change").data(generation.to_string())),
                                rx,
                            ))
                        });
                        Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
                    }
                }),
            )
            .fallback(move |req: Request<Body>| {
                let allowed = Arc::clone(&allowed);
                let shared = Arc::clone(&shared);
                async move {
                    let served = match shared.read() {
                        Ok(s) => Served { site: Arc::clone(&s.site), errors: s.errors.clone() },
                        Err(_) => Served::default(),
                    };
                    respond_live(&served, req.headers(), req.uri().path(), &allowed)
                }
            });
        axum::serve(listener, app).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_paths_and_refuses_traversal() {
        assert_eq!(output_path("/").as_deref(), Some("index.html"));
        assert_eq!(output_path("/aftaler/sambo/").as_deref(), Some("aftaler/sambo/index.html"));
        assert_eq!(output_path("/assets/style.css?x=1").as_deref(), Some("assets/style.css"));
        for bad in ["/../etc/passwd", "/%2e%2e/x", "/a/%2E%2E/%2e%2e/x", "/a%5cb", "/a%00b", "/%zz", "/%c3"] {
            assert_eq!(output_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn answers_from_memory_only_for_the_bound_host() {
        let mut site = OutputSet::new();
        site.insert("index.html".into(), b"home".to_vec().into());
        site.insert("404.html".into(), b"nope".to_vec().into());
        site.insert("a/index.html".into(), b"a".to_vec().into());
        let allowed = vec!["127.0.0.1:1111".to_string()];
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:1111"));
        let served = Served { site: Arc::new(site.clone()), errors: vec![] };
        let r = respond_live(&served, &h, "/", &allowed);
        let body =
            futures_util::FutureExt::now_or_never(axum::body::to_bytes(r.into_body(), 1 << 20)).unwrap().unwrap();
        assert_eq!(&body[..], b"<script src=\"/__pactum/live.js\" defer></script>home");
        assert_eq!(respond_live(&served, &h, "/__pactum/live.js", &allowed).status(), StatusCode::OK);
        assert_eq!(respond(&site, &h, "/__pactum/live.js", &allowed).status(), StatusCode::NOT_FOUND);
        let broken = Served { site: Arc::new(OutputSet::new()), errors: vec!["error[x]: <b>".into()] };
        assert_eq!(respond_live(&broken, &h, "/", &allowed).status(), StatusCode::SERVICE_UNAVAILABLE);
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:1111"));
        assert_eq!(respond(&site, &h, "/", &allowed).status(), StatusCode::OK);
        assert_eq!(respond(&site, &h, "/a", &allowed).status(), StatusCode::OK);
        assert_eq!(respond(&site, &h, "/b/", &allowed).status(), StatusCode::NOT_FOUND);
        assert_eq!(respond(&site, &h, "/../x", &allowed).status(), StatusCode::BAD_REQUEST);
        let r = respond(&site, &h, "/", &allowed);
        assert!(r.headers().get("access-control-allow-origin").is_none());
        h.insert(header::HOST, HeaderValue::from_static("evil.example:1111"));
        assert_eq!(respond(&site, &h, "/", &allowed).status(), StatusCode::FORBIDDEN);
        assert_eq!(respond(&site, &HeaderMap::new(), "/", &allowed).status(), StatusCode::FORBIDDEN);
    }
}
