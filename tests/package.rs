//! `rudder package`, rendering from archives, hostile archives, and `rudder repo index`.

use crate::harness::{fails, fixture, ok, repo, run, scratch_copy};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs rudder with extra environment variables; expects success; returns stdout.
fn ok_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .envs(env.iter().copied())
        .output()
        .expect("rudder runs");
    assert!(out.status.success(), "rudder {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Packages `chart` into `dest`; returns the archive path and its printed sha256.
fn package(dir: &Path, chart: &str, dest: &Path, extra: &[&str]) -> (PathBuf, String) {
    let mut args = vec!["package", chart, "-d", dest.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = ok_env(dir, &args, &[]);
    let (sha, path) = out.trim_end().split_once("  ").expect("sha256  path");
    (PathBuf::from(path), sha.to_string())
}

/// The entries of an archive: path, mode, uid, gid, mtime, user and group names, type.
fn listing(archive: &Path) -> String {
    let bytes = std::fs::read(archive).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut out = String::new();
    for entry in tar.entries().unwrap() {
        let entry = entry.unwrap();
        let h = entry.header();
        out.push_str(&format!(
            "{:?} {:o} {}:{} mtime={} user={:?} group={:?} {}\n",
            h.entry_type(),
            h.mode().unwrap(),
            h.uid().unwrap(),
            h.gid().unwrap(),
            h.mtime().unwrap(),
            h.username().unwrap().unwrap_or(""),
            h.groupname().unwrap().unwrap_or(""),
            entry.path().unwrap().display()
        ));
    }
    out
}

fn entry_text(archive: &Path, wanted: &str) -> Option<String> {
    let bytes = std::fs::read(archive).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_str() == Some(wanted) {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            return Some(text);
        }
    }
    None
}

#[test]
fn journal_archive_layout() {
    let dest = tempfile::tempdir().unwrap();
    let (path, sha) = package(&repo(), "charts/journal", dest.path(), &[]);
    assert_eq!(path, dest.path().join("journal-0.1.0.tgz"));
    assert_eq!(sha.len(), 64);
    let bytes = std::fs::read(&path).unwrap();
    // gzip: no FNAME flag, mtime 0, OS unknown.
    assert_eq!((bytes[3], &bytes[4..8], bytes[9]), (0, &[0u8, 0, 0, 0][..], 255));
    insta::assert_snapshot!(listing(&path));
}

#[test]
fn same_bytes_twice_and_from_a_copy_with_other_mtimes() {
    let dest = tempfile::tempdir().unwrap();
    let (first, sha) = package(&repo(), "charts/journal", dest.path(), &[]);
    let first_bytes = std::fs::read(&first).unwrap();
    let (_, again) = package(&repo(), "charts/journal", dest.path(), &[]);
    assert_eq!(again, sha);
    // A copy of charts/ whose files all have another modification time.
    let copy = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(repo().join("charts")) {
        let entry = entry.unwrap();
        let target = copy.path().join(entry.path().strip_prefix(repo()).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            let file = std::fs::File::options().write(true).open(&target).unwrap();
            file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_234_567_890)).unwrap();
        }
    }
    let other = tempfile::tempdir().unwrap();
    let (copied, copy_sha) = package(copy.path(), "charts/journal", other.path(), &[]);
    assert_eq!(copy_sha, sha);
    assert_eq!(std::fs::read(copied).unwrap(), first_bytes);
}

#[test]
fn source_date_epoch_sets_every_entry_time() {
    let dest = tempfile::tempdir().unwrap();
    let args = ["package", "charts/redis", "-d", dest.path().to_str().unwrap()];
    let a = ok_env(&repo(), &args, &[("SOURCE_DATE_EPOCH", "1700000000")]);
    let b = ok_env(&repo(), &args, &[("SOURCE_DATE_EPOCH", "1700000000")]);
    let c = ok_env(&repo(), &args, &[]);
    assert_eq!(a, b);
    assert_ne!(a, c);
    let path = dest.path().join("redis-0.1.0.tgz");
    ok_env(&repo(), &args, &[("SOURCE_DATE_EPOCH", "1700000000")]);
    assert!(listing(&path).lines().all(|l| l.contains("mtime=1700000000")));
}

