//! Servers a test starts in front of or beside the configured ones, on
//! loopback ports, and stops when dropped: PgBouncer in front of PostgreSQL.
//! A missing Debian package is installed with apt once per process.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static APT: Mutex<()> = Mutex::new(());

/// Installs Debian package `package` unless `binary` exists; panics, naming
/// the package, when that fails.
pub fn ensure_package(package: &str, binary: &str) {
    let _guard = APT.lock().unwrap_or_else(|e| e.into_inner());
    if Path::new(binary).exists() {
        return;
    }
    eprintln!("installing the Debian package `{package}` for this test");
    let status = Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends", package])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdout(Stdio::null())
        .status();
    assert!(
        matches!(status, Ok(s) if s.success()) && Path::new(binary).exists(),
        "`{binary}` is missing and `apt-get install {package}` failed: install it (as root)"
    );
}

/// A free loopback port (free when asked).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits up to `limit` for `127.0.0.1:port` to accept connections.
pub fn wait_for_port(port: u16, limit: Duration, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < limit,
            "{what} did not listen on 127.0.0.1:{port} within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| out.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// `host` and `port` of a server URL.
pub fn host_port(url: &str) -> (String, u16) {
    let authority = url.split("://").nth(1).unwrap().split('/').next().unwrap();
    let host_port = authority.rsplit('@').next().unwrap();
    match host_port.rsplit_once(':') {
        Some((host, port)) => (host.to_owned(), port.parse().unwrap()),
        None => (host_port.to_owned(), 5432),
    }
}

/// PgBouncer on a loopback port, in front of the PostgreSQL server of a URL.
pub struct PgBouncer {
    child: Child,
    _dir: tempfile::TempDir,
    pub port: u16,
}

impl PgBouncer {
    /// Starts PgBouncer with `pool_mode = mode` and two server connections
    /// per database (fewer than the runners, so they share them), in front of
    /// the server of `server_url` (user `postgres`, trust authentication).
    /// `ignore_extra_float_digits` adds the setting sqlx needs.
    pub fn start(server_url: &str, mode: &str, ignore_extra_float_digits: bool) -> PgBouncer {
        ensure_package("pgbouncer", "/usr/sbin/pgbouncer");
        let (host, server_port) = host_port(server_url);
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let ignore = match ignore_extra_float_digits {
            true => "ignore_startup_parameters = extra_float_digits\n",
            false => "",
        };
        let config = format!(
            "[databases]\n* = host={host} port={server_port}\n\n[pgbouncer]\n\
             listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             auth_type = trust\nauth_file = {}/users.txt\npool_mode = {mode}\n\
             default_pool_size = 2\nmax_client_conn = 200\n{ignore}",
            dir.path().display()
        );
        std::fs::write(dir.path().join("users.txt"), "\"postgres\" \"\"\n").unwrap();
        let ini = dir.path().join("pgbouncer.ini");
        std::fs::write(&ini, config).unwrap();
        // PgBouncer refuses to run as root: it switches to `postgres`, which
        // must read the directory.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut command = Command::new("/usr/sbin/pgbouncer");
        if is_root() {
            command.args(["-u", "postgres"]);
        }
        let child = command
            .arg(&ini)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pgbouncer starts");
        let bouncer = PgBouncer {
            child,
            _dir: dir,
            port,
        };
        wait_for_port(port, Duration::from_secs(10), "PgBouncer");
        bouncer
    }

    /// The URL of database `name` through PgBouncer.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// `program args..`, run as `postgres` when this process is root (the
/// server refuses root), panicking with its output when it fails.
fn as_postgres(program: &str, args: &[&str]) -> std::process::Output {
    let mut command = match is_root() {
        true => {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", program]);
            c
        }
        false => Command::new(program),
    };
    let out = command.args(args).stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The bin directory of the PostgreSQL that matches the server's major version.
fn postgres_bin(major: &str) -> String {
    let dir = format!("/usr/lib/postgresql/{major}/bin");
    assert!(
        Path::new(&dir).join("pg_basebackup").exists(),
        "no {dir}/pg_basebackup: install PostgreSQL {major}'s server package"
    );
    dir
}

/// A line of `pg_hba.conf` added for a test and taken out when dropped
/// (only if the file did not have it), with the configuration reloaded both times.
struct HbaLine {
    file: String,
    line: String,
    added: bool,
    admin: String,
}

impl HbaLine {
    fn ensure(admin: &str, file: &str, line: &str) -> HbaLine {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let added = !text.lines().any(|l| l.trim() == line);
        if added {
            std::fs::write(file, format!("{text}\n{line}\n")).unwrap();
            psql(admin, "SELECT pg_reload_conf()");
        }
        HbaLine {
            file: file.to_owned(),
            line: line.to_owned(),
            added,
            admin: admin.to_owned(),
        }
    }
}

impl Drop for HbaLine {
    fn drop(&mut self) {
        if !self.added {
            return;
        }
        if let Ok(text) = std::fs::read_to_string(&self.file) {
            let restored = text.replace(&format!("\n{}\n", self.line), "");
            std::fs::write(&self.file, restored).ok();
            let _ = std::panic::catch_unwind(|| psql(&self.admin, "SELECT pg_reload_conf()"));
        }
    }
}

/// Runs `sql` with `psql` on `url`; its output, trimmed.
pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([url, "-XAtqc", sql])
        .stdin(Stdio::null())
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A PostgreSQL hot standby of the server at a URL: a second cluster made
/// with `pg_basebackup`, streaming from it, on a loopback port; stopped
/// and deleted when dropped, with the server's `pg_hba.conf` as it was.
pub struct PgReplica {
    bin: String,
    data: String,
    _dir: tempfile::TempDir,
    _hba: HbaLine,
    pub port: u16,
}

impl PgReplica {
    /// Needs the server on this machine (its `pg_hba.conf` gets a
    /// replication line for 127.0.0.1 while the test runs).
    pub fn start(server_url: &str) -> PgReplica {
        let (host, server_port) = host_port(server_url);
        let major = psql(server_url, "SHOW server_version_num");
        let major = &major[..major.len() - 4];
        let bin = postgres_bin(major);
        let hba_file = psql(server_url, "SHOW hba_file");
        let hba = HbaLine::ensure(
            server_url,
            &hba_file,
            "host replication all 127.0.0.1/32 trust",
        );
        let dir = tempfile::tempdir().unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let data = dir.path().join("data").display().to_string();
        // A standby needs at least the primary's connection slots.
        let max_connections = psql(server_url, "SHOW max_connections");
        let port = free_port();
        as_postgres(
            &format!("{bin}/pg_basebackup"),
            &[
                "-h",
                &host,
                "-p",
                &server_port.to_string(),
                "-U",
                "postgres",
                "-D",
                &data,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ],
        );
        // Debian keeps the server's configuration outside its data directory.
        std::fs::write(
            format!("{data}/postgresql.conf"),
            format!(
                "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
                 hot_standby = on\nshared_buffers = 16MB\nmax_connections = {max_connections}\n\
                 fsync = off\n",
                dir.path().display()
            ),
        )
        .unwrap();
        std::fs::write(
            format!("{data}/pg_hba.conf"),
            "local all all trust\nhost all all 127.0.0.1/32 trust\n",
        )
        .unwrap();
        std::fs::write(format!("{data}/pg_ident.conf"), "").unwrap();
        if is_root() {
            Command::new("chown")
                .args(["-R", "postgres:postgres", &data])
                .status()
                .unwrap();
        }
        let log = format!("{}/replica.log", dir.path().display());
        as_postgres(
            &format!("{bin}/pg_ctl"),
            &["-D", &data, "-l", &log, "-w", "-t", "30", "start"],
        );
        wait_for_port(port, Duration::from_secs(10), "the PostgreSQL replica");
        PgReplica {
            bin,
            data,
            _dir: dir,
            _hba: hba,
            port,
        }
    }

    /// The URL of database `name` on the replica.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for PgReplica {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| {
            as_postgres(
                &format!("{}/pg_ctl", self.bin),
                &["-D", &self.data, "-m", "immediate", "-w", "stop"],
            )
        });
    }
}

