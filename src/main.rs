//! The `planpress` command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use planpress::check::{Report, summary};
use planpress::content::load_site;
use planpress::diagnostics::{self, Diagnostic};

// A build allocates and frees millions of small strings and template values
// from several threads; mimalloc does that markedly faster than glibc's
// malloc (BENCHMARKS.md). Built without transparent huge pages (feature
// `no_thp`): with them a 5,000-plan build kept about 100 MiB more resident,
// and was no faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "planpress",
    version,
    about = "Publish government plans as a static portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load the site and report every problem in its content.
    Check {
        /// The site folder (with site.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Print one JSON document (plans, tasks, units, diagnostics) instead.
        #[arg(long)]
        json: bool,
        /// Also list each unit that is not in content/units.yaml.
        #[arg(long)]
        units: bool,
    },
    /// Build the site into the output folder.
    Build {
        /// The site folder (with site.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The output folder; replaced whole, and only when the build succeeds.
        #[arg(long, default_value = "public")]
        out: PathBuf,
        /// Publish under this URL (e.g. https://example.gov.cn/fzjs/); overrides site.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// No progress bar and no summary.
        #[arg(long, short)]
        quiet: bool,
        /// Print the time each phase took and the memory in use.
        #[arg(long, short)]
        verbose: bool,
        /// When another build is writing the same output, wait for it
        /// (otherwise stop, saying which process it is).
        #[arg(long)]
        wait: bool,
        /// Also write X.br and X.gz beside every text file (html, css, js,
        /// xml, json, csv, txt, svg, ics, webmanifest), for a server's
        /// precompressed files; unchanged files reuse the previous build's.
        #[arg(long)]
        compress: bool,
        /// Write the published paths added, changed and removed since the
        /// previous build to FILE (A, M or D, a tab, the path; a line each).
        #[arg(long, value_name = "FILE")]
        changes: Option<PathBuf>,
        /// Write the added and changed files into FILE, a tar archive, for
        /// a portal's upload form.
        #[arg(long, value_name = "FILE")]
        changes_archive: Option<PathBuf>,
        /// Render every file again, even when the previous build's output
        /// and state would let this build render only what changed.
        #[arg(long)]
        full: bool,
    },
    /// Turn original documents (.txt, saved .html pages, .docx, PDFs with a text layer) into content files.
    Import {
        /// The documents to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The folder the content files go to.
        #[arg(long, default_value = "content")]
        out: PathBuf,
        /// yaml or md (default: md for prose plans, yaml for division-of-labour tables).
        #[arg(long, value_parser = ["yaml", "md"])]
        format: Option<String>,
        /// The 行政区划, when the issuer or title does not make it clear.
        #[arg(long)]
        jurisdiction: Option<String>,
        /// Replace existing files.
        #[arg(long)]
        force: bool,
        /// Also write a review page showing each line beside what it became:
        /// OUT/NAME.review.html, or --review=FILE.html, or --review=FOLDER/.
        #[arg(long, value_name = "PATH", require_equals = true)]
        review: Option<Option<PathBuf>>,
    },
    /// Build the site and serve it locally; every change rebuilds and reloads open pages.
    Serve {
        /// The site folder (with site.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (the next free one when it is taken; 0: any).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The address to listen on; another than 127.0.0.1 opens the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Also answer requests for this host name (repeatable); by default
        /// only localhost and the address listened on are answered, so
        /// that no other web site can read the preview.
        #[arg(long = "host", value_name = "NAME")]
        hosts: Vec<String>,
    },
    /// Start a site: site.yaml, content/ with an example plan and units.yaml,
    /// and the JSON Schemas editors check them with. Replaces nothing.
    Init {
        /// The folder to start the site in (made if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Write a new content file from a skeleton.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// The built-in theme.
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
}

#[derive(Subcommand)]
enum New {
    /// A plan skeleton, content/SLUG.md.
    Plan {
        /// The plan's URL name (a-z, 0-9, -), also its file name.
        slug: String,
        /// The site folder (with site.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The 行政区划 (default: the registry's, when it has only one).
        #[arg(long)]
        jurisdiction: Option<String>,
    },
}

