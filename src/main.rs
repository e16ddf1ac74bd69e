//! The `grassroots` command line.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use grassroots::serve::{ServeOptions, Server};
use grassroots::{BuildOptions, build, init};

#[derive(Parser)]
#[command(
    name = "grassroots",
    version,
    about = "Builds bilingual (Chinese + English) study portals: Markdown in, a static site with search out.",
    after_help = "Examples:\n  grassroots init my-site          make a new bilingual site\n  grassroots build my-site         write my-site/public/\n  grassroots build site --base-url https://example.org/study\n  grassroots build site --offline  links name index.html, for reading from disk\n  grassroots serve site --open     preview at http://127.0.0.1:1111/, reloading on every change"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into SITE/public (or --output).
    Build {
        /// The site folder, holding config.toml and content/.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Where to write the site (default: SITE/public). Replaced whole.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Absolute URL the site will be served from (overrides config.toml).
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Write links that name index.html, so the site works opened from disk.
        #[arg(long)]
        offline: bool,
        /// Also write .gz copies of text files, for hosts that serve them.
        #[arg(long)]
        precompress: bool,
        /// Print only errors.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Build the site, serve it on this computer, and rebuild and reload
    /// the browser whenever a source file changes.
    Serve {
        /// The site folder, holding config.toml and content/.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Port to listen on (0 picks a free one).
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything but a loopback address makes the
        /// site reachable from other computers.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Check links, anchors and translations without writing anything;
    /// exits non-zero on a broken link. Fast enough for every commit.
    Check {
        /// The site folder, holding config.toml and content/.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Make a new bilingual site in DIR.
    Init {
        /// A new or empty folder.
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            drafts,
            offline,
            precompress,
            quiet,
        } => {
            let opts = BuildOptions {
                site_dir: site,
                output_dir: output,
                base_url,
                drafts,
                offline: offline.then_some(true),
                themes_dir: None,
                progress: !quiet,
                precompress: precompress.then_some(true),
                keep_html: false,
                search_tiers: search_tiers_from_env(),
            };
            match build(&opts) {
                Ok(report) => {
                    if !quiet {
                        for w in &report.warnings {
                            eprintln!("warning: {w}");
                        }
                        for n in &report.notes {
                            eprintln!("note: {n}");
                        }
                        eprintln!("{}", report.summary());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::Serve {
            site,
            port,
            bind,
            open,
            drafts,
        } => serve(site, port, bind, open, drafts),
        Command::Check { site, drafts } => check(site, drafts),
        Command::Init { dir } => match init::init(&dir) {
            Ok(()) => {
                eprintln!(
                    "made a new site in {0}; build it with: grassroots build {0}",
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
    }
}

fn serve(site: PathBuf, port: u16, bind: IpAddr, open: bool, drafts: bool) -> ExitCode {
    let build_opts = BuildOptions {
        site_dir: site,
        drafts,
        search_tiers: search_tiers_from_env(),
        progress: true,
        ..BuildOptions::default()
    };
    let mut opts = ServeOptions::new(build_opts);
    opts.port = port;
    opts.bind = bind;
    if !bind.is_loopback() {
        eprintln!(
            "warning: listening on {bind}: other computers on the network can read the site (and your drafts); use --bind 127.0.0.1 to keep it to this one"
        );
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let presses = std::sync::atomic::AtomicUsize::new(0);
    if let Err(e) = ctrlc::set_handler(move || {
        // The first Ctrl-C stops cleanly; a second one does not wait.
        if presses.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0 {
            std::process::exit(130);
        }
        let _ = tx.send(());
    }) {
        eprintln!("warning: Ctrl-C will not stop the server cleanly: {e}");
    }
    let server = match Server::start(opts) {
        Ok(s) => s,
        Err(e) => {
            for d in e.diagnostics() {
                eprintln!("error: {d}");
            }
            return ExitCode::FAILURE;
        }
    };
    let url = server.url();
    eprintln!("serving {url} (watching for changes; Ctrl-C to stop)");
    if open && let Err(e) = grassroots::serve::open_browser(&url) {
        eprintln!("warning: could not open a browser: {e}");
    }
    let _ = rx.recv();
    eprintln!("stopping");
    server.shutdown();
    ExitCode::SUCCESS
}

fn check(site: PathBuf, drafts: bool) -> ExitCode {
    let opts = BuildOptions {
        site_dir: site,
        drafts,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    match grassroots::check::check(&opts) {
        Ok(report) => {
            println!(
                "checked {} documents in {} ms: no broken links or anchors",
                report.documents,
                started.elapsed().as_millis()
            );
            println!(
                "\ntranslations (translated/documents, per section):\n{}",
                report.table()
            );
            if report.orphans.is_empty() {
                println!("orphan pages: none (every page is listed by its section)");
            } else {
                println!("pages under folders without _index.md:");
                for o in &report.orphans {
                    println!("  {o}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            for d in e.diagnostics() {
                eprintln!("error: {d}");
            }
            eprintln!("check failed");
            ExitCode::FAILURE
        }
    }
}

/// `GRASSROOTS_SEARCH_TIERS=1` gives a small site's search index a big
/// site's files (see `BuildOptions::search_tiers`); the browser tests use it.
fn search_tiers_from_env() -> Option<bool> {
    (std::env::var_os("GRASSROOTS_SEARCH_TIERS").is_some_and(|v| v == "1")).then_some(true)
}

fn fail(e: &grassroots::Error) -> ExitCode {
    for d in e.diagnostics() {
        eprintln!("error: {d}");
    }
    eprintln!("the build failed; the previous output (if any) is unchanged");
    ExitCode::FAILURE
}