#[test]
fn a_packaged_chart_says_its_templates_are_tera() {
    let dest = tempfile::tempdir().unwrap();
    let (path, _) = package(&repo(), "charts/redis", dest.path(), &[]);
    let chart = entry_text(&path, "redis/Chart.yaml").unwrap();
    let source = std::fs::read_to_string(repo().join("charts/redis/Chart.yaml")).unwrap();
    assert_eq!(chart, format!("{source}annotations:\n  rudder.dev/templates: tera\n"));
    let (path, _) = package(&repo(), "charts/redis", dest.path(), &["--version", "2.0.0"]);
    assert!(entry_text(&path, "redis/Chart.yaml").unwrap().contains("rudder.dev/templates: tera"));
}

#[test]
fn version_and_app_version_flags_rewrite_chart_yaml() {
    let dest = tempfile::tempdir().unwrap();
    let (path, _) =
        package(&repo(), "charts/redis", dest.path(), &["--version", "2.0.0-rc.1", "--app-version", "7.2"]);
    assert_eq!(path, dest.path().join("redis-2.0.0-rc.1.tgz"));
    let chart = entry_text(&path, "redis/Chart.yaml").unwrap();
    assert!(chart.contains("version: 2.0.0-rc.1\n") && chart.contains("appVersion: \"7.2\"\n"), "{chart}");
    let out =
        run(&repo(), &["package", "charts/redis", "-d", dest.path().to_str().unwrap(), "--version", "two"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("--version \"two\" is not a semantic version"), "{}", out.stderr);
}

#[test]
fn helmignore_is_honoured_and_file_dependencies_are_vendored_under_their_alias() {
    let dir = scratch_copy("app");
    // Give the file:// dependency `optional` an alias; add files .helmignore leaves out.
    let chart_yaml = dir.path().join("parent/Chart.yaml");
    let text = std::fs::read_to_string(&chart_yaml).unwrap();
    std::fs::write(&chart_yaml, text.replace("- name: optional\n", "- name: optional\n  alias: extra\n"))
        .unwrap();
    let parent = dir.path().join("parent");
    std::fs::write(parent.join(".helmignore"), "# backups\n*.bak\n!keep.bak\ndocs/\n/top.txt\nfiles/*.tmp\n")
        .unwrap();
    std::fs::create_dir_all(parent.join("docs")).unwrap();
    std::fs::create_dir_all(parent.join("files/sub")).unwrap();
    for (path, ignored) in [
        ("notes.bak", true),              // *.bak at any depth
        ("keep.bak", false),              // re-included by !keep.bak
        ("docs/guide.md", true),          // docs/ is a directory rule
        ("top.txt", true),                // /top.txt is anchored at the root
        ("files/top.txt", false),         // ... so this one stays
        ("files/a.tmp", true),            // files/*.tmp
        ("files/sub/b.tmp", false),       // * does not cross /
        ("templates/.editor-swap", true), // Helm's built-in templates/.?*
    ] {
        std::fs::write(parent.join(path), if ignored { "ignored" } else { "kept" }).unwrap();
    }
    let files = listing(&package(dir.path(), "parent", dir.path(), &[]).0);
    let paths: Vec<&str> = files.lines().map(|l| l.rsplit(' ').next().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "parent/.helmignore",
            "parent/Chart.yaml",
            "parent/charts/child/Chart.yaml",
            "parent/charts/child/templates/configmap.yaml",
            "parent/charts/child/values.yaml",
            "parent/charts/extra/Chart.yaml",
            "parent/charts/extra/templates/configmap.yaml",
            "parent/charts/lib/Chart.yaml",
            "parent/charts/lib/templates/_lib.yaml",
            "parent/charts/unlisted/Chart.yaml",
            "parent/charts/unlisted/templates/service.yaml",
            "parent/files/greeting.txt",
            "parent/files/sub/b.tmp",
            "parent/files/top.txt",
            "parent/keep.bak",
            "parent/templates/NOTES.txt",
            "parent/templates/_partial.yaml",
            "parent/templates/configmap.yaml",
            "parent/templates/kinds.yaml",
            "parent/values.yaml",
        ]
    );
    // The archive renders as the directory does, alias included.
    let from_dir = ok(dir.path(), &["render", "--env", "base"]);
    assert!(from_dir.contains("parent/charts/extra/templates/configmap.yaml"), "{from_dir}");
    assert_eq!(ok(dir.path(), &["render", "parent-1.2.3.tgz", "--env", "base"]), from_dir);
}

#[test]
fn executable_files_keep_the_execute_bit() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch_copy("app");
    let script = dir.path().join("parent/files/run.sh");
    std::fs::write(&script, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    let files = listing(&package(dir.path(), "parent", dir.path(), &[]).0);
    assert!(
        files.contains("Regular 755 0:0 mtime=315532800 user=\"\" group=\"\" parent/files/run.sh\n"),
        "{files}"
    );
    assert!(
        files.contains("Regular 644 0:0 mtime=315532800 user=\"\" group=\"\" parent/files/greeting.txt\n")
    );
}