#[derive(Subcommand)]
enum ThemeAction {
    /// Copy the built-in theme to themes/portal/ to edit it; each file there
    /// replaces the built-in one.
    Eject {
        /// The site folder (with site.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Replace files already in themes/portal/.
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { root, json, units } => check(&root, json, units),
        Command::Build { root, .. } | Command::Serve { root, .. } if !is_site(&root) => {
            not_a_site(&root)
        }
        Command::Build {
            root,
            out,
            base_url,
            quiet,
            verbose,
            wait,
            compress,
            changes,
            changes_archive,
            full,
        } => {
            let opts = planpress::build::BuildOptions {
                root,
                out,
                base_url,
                wait: if wait {
                    planpress::output::Wait::Yes
                } else {
                    planpress::output::Wait::No
                },
                publish: planpress::publish::PublishOptions {
                    compress,
                    changes,
                    changes_archive,
                },
                full,
            };
            build(&opts, quiet, verbose)
        }
        Command::Import {
            files,
            out,
            format,
            jurisdiction,
            force,
            review,
        } => import(files, out, format, jurisdiction, force, review),
        Command::Serve {
            root,
            port,
            bind,
            open,
            hosts,
        } => serve(root, port, bind, open, hosts),
        Command::Init { dir } => init(&dir),
        Command::New {
            what:
                New::Plan {
                    slug,
                    root,
                    jurisdiction,
                },
        } => new_plan(&root, &slug, jurisdiction.as_deref()),
        Command::Theme {
            action: ThemeAction::Eject { root, force },
        } => eject(&root, force),
    }
}

fn is_site(root: &std::path::Path) -> bool {
    root.join("site.yaml").exists()
}

/// One message saying what to do, instead of the first of the files a
/// folder that is not a site lacks.
fn not_a_site(root: &std::path::Path) -> ExitCode {
    let missing = planpress::config::SiteConfig::missing(root);
    diagnostics::emit(&[missing], root, std::io::stderr().is_terminal());
    ExitCode::FAILURE
}

fn init(dir: &std::path::Path) -> ExitCode {
    match planpress::init::init(dir) {
        Ok(files) => {
            for f in &files {
                println!("wrote {}", dir.join(f).display());
            }
            let cd = if dir == std::path::Path::new(".") {
                String::new()
            } else {
                format!("cd {} && ", dir.display())
            };
            println!(
                "\na new site with one example plan (示例). Next: {cd}planpress serve\n\
                 then replace content/example-plan.md with your plans (`planpress new plan SLUG`) \
                 and set the fields of site.yaml (docs/configuration.md)."
            );
            ExitCode::SUCCESS
        }
        Err(d) => refused(d),
    }
}

