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
