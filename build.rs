//! The build id: a hash of everything that decides what this planpress
//! binary does, exported as `PLANPRESS_BUILD_ID` for
//! `planpress::incremental::build_id`.
//!
//! An incremental build keeps the previous output only when the binary that
//! made it renders as this one does. Hashing the binary itself cost 85-288
//! ms of every build; this hash is made once, when the binary is compiled.
//! It stands for the binary because the binary is a function of exactly
//! what it hashes:
//! - the crate's own files compiled in: `src/` (code, `include_str!`s),
//!   `themes/` (rust-embed), `defaults/` and `schemas/` (`include_str!`s),
//!   and this script (a unit test checks that every file `src/` includes
//!   lies under [`INPUTS`]);
//! - its dependencies: Cargo.lock pins each one's version and checksum
//!   (a registry never changes a published version), Cargo.toml their
//!   features and the profiles' settings;
//! - the compiler (`rustc -V`) and how this compilation was configured (the
//!   profile, target, flags and features cargo passes to this script).
//!
//! Nothing about where or when the binary was built enters it, so a copy of
//! the binary has the same id. Cargo runs this script again when any of
//! [`INPUTS`] changes (`rerun-if-changed`, a folder's whole tree), when the
//! compiler or flags change (the script is compiled again), and per profile,
//! target and feature set (each has its own run).

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The files and folders of the crate the binary is made from.
const INPUTS: &[&str] = &[
    "build.rs",
    "Cargo.lock",
    "Cargo.toml",
    "defaults",
    "schemas",
    "src",
    "themes",
];

/// What cargo tells this script of how the crate is compiled, besides the
/// `CARGO_CFG_*` and `CARGO_FEATURE_*` variables.
const CONFIGURATION: &[&str] = &[
    "PROFILE",
    "OPT_LEVEL",
    "DEBUG",
    "TARGET",
    "CARGO_ENCODED_RUSTFLAGS",
];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut hash = Sha256::new();
    let mut feed = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        for file in files_under(&root.join(input)) {
            let rel = file.strip_prefix(&root).unwrap_or(&file);
            feed(rel.to_string_lossy().as_bytes());
            feed(&std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())));
        }
    }
    feed(&rustc_version());
    let mut configuration: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            CONFIGURATION.contains(&k.as_str())
                || k.starts_with("CARGO_CFG_")
                || k.starts_with("CARGO_FEATURE_")
        })
        .collect();
    configuration.sort();
    for (name, value) in configuration {
        feed(name.as_bytes());
        feed(value.as_bytes());
    }
    let id = hex::encode(hash.finalize());
    println!("cargo:rustc-env=PLANPRESS_BUILD_ID={id}");
    println!(
        "cargo:rustc-env=PLANPRESS_BUILD_INPUTS={}",
        INPUTS.join(",")
    );
}

/// Every file under `path` (or `path` itself), sorted by path; nothing
/// when it is absent (Cargo.lock before the first build).
fn files_under(path: &Path) -> Vec<PathBuf> {
    if !path.exists() {
        return Vec::new();
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(path)
        .follow_links(true)
        .into_iter()
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// The compiler's version line, which names its release and commit.
fn rustc_version() -> Vec<u8> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(&rustc)
        .arg("-V")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", rustc.to_string_lossy()));
    assert!(out.status.success(), "`rustc -V` failed");
    out.stdout
}
