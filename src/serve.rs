//! `pactum serve`: build into memory and serve it on loopback.
//!
//! Requests are mapped onto the in-memory output only: nothing on disk is
//! ever read, so `..` and friends cannot reach outside the site.

use crate::site::output::OutputSet;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

/// The site being served; replaced as a whole after each good build.
pub type Shared = Arc<RwLock<Arc<OutputSet>>>;

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
        _ => "application/octet-stream",
    }
}

/// Answer one request from `site`; `allowed_hosts` are the Host values accepted.
pub fn respond(site: &OutputSet, headers: &HeaderMap, path: &str, allowed_hosts: &[String]) -> Response {
    let host_ok =
        headers.get(header::HOST).and_then(|h| h.to_str().ok()).is_some_and(|h| allowed_hosts.iter().any(|a| a == h));
    if !host_ok {
        return plain(StatusCode::FORBIDDEN, "forbidden host");
    }
    let Some(p) = output_path(path) else { return plain(StatusCode::BAD_REQUEST, "bad path") };
    let found = site.get(&p).map(|b| (p.as_str(), b)).or_else(|| {
        // `/aftaler/sambo` → `aftaler/sambo/index.html`
        let dir = format!("{p}/index.html");
        site.get_key_value(&dir).map(|(k, b)| (k.as_str(), b))
    });
    match found {
        Some((p, bytes)) => with_type(StatusCode::OK, p, bytes.clone()),
        None => match site.get("404.html") {
            Some(b) => with_type(StatusCode::NOT_FOUND, "404.html", b.clone()),
            None => plain(StatusCode::NOT_FOUND, "not found"),
        },
    }
}

fn with_type(status: StatusCode, path: &str, bytes: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(bytes));
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

/// Serve `site` on `addr` until the process ends.
pub fn run(site: Shared, addr: SocketAddr, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
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
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let site = site.read().map(|s| Arc::clone(&s)).unwrap_or_default();
            let allowed = Arc::clone(&allowed);
            async move { respond(&site, req.headers(), req.uri().path(), &allowed) }
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
        site.insert("index.html".into(), b"home".to_vec());
        site.insert("404.html".into(), b"nope".to_vec());
        site.insert("a/index.html".into(), b"a".to_vec());
        let allowed = vec!["127.0.0.1:1111".to_string()];
        let mut h = HeaderMap::new();
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
