//! peermark is offline by construction: no dependency that can talk to the network, and no
//! network code of its own. Essays hold mental-health histories; nothing may leave the
//! machine.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates whose purpose is network access (clients, servers, sockets, TLS, async network
/// runtimes, telemetry). None may appear among peermark's dependencies.
const DENY: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "hyper-tls",
    "hyper-rustls",
    "h2",
    "h3",
    "http-body",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "surf",
    "attohttpc",
    "minreq",
    "reqwless",
    "ehttp",
    "tokio",
    "tokio-util",
    "async-std",
    "smol",
    "async-net",
    "mio",
    "socket2",
    "native-tls",
    "openssl",
    "openssl-sys",
    "rustls",
    "tokio-rustls",
    "webpki",
    "tungstenite",
    "tokio-tungstenite",
    "websocket",
    "trust-dns-resolver",
    "hickory-resolver",
    "quinn",
    "git2",
    "libgit2-sys",
    "ssh2",
    "lettre",
    "sentry",
    "opentelemetry",
    "self_update",
    "update-informer",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_dependency_can_talk_to_the_network() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--workspace",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    let names: std::collections::BTreeSet<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        names.contains("zip") && names.contains("peermark-ingest"),
        "{names:?}"
    );
    let found: Vec<&&str> = DENY.iter().filter(|d| names.contains(**d)).collect();
    assert!(
        found.is_empty(),
        "network-capable crates in peermark's dependencies: {found:?}; peermark must stay offline"
    );
}

#[test]
fn no_package_in_the_lock_file_can_talk_to_the_network() {
    // Cargo.lock lists every package of every platform, tests included.
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    assert!(names.contains(&"quick-xml"), "{names:?}");
    let found: Vec<&&str> = DENY.iter().filter(|d| names.contains(*d)).collect();
    assert!(
        found.is_empty(),
        "network-capable crates in Cargo.lock: {found:?}; peermark must stay offline"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn peermark_has_no_network_code_of_its_own() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for c in std::fs::read_dir(root().join("crates")).unwrap().flatten() {
        if c.path().join("src").is_dir() {
            rust_files(&c.path().join("src"), &mut files);
        }
    }
    assert!(files.len() > 10);
    for f in files {
        let s = std::fs::read_to_string(&f).unwrap();
        for needle in [
            "std::net",
            "TcpStream",
            "TcpListener",
            "UdpSocket",
            "ToSocketAddrs",
            "UnixStream",
        ] {
            assert!(!s.contains(needle), "{} uses {needle}", f.display());
        }
    }
}