fn new_plan(root: &std::path::Path, slug: &str, jurisdiction: Option<&str>) -> ExitCode {
    match planpress::init::new_plan(root, slug, jurisdiction) {
        Ok(rel) => {
            println!(
                "wrote {}: fill in its title and jurisdiction, then run `planpress check`",
                root.join(rel).display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => refused(d),
    }
}

fn eject(root: &std::path::Path, force: bool) -> ExitCode {
    match planpress::init::eject_theme(root, force) {
        Ok(files) => {
            println!(
                "copied the built-in theme into {} ({} files): edit them there; a file you delete falls back to the built-in one",
                root.join("themes/portal").display(),
                files.len()
            );
            ExitCode::SUCCESS
        }
        Err(d) => refused(d),
    }
}

/// Prints one diagnostic whose file is named from the current folder.
fn emit_one(d: Diagnostic) {
    diagnostics::emit(
        &[d],
        std::path::Path::new("."),
        std::io::stderr().is_terminal(),
    );
}

fn refused(d: Diagnostic) -> ExitCode {
    emit_one(d);
    ExitCode::FAILURE
}

/// Imports each file in turn, printing its report to stderr; a file that
/// fails does not stop the others, but makes the exit status 1.
fn import(
    files: Vec<PathBuf>,
    out: PathBuf,
    format: Option<String>,
    jurisdiction: Option<String>,
    force: bool,
    review: Option<Option<PathBuf>>,
) -> ExitCode {
    use planpress::import::{Context, Format, Options, import_file, review::Target};
    let review = match review.map(|p| Target::parse(p.as_deref())).transpose() {
        Ok(Some(Target::File(_))) if files.len() > 1 => {
            return refused(Diagnostic::general(
                "--review=FILE takes one input; give a folder (--review=DIR/) for several",
            ));
        }
        Ok(r) => r,
        Err(d) => return refused(d),
    };
    let opts = Options {
        out: out.clone(),
        format: format.as_deref().map(|f| match f {
            "yaml" => Format::Yaml,
            _ => Format::Md,
        }),
        jurisdiction,
        force,
        review,
    };
    let mut ctx = match Context::for_dir(&out) {
        Ok(c) => c,
        Err(d) => return refused(d),
    };
    let mut failed = false;
    for file in &files {
        match import_file(file, &opts, &mut ctx) {
            Ok(report) => {
                eprint!("{}", report.render());
                failed |= !report.errors.is_empty();
            }
            Err(e) => {
                if let Some(r) = e.report {
                    eprint!("{}", r.render());
                }
                emit_one(e.diagnostic);
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn build(opts: &planpress::build::BuildOptions, quiet: bool, verbose: bool) -> ExitCode {
    let (root, out) = (&opts.root, &opts.out);
    let color = std::io::stderr().is_terminal();
    let bar = progress_bar(quiet);
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    // A build replaces its output only once it has succeeded: what was
    // there before is there after a failure (or nothing, as before).
    let existed = out.exists();
    let result = planpress::build::build(opts, &progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(report) => {
            if !quiet {
                diagnostics::emit(&report.warnings, root, color);
                println!(
                    "built {} pages ({} files) into {}",
                    report.pages,
                    report.files,
                    out.display()
                );
                if let Some(k) = &report.kept {
                    println!(
                        "incremental: {} pages and {} data files rendered, {} pages and {} data files kept from the previous build",
                        k.rendered, k.files, k.linked, k.files_linked
                    );
                }
                if report.parses.cached > 0 {
                    println!(
                        "{} content files parsed, {} taken from the previous build's parses",
                        report.parses.parsed, report.parses.cached
                    );
                }
                if let Some(p) = &report.packaged {
                    println!("{}", p.summary());
                }
            }
            if verbose {
                print_timings(&report);
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            diagnostics::emit(&errors, root, color);
            let state = if existed {
                "was left as it was"
            } else {
                "was not created: nothing was written"
            };
            eprintln!(
                "build failed with {} error(s); {} {state}",
                errors.iter().filter(|d| d.is_error()).count(),
                out.display()
            );
            ExitCode::FAILURE
        }
    }
}

/// `build --verbose`: the time of each phase and the memory at its end.
fn print_timings(report: &planpress::build::BuildReport) {
    for phase in &report.timings.0 {
        let peak = phase
            .memory
            .map(|m| format!("  {:>5} MiB resident, {:>5} at most so far", m.now, m.peak))
            .unwrap_or_default();
        eprintln!(
            "  {:<16} {:>8.1} ms{peak}",
            phase.name,
            phase.time.as_secs_f64() * 1000.0
        );
    }
}

/// A progress bar on a terminal for builds that take more than a second;
/// nothing when quiet or when output is not a terminal.
fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} rendering {pos}/{len} pages {wide_bar}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    // Hidden for the first second, so quick builds print no bar at all.
    bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    let shown = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(1));
        if !shown.is_finished() {
            shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    });
    Some(bar)
}

fn check(root: &std::path::Path, json: bool, list_units: bool) -> ExitCode {
    let result = load_site(root);
    let mut shown: Vec<Diagnostic> = result.diagnostics.clone();
    let translations = result
        .site
        .as_ref()
        .map(|site| planpress::check::translation_problems(root, site))
        .unwrap_or_default();
    let failed = result.error_count() > 0 || translations.iter().any(Diagnostic::is_error);
    shown.extend(translations);
    if list_units {
        shown.extend(result.unregistered.iter().cloned());
    }
    diagnostics::sort(&mut shown);
    if json {
        let report = Report::new(result.site.as_ref(), &shown);
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => return refused(Diagnostic::general(format!("cannot write JSON: {e}"))),
        }
    } else {
        diagnostics::emit(&shown, root, std::io::stderr().is_terminal());
        println!("{}", summary(&result, &shown));
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs the preview server until Ctrl-C.
fn serve(
    root: PathBuf,
    port: u16,
    bind: std::net::IpAddr,
    open: bool,
    hosts: Vec<String>,
) -> ExitCode {
    let opts = planpress::serve::ServeOptions {
        root,
        port,
        bind,
        open,
        hosts,
    };
    match planpress::serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => refused(d),
    }
}