/// A MariaDB server of its own (`mariadbd`) on a loopback port, its data in
/// a temporary directory; stopped when dropped. `root` has no password.
pub struct MariaDb {
    pub child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub port: u16,
    args: Vec<String>,
}

impl MariaDb {
    /// A new data directory (`mariadb-install-db`) and a server on it, with
    /// `args` added to the server's command line.
    pub fn start(args: &[String]) -> MariaDb {
        let mut server = MariaDb::new(true, args);
        server.launch(&[]);
        server
    }

    /// A server not started yet, its data directory made by
    /// `mariadb-install-db` when `install` (else empty, for a Galera joiner
    /// that receives it from the cluster).
    pub fn new(install: bool, args: &[String]) -> MariaDb {
        let dir = tempfile::tempdir().unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o777)).unwrap();
        if install {
            let mut command = Command::new("mariadb-install-db");
            command
                .arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                .args(["--auth-root-authentication-method=normal", "--skip-test-db"]);
            if is_root() {
                command.arg("--user=mysql");
            }
            let out = command
                .stdin(Stdio::null())
                .output()
                .expect("mariadb-install-db runs");
            assert!(
                out.status.success(),
                "mariadb-install-db: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        MariaDb {
            child: None,
            dir,
            port: free_port(),
            args: args.to_vec(),
        }
    }

    /// The server's command line (and `extra`), started, waited for.
    pub fn launch(&mut self, extra: &[String]) {
        let dir = self.dir.path().display().to_string();
        let mut command = Command::new("/usr/sbin/mariadbd");
        command
            .arg("--no-defaults")
            .arg(format!("--datadir={dir}/data"))
            .arg(format!("--port={}", self.port))
            .arg(format!("--socket={dir}/mysqld.sock"))
            .arg(format!("--pid-file={dir}/mysqld.pid"))
            .arg(format!("--log-error={dir}/error.log"))
            .args([
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=32M",
            ])
            .args(["--innodb-log-file-size=16M", "--performance-schema=OFF"])
            .args(&self.args)
            .args(extra);
        if is_root() {
            command.arg("--user=mysql");
        }
        self.child = Some(
            command
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("mariadbd starts"),
        );
        wait_for_port(
            self.port,
            Duration::from_secs(60),
            &format!("mariadbd ({dir}/error.log)"),
        );
    }

    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!("mysql://root@127.0.0.1:{}/{name}", self.port)
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().ok();
            child.wait().ok();
        }
    }

    /// The server's error log, for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for MariaDb {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `sql` with the `mariadb` client on the server at 127.0.0.1:`port` as root.