#[test]
fn rendering_from_the_archive_equals_rendering_from_the_directory() {
    let dest = tempfile::tempdir().unwrap();
    let (archive, _) = package(&repo(), "charts/journal", dest.path(), &[]);
    let archive = archive.to_str().unwrap();
    for env in ["dev", "cp-dev", "prod"] {
        assert_eq!(
            ok(&repo(), &["render", archive, "--env", env]),
            ok(&repo(), &["render", "--env", env]),
            "{env}"
        );
        assert_eq!(ok(&repo(), &["values", archive, "--env", env]), ok(&repo(), &["values", "--env", env]));
    }
    // diff compares the archive's render with the committed render: nothing changed.
    assert!(
        ok(&repo(), &["diff", archive, "--env", "prod"])
            .ends_with("0 changed, 0 added, 0 removed, 10 unchanged\n")
    );
    assert_eq!(
        ok(&repo(), &["show", "values", archive]),
        std::fs::read_to_string(repo().join("charts/journal/values.yaml")).unwrap()
    );
}

#[test]
fn packaged_subchart_archives_in_charts_are_read() {
    let dir = scratch_copy("app");
    let charts = dir.path().join("parent/charts");
    package(dir.path(), "parent/charts/child", &charts, &[]);
    std::fs::remove_dir_all(charts.join("child")).unwrap();
    let from_archive = ok(dir.path(), &["render", "--env", "base"]);
    assert_eq!(from_archive, ok(&fixture("app"), &["render", "--env", "base"]));
}

#[test]
fn a_failed_package_leaves_the_existing_archive() {
    let dir = scratch_copy("app");
    let (archive, sha) = package(dir.path(), "parent", dir.path(), &[]);
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("parent/files/escape")).unwrap();
    let err = fails(dir.path(), &["package", "parent", "-d", "."]);
    assert!(err.contains("symlink leads outside the chart"), "{err}");
    assert_eq!(rudder_sha(&archive), sha);
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".rudder-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

fn rudder_sha(path: &Path) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A raw archive entry: path, type, data.
type RawEntry<'a> = (&'a str, tar::EntryType, &'a [u8]);

/// Builds a gzipped tar from raw entries: (path, type, data). Headers are written as
/// given, so paths the tar crate would refuse can be made.
fn hostile(entries: &[RawEntry]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, kind, data) in entries {
        let mut header = tar::Header::new_old();
        let name = &mut header.as_old_mut().name;
        name[..path.len()].copy_from_slice(path.as_bytes());
        header.set_entry_type(*kind);
        header.set_mode(0o644);
        header.set_size(data.len() as u64);
        if matches!(kind, tar::EntryType::Symlink | tar::EntryType::Link) {
            header.set_link_name("/etc/passwd").unwrap();
        }
        header.set_cksum();
        builder.append(&header, *data).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar).unwrap();
    gz.finish().unwrap()
}

const CHART: &[u8] = b"apiVersion: v2\nname: c\nversion: 1.0.0\n";

