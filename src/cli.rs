//! The command line: `build`, `check`, `serve`, `new`, `init`.

use crate::date::Date;
use crate::diag::{Diagnostic, Severity};
use crate::scaffold;
use crate::serve;
use crate::site::output::{self, OutputSet};
use crate::site::page_cache::PageCache;
use crate::site::{BuildOptions, Built, build, unchanged};
use clap::{Parser, Subcommand, ValueEnum};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, RwLock};
use std::time::Instant;

#[derive(Parser)]
#[command(name = "pactum", version, about = "Publish health agreements and clinical guidance as a static site")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

#[derive(clap::Args)]
struct SiteArgs {
    /// Site folder (holds content/, optional layouts/, assets/ and pactum.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include documents marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// How to print problems.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder (relative to the current folder).
        #[arg(long, default_value = "public")]
        output_dir: Option<PathBuf>,
        /// Absolute URL the site is published at (for sitemap.xml).
        #[arg(long)]
        base_url: Option<String>,
        /// Print how long each phase took.
        #[arg(long)]
        timings: bool,
    },
    /// Check everything and write nothing; exit 1 on errors.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Also check external links (parallel, cached for a day in .pactum-cache/).
        #[arg(long)]
        external: bool,
        /// Seconds to wait for each external server.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
    },
    /// Build into memory and serve on http://127.0.0.1:PORT.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        interface: IpAddr,
    },
    /// Create a document with correct front matter: `pactum new agreement "Titel"`.
    New {
        /// agreement | programme | communication-package | checklist | guidance | page
        kind: String,
        title: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site that builds at once.
    Init { dir: PathBuf },
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build { site, output_dir, base_url, timings } => {
            let out = output_dir.unwrap_or_else(|| PathBuf::from("public"));
            run_build(&site, &out, base_url, timings)
        }
        Command::Check { site, external, timeout } => {
            let mut built = build(&options(&site, None));
            if external {
                let found =
                    crate::external::check(&site.root, &built.external, std::time::Duration::from_secs(timeout));
                built.diags.extend(found);
                crate::diag::sort(&mut built.diags);
            }
            report(&built.diags, site.format);
            if built.has_errors() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Command::Serve { site, port, interface } => run_serve(&site, SocketAddr::new(interface, port)),
        Command::New { kind, title, root } => match scaffold::new_document(&root, &kind, &title) {
            Ok(p) => {
                println!("created {}", p.display());
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e.to_string()),
        },
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(()) => {
                println!(
                    "created a new site in {}; build it with `pactum build --root {}`",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e.to_string()),
        },
    }
}

fn options(site: &SiteArgs, base_url: Option<String>) -> BuildOptions {
    BuildOptions { root: site.root.clone(), drafts: site.drafts, base_url, ..Default::default() }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::FAILURE
}

