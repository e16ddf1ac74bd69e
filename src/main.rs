//! The `grassroots` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use grassroots::{BuildOptions, build, init};

#[derive(Parser)]
#[command(
    name = "grassroots",
    version,
    about = "Builds bilingual (Chinese + English) study portals: Markdown in, a static site with search out.",
    after_help = "Examples:\n  grassroots init my-site          make a new bilingual site\n  grassroots build my-site         write my-site/public/\n  grassroots build site --base-url https://example.org/study\n  grassroots build site --offline  links name index.html, for reading from disk"
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
        /// Print only errors.
        #[arg(short, long)]
        quiet: bool,
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
            };
            match build(&opts) {
                Ok(report) => {
                    if !quiet {
                        for w in &report.warnings {
                            eprintln!("warning: {w}");
                        }
                        eprintln!("{}", report.summary());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
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

fn fail(e: &grassroots::Error) -> ExitCode {
    for d in e.diagnostics() {
        eprintln!("error: {d}");
    }
    eprintln!("the build failed; the previous output (if any) is unchanged");
    ExitCode::FAILURE
}
