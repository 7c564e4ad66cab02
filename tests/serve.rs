//! `pactum serve`: a real server process, real file edits, real HTTP.

use crate::common::SiteTest;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &SiteTest) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("pactum"))
        .args(["serve", "--port", "0"])
        .current_dir(site.root())
        .env("SOURCE_DATE_EPOCH", crate::common::TODAY_EPOCH)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.trim_end_matches(|c: char| !c.is_ascii_digit()).parse().unwrap();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, port }
}

/// A raw GET: (status, body).
fn get(port: u16, path: &str, host: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn page(srv: &Server, path: &str) -> (u16, String) {
    get(srv.port, path, &format!("127.0.0.1:{}", srv.port))
}

#[track_caller]
fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn edits_rebuild_and_broken_edits_keep_the_last_good_site() {
    let site = SiteTest::fixture("minimal");
    let srv = start(&site);
    let (status, body) = page(&srv, "/aftaler/hoved/");
    assert_eq!(status, 200);
    assert!(body.contains("Hovedaftale") && body.contains("/__pactum/live.js"), "{body}");
    let (status, js) = page(&srv, "/__pactum/live.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource") && !js.contains("innerHTML"));

    // A title change shows up.
    let path = site.root().join("content/aftaler/hoved.md");
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, original.replace("title: \"Hovedaftale\"", "title: \"Ny hovedaftale\"")).unwrap();
    wait_for("the new title", || page(&srv, "/aftaler/hoved/index.html").1.contains("Ny hovedaftale"));
    assert!(page(&srv, "/aftaler/index.html").1.contains("Ny hovedaftale"), "the listing follows");

    // A broken edit: the last good page stays, the error names file:line:col.
    std::fs::write(&path, original.replace("effective: 2019-01-01", "effective: 2019-02-30")).unwrap();
    wait_for("the error", || page(&srv, "/__pactum/errors").1.contains("content/aftaler/hoved.md:5:12"));
    let (status, body) = page(&srv, "/aftaler/hoved/index.html");
    assert_eq!(status, 200);
    assert!(body.contains("Ny hovedaftale"), "last good site still served");

    // Fixing it recovers.
    std::fs::write(&path, &original).unwrap();
    wait_for("recovery", || page(&srv, "/__pactum/errors").1 == "[]");
    assert!(page(&srv, "/aftaler/hoved/index.html").1.contains(">Hovedaftale<"));

    // A deleted page is gone at once.
    std::fs::remove_file(site.root().join("content/sider/om.md")).unwrap();
    wait_for("404", || page(&srv, "/sider/om/index.html").0 == 404);
}

#[test]
fn the_event_stream_announces_rebuilds() {
    let site = SiteTest::fixture("minimal");
    let srv = start(&site);
    let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    write!(s, "GET /__pactum/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", srv.port).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = [0u8; 512];
    let n = s.read(&mut head).unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).contains("text/event-stream"));
    // Editors save in several steps; the stream still reports a change.
    let tmp = site.root().join("content/sider/.om.md.tmp");
    std::fs::write(&tmp, "---\ntitle: \"Om os\"\n---\n\nTekst.\n").unwrap();
    std::fs::rename(&tmp, site.root().join("content/sider/om.md")).unwrap();
    let mut seen = String::new();
    let start = Instant::now();
    while !seen.contains("event: change") && start.elapsed() < Duration::from_secs(20) {
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).unwrap_or(0);
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains("event: change"), "{seen}");
    wait_for("the renamed-in page", || page(&srv, "/sider/om/index.html").1.contains("Om os"));
}

/// Events read from an open event stream within `wait`.
fn events_within(s: &mut TcpStream, wait: Duration) -> usize {
    s.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let start = Instant::now();
    let mut seen = String::new();
    while start.elapsed() < wait {
        let mut buf = [0u8; 256];
        if let Ok(n) = s.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    seen.matches("event: change").count()
}

/// The reload event stream, checked to say nothing on connect: a page that
/// connects is not told to reload (it would reload forever).
fn quiet_event_stream(srv: &Server) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    write!(s, "GET /__pactum/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", srv.port).unwrap();
    assert_eq!(events_within(&mut s, Duration::from_millis(800)), 0, "a change event on connect");
    s
}

#[test]
fn one_save_is_one_rebuild_and_then_the_server_is_quiet() {
    let site = SiteTest::fixture("minimal");
    let srv = start(&site);
    let mut s = quiet_event_stream(&srv);
    let path = site.root().join("content/aftaler/hoved.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Se [bilaget]", "Se altid [bilaget]")).unwrap();
    // The build reads every file; those reads must not count as changes.
    assert_eq!(events_within(&mut s, Duration::from_millis(2500)), 1, "one save, one rebuild");
    assert_eq!(page(&srv, "/__pactum/errors").1, "[]");
    assert!(page(&srv, "/aftaler/hoved/index.html").1.contains("Se altid"));
}

#[test]
fn an_editors_save_dance_is_one_rebuild() {
    let site = SiteTest::fixture("minimal");
    let srv = start(&site);
    let mut s = quiet_event_stream(&srv);
    // vim: the file becomes the backup, the new text is written, the backup goes;
    // then a second editor writes a temp file and renames it over the original.
    let dir = site.root().join("content/aftaler");
    let text = std::fs::read_to_string(dir.join("hoved.md")).unwrap();
    std::fs::rename(dir.join("hoved.md"), dir.join("hoved.md~")).unwrap();
    std::fs::write(dir.join("hoved.md"), text.replace("Se [bilaget]", "Se nu [bilaget]")).unwrap();
    std::fs::remove_file(dir.join("hoved.md~")).unwrap();
    std::fs::write(dir.join(".hoved.md.tmp"), text.replace("Se [bilaget]", "Se så [bilaget]")).unwrap();
    std::fs::rename(dir.join(".hoved.md.tmp"), dir.join("hoved.md")).unwrap();
    assert_eq!(events_within(&mut s, Duration::from_millis(2500)), 1, "one save dance, one rebuild");
    assert_eq!(page(&srv, "/__pactum/errors").1, "[]");
    assert!(page(&srv, "/aftaler/hoved/index.html").1.contains("Se så"));
}

#[test]
fn the_dev_server_refuses_foreign_hosts_and_traversal() {
    let site = SiteTest::fixture("minimal");
    let srv = start(&site);
    assert_eq!(get(srv.port, "/", "evil.example").0, 403);
    assert_eq!(page(&srv, "/../../etc/passwd").0, 400);
    assert_eq!(page(&srv, "/%2e%2e/%2e%2e/etc/passwd").0, 400);
    assert_eq!(page(&srv, "/a%5c..%5cb").0, 400);
    assert_eq!(page(&srv, "/a%00b").0, 400);
    // Garbage on the wire does not take the server down.
    let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    let _ = s.write_all(b"\x00\xff GARBAGE\r\n\r\n");
    drop(s);
    assert_eq!(page(&srv, "/").0, 200);
    let (_, body) = get(srv.port, "/", &format!("127.0.0.1:{}", srv.port));
    assert!(!body.contains("Access-Control-Allow-Origin"));
}