/// Shows how long a build has run, on a terminal, once it has taken over a second.
struct Progress {
    done: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start() -> Progress {
        use std::io::IsTerminal as _;
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let thread = std::io::stderr().is_terminal().then(|| {
            std::thread::spawn(move || {
                let start = Instant::now();
                let mut shown = false;
                while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    if start.elapsed().as_secs_f64() >= 1.0 {
                        eprint!("\rbuilding… {:.1} s", start.elapsed().as_secs_f64());
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            })
        });
        Progress { done, thread }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run_build(site: &SiteArgs, out: &Path, base_url: Option<String>, timings: bool) -> ExitCode {
    let start = Instant::now();
    let mut opts = options(site, base_url);
    let today = *opts.today.get_or_insert_with(Date::today);
    let fingerprint = unchanged::fingerprint(&opts, today);
    if let Some(last) = fingerprint.as_deref().and_then(|f| unchanged::unchanged(&site.root, out, f))
        && last_format_matches(&last, site.format)
    {
        print!("{}", last.stdout);
        eprint!("{}", last.stderr);
        eprintln!(
            "nothing changed since the last build of {} documents ({} ms) → {}",
            last.documents,
            start.elapsed().as_millis(),
            out.join("index.html").display()
        );
        return ExitCode::SUCCESS;
    }
    let cache = Arc::new(PageCache::new(out.to_path_buf(), unchanged::last_pages(&site.root, out)));
    opts.page_cache = Some(Arc::clone(&cache));
    let progress = Progress::start();
    let built = build(&opts);
    drop(progress);
    let (stdout, stderr) = render_report(&built.diags, site.format);
    print!("{stdout}");
    eprint!("{stderr}");
    if built.has_errors() {
        eprintln!("build failed; {} was left as it was", out.display());
        return ExitCode::FAILURE;
    }
    if let Err(e) = output::check_location(out, &site.root.join("content")) {
        return fail(&e.to_string());
    }
    let write_start = Instant::now();
    let stats = match output::write(out, &built.output) {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string()),
    };
    if let Some(f) = fingerprint {
        let documents = built.documents;
        let pages = cache.recorded();
        let written = unchanged::Written { output: &built.output, documents, stdout, stderr, pages };
        unchanged::remember(&site.root, out, f, written);
    }
    if timings {
        print_timings(&built, write_start.elapsed());
    }
    eprintln!(
        "built {} documents into {} files in {} ms ({} written, {} unchanged, {} removed; {} pages read back) → {}",
        built.documents,
        built.output.len(),
        start.elapsed().as_millis(),
        stats.written,
        stats.unchanged,
        stats.removed,
        cache.reused(),
        out.join("index.html").display()
    );
    ExitCode::SUCCESS
}

/// A recorded report can be repeated only in the format it was made in.
fn last_format_matches(last: &unchanged::Record, format: Format) -> bool {
    match format {
        Format::Json => !last.stdout.is_empty(),
        Format::Human => last.stdout.is_empty(),
    }
}

fn print_timings(built: &Built, write: std::time::Duration) {
    let written = crate::site::build::Lap { name: "write", took: write, memory: crate::site::build::Memory::now() };
    let mut cpu_before = std::time::Duration::ZERO;
    for lap in built.timings.iter().chain([&written]) {
        let (name, d) = (lap.name, lap.took);
        let mb = |b: u64| b / 1_000_000;
        let memory = lap.memory.map_or(String::new(), |m| {
            let cpu = m.cpu.saturating_sub(cpu_before);
            cpu_before = m.cpu;
            format!("  cpu {:>6} ms  {:>5} MB ({} MB peak)", cpu.as_millis(), mb(m.now), mb(m.peak))
        });
        let note = match name {
            "history" => format!(
                "  ({} commits compared, {} blobs parsed; the rest from {})",
                built.history.commits,
                built.history.parsed,
                crate::history::cache::FILE
            ),
            _ => String::new(),
        };
        eprintln!("  {name:<10} {:>8.1} ms{memory}{note}", d.as_secs_f64() * 1000.0);
    }
}

fn run_serve(site: &SiteArgs, addr: SocketAddr) -> ExitCode {
    let mut opts = options(site, None);
    // Rebuilds render only the pages whose context changed.
    let memo = Arc::new(crate::site::memo::BuildMemo::default());
    opts.memo = Some(Arc::clone(&memo));
    let shared: serve::Shared = Arc::new(RwLock::new(serve::Served::default()));
    let (tx, rx) = tokio::sync::watch::channel(0u64);
    let rebuild = {
        let shared = Arc::clone(&shared);
        let format = site.format;
        move |generation: u64, changed: Option<Vec<std::path::PathBuf>>| {
            let start = Instant::now();
            let built = build(&BuildOptions { changed, ..opts.clone() });
            let reused = memo.finish_build(!built.has_errors());
            report(&built.diags, format);
            let errors: Vec<String> = built.diags.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
            if let Ok(mut s) = shared.write() {
                if errors.is_empty() {
                    s.site = Arc::new(built.output);
                    let phases: Vec<String> =
                        built.timings.iter().map(|l| format!("{} {}", l.name, l.took.as_millis())).collect();
                    eprintln!(
                        "rebuilt {} documents in {} ms ({}; read {} files; reused {} bodies, {} search analyses and {} pages, {} of them without building their context)",
                        built.documents,
                        start.elapsed().as_millis(),
                        phases.join(" · "),
                        built.files_read,
                        reused.bodies,
                        reused.search,
                        reused.traces + reused.pages,
                        reused.traces
                    );
                } else {
                    eprintln!("the build has errors; still serving the last good site");
                }
                s.errors = errors;
            }
            let _ = tx.send(generation);
        }
    };
    rebuild(0, None);
    let generation = std::sync::atomic::AtomicU64::new(0);
    let watching = crate::watch::watch(&site.root, move |change| {
        let n = generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        // The first rebuild looks at every file: one may have changed after the
        // first build read it and before watching began. (Watching from the
        // start instead would have the watcher queue an event for every file
        // the first build opens: a second longer at 10,000 documents.)
        let changed = match change {
            crate::watch::Change::Paths(paths) if n > 1 => Some(paths),
            _ => None,
        };
        rebuild(n, changed);
    });
    let _watching = match watching {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!("warning: cannot watch for changes ({e}); serving without live reload");
            None
        }
    };
    let result = serve::run(shared, rx, addr, |local| {
        eprintln!("serving on http://{local}/ (Ctrl+C stops)");
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot serve on {addr}: {e}")),
    }
}

/// Print problems: human-readable to stderr, or one JSON array to stdout.
fn report(diags: &[Diagnostic], format: Format) {
    let (stdout, stderr) = render_report(diags, format);
    print!("{stdout}");
    eprint!("{stderr}");
}

/// The report of problems as printed: (stdout, stderr). Human-readable text
/// goes to stderr; `--format json` prints one JSON array to stdout.
fn render_report(diags: &[Diagnostic], format: Format) -> (String, String) {
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(diags).unwrap_or_else(|_| "[]".into());
            (format!("{json}\n"), String::new())
        }
        Format::Human => {
            let mut err = String::new();
            for d in diags {
                err.push_str(&format!("{d}\n\n"));
            }
            let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
            let warnings = diags.len() - errors;
            if !diags.is_empty() {
                err.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
            }
            (String::new(), err)
        }
    }
}

/// Build into memory only (used by tests and `serve`).
pub fn build_in_memory(root: &Path) -> Result<OutputSet, Vec<Diagnostic>> {
    let built = build(&BuildOptions { root: root.to_path_buf(), ..Default::default() });
    if built.has_errors() { Err(built.diags) } else { Ok(built.output) }
}