#[test]
fn hostile_archive_entries_are_refused_by_name() {
    use tar::EntryType::{Block, Char, Fifo, Link, Regular, Symlink};
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, Vec<RawEntry>, &str)] = &[
        (
            "dotdot",
            vec![("c/Chart.yaml", Regular, CHART), ("c/../../evil", Regular, b"x")],
            "entry \"c/../../evil\": `..` is not allowed",
        ),
        (
            "absolute",
            vec![("/etc/c/Chart.yaml", Regular, CHART)],
            "entry \"/etc/c/Chart.yaml\": absolute paths are not allowed",
        ),
        (
            "drive",
            vec![("C:/c/Chart.yaml", Regular, CHART)],
            "entry \"C:/c/Chart.yaml\": drive paths are not allowed",
        ),
        (
            "backslash",
            vec![("c\\Chart.yaml", Regular, CHART)],
            "entry \"c\\\\Chart.yaml\": backslashes are not allowed",
        ),
        (
            "symlink",
            vec![("c/Chart.yaml", Regular, CHART), ("c/link", Symlink, b"")],
            "entry \"c/link\": links are not allowed",
        ),
        (
            "hardlink",
            vec![("c/Chart.yaml", Regular, CHART), ("c/hard", Link, b"")],
            "entry \"c/hard\": links are not allowed",
        ),
        (
            "chardev",
            vec![("c/Chart.yaml", Regular, CHART), ("c/tty", Char, b"")],
            "entry \"c/tty\": devices and FIFOs",
        ),
        (
            "blockdev",
            vec![("c/Chart.yaml", Regular, CHART), ("c/sda", Block, b"")],
            "entry \"c/sda\": devices and FIFOs",
        ),
        (
            "fifo",
            vec![("c/Chart.yaml", Regular, CHART), ("c/pipe", Fifo, b"")],
            "entry \"c/pipe\": devices and FIFOs",
        ),
        (
            "duplicate",
            vec![("c/Chart.yaml", Regular, CHART), ("c/Chart.yaml", Regular, CHART)],
            "entry \"c/Chart.yaml\": duplicate entry",
        ),
        (
            "two-tops",
            vec![("c/Chart.yaml", Regular, CHART), ("d/Chart.yaml", Regular, CHART)],
            "entry \"d/Chart.yaml\": a second top directory",
        ),
        (
            "no-top",
            vec![("Chart.yaml", Regular, CHART)],
            "entry \"Chart.yaml\": a file outside the chart's top directory",
        ),
    ];
    let mut all = String::new();
    for (name, entries, expected) in cases {
        let path = dir.path().join(format!("{name}.tgz"));
        std::fs::write(&path, hostile(entries)).unwrap();
        let err = fails(dir.path(), &["render", &format!("{name}.tgz")]);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.starts_with(&format!("error: {name}.tgz: ")), "{name}: {err}");
        all.push_str(&err);
    }
    insta::assert_snapshot!(all);
}

#[test]
fn a_pax_size_record_cannot_sneak_past_the_file_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = vec![b'a'; 5 * 1024 * 1024 + 1];
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header.set_size(CHART.len() as u64);
    header.set_cksum();
    builder.append_data(&mut header, "c/Chart.yaml", CHART).unwrap();
    builder.append_pax_extensions([("size", big.len().to_string().as_bytes())]).unwrap();
    let mut header = tar::Header::new_ustar();
    header.set_path("c/big").unwrap();
    header.set_size(0); // the USTAR field says empty; the PAX record says 5 MiB + 1
    header.set_cksum();
    builder.append(&header, big.as_slice()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &builder.into_inner().unwrap()).unwrap();
    std::fs::write(dir.path().join("pax.tgz"), gz.finish().unwrap()).unwrap();
    let err = fails(dir.path(), &["render", "pax.tgz"]);
    assert!(err.contains("entry \"c/big\": 5242881 bytes, over the limit"), "{err}");
}

#[test]
fn archive_size_and_entry_limits() {
    let dir = tempfile::tempdir().unwrap();
    let big = vec![b'a'; 5 * 1024 * 1024 + 1];
    std::fs::write(
        dir.path().join("big.tgz"),
        hostile(&[
            ("c/Chart.yaml", tar::EntryType::Regular, CHART),
            ("c/big", tar::EntryType::Regular, &big),
        ]),
    )
    .unwrap();
    let err = fails(dir.path(), &["render", "big.tgz"]);
    assert!(
        err.contains("entry \"c/big\": 5242881 bytes, over the limit of 5242880 bytes per file"),
        "{err}"
    );

    let five = vec![0u8; 5 * 1024 * 1024];
    let names: Vec<String> = (0..21).map(|i| format!("c/files/{i:02}")).collect();
    let mut entries = vec![("c/Chart.yaml", tar::EntryType::Regular, CHART)];
    entries.extend(names.iter().map(|n| (n.as_str(), tar::EntryType::Regular, five.as_slice())));
    std::fs::write(dir.path().join("total.tgz"), hostile(&entries)).unwrap();
    let err = fails(dir.path(), &["render", "total.tgz"]);
    assert!(
        err.contains("entry \"c/files/19\": the chart's files exceed the limit of 104857600 bytes"),
        "{err}"
    );

    let names: Vec<String> = (0..10_001).map(|i| format!("c/f{i}")).collect();
    let mut entries = vec![("c/Chart.yaml", tar::EntryType::Regular, CHART)];
    entries.extend(names.iter().map(|n| (n.as_str(), tar::EntryType::Regular, &b""[..])));
    std::fs::write(dir.path().join("many.tgz"), hostile(&entries)).unwrap();
    let err = fails(dir.path(), &["render", "many.tgz"]);
    assert!(err.contains("many.tgz: the archive has more than 10000 entries"), "{err}");

    std::fs::write(dir.path().join("plain.tgz"), CHART).unwrap();
    let err = fails(dir.path(), &["render", "plain.tgz"]);
    assert_eq!(err, "error: plain.tgz: not a chart directory or a gzipped chart archive\n");
}