pub fn mariadb(port: u16, sql: &str) -> String {
    let out = Command::new("mariadb")
        .args([
            "-h",
            "127.0.0.1",
            "-P",
            &port.to_string(),
            "-u",
            "root",
            "-N",
            "-B",
            "-e",
            sql,
        ])
        .stdin(Stdio::null())
        .output()
        .expect("the mariadb client runs");
    assert!(
        out.status.success(),
        "mariadb -e {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A MariaDB Galera cluster of `n` nodes on loopback ports (Debian's
/// `galera-4`): the first bootstraps it, the others join by an rsync state
/// transfer. Stopped when dropped.
pub struct Galera {
    pub nodes: Vec<MariaDb>,
}

impl Galera {
    pub fn start(n: usize) -> Galera {
        ensure_package("galera-4", "/usr/lib/galera/libgalera_smm.so");
        ensure_package("rsync", "/usr/bin/rsync");
        let group: Vec<u16> = (0..n).map(|_| free_port()).collect();
        let address = group
            .iter()
            .map(|port| format!("127.0.0.1:{port}"))
            .collect::<Vec<_>>()
            .join(",");
        let mut nodes: Vec<MariaDb> = (0..n)
            .map(|i| {
                let (ist, sst) = (free_port(), free_port());
                let args = [
                    "--wsrep-on=ON".to_owned(),
                    "--wsrep-provider=/usr/lib/galera/libgalera_smm.so".to_owned(),
                    "--wsrep-cluster-name=fsync_test".to_owned(),
                    format!("--wsrep-cluster-address=gcomm://{address}"),
                    format!("--wsrep-node-address=127.0.0.1:{}", group[i]),
                    format!("--wsrep-node-name=node{}", i + 1),
                    format!(
                        "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:{};ist.recv_addr=127.0.0.1:{ist};gcache.size=32M",
                        group[i]
                    ),
                    "--wsrep-sst-method=rsync".to_owned(),
                    format!("--wsrep-sst-receive-address=127.0.0.1:{sst}"),
                    "--binlog-format=ROW".to_owned(),
                    "--innodb-autoinc-lock-mode=2".to_owned(),
                ];
                MariaDb::new(i == 0, &args)
            })
            .collect();
        nodes[0].launch(&["--wsrep-new-cluster".to_owned()]);
        for node in &mut nodes[1..] {
            node.launch(&[]);
        }
        let cluster = Galera { nodes };
        let start = Instant::now();
        for node in &cluster.nodes {
            loop {
                let state = Command::new("mariadb")
                    .args([
                        "-h",
                        "127.0.0.1",
                        "-P",
                        &node.port.to_string(),
                        "-u",
                        "root",
                        "-N",
                        "-B",
                    ])
                    .args(["-e", "SHOW STATUS LIKE 'wsrep_local_state_comment'"])
                    .output()
                    .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
                    .unwrap_or_default();
                if state.contains("Synced") {
                    break;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(120),
                    "Galera node on port {} not synced:\n{}",
                    node.port,
                    node.log()
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        cluster
    }
}