#[test]
fn repo_index_is_stable_and_keeps_created_dates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    package(&repo(), "charts/journal", dir.path(), &[]);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    package(&repo(), "charts/redis", &dir.path().join("sub"), &[]);
    let epoch = [("SOURCE_DATE_EPOCH", "1700000000")];
    let args = ["repo", "index", d, "--url", "https://charts.example.com/stable/"];
    assert_eq!(ok_env(&repo(), &args, &epoch), format!("wrote {d}/index.yaml\n"));
    let first = std::fs::read_to_string(dir.path().join("index.yaml")).unwrap();
    insta::assert_snapshot!(first);
    // Again, at another time, with no new archive: the same file.
    ok_env(&repo(), &args, &[("SOURCE_DATE_EPOCH", "1800000000")]);
    assert_eq!(std::fs::read_to_string(dir.path().join("index.yaml")).unwrap(), first);
    ok_env(&repo(), &args, &[]);
    assert_eq!(std::fs::read_to_string(dir.path().join("index.yaml")).unwrap(), first);
    // A new version is dated now; the old entries keep their dates.
    package(&repo(), "charts/redis", &dir.path().join("sub"), &["--version", "0.2.0"]);
    ok_env(&repo(), &args, &[("SOURCE_DATE_EPOCH", "1800000000")]);
    let second = std::fs::read_to_string(dir.path().join("index.yaml")).unwrap();
    assert_eq!(second.matches("created: \"2023-11-14T22:13:20Z\"").count(), 2, "{second}");
    assert_eq!(second.matches("created: \"2027-01-15T08:00:00Z\"").count(), 1, "{second}");
    let redis = &second[second.find("  redis:\n").unwrap()..];
    assert!(
        redis.find("version: \"0.2.0\"").unwrap() < redis.find("version: \"0.1.0\"").unwrap(),
        "newest first"
    );
    assert!(second.ends_with("generated: \"2027-01-15T08:00:00Z\"\n"), "{second}");
}

#[test]
fn repo_index_merge_keeps_entries_without_a_local_archive() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    package(&repo(), "charts/journal", dir.path(), &[]);
    let old = dir.path().join("old-index.yaml");
    std::fs::write(
        &old,
        "apiVersion: v1\nentries:\n  legacy:\n  - name: legacy\n    version: 0.9.0\n    created: \"2020-01-01T00:00:00Z\"\n    digest: abc\n    urls: [https://old.example.com/legacy-0.9.0.tgz]\n",
    )
    .unwrap();
    ok_env(
        &repo(),
        &["repo", "index", d, "--merge", old.to_str().unwrap()],
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    let index = std::fs::read_to_string(dir.path().join("index.yaml")).unwrap();
    assert!(index.contains("  legacy:\n  - created: \"2020-01-01T00:00:00Z\"\n"), "{index}");
    assert!(index.contains("  journal:\n"), "{index}");
    assert!(index.contains("    - journal-0.1.0.tgz\n"), "{index}");
}

#[test]
fn an_archive_must_vendor_its_file_dependencies() {
    let dir = tempfile::tempdir().unwrap();
    let chart =
        b"apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: x\n  repository: file://../x\n";
    std::fs::write(dir.path().join("c.tgz"), hostile(&[("c/Chart.yaml", tar::EntryType::Regular, chart)]))
        .unwrap();
    let err = fails(dir.path(), &["render", "c.tgz"]);
    assert_eq!(
        err,
        "error: c.tgz: dependency \"x\" (file://../x) is not vendored in the archive's charts/\n"
    );
}

#[test]
fn concatenated_gzip_members_read_as_one_archive() {
    let dir = tempfile::tempdir().unwrap();
    let values = b"greeting: hello\n";
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in [("c/Chart.yaml", CHART), ("c/values.yaml", &values[..])] {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        builder.append_data(&mut header, path, data).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut joined = Vec::new();
    for half in [&tar[..1024], &tar[1024..]] {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, half).unwrap();
        joined.extend(gz.finish().unwrap());
    }
    std::fs::write(dir.path().join("c.tgz"), joined).unwrap();
    assert_eq!(ok(dir.path(), &["values", "c.tgz"]), "greeting: hello\n");
}
